// msgpack <-> Lua values on msgpuck. The encoder walks the value depth-first into a growable
// buffer, keeping one frame per depth so an error can name its path (`value.images[2]`) and so
// cycles are found among the ancestors; the decoder validates the whole input with mp_check first,
// so the mp_decode_* calls after it never read past the end.
#include <lua5.4/lauxlib.h>
#include <lua5.4/lua.h>
#include <math.h>
#include <msgpuck.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "falua_msgpack.h"

#define NORETURN __attribute__((noreturn))
#define MAX_DEPTH 1000

// MARK: - bytes

static void push_bytes_marker(lua_State *L) {
  if (luaL_newmetatable(L, FALUA_BYTES_MARKER_KEY)) {
    lua_pushliteral(L, "fal.bytes");
    lua_setfield(L, -2, "__name");
  }
}

int falua_msgpack_bytes(lua_State *L) {
  luaL_checktype(L, 1, LUA_TSTRING);
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, -2, "data");
  push_bytes_marker(L);
  lua_setmetatable(L, -2);
  return 1;
}

// MARK: - Encoder

// How the encoder reached the value at one depth.
typedef falua_path_frame frame;

typedef struct {
  lua_State *L;
  falua_buffer *out;
  falua_buffer *frames;
  const char *name;
  int markers;  // stack index of the array marker; the object marker follows it
  int bytes;    // stack index of the bytes marker
} encoder;

static inline frame *frame_at(encoder *e, int depth) { return (frame *)e->frames->data + depth; }

// Raises "<path>: <reason>", the path leading to the value at `depth`.
static NORETURN void pack_error(encoder *e, int depth, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  falua_raise_at_path(e->L, e->name, frame_at(e, 0), depth, fmt, args);
}

// The most bytes any single msgpack header or scalar takes.
#define MAX_HEADER 9

static inline char *reserve(encoder *e, size_t n) { return falua_buffer_reserve(e->L, e->out, n); }

static inline void advance(encoder *e, const char *to) { e->out->len = (size_t)(to - e->out->data); }

static void put_string(encoder *e, const char *s, size_t n, int depth, int force_bin) {
  if (n > UINT32_MAX) pack_error(e, depth, "string longer than 4 GiB");
  char *w = reserve(e, MAX_HEADER + n);
  int bin = force_bin || falua_utf8_invalid_at(s, n) != n;
  w = bin ? mp_encode_binl(w, (uint32_t)n) : mp_encode_strl(w, (uint32_t)n);
  if (n > 0) memcpy(w, s, n);
  advance(e, w + n);
}

static void put_number(encoder *e, int idx, int depth) {
  lua_State *L = e->L;
  char *w = reserve(e, MAX_HEADER);
  if (lua_isinteger(L, idx)) {
    lua_Integer i = lua_tointeger(L, idx);
    w = i < 0 ? mp_encode_int(w, (int64_t)i) : mp_encode_uint(w, (uint64_t)i);
  } else {
    double x = (double)lua_tonumber(L, idx);
    if (isnan(x)) pack_error(e, depth, "cannot pack NaN");
    if (isinf(x)) pack_error(e, depth, "cannot pack %s", x > 0 ? "inf" : "-inf");
    w = mp_encode_double(w, x);
  }
  advance(e, w);
}

static void pack_value(encoder *e, int depth);

static void reserve_frame(encoder *e, int depth) {
  size_t need = ((size_t)depth + 1) * sizeof(frame);
  if (e->frames->len < need) {
    falua_buffer_reserve(e->L, e->frames, need - e->frames->len);
    e->frames->len = need;
  }
}

// Packs the value on the stack top as the element at `depth + 1`, then pops it.
static void pack_child(encoder *e, int depth) {
  pack_value(e, depth + 1);
  lua_pop(e->L, 1);
}

static void pack_array(encoder *e, int t, int depth, lua_Integer count) {
  lua_State *L = e->L;
  if (count > UINT32_MAX) pack_error(e, depth, "array too long");
  advance(e, mp_encode_array(reserve(e, MAX_HEADER), (uint32_t)count));
  reserve_frame(e, depth + 1);
  for (lua_Integer i = 1; i <= count; i++) {
    frame *f = frame_at(e, depth + 1);
    f->key = NULL;
    f->index = i;
    lua_rawgeti(L, t, i);
    pack_child(e, depth);
  }
}

