// msgpack <-> Lua values on msgpuck. The encoder walks the value depth-first into a growable
// buffer, keeping one frame per depth so an error can name its path (`value.images[2]`) and so
// cycles are found among the ancestors; the decoder validates the whole input first (check_value),
// so the mp_decode_* calls after it never read past the end.
#include <lua5.4/lauxlib.h>
#include <lua5.4/lua.h>
#include <math.h>
#include <msgpuck.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "falua_msgpack.h"

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

typedef struct {
  falua_encoder base;
  int bytes;  // stack index of the bytes marker
} encoder;

// The most bytes any single msgpack header or scalar takes.
#define MAX_HEADER 9

static inline char *reserve(encoder *e, size_t n) { return falua_buffer_reserve(e->base.L, e->base.out, n); }

static inline void advance(encoder *e, const char *to) { e->base.out->len = (size_t)(to - e->base.out->data); }

static void put_string(encoder *e, const char *s, size_t n, int depth, int force_bin) {
  if (n > UINT32_MAX) falua_encode_error(&e->base, depth, "string longer than 4 GiB");
  char *w = reserve(e, MAX_HEADER + n);
  int bin = force_bin || falua_utf8_invalid_at(s, n) != n;
  w = bin ? mp_encode_binl(w, (uint32_t)n) : mp_encode_strl(w, (uint32_t)n);
  if (n > 0) memcpy(w, s, n);
  advance(e, w + n);
}

static void put_number(encoder *e, int idx, int depth) {
  lua_State *L = e->base.L;
  char *w = reserve(e, MAX_HEADER);
  if (lua_isinteger(L, idx)) {
    lua_Integer i = lua_tointeger(L, idx);
    w = i < 0 ? mp_encode_int(w, (int64_t)i) : mp_encode_uint(w, (uint64_t)i);
  } else {
    double x = (double)lua_tonumber(L, idx);
    if (isnan(x)) falua_encode_error(&e->base, depth, "cannot pack NaN");
    if (isinf(x)) falua_encode_error(&e->base, depth, "cannot pack %s", x > 0 ? "inf" : "-inf");
    w = mp_encode_double(w, x);
  }
  advance(e, w);
}

static void pack_value(encoder *e, int depth);

// Packs the value on the stack top as the element at `depth + 1`, then pops it.
static void pack_child(encoder *e, int depth) {
  pack_value(e, depth + 1);
  lua_pop(e->base.L, 1);
}

static void pack_array(encoder *e, int t, int depth, lua_Integer count) {
  lua_State *L = e->base.L;
  if (count > UINT32_MAX) falua_encode_error(&e->base, depth, "array too long");
  advance(e, mp_encode_array(reserve(e, MAX_HEADER), (uint32_t)count));
  falua_reserve_frame(&e->base, depth + 1);
  for (lua_Integer i = 1; i <= count; i++) {
    falua_frame_index(&e->base, depth + 1, i);
    lua_rawgeti(L, t, i);
    pack_child(e, depth);
  }
}

static void pack_map(encoder *e, int t, int depth, lua_Integer count) {
  lua_State *L = e->base.L;
  if (count > UINT32_MAX) falua_encode_error(&e->base, depth, "map too large");
  advance(e, mp_encode_map(reserve(e, MAX_HEADER), (uint32_t)count));
  falua_reserve_frame(&e->base, depth + 1);
  lua_pushnil(L);
  while (lua_next(L, t)) {
    switch (lua_type(L, -2)) {
      case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, -2, &n);
        falua_frame_key(&e->base, depth + 1, s, n);
        put_string(e, s, n, depth + 1, 0);
        break;
      }
      case LUA_TNUMBER:
        falua_frame_index(&e->base, depth + 1, lua_isinteger(L, -2) ? lua_tointeger(L, -2) : 0);
        put_number(e, -2, depth + 1);
        break;
      default:  // boolean: the only other key type falua_classify_table lets through
        falua_frame_index(&e->base, depth + 1, 0);
        advance(e, mp_encode_bool(reserve(e, 1), lua_toboolean(L, -2)));
    }
    pack_child(e, depth);
  }
}

// Writes the table on the stack top: a `bytes` value as bin, else as the classification says (an
// object-marked table may hold integer, float and boolean keys too: what `unpack` gives for such maps).
static void pack_table(encoder *e, int depth) {
  lua_State *L = e->base.L;
  int t = lua_gettop(L);
  if (lua_getmetatable(L, t)) {
    int is_bytes = lua_rawequal(L, -1, e->bytes);
    lua_pop(L, 1);
    if (is_bytes) {
      if (lua_getfield(L, t, "data") != LUA_TSTRING) falua_encode_error(&e->base, depth, "bytes value without data");
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      put_string(e, s, n, depth, 1);
      lua_pop(L, 1);
      return;
    }
  }
  falua_table_shape shape = falua_classify_table(&e->base, depth);
  if (shape.is_array) pack_array(e, t, depth, shape.count);
  else pack_map(e, t, depth, shape.count);
}

// Writes the value on the stack top, leaving the stack as it was.
static void pack_value(encoder *e, int depth) {
  lua_State *L = e->base.L;
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
      if (!falua_is_null(L, -1)) falua_encode_error(&e->base, depth, "cannot pack a userdata");
      advance(e, mp_encode_nil(reserve(e, 1)));
      return;
    default:  // function, full userdata, thread
      falua_encode_error(&e->base, depth, "cannot pack a %s", luaL_typename(L, -1));
  }
}

