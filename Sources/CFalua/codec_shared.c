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

// MARK: - nesting limit

// Its address keys the state's limit in the registry.
static const char max_depth_key = 0;

void falua_set_max_depth(lua_State *L, int max_depth) {
  lua_pushinteger(L, max_depth);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &max_depth_key);
}

int falua_max_depth(lua_State *L) {
  int max_depth = lua_rawgetp(L, LUA_REGISTRYINDEX, &max_depth_key) == LUA_TNUMBER ? (int)lua_tointeger(L, -1)
                                                                                   : FALUA_MAX_DEPTH;
  lua_pop(L, 1);
  return max_depth;
}

int falua_check_max_depth(lua_State *L, int arg) {
  int ok;
  lua_Integer n = lua_tointegerx(L, -1, &ok);
  if (!ok || lua_type(L, -1) != LUA_TNUMBER || n < 1 || n > FALUA_MAX_DEPTH_CEILING)
    luaL_argerror(L, arg,
                  "option 'max_depth' must be an integer from 1 to " FALUA_STRINGIFY(FALUA_MAX_DEPTH_CEILING)
                  " (deeper nesting could overflow the C stack)");
  return (int)n;
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

// MARK: - encoder skeleton

static const char quoted_hex[] = "0123456789abcdef";

// Adds `s` as the body of a quoted string: quotes, backslashes, control characters and invalid
// UTF-8 bytes are escaped, so any key prints on one line.
static void add_quoted(luaL_Buffer *b, const char *s, size_t n) {
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

void falua_encode_error(falua_encoder *e, int depth, const char *fmt, ...) {
  lua_State *L = e->L;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, e->name);
  for (int i = 1; i <= depth; i++) {
    if (i == PATH_EDGE + 1 && depth > 3 * PATH_EDGE) {
      lua_pushfstring(L, "[...%d more...]", depth - 2 * PATH_EDGE);
      luaL_addvalue(&b);
      i = depth - PATH_EDGE;
      continue;
    }
    const falua_path_frame *f = falua_frame_at(e, i);
    if (f->key == NULL) {
      lua_pushfstring(L, "[%I]", (LUAI_UACINT)f->index);
      luaL_addvalue(&b);
    } else if (is_identifier(f->key, f->key_len)) {
      luaL_addchar(&b, '.');
      luaL_addlstring(&b, f->key, f->key_len);
    } else {
      luaL_addstring(&b, "[\"");
      add_quoted(&b, f->key, f->key_len);
      luaL_addstring(&b, "\"]");
    }
  }
  luaL_addstring(&b, ": ");
  va_list args;
  va_start(args, fmt);
  lua_pushvfstring(L, fmt, args);
  va_end(args);
  luaL_addvalue(&b);
  luaL_pushresult(&b);
  lua_error(L);
  __builtin_unreachable();
}

void falua_encoder_open(lua_State *L, falua_encoder *e, lua_Integer *indent, int max_indent) {
  luaL_checkany(L, 1);
  e->max_depth = 0;
  // `encode(fal.run(...))` passes the request info second: options are plain tables, while the
  // info, like every decoded object, has a metatable, so it is not read as options.
  int options = !lua_isnoneornil(L, 2);
  if (options && lua_type(L, 2) == LUA_TTABLE && lua_getmetatable(L, 2)) {
    lua_pop(L, 1);
    options = 0;
  }
  if (options) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      if (key != NULL && strcmp(key, "name") == 0) {
        if (lua_type(L, -1) != LUA_TSTRING) luaL_argerror(L, 2, "option 'name' must be a string");
      } else if (key != NULL && strcmp(key, "max_depth") == 0) {
        e->max_depth = falua_check_max_depth(L, 2);
      } else if (key != NULL && indent != NULL && strcmp(key, "indent") == 0) {
        int ok;
        lua_Integer n = lua_tointegerx(L, -1, &ok);  // integral floats too, as luaL_checkinteger does
        if (!ok || lua_type(L, -1) != LUA_TNUMBER || n < 0 || n > max_indent)
          luaL_argerror(L, 2, lua_pushfstring(L, "option 'indent' must be an integer from 0 to %d", max_indent));
        *indent = n;
      } else {
        luaL_argerror(L, 2, lua_pushfstring(L, "unknown option '%s'", key ? key : luaL_typename(L, -2)));
      }
      lua_pop(L, 1);
    }
  }
  lua_settop(L, 2);
  if (e->max_depth == 0) e->max_depth = falua_max_depth(L);
  e->L = L;
  e->name = "value";
  if (lua_istable(L, 2)) {
    lua_pushliteral(L, "name");
    if (lua_rawget(L, 2) == LUA_TSTRING) e->name = lua_tostring(L, 3);
  }
  lua_settop(L, 3);  // 3: the name, kept on the stack while e->name points into it
  falua_push_markers(L);  // 4, 5
  e->markers = 4;
}