static void pack_map(encoder *e, int t, int depth, lua_Integer count) {
  lua_State *L = e->L;
  if (count > UINT32_MAX) pack_error(e, depth, "map too large");
  advance(e, mp_encode_map(reserve(e, MAX_HEADER), (uint32_t)count));
  reserve_frame(e, depth + 1);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    frame *f = frame_at(e, depth + 1);
    f->table = NULL;
    switch (lua_type(L, -2)) {
      case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, -2, &n);
        f->key = s;
        f->key_len = n;
        put_string(e, s, n, depth + 1, 0);
        break;
      }
      case LUA_TNUMBER:
        f->key = NULL;
        f->index = lua_isinteger(L, -2) ? lua_tointeger(L, -2) : 0;
        put_number(e, -2, depth + 1);
        break;
      default:  // boolean: the only other key type `classify` lets through
        f->key = NULL;
        f->index = 0;
        advance(e, mp_encode_bool(reserve(e, 1), lua_toboolean(L, -2)));
    }
    pack_child(e, depth);
  }
}

// Writes the table on the stack top. An unmarked table with keys 1..n is an array, with string
// keys a map; an object-marked table may hold integer, float and boolean keys too (what `unpack`
// gives for such maps); anything else raises, as in the JSON codec.
static void pack_table(encoder *e, int depth) {
  lua_State *L = e->L;
  int t = lua_gettop(L);
  const void *self = lua_topointer(L, t);
  if (lua_getmetatable(L, t)) {
    int is_bytes = lua_rawequal(L, -1, e->bytes);
    lua_pop(L, 1);
    if (is_bytes) {
      if (lua_getfield(L, t, "data") != LUA_TSTRING) pack_error(e, depth, "bytes value without data");
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      put_string(e, s, n, depth, 1);
      lua_pop(L, 1);
      return;
    }
  }
  for (int i = 0; i < depth; i++) {
    if (frame_at(e, i)->table == self) pack_error(e, depth, "cycle detected");
  }
  if (depth >= MAX_DEPTH) pack_error(e, depth, "nesting deeper than %d", MAX_DEPTH);
  if (!lua_checkstack(L, 6)) pack_error(e, depth, "out of Lua stack space");
  frame_at(e, depth)->table = self;

  falua_marker marker = falua_marker_at(L, t, e->markers);
  lua_Integer ints = 0, others = 0, strings = 0, min = LUA_MAXINTEGER, max = LUA_MININTEGER;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    int type = lua_type(L, -1);
    if (type == LUA_TSTRING) {
      strings++;
    } else if (lua_isinteger(L, -1)) {
      lua_Integer i = lua_tointeger(L, -1);
      ints++;
      if (i < min) min = i;
      if (i > max) max = i;
    } else if (type == LUA_TNUMBER || type == LUA_TBOOLEAN) {
      others++;
    } else {
      pack_error(e, depth, "unsupported key of type %s", luaL_typename(L, -1));
    }
  }
  lua_Integer count = ints + others + strings;
  if (marker == FALUA_MARKED_OBJECT) return pack_map(e, t, depth, count);
  if (others > 0) pack_error(e, depth, "unsupported key in an unmarked table (use fal.object)");
  if (marker == FALUA_MARKED_ARRAY && strings > 0) pack_error(e, depth, "array has a string key");
  if (ints > 0 && strings > 0) pack_error(e, depth, "mixed table: integer and string keys");
  if (ints == 0 && marker != FALUA_MARKED_ARRAY) return pack_map(e, t, depth, count);
  if (ints > 0 && (min < 1 || max != ints)) {
    if (min < 1) pack_error(e, depth, "invalid array index %I", (LUAI_UACINT)min);
    pack_error(e, depth, "sparse array: %I elements up to index %I", (LUAI_UACINT)ints, (LUAI_UACINT)max);
  }
  pack_array(e, t, depth, ints);
}

