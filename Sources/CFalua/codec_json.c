// JSON <-> Lua values, straight between bytes and the Lua stack (the lua-cjson design).
//
// Decoding is a recursive descent over the input bytes that pushes Lua values as it goes; encoding
// walks the value depth-first into a malloc'd buffer. The contract (DESIGN.md §4):
// - integers that fit int64 decode to Lua integers, other numbers to floats; floats encode in the
//   shortest form that reads back exactly, integral ones with a ".0" so they stay floats;
// - strings are UTF-8, checked both ways; `/` and non-ASCII are never escaped;
// - null is an absent key in objects and the null sentinel in arrays (everywhere with keep_null);
// - decoded arrays and objects carry marker metatables so they re-encode as they came;
// - every error names where it happened: a path like `input.images[2].url` when encoding, a line
//   and column when decoding.
// Errors are raised with lua_error: these functions are called by Lua directly, never from Swift.
#include "falua_json.h"

#include "float_text.h"

#include <lua5.4/lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INDENT 32

// MARK: - Byte classes

// 1 for the bytes a JSON string can hold as they are, in both directions: ASCII from 0x20 on, except
// `"` and `\`. Everything else needs an escape (control characters) or a UTF-8 check (>= 0x80).
static const unsigned char plain_byte[256] = {
    ['\x20'] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  // 0x20-0x2F ('"' excluded)
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,              // 0x30-0x3F
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,              // 0x40-0x4F
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,              // 0x50-0x5F ('\\' excluded)
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,              // 0x60-0x6F
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,              // 0x70-0x7F
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

// Skips plain bytes. Strings are mostly plain, so test eight bytes at a time first: a word is all
// plain when no byte has the high bit, is below 0x20, or equals '"' or '\' (the classic
// "has a zero byte" bit trick applied to w - 0x20.., w ^ '"'.., w ^ '\'..).
static inline const unsigned char *skip_plain(const unsigned char *p, const unsigned char *end) {
  while (end - p >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t quote = w ^ (ONES * '"'), backslash = w ^ (ONES * '\\');
    uint64_t special = w | ((w - ONES * 0x20) & ~w) | ((quote - ONES) & ~quote) |
                       ((backslash - ONES) & ~backslash);
    if (special & HIGHS) break;
    p += 8;
  }
  while (p < end && plain_byte[*p]) p++;
  return p;
}

static const char hex_digits[] = "0123456789abcdef";

// MARK: - Decoder

typedef struct {
  lua_State *L;
  const unsigned char *start, *p, *end;
  falua_buffer *scratch;  // unescaped strings and long numbers
  int markers;            // stack index of the array marker; the object marker follows it
  int keep_null;
  int depth, max_depth;
} decoder;

// Raises "invalid JSON at line L column C: <reason>" for the byte at `at`. Lines and columns count
// from 1; columns count characters (UTF-8 lead bytes), not bytes. Computed only on error.
static FALUA_NORETURN void decode_error(decoder *d, const unsigned char *at, const char *fmt, ...) {
  int line = 1;
  const unsigned char *line_start = d->start;
  for (const unsigned char *q = d->start; q < at; q++) {
    if (*q == '\n') {
      line++;
      line_start = q + 1;
    }
  }
  int column = 1;
  for (const unsigned char *q = line_start; q < at; q++) column += !((*q & 0xC0) == 0x80);
  lua_State *L = d->L;
  lua_pushfstring(L, "invalid JSON at line %d column %d: ", line, column);
  va_list args;
  va_start(args, fmt);
  falua_raise_after(L, fmt, args);
}

// The error for a byte where something else was expected.
static FALUA_NORETURN void unexpected(decoder *d, const unsigned char *at) {
  if (at >= d->end) decode_error(d, d->end, "unexpected end of input");
  unsigned char c = *at;
  if (c > 0x20 && c < 0x7F) decode_error(d, at, "unexpected character '%c'", (int)c);
  size_t n = falua_utf8_sequence(at, d->end);
  if (n == 0) decode_error(d, at, "invalid UTF-8");
  unsigned long cp = n == 1 ? c : (unsigned long)(c & (0x7F >> n));
  for (size_t i = 1; i < n; i++) cp = (cp << 6) | (at[i] & 0x3F);
  char name[12];
  snprintf(name, sizeof name, "U+%04lX", cp);
  decode_error(d, at, "unexpected character %s", name);
}

static inline void skip_whitespace(decoder *d) {
  const unsigned char *p = d->p, *end = d->end;
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
  d->p = p;
}

static int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Reads the 4 hex digits after "\u" at `p` (which points at the backslash); -1 if they are not.
static long read_u_escape(const unsigned char *p, const unsigned char *end) {
  if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return -1;
  long v = 0;
  for (int i = 2; i < 6; i++) {
    int h = hex_value(p[i]);
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

// Writes code point `cp` (at most U+10FFFF, not a surrogate) as UTF-8; returns its length.
static int utf8_encode(unsigned long cp, char *out) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

// Decodes the escape at `p` (a backslash) into `b`; returns the byte after it.
static const unsigned char *decode_escape(decoder *d, const unsigned char *p, falua_buffer *b) {
  const unsigned char *end = d->end;
  if (end - p < 2) decode_error(d, p, "unterminated string");
  char c;
  switch (p[1]) {
    case '"': c = '"'; break;
    case '\\': c = '\\'; break;
    case '/': c = '/'; break;
    case 'b': c = '\b'; break;
    case 'f': c = '\f'; break;
    case 'n': c = '\n'; break;
    case 'r': c = '\r'; break;
    case 't': c = '\t'; break;
    case 'u': {
      long cp = read_u_escape(p, end);
      if (cp < 0) decode_error(d, p, "invalid \\u escape");
      const unsigned char *next = p + 6;
      if (cp >= 0xDC00 && cp <= 0xDFFF) decode_error(d, p, "lone surrogate");
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        long low = read_u_escape(next, end);
        if (low < 0xDC00 || low > 0xDFFF) decode_error(d, p, "lone surrogate");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        next += 6;
      }
      char *out = falua_buffer_reserve(d->L, b, 4);
      b->len += (size_t)utf8_encode((unsigned long)cp, out);
      return next;
    }
    default:
      if (p[1] > 0x20 && p[1] < 0x7F) decode_error(d, p, "invalid escape '\\%c'", (int)p[1]);
      decode_error(d, p, "invalid escape");
  }
  *falua_buffer_reserve(d->L, b, 1) = c;
  b->len++;
  return p + 2;
}

static void buffer_append(lua_State *L, falua_buffer *b, const void *src, size_t n) {
  if (n == 0) return;  // the buffer may not be allocated yet: no memcpy to NULL
  memcpy(falua_buffer_reserve(L, b, n), src, n);
  b->len += n;
}

// Pushes the string whose opening quote is at d->p. Strings without escapes (the common case) are
// pushed straight from the input; the others are unescaped into the scratch buffer.
static void decode_string(decoder *d) {
  lua_State *L = d->L;
  const unsigned char *open = d->p, *end = d->end;
  const unsigned char *run = open + 1, *p = run;
  falua_buffer *b = NULL;
  for (;;) {
    p = skip_plain(p, end);
    if (p == end) decode_error(d, open, "unterminated string");
    unsigned char c = *p;
    if (c == '"') break;
    if (c >= 0x80) {
      size_t n = falua_utf8_sequence(p, end);
      if (n == 0) decode_error(d, p, "invalid UTF-8");
      p += n;
    } else if (c == '\\') {
      if (b == NULL) {
        b = d->scratch;
        b->len = 0;
      }
      buffer_append(L, b, run, (size_t)(p - run));
      p = run = decode_escape(d, p, b);
    } else {
      decode_error(d, p, "control character in string");
    }
  }
  if (b == NULL) {
    lua_pushlstring(L, (const char *)run, (size_t)(p - run));
  } else {
    buffer_append(L, b, run, (size_t)(p - run));
    lua_pushlstring(L, b->data, b->len);
  }
  d->p = p + 1;
}

static inline int is_digit(const unsigned char *p, const unsigned char *end) {
  return p < end && *p >= '0' && *p <= '9';
}

// Pushes the number at d->p: an integer when it has no fraction or exponent and fits int64.
static void decode_number(decoder *d) {
  const unsigned char *s = d->p, *p = s, *end = d->end;
  int negative = *p == '-';
  if (negative) p++;
  const unsigned char *digits = p;
  if (!is_digit(p, end)) decode_error(d, s, "invalid number");
  if (*p == '0') {
    p++;
    if (is_digit(p, end)) decode_error(d, s, "invalid number (leading zero)");
  } else {
    while (is_digit(p, end)) p++;
  }
  const unsigned char *int_end = p;
  int is_float = 0;
  if (p < end && *p == '.') {
    p++;
    if (!is_digit(p, end)) decode_error(d, s, "invalid number");
    while (is_digit(p, end)) p++;
    is_float = 1;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < end && (*p == '+' || *p == '-')) p++;
    if (!is_digit(p, end)) decode_error(d, s, "invalid number");
    while (is_digit(p, end)) p++;
    is_float = 1;
  }
  d->p = p;
  // 19 digits cannot overflow uint64; whether they fit int64 is checked below.
  if (!is_float && int_end - digits <= 19) {
    uint64_t u = 0;
    for (const unsigned char *q = digits; q < int_end; q++) u = u * 10 + (uint64_t)(*q - '0');
    if (!negative && u <= (uint64_t)INT64_MAX) {
      lua_pushinteger(d->L, (lua_Integer)u);
      return;
    }
    if (negative && u <= (uint64_t)INT64_MAX + 1) {
      lua_pushinteger(d->L, (lua_Integer)(0 - u));  // two's complement: 2^63 becomes INT64_MIN
      return;
    }
  }
  lua_pushnumber(d->L, (lua_Number)falua_float_parse((const char *)s, (size_t)(p - s)));
}

static void decode_literal(decoder *d, const char *word, size_t n) {
  const unsigned char *p = d->p;
  for (size_t i = 0; i < n; i++) {
    if (p + i >= d->end || p[i] != (unsigned char)word[i]) unexpected(d, p + i);
  }
  d->p = p + n;
}

static void decode_value(decoder *d);

// Members wait on the Lua stack, up to this many, and then go into a table made for them at once:
// a table filled one key at a time is rehashed at every power of two, which took half of the
// decode time. Longer containers take their members in batches and grow from there.
#define BATCH 64

// Pushes a new table of the given sizes with the marker at stack index `marker`.
static inline void new_table(decoder *d, int marker, int narray, int nhash) {
  lua_createtable(d->L, narray, nhash);
  lua_pushvalue(d->L, marker);
  lua_setmetatable(d->L, -2);
}

// Opens the array or object whose bracket is at d->p. When it closes at once (`close` right after
// the bracket) pushes its empty table and returns 0; else pushes nil, the slot of the table that
// the first batch makes, and returns how many members a batch may hold.
static inline int open_container(decoder *d, int marker, unsigned char close) {
  const char *problem = falua_nesting_problem(d->L, ++d->depth, d->max_depth);
  if (problem) decode_error(d, d->p, "%s", problem);
  d->p++;
  skip_whitespace(d);
  if (d->p < d->end && *d->p == close) {
    d->p++;
    d->depth--;
    new_table(d, marker, 0, 0);
    return 0;
  }
  lua_pushnil(d->L);
  // A batch and the two copies that object batches push; without the room, one member at a time.
  return lua_checkstack(d->L, 2 * BATCH + 2) ? BATCH : 1;
}

// After an element: returns 1 at a comma (another element follows), 0 at `close` (the container
// ends), and raises at anything else.
static inline int next_element(decoder *d, unsigned char close) {
  skip_whitespace(d);
  if (d->p < d->end && *d->p == ',') {
    d->p++;
    return 1;
  }
  if (d->p < d->end && *d->p == close) {
    d->p++;
    d->depth--;
    return 0;
  }
  unexpected(d, d->p);
}

// Moves the `pending` elements above the table slot `t` into the table as elements n+1.., making
// it first if the slot is still nil. Returns the new element count.
static lua_Integer fill_array(decoder *d, int t, lua_Integer n, int pending) {
  lua_State *L = d->L;
  if (lua_type(L, t) == LUA_TNIL) {
    new_table(d, d->markers, pending, 0);
    lua_replace(L, t);
  }
  for (int i = pending; i > 0; i--) lua_rawseti(L, t, n + i);  // pops the top, the last element
  return n + pending;
}

static void decode_array(decoder *d) {
  lua_State *L = d->L;
  int batch = open_container(d, d->markers, ']');
  if (batch == 0) return;
  int t = lua_gettop(L), pending = 0;
  lua_Integer n = 0;
  do {
    decode_value(d);
    if (lua_isnil(L, -1)) {  // null keeps its position in arrays
      lua_pop(L, 1);
      falua_push_null(L);
    }
    if (++pending == batch) {
      n = fill_array(d, t, n, pending);
      pending = 0;
    }
  } while (next_element(d, ']'));
  fill_array(d, t, n, pending);
}

// Moves the `pending` key/value pairs above the table slot `t` into the table, making it first if
// the slot is still nil. In their order: the last of duplicate keys wins, and a null member (nil
// here unless keep_null) removes the key, so a later duplicate `"k": null` wins over a value too.
static void fill_object(decoder *d, int t, int pending) {
  lua_State *L = d->L;
  if (lua_type(L, t) == LUA_TNIL) {
    new_table(d, d->markers + 1, 0, pending);
    lua_replace(L, t);
  }
  if (pending == 1) {
    lua_rawset(L, t);
    return;
  }
  for (int i = t + 1; i < t + 2 * pending; i += 2) {
    lua_pushvalue(L, i);
    lua_pushvalue(L, i + 1);
    lua_rawset(L, t);
  }
  lua_settop(L, t);
}

static void decode_object(decoder *d) {
  lua_State *L = d->L;
  int batch = open_container(d, d->markers + 1, '}');
  if (batch == 0) return;
  int t = lua_gettop(L), pending = 0;
  do {
    skip_whitespace(d);
    if (d->p >= d->end || *d->p != '"') unexpected(d, d->p);
    decode_string(d);
    skip_whitespace(d);
    if (d->p >= d->end || *d->p != ':') unexpected(d, d->p);
    d->p++;
    decode_value(d);
    if (++pending == batch) {
      fill_object(d, t, pending);
      pending = 0;
    }
  } while (next_element(d, '}'));
  fill_object(d, t, pending);
}

// Pushes the value at d->p (after whitespace). null pushes nil, or the sentinel with keep_null.
static void decode_value(decoder *d) {
  skip_whitespace(d);
  if (d->p >= d->end) unexpected(d, d->p);
  switch (*d->p) {
    case '{': decode_object(d); return;
    case '[': decode_array(d); return;
    case '"': decode_string(d); return;
    case 't': decode_literal(d, "true", 4); lua_pushboolean(d->L, 1); return;
    case 'f': decode_literal(d, "false", 5); lua_pushboolean(d->L, 0); return;
    case 'n':
      decode_literal(d, "null", 4);
      if (d->keep_null) falua_push_null(d->L);
      else lua_pushnil(d->L);
      return;
    default:
      if (*d->p == '-' || (*d->p >= '0' && *d->p <= '9')) {
        decode_number(d);
        return;
      }
      unexpected(d, d->p);
  }
}

int falua_json_decode(lua_State *L) {
  if (lua_type(L, 1) != LUA_TSTRING) luaL_typeerror(L, 1, "string");
  size_t len;
  const char *text = lua_tolstring(L, 1, &len);
  int keep_null = 0, max_depth = 0;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, 2)) {
      const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
      if (key != NULL && strcmp(key, "keep_null") == 0) {
        if (!lua_isboolean(L, -1)) luaL_argerror(L, 2, "option 'keep_null' must be a boolean");
        keep_null = lua_toboolean(L, -1);
      } else if (key != NULL && strcmp(key, "max_depth") == 0) {
        max_depth = falua_check_max_depth(L, 2);
      } else {
        luaL_argerror(L, 2, lua_pushfstring(L, "unknown option '%s'", key ? key : luaL_typename(L, -2)));
      }
      lua_pop(L, 1);
    }
  }
  lua_settop(L, 2);
  falua_push_markers(L);  // 3, 4
  decoder d = {
      .L = L,
      .start = (const unsigned char *)text,
      .p = (const unsigned char *)text,
      .end = (const unsigned char *)text + len,
      .scratch = falua_push_buffers(L, 1),  // 5
      .markers = 3,
      .keep_null = keep_null,
      .depth = 0,
      .max_depth = max_depth ? max_depth : falua_max_depth(L),
  };
  decode_value(&d);
  skip_whitespace(&d);
  if (d.p < d.end) decode_error(&d, d.p, "trailing data after the document");
  return 1;
}

