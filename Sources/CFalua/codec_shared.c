// The pieces both wire codecs use; see falua_codec_shared.h.
#include "falua_codec_shared.h"

#include <lua5.4/lauxlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// MARK: - null

// The sentinel's identity is this object's address; its contents only help someone reading memory.
static char null_object[] = "fal.null";

void falua_push_null(lua_State *L) { lua_pushlightuserdata(L, null_object); }

int falua_is_null(lua_State *L, int idx) {
  return lua_type(L, idx) == LUA_TLIGHTUSERDATA && lua_touserdata(L, idx) == (void *)null_object;
}

// MARK: - markers

static void push_marker(lua_State *L, const char *key, const char *name) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_createtable(L, 0, 1);
  lua_pushstring(L, name);
  lua_setfield(L, -2, "__name");
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, key);
}

void falua_push_markers(lua_State *L) {
  push_marker(L, FALUA_ARRAY_MARKER_KEY, "fal.array");
  push_marker(L, FALUA_OBJECT_MARKER_KEY, "fal.object");
}

falua_marker falua_marker_at(lua_State *L, int idx, int markers) {
  if (!lua_getmetatable(L, idx)) return FALUA_UNMARKED;
  falua_marker m = FALUA_UNMARKED;
  if (lua_rawequal(L, -1, markers)) m = FALUA_MARKED_ARRAY;
  else if (lua_rawequal(L, -1, markers + 1)) m = FALUA_MARKED_OBJECT;
  lua_pop(L, 1);
  return m;
}

static int mark(lua_State *L, int which) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  falua_push_markers(L);
  lua_pushvalue(L, which == FALUA_MARKED_ARRAY ? 2 : 3);
  lua_setmetatable(L, 1);
  lua_settop(L, 1);
  return 1;
}

int falua_mark_array(lua_State *L) { return mark(L, FALUA_MARKED_ARRAY); }
int falua_mark_object(lua_State *L) { return mark(L, FALUA_MARKED_OBJECT); }

// MARK: - UTF-8

static inline int is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Unicode's table of well-formed byte sequences (Table 3-7): the second byte's range depends on the
// lead byte, which is what rules out overlongs (E0, F0), surrogates (ED) and > U+10FFFF (F4).
size_t falua_utf8_sequence(const unsigned char *s, const unsigned char *end) {
  unsigned char c = s[0];
  size_t avail = (size_t)(end - s);
  if (c < 0x80) return 1;
  if (c < 0xC2) return 0;  // continuation byte, or C0/C1 (overlong two-byte forms)
  if (c < 0xE0) return (avail >= 2 && is_continuation(s[1])) ? 2 : 0;
  if (c < 0xF0) {
    if (avail < 3) return 0;
    unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    return (s[1] >= lo && s[1] <= hi && is_continuation(s[2])) ? 3 : 0;
  }
  if (c < 0xF5) {
    if (avail < 4) return 0;
    unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    return (s[1] >= lo && s[1] <= hi && is_continuation(s[2]) && is_continuation(s[3])) ? 4 : 0;
  }
  return 0;
}

size_t falua_utf8_invalid_at(const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str, *p = s, *end = s + len;
  while (p < end) {
    // ASCII text dominates: skip it eight bytes at a time.
    while (end - p >= 8) {
      uint64_t w;
      memcpy(&w, p, 8);
      if (w & 0x8080808080808080ULL) break;
      p += 8;
    }
    if (p == end) break;
    if (*p < 0x80) {
      p++;
      continue;
    }
    size_t n = falua_utf8_sequence(p, end);
    if (n == 0) return (size_t)(p - s);
    p += n;
  }
  return len;
}

// MARK: - buffers

typedef struct {
  int count;
  falua_buffer buffers[];
} buffer_set;

static const char *const buffer_set_mt = "falua.codec.buffers";

static int buffer_set_free(lua_State *L) {
  buffer_set *set = (buffer_set *)lua_touserdata(L, 1);
  for (int i = 0; i < set->count; i++) {
    free(set->buffers[i].data);
    set->buffers[i] = (falua_buffer){0};
  }
  return 0;
}

falua_buffer *falua_push_buffers(lua_State *L, int count) {
  buffer_set *set =
      (buffer_set *)lua_newuserdatauv(L, sizeof(buffer_set) + (size_t)count * sizeof(falua_buffer), 0);
  set->count = count;
  for (int i = 0; i < count; i++) set->buffers[i] = (falua_buffer){0};
  if (luaL_newmetatable(L, buffer_set_mt)) {
    lua_pushcfunction(L, buffer_set_free);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, buffer_set_free);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_toclose(L, -1);
  return set->buffers;
}

void falua_buffer_grow(lua_State *L, falua_buffer *b, size_t n) {
  if (n > SIZE_MAX / 2 - b->len) luaL_error(L, "not enough memory");
  size_t need = b->len + n, cap = b->cap ? b->cap : 256;
  while (cap < need) cap *= 2;
  char *data = (char *)realloc(b->data, cap);
  if (data == NULL) luaL_error(L, "not enough memory");
  b->data = data;
  b->cap = cap;
}

static const char quoted_hex[] = "0123456789abcdef";

void falua_add_quoted(luaL_Buffer *b, const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s, *end = p + n;
  while (p < end) {
    unsigned char c = *p;
    size_t len = c >= 0x80 ? falua_utf8_sequence(p, end) : 1;
    if (c == '"' || c == '\\') {
      luaL_addchar(b, '\\');
      luaL_addchar(b, (char)c);
    } else if (c == '\n') {
      luaL_addstring(b, "\\n");
    } else if (c == '\t') {
      luaL_addstring(b, "\\t");
    } else if (c == '\r') {
      luaL_addstring(b, "\\r");
    } else if (c < 0x20 || c == 0x7F || len == 0) {
      char hex[5] = {'\\', 'x', quoted_hex[c >> 4], quoted_hex[c & 15], 0};
      luaL_addstring(b, hex);
      len = 1;
    } else {
      luaL_addlstring(b, (const char *)p, len);
    }
    p += len;
  }
}

static int is_identifier(const char *s, size_t n) {
  if (n == 0 || (s[0] >= '0' && s[0] <= '9')) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return 0;
  }
  return 1;
}

// A deep path shows this many steps at each end and says how many it left out between them, so
// that the message stays short (a 1000-deep value would otherwise print 1000 steps).
#define PATH_EDGE 5

void falua_raise_at_path(lua_State *L, const char *name, const falua_path_frame *frames, int depth,
                         const char *fmt, va_list args) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, name);
  for (int i = 1; i <= depth; i++) {
    if (i == PATH_EDGE + 1 && depth > 3 * PATH_EDGE) {
      lua_pushfstring(L, "[...%d more...]", depth - 2 * PATH_EDGE);
      luaL_addvalue(&b);
      i = depth - PATH_EDGE;
      continue;
    }
    const falua_path_frame *f = &frames[i];
    if (f->key == NULL) {
      lua_pushfstring(L, "[%I]", (LUAI_UACINT)f->index);
      luaL_addvalue(&b);
    } else if (is_identifier(f->key, f->key_len)) {
      luaL_addchar(&b, '.');
      luaL_addlstring(&b, f->key, f->key_len);
    } else {
      luaL_addstring(&b, "[\"");
      falua_add_quoted(&b, f->key, f->key_len);
      luaL_addstring(&b, "\"]");
    }
  }
  luaL_addstring(&b, ": ");
  lua_pushvfstring(L, fmt, args);
  luaL_addvalue(&b);
  luaL_pushresult(&b);
  lua_error(L);
  __builtin_unreachable();
}