int falua_msgpack_pack(lua_State *L) {
  encoder e = {.base = {.any_object_keys = 1}, .bytes = 6};
  falua_encoder_open(L, &e.base, NULL, 0);  // 3: name, 4 and 5: markers
  push_bytes_marker(L);   // 6
  falua_buffer *buffers = falua_push_buffers(L, 2);  // 7
  e.base.out = &buffers[0];
  e.base.frames = &buffers[1];
  falua_encoder_start(&e.base);
  lua_pushvalue(L, 1);
  pack_value(&e, 0);
  lua_pushlstring(L, e.base.out->data ? e.base.out->data : "", e.base.out->len);
  return 1;
}

// MARK: - Decoder

typedef struct {
  lua_State *L;
  const char *start;
  int markers;
  int bytes;  // stack index of the bytes marker; 0 when bin decodes to a plain string
  int depth, max_depth;
} decoder;

static FALUA_NORETURN void unpack_error(decoder *d, const char *at, const char *fmt, ...) {
  lua_State *L = d->L;
  lua_pushfstring(L, "invalid msgpack at byte %d: ", (int)(at - d->start) + 1);
  va_list args;
  va_start(args, fmt);
  falua_raise_after(L, fmt, args);
}

static void unpack_value(decoder *d, const char **p);

static void enter(decoder *d, const char *at) {
  const char *problem = falua_nesting_problem(d->L, ++d->depth, d->max_depth);
  if (problem) unpack_error(d, at, "%s", problem);
}

// Pushes the value at *p and moves *p past it. The input was validated by check_value.
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

// Checks that [p, end) holds exactly one well-formed value, without recursion; returns NULL when
// it is truncated or malformed, else the end of the value. Not msgpuck's mp_check: that one
// counts the values still to check in an int, which a container claiming 2^30 entries overflows,
// so it accepted truncated input and the decoder read past the buffer (found by the fuzzer).
static const char *check_value(const char *p, const char *end) {
  uint64_t pending = 1;  // values still to check; at most 2^33 claims per byte: no overflow
  while (pending > 0) {
    if (p >= end) return NULL;
    const uint8_t b = (uint8_t)*p;
    const size_t left = (size_t)(end - p);
    size_t head = 1;     // bytes of the header
    uint64_t body = 0;   // bytes that follow the header
    uint64_t items = 0;  // values the container adds
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3) {
    } else if (b <= 0x8f) {
      items = 2u * (b & 0x0f);
    } else if (b <= 0x9f) {
      items = b & 0x0f;
    } else if (b <= 0xbf) {
      body = b & 0x1f;
    } else {
      // Width of the big-endian length or count that follows the type byte, if any.
      size_t width = 0;
      switch (b) {
        case 0xc4: case 0xd9: width = 1; break;                     // bin8, str8
        case 0xc5: case 0xda: case 0xdc: case 0xde: width = 2; break;  // bin16, str16, array16, map16
        case 0xc6: case 0xdb: case 0xdd: case 0xdf: width = 4; break;  // bin32, str32, array32, map32
        case 0xc7: width = 1; body = 1; break;                       // ext8: length, then type
        case 0xc8: width = 2; body = 1; break;
        case 0xc9: width = 4; body = 1; break;
        case 0xca: body = 4; break;
        case 0xcb: body = 8; break;
        case 0xcc: case 0xd0: body = 1; break;
        case 0xcd: case 0xd1: body = 2; break;
        case 0xce: case 0xd2: body = 4; break;
        case 0xcf: case 0xd3: body = 8; break;
        case 0xd4: body = 2; break;  // fixext 1..16: type, then data
        case 0xd5: body = 3; break;
        case 0xd6: body = 5; break;
        case 0xd7: body = 9; break;
        case 0xd8: body = 17; break;
        default: return NULL;  // 0xc1: never used
      }
      if (width) {
        if (left < 1 + width) return NULL;
        uint64_t n = 0;
        for (size_t i = 1; i <= width; i++) n = (n << 8) | (uint8_t)p[i];
        head += width;
        if (b == 0xdc || b == 0xdd) items = n;
        else if (b == 0xde || b == 0xdf) items = 2 * n;
        else body += n;
      }
    }
    if (head > left || body > left - head) return NULL;
    p += head + body;
    pending = pending - 1 + items;
  }
  return p;
}

static int unpack(lua_State *L, int keep_bin) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  int max_depth = 0;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      if (key == NULL || strcmp(key, "max_depth") != 0)
        luaL_argerror(L, 2, lua_pushfstring(L, "unknown option '%s'", key ? key : luaL_typename(L, -2)));
      max_depth = falua_check_max_depth(L, 2);
      lua_pop(L, 1);
    }
  }
  lua_settop(L, 1);
  falua_push_markers(L);  // 2, 3
  push_bytes_marker(L);   // 4
  decoder d = {.L = L, .start = s, .markers = 2, .bytes = keep_bin ? 4 : 0, .depth = 0,
               .max_depth = max_depth ? max_depth : falua_max_depth(L)};
  if (len == 0) unpack_error(&d, s, "empty input");
  const char *check = check_value(s, s + len);
  if (check == NULL) unpack_error(&d, s, "truncated or malformed data");
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