// MARK: - Encoder

typedef struct {
  falua_encoder base;  // its `keys` collect the string keys of the objects being encoded
  int indent;          // -1: compact
} encoder;

static inline void put_char(encoder *e, char c) {
  *falua_buffer_reserve(e->base.L, e->base.out, 1) = c;
  e->base.out->len++;
}

static inline void put_bytes(encoder *e, const void *s, size_t n) {
  if (n == 0) return;  // the buffer may not be allocated yet: no memcpy to NULL
  memcpy(falua_buffer_reserve(e->base.L, e->base.out, n), s, n);
  e->base.out->len += n;
}

// Newline and indentation before an element at `depth` (pretty printing only).
static void put_newline(encoder *e, int depth) {
  size_t n = 1 + (size_t)e->indent * (size_t)depth;
  char *o = falua_buffer_reserve(e->base.L, e->base.out, n);
  o[0] = '\n';
  memset(o + 1, ' ', n - 1);
  e->base.out->len += n;
}

// Writes `s` as a JSON string. Invalid UTF-8 raises at `depth` (whose frame names the string).
static void encode_string(encoder *e, const char *s, size_t n, int depth, int is_key) {
  const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;
  put_char(e, '"');
  for (;;) {
    p = skip_plain(p, end);
    if (p == end) break;
    unsigned char c = *p;
    if (c >= 0x80) {  // stays in the run: non-ASCII is written as is
      size_t len = falua_utf8_sequence(p, end);
      if (len == 0) {
        if (is_key) falua_encode_error(&e->base, depth, "invalid UTF-8 in key");
        falua_encode_error(&e->base, depth, "invalid UTF-8 at byte %d", (int)(p - (const unsigned char *)s) + 1);
      }
      p += len;
      continue;
    }
    put_bytes(e, run, (size_t)(p - run));
    char esc[6] = {'\\', 0, 0, 0, 0, 0};
    size_t esc_len = 2;
    switch (c) {
      case '"': esc[1] = '"'; break;
      case '\\': esc[1] = '\\'; break;
      case '\b': esc[1] = 'b'; break;
      case '\f': esc[1] = 'f'; break;
      case '\n': esc[1] = 'n'; break;
      case '\r': esc[1] = 'r'; break;
      case '\t': esc[1] = 't'; break;
      default:
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex_digits[c >> 4];
        esc[5] = hex_digits[c & 15];
        esc_len = 6;
    }
    put_bytes(e, esc, esc_len);
    run = ++p;
  }
  put_bytes(e, run, (size_t)(p - run));
  put_char(e, '"');
}