// Writes the value on the stack top, leaving the stack as it was.
static void pack_value(encoder *e, int depth) {
  lua_State *L = e->L;
  switch (lua_type(L, -1)) {
    case LUA_TNIL:
      advance(e, mp_encode_nil(reserve(e, 1)));
      return;
    case LUA_TBOOLEAN:
      advance(e, mp_encode_bool(reserve(e, 1), lua_toboolean(L, -1)));
      return;
    case LUA_TNUMBER:
      put_number(e, -1, depth);
      return;
    case LUA_TSTRING: {
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      put_string(e, s, n, depth, 0);
      return;
    }
    case LUA_TTABLE:
      pack_table(e, depth);
      return;
    case LUA_TLIGHTUSERDATA:
      if (!falua_is_null(L, -1)) pack_error(e, depth, "cannot pack a userdata");
      advance(e, mp_encode_nil(reserve(e, 1)));
      return;
    default:  // function, full userdata, thread
      pack_error(e, depth, "cannot pack a %s", luaL_typename(L, -1));
  }
}

int falua_msgpack_pack(lua_State *L) {
  luaL_checkany(L, 1);
  const char *name = "value";
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      if (key == NULL || strcmp(key, "name") != 0)
        luaL_argerror(L, 2, lua_pushfstring(L, "unknown option '%s'", key ? key : luaL_typename(L, -2)));
      if (lua_type(L, -1) != LUA_TSTRING) luaL_argerror(L, 2, "option 'name' must be a string");
      lua_pop(L, 1);
    }
  }
  lua_settop(L, 2);
  if (lua_istable(L, 2)) {
    lua_pushliteral(L, "name");
    if (lua_rawget(L, 2) == LUA_TSTRING) name = lua_tostring(L, 3);
  }
  lua_settop(L, 3);       // 3: the name, kept while `name` points into it
  falua_push_markers(L);  // 4, 5
  push_bytes_marker(L);   // 6
  falua_buffer *buffers = falua_push_buffers(L, 2);  // 7
  encoder e = {.L = L, .out = &buffers[0], .frames = &buffers[1], .name = name, .markers = 4, .bytes = 6};
  reserve_frame(&e, 0);
  frame_at(&e, 0)->key = NULL;
  lua_pushvalue(L, 1);
  pack_value(&e, 0);
  lua_pushlstring(L, e.out->data ? e.out->data : "", e.out->len);
  return 1;
}

// MARK: - Decoder

typedef struct {
  lua_State *L;
  const char *start;
  int markers;
  int bytes;  // stack index of the bytes marker; 0 when bin decodes to a plain string
  int depth;
} decoder;

static NORETURN void unpack_error(decoder *d, const char *at, const char *fmt, ...) {
  lua_State *L = d->L;
  lua_pushfstring(L, "invalid msgpack at byte %d: ", (int)(at - d->start) + 1);
  va_list args;
  va_start(args, fmt);
  lua_pushvfstring(L, fmt, args);
  va_end(args);
  lua_concat(L, 2);
  lua_error(L);
  __builtin_unreachable();
}

static void unpack_value(decoder *d, const char **p);

static void enter(decoder *d, const char *at) {
  if (++d->depth > MAX_DEPTH) unpack_error(d, at, "nesting deeper than %d", MAX_DEPTH);
  if (!lua_checkstack(d->L, 4)) unpack_error(d, at, "out of Lua stack space");
}

