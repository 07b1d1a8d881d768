// What the codec fuzz targets share: each input goes to a Lua property function, run with `json`
// and `msgpack` opened. A property that raises is a finding, so it
// aborts, and libFuzzer keeps the input.
#ifndef FALUA_FUZZ_LUA_PROPERTY_H
#define FALUA_FUZZ_LUA_PROPERTY_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "CFalua.h"

static int traceback(lua_State *L) {
  luaL_traceback(L, L, lua_tostring(L, 1), 1);
  return 1;
}

// Runs property(input) in a fresh state, closed afterwards: the codecs' buffers are malloc'd, and
// with nothing left over between inputs libFuzzer's leak check can tell whether they were freed.
static void run_property(const char *chunk, const uint8_t *data, size_t size) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  falua_open_json(L);
  lua_setglobal(L, "json");
  falua_open_msgpack(L);
  lua_setglobal(L, "msgpack");
  lua_pushcfunction(L, traceback);
  if (luaL_loadstring(L, chunk) != LUA_OK || lua_pcall(L, 0, 1, 1) != LUA_OK) {
    fprintf(stderr, "property does not load: %s\n", lua_tostring(L, -1));
    abort();
  }
  lua_pushlstring(L, (const char *)data, size);
  if (lua_pcall(L, 1, 0, 1) != LUA_OK) {
    fprintf(stderr, "property failed: %s\n", lua_tostring(L, -1));
    abort();
  }
  lua_close(L);
}

#endif