static void encode_integer(encoder *e, lua_Integer i) {
  char digits[24];
  uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;  // no overflow for INT64_MIN
  char *o = falua_decimal_digits(u, digits + sizeof digits);
  if (i < 0) *--o = '-';
  put_bytes(e, o, (size_t)(digits + sizeof digits - o));
}

// Writes a finite float as Python's repr does (float_text.h), so that it always reads back as a float.
static void encode_float(encoder *e, double x) {
  char *o = falua_buffer_reserve(e->base.L, e->base.out, FALUA_FLOAT_REPR_MAX);
  e->base.out->len += falua_float_repr(x, o);
}

static void encode_value(encoder *e, int depth);

// Writes the table at `t` as an array of its values 1..count.
static void encode_array(encoder *e, int t, int depth, lua_Integer count) {
  lua_State *L = e->base.L;
  put_char(e, '[');
  falua_reserve_frame(&e->base, depth + 1);
  for (lua_Integer i = 1; i <= count; i++) {
    if (i > 1) put_char(e, ',');
    if (e->indent >= 0) put_newline(e, depth + 1);
    falua_frame_index(&e->base, depth + 1, i);
    lua_rawgeti(L, t, i);
    encode_value(e, depth + 1);
    lua_pop(L, 1);
  }
  if (e->indent >= 0 && count > 0) put_newline(e, depth);
  put_char(e, ']');
}

