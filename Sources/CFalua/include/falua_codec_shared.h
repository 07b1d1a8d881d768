// What the wire codecs (JSON now, msgpack later) share: the null sentinel, the array/object marker
// metatables, UTF-8 validation, and a growable byte buffer that is freed even when Lua raises.
#ifndef FALUA_CODEC_SHARED_H
#define FALUA_CODEC_SHARED_H

#include <stddef.h>
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <stdarg.h>

// MARK: - null

/// Pushes the null sentinel: a light userdata pointing at a static C object, so it is the same
/// (non-NULL) value in every call and every state.
void falua_push_null(lua_State *L);

/// 1 if the value at `idx` is the null sentinel.
int falua_is_null(lua_State *L, int idx);

// MARK: - array / object markers

/// Registry keys of the two marker metatables (their `__name` is "fal.array" / "fal.object").
#define FALUA_ARRAY_MARKER_KEY "falua.json.array"
#define FALUA_OBJECT_MARKER_KEY "falua.json.object"

typedef enum { FALUA_UNMARKED = 0, FALUA_MARKED_ARRAY = 1, FALUA_MARKED_OBJECT = 2 } falua_marker;

/// Pushes the array marker metatable, then the object marker metatable (two values), creating them
/// in the registry on first use in this state. Codecs push them once per call and compare with
/// falua_marker_at, which is cheaper than a registry lookup per table.
void falua_push_markers(lua_State *L);

/// The marker of the table at `idx`, given the stack index of the array marker pushed by
/// falua_push_markers (the object marker is at `markers + 1`). Other metatables count as unmarked.
falua_marker falua_marker_at(lua_State *L, int idx, int markers);

/// Lua `array(t)`: sets the array marker metatable on table t and returns t.
int falua_mark_array(lua_State *L);

/// Lua `object(t)`: sets the object marker metatable on table t and returns t.
int falua_mark_object(lua_State *L);

// MARK: - UTF-8

/// Length (1 to 4) of the well-formed UTF-8 sequence starting at `s` (with `s < end`), or 0 when the
/// bytes there are not one: stray continuation byte, overlong form, UTF-16 surrogate, code point
/// above U+10FFFF, or a sequence truncated by `end` or by a non-continuation byte.
size_t falua_utf8_sequence(const unsigned char *s, const unsigned char *end);

/// Offset of the first byte of `s[0..len)` that does not start a well-formed UTF-8 sequence, or `len`
/// when the whole string is valid.
size_t falua_utf8_invalid_at(const char *s, size_t len);

// MARK: - buffers

/// A growable byte buffer. `data` is malloc'd (NULL until first needed).
typedef struct falua_buffer {
  char *data;
  size_t len;
  size_t cap;
} falua_buffer;

/// Pushes a userdata holding `count` empty buffers and marks it to-be-closed, so their memory is
/// freed when the calling C function returns or raises (its `__gc` frees them too, as a backstop).
/// Returns the first buffer. Do not pop or move the slot while using them.
falua_buffer *falua_push_buffers(lua_State *L, int count);

/// Grows `b` so that `n` more bytes fit. Raises "not enough memory" on failure.
void falua_buffer_grow(lua_State *L, falua_buffer *b, size_t n);

/// Makes room for `n` more bytes and returns where they go (`len` is not advanced).
static inline char *falua_buffer_reserve(lua_State *L, falua_buffer *b, size_t n) {
  if (b->cap - b->len < n) falua_buffer_grow(L, b, n);
  return b->data + b->len;
}


/// One step of the path from the root to the value being encoded: the table there (ancestors are
/// scanned for cycles) and the string key or 1-based index that leads to it.
typedef struct falua_path_frame {
  const void *table;
  const char *key;  // NULL: `index` applies
  size_t key_len;
  lua_Integer index;
} falua_path_frame;

/// Adds `s` as the body of a quoted string: quotes, backslashes, control characters and invalid
/// UTF-8 bytes are escaped, so any key prints on one line.
void falua_add_quoted(luaL_Buffer *b, const char *s, size_t n);

/// Raises "<name><path>: <message>", the path through frames[1..depth] (`.key`, `["key"]`, `[i]`);
/// a path deeper than 15 steps shows its first and last 5, e.g. `value[1][1][1][1][1][...990 more...][1][1][1][1][1]`.
__attribute__((noreturn)) void falua_raise_at_path(lua_State *L, const char *name,
                                                   const falua_path_frame *frames, int depth,
                                                   const char *fmt, va_list args);

#endif