int falua_compare_keys(const void *a, const void *b) {
  const falua_key *x = (const falua_key *)a, *y = (const falua_key *)b;
  int c = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
  if (c != 0) return c;
  return (x->len > y->len) - (x->len < y->len);
}

// Pushes a readable rendering of the key at `idx` for error messages: "name", 3, true, 1.5.
static const char *key_repr(lua_State *L, int idx) {
  switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
      size_t n;
      const char *s = lua_tolstring(L, idx, &n);
      luaL_Buffer b;
      luaL_buffinit(L, &b);
      luaL_addchar(&b, '"');
      add_quoted(&b, s, n);
      luaL_addchar(&b, '"');
      luaL_pushresult(&b);
      return lua_tostring(L, -1);
    }
    case LUA_TNUMBER:
    case LUA_TBOOLEAN: return luaL_tolstring(L, idx, NULL);
    default: return lua_pushfstring(L, "of type %s", luaL_typename(L, idx));
  }
}

// Pushes the rendering of the table's least string key, so that a message does not depend on the
// traversal order. Only on the way to an error.
static const char *least_string_key(lua_State *L, int t) {
  falua_key least = {NULL, 0};
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING) continue;
    falua_key k;
    k.key = lua_tolstring(L, -1, &k.len);
    if (least.key == NULL || falua_compare_keys(&k, &least) < 0) least = k;
  }
  lua_pushlstring(L, least.key, least.len);
  return key_repr(L, -1);
}

falua_table_shape falua_classify_table(falua_encoder *e, int depth) {
  lua_State *L = e->L;
  int t = lua_gettop(L);
  const void *self = lua_topointer(L, t);
  for (int i = 0; i < depth; i++) {
    if (falua_frame_at(e, i)->table == self) falua_encode_error(e, depth, "cycle detected");
  }
  if (depth >= e->max_depth) falua_encode_error(e, depth, "nesting deeper than %d", e->max_depth);
  if (!lua_checkstack(L, 6)) falua_encode_error(e, depth, "out of Lua stack space");
  falua_frame_at(e, depth)->table = self;

  falua_marker marker = falua_marker_at(L, t, e->markers);
  int any_keys = e->any_object_keys && marker == FALUA_MARKED_OBJECT;
  falua_table_shape shape = {0, 0, e->keys ? e->keys->len / sizeof(falua_key) : 0};
  lua_Integer ints = 0, strings = 0, others = 0, min = LUA_MAXINTEGER, max = LUA_MININTEGER;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    int type = lua_type(L, -1);
    if (type == LUA_TSTRING) {
      if (e->keys) {
        falua_key *k = (falua_key *)falua_buffer_reserve(L, e->keys, sizeof(falua_key));
        k->key = lua_tolstring(L, -1, &k->len);
        e->keys->len += sizeof(falua_key);
      }
      strings++;
    } else if (lua_isinteger(L, -1)) {
      lua_Integer i = lua_tointeger(L, -1);
      ints++;
      if (i < min) min = i;
      if (i > max) max = i;
    } else if (any_keys && (type == LUA_TNUMBER || type == LUA_TBOOLEAN)) {
      others++;
    } else if (e->any_object_keys && (type == LUA_TNUMBER || type == LUA_TBOOLEAN)) {
      falua_encode_error(e, depth, "unsupported key %s (use fal.object)", key_repr(L, -1));
    } else {
      falua_encode_error(e, depth, "unsupported key %s", key_repr(L, -1));
    }
  }
  if (marker == FALUA_MARKED_OBJECT) {
    if (ints > 0 && !e->any_object_keys)
      falua_encode_error(e, depth, "object has non-string key %I", (LUAI_UACINT)min);
    shape.count = ints + strings + others;
    return shape;
  }
  if (marker == FALUA_UNMARKED && ints == 0) {  // also an empty unmarked table: {}
    shape.count = strings;
    return shape;
  }
  if (strings > 0) {
    const char *key = least_string_key(L, t);
    if (marker == FALUA_MARKED_ARRAY) falua_encode_error(e, depth, "array has string key %s", key);
    falua_encode_error(e, depth, "mixed table: integer key %I and string key %s", (LUAI_UACINT)min, key);
  }
  if (ints > 0 && min < 1) falua_encode_error(e, depth, "invalid array index %I", (LUAI_UACINT)min);
  if (ints > 0 && max != ints) {  // keys are distinct integers in 1..max, so one is missing
    lua_Integer i = 1;
    while (lua_rawgeti(L, t, i) != LUA_TNIL) {
      lua_pop(L, 1);
      i++;
    }
    falua_encode_error(e, depth, "sparse array: missing index %I", (LUAI_UACINT)i);
  }
  shape.is_array = 1;
  shape.count = ints;
  return shape;
}

// MARK: - decoder

void falua_raise_after(lua_State *L, const char *fmt, va_list args) {
  lua_pushvfstring(L, fmt, args);
  lua_concat(L, 2);
  lua_error(L);
  __builtin_unreachable();
}