// Bytewise order, as falua_compare_keys, inline: keys mostly differ within their first bytes.
static inline int key_less(const falua_key *a, const falua_key *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  for (size_t i = 0; i < n; i++) {
    if (a->key[i] != b->key[i]) return (unsigned char)a->key[i] < (unsigned char)b->key[i];
  }
  return a->len < b->len;
}

// Sorts an object's keys. Most objects have a few keys, where an insertion sort without qsort's
// calls through a pointer takes a third of the time; wide ones take qsort.
static void sort_keys(falua_key *keys, size_t n) {
  if (n > 16) {
    qsort(keys, n, sizeof(falua_key), falua_compare_keys);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    falua_key k = keys[i];
    size_t j = i;
    for (; j > 0 && key_less(&k, &keys[j - 1]); j--) keys[j] = keys[j - 1];
    keys[j] = k;
  }
}

// Writes the table at `t` as an object, its keys (the falua_keys from `first` on) sorted bytewise.
static void encode_object(encoder *e, int t, int depth, size_t first) {
  lua_State *L = e->base.L;
  size_t count = e->base.keys->len / sizeof(falua_key) - first;
  sort_keys((falua_key *)e->base.keys->data + first, count);
  put_char(e, '{');
  falua_reserve_frame(&e->base, depth + 1);
  for (size_t i = 0; i < count; i++) {
    falua_key k = ((falua_key *)e->base.keys->data)[first + i];  // a copy: nested objects may move the stack
    if (i > 0) put_char(e, ',');
    if (e->indent >= 0) put_newline(e, depth + 1);
    falua_frame_key(&e->base, depth + 1, k.key, k.len);
    encode_string(e, k.key, k.len, depth + 1, 1);
    put_char(e, ':');
    if (e->indent >= 0) put_char(e, ' ');
    // lua_pushstring finds a key in Lua's cache of C strings by its address (k.key points into the
    // key itself) and skips the hash; a key with a NUL in it takes the long way.
    if (strlen(k.key) == k.len) lua_pushstring(L, k.key);
    else lua_pushlstring(L, k.key, k.len);
    lua_rawget(L, t);
    encode_value(e, depth + 1);
    lua_pop(L, 1);
  }
  if (e->indent >= 0 && count > 0) put_newline(e, depth);
  put_char(e, '}');
  e->base.keys->len = first * sizeof(falua_key);
}

