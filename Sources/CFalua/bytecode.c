// Lua source to bytecode, for the build tool that embeds the stdlib: loading bytecode takes a tenth
// of the time compiling the source does, which is most of a start-up (docs/design.md, "Start-up").
#include "falua_bytecode.h"

#include <lua5.4/lauxlib.h>
#include <stdlib.h>
#include <string.h>

struct output {
  unsigned char *bytes;
  size_t length, capacity;
};

static int append(lua_State *L, const void *data, size_t size, void *context) {
  (void)L;
  struct output *out = context;
  if (out->length + size > out->capacity) {
    size_t capacity = (out->length + size) * 2;
    unsigned char *grown = realloc(out->bytes, capacity);
    if (!grown) return 1;
    out->bytes = grown;
    out->capacity = capacity;
  }
  memcpy(out->bytes + out->length, data, size);
  out->length += size;
  return 0;
}

char *falua_compile(const char *source, size_t length, const char *name, unsigned char **bytecode, size_t *size) {
  lua_State *L = luaL_newstate();
  if (!L) return strdup("out of memory");
  struct output out = {0};
  char *error = NULL;
  if (luaL_loadbuffer(L, source, length, name) != LUA_OK) {
    error = strdup(lua_tostring(L, -1));
  } else if (lua_dump(L, append, &out, 0) != 0) {  // 0: keep line numbers for error messages
    error = strdup("out of memory");
  }
  lua_close(L);
  if (error) {
    free(out.bytes);
    return error;
  }
  *bytecode = out.bytes;
  *size = out.length;
  return NULL;
}