// Pushes the value at *p and moves *p past it. The input was validated by mp_check.
static void unpack_value(decoder *d, const char **p) {
  lua_State *L = d->L;
  const char *at = *p;
  switch (mp_typeof(**p)) {
    case MP_NIL:
      mp_decode_nil(p);
      falua_push_null(L);
      return;
    case MP_BOOL:
      lua_pushboolean(L, mp_decode_bool(p));
      return;
    case MP_UINT: {
      uint64_t u = mp_decode_uint(p);
      if (u > (uint64_t)LUA_MAXINTEGER) lua_pushnumber(L, (lua_Number)u);
      else lua_pushinteger(L, (lua_Integer)u);
      return;
    }
    case MP_INT:
      lua_pushinteger(L, (lua_Integer)mp_decode_int(p));
      return;
    case MP_FLOAT:
      lua_pushnumber(L, (lua_Number)mp_decode_float(p));
      return;
    case MP_DOUBLE:
      lua_pushnumber(L, (lua_Number)mp_decode_double(p));
      return;
    case MP_STR:
    case MP_BIN: {
      int is_bin = mp_typeof(**p) == MP_BIN;
      uint32_t n;
      const char *s = mp_decode_strbin(p, &n);
      if (is_bin && d->bytes) {  // the `bytes(s)` shape, so packing it again writes bin
        lua_createtable(L, 0, 1);
        lua_pushlstring(L, s, n);
        lua_setfield(L, -2, "data");
        lua_pushvalue(L, d->bytes);
        lua_setmetatable(L, -2);
      } else {
        lua_pushlstring(L, s, n);
      }
      return;
    }
    case MP_ARRAY: {
      enter(d, at);
      uint32_t n = mp_decode_array(p);
      lua_createtable(L, (int)(n < 1u << 20 ? n : 1u << 20), 0);
      for (uint32_t i = 1; i <= n; i++) {
        unpack_value(d, p);
        lua_rawseti(L, -2, (lua_Integer)i);
      }
      lua_pushvalue(L, d->markers);
      lua_setmetatable(L, -2);
      d->depth--;
      return;
    }
    case MP_MAP: {
      enter(d, at);
      uint32_t n = mp_decode_map(p);
      lua_createtable(L, 0, (int)(n < 1u << 20 ? n : 1u << 20));
      for (uint32_t i = 0; i < n; i++) {
        const char *key_at = *p;
        unpack_value(d, p);
        int key_type = lua_type(L, -1);
        if (key_type == LUA_TLIGHTUSERDATA) unpack_error(d, key_at, "nil map key");
        if (key_type == LUA_TTABLE) unpack_error(d, key_at, "map key is an array or a map");
        if (key_type == LUA_TNUMBER && isnan(lua_tonumber(L, -1))) unpack_error(d, key_at, "NaN map key");
        unpack_value(d, p);
        if (falua_is_null(L, -1)) lua_pop(L, 2);  // a nil member is an absent key
        else lua_rawset(L, -3);
      }
      lua_pushvalue(L, d->markers + 1);
      lua_setmetatable(L, -2);
      d->depth--;
      return;
    }
    case MP_EXT:
    default:
      unpack_error(d, at, "ext types are not supported");
  }
}

static int unpack(lua_State *L, int keep_bin) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  lua_settop(L, 1);
  falua_push_markers(L);  // 2, 3
  push_bytes_marker(L);   // 4
  decoder d = {.L = L, .start = s, .markers = 2, .bytes = keep_bin ? 4 : 0, .depth = 0};
  if (len == 0) unpack_error(&d, s, "empty input");
  const char *check = s;
  if (mp_check(&check, s + len) != 0) unpack_error(&d, s, "truncated or malformed data");
  if (check != s + len) unpack_error(&d, check, "trailing bytes after the value");
  if (mp_typeof(*s) == MP_NIL) {  // a nil document is nil, not the sentinel
    lua_pushnil(L);
    return 1;
  }
  const char *p = s;
  unpack_value(&d, &p);
  return 1;
}

int falua_msgpack_unpack(lua_State *L) { return unpack(L, 0); }

int falua_msgpack_unpack_keeping_bin(lua_State *L) { return unpack(L, 1); }

// MARK: - Library

static int open_library(lua_State *L, lua_CFunction unpacker) {
  const luaL_Reg functions[] = {
      {"pack", falua_msgpack_pack},
      {"unpack", unpacker},
      {"bytes", falua_msgpack_bytes},
      {NULL, NULL},
  };
  luaL_newlib(L, functions);
  push_bytes_marker(L);
  lua_pop(L, 1);
  return 1;
}

int falua_open_msgpack(lua_State *L) { return open_library(L, falua_msgpack_unpack); }

int falua_open_msgpack_keeping_bin(lua_State *L) { return open_library(L, falua_msgpack_unpack_keeping_bin); }