// Writes the table on the stack top as the classification says; object keys are sorted.
static void encode_table(encoder *e, int depth) {
  int t = lua_gettop(e->base.L);
  falua_table_shape shape = falua_classify_table(&e->base, depth);
  if (shape.is_array) encode_array(e, t, depth, shape.count);
  else encode_object(e, t, depth, shape.first_key);
}

// Writes the value on the stack top, leaving the stack as it was.
static void encode_value(encoder *e, int depth) {
  lua_State *L = e->base.L;
  switch (lua_type(L, -1)) {
    case LUA_TNIL:
      // Only the root can be nil: a table has no nil values.
      put_bytes(e, "null", 4);
      return;
    case LUA_TBOOLEAN:
      if (lua_toboolean(L, -1)) put_bytes(e, "true", 4);
      else put_bytes(e, "false", 5);
      return;
    case LUA_TNUMBER:
      if (lua_isinteger(L, -1)) {
        encode_integer(e, lua_tointeger(L, -1));
      } else {
        double x = (double)lua_tonumber(L, -1);
        if (isnan(x)) falua_encode_error(&e->base, depth, "cannot encode NaN");
        if (isinf(x)) falua_encode_error(&e->base, depth, "cannot encode %s", x > 0 ? "inf" : "-inf");
        encode_float(e, x);
      }
      return;
    case LUA_TSTRING: {
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      encode_string(e, s, n, depth, 0);
      return;
    }
    case LUA_TTABLE:
      encode_table(e, depth);
      return;
    case LUA_TLIGHTUSERDATA:
      if (!falua_is_null(L, -1)) falua_encode_error(&e->base, depth, "cannot encode a userdata");
      put_bytes(e, "null", 4);
      return;
    default:  // function, full userdata, thread
      falua_encode_error(&e->base, depth, "cannot encode a %s", luaL_typename(L, -1));
  }
}

int falua_json_encode(lua_State *L) {
  encoder e = {0};
  lua_Integer indent = -1;
  falua_encoder_open(L, &e.base, &indent, MAX_INDENT);  // 3: name, 4 and 5: markers
  falua_buffer *buffers = falua_push_buffers(L, 3);  // 6
  e.base.out = &buffers[0];
  e.base.frames = &buffers[1];
  e.base.keys = &buffers[2];
  e.indent = (int)indent;
  falua_encoder_start(&e.base);
  lua_pushvalue(L, 1);
  encode_value(&e, 0);
  lua_pushlstring(L, e.base.out->data ? e.base.out->data : "", e.base.out->len);
  return 1;
}

// MARK: - Library

int falua_open_json(lua_State *L) {
  static const luaL_Reg functions[] = {
      {"encode", falua_json_encode},
      {"decode", falua_json_decode},
      {"array", falua_mark_array},
      {"object", falua_mark_object},
      {NULL, NULL},
  };
  luaL_newlib(L, functions);
  falua_push_markers(L);  // create them now, so that they exist in the registry from the start
  lua_pop(L, 2);
  falua_push_null(L);
  lua_setfield(L, -2, "null");
  lua_pushinteger(L, FALUA_MAX_DEPTH_CEILING);  // for fal.config's check of limits.max_depth
  lua_setfield(L, -2, "max_depth_ceiling");
  return 1;
}
