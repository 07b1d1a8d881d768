// What the wire codecs (JSON and msgpack) share: the null sentinel, the array/object marker
// metatables, UTF-8 validation, a growable byte buffer that is freed even when Lua raises, and the
// encoder's skeleton: the path frames, path errors and the classification of a table.
#ifndef FALUA_CODEC_SHARED_H
#define FALUA_CODEC_SHARED_H

#include <stddef.h>
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <stdarg.h>

/// lua_error does not return; say so, since lua.h does not.
#define FALUA_NORETURN __attribute__((noreturn))

/// How deeply tables may nest, both ways, in both codecs, unless `max_depth` says otherwise.
#define FALUA_MAX_DEPTH 1000
/// The most `max_depth` may be. Each level costs the recursive codecs at most about 400 bytes of C
/// stack (-fstack-usage, -O0: msgpack's pack is the deepest chain), so 5000 levels stay under 2 MB,
/// a quarter of the 8 MiB a thread gets by default (main, pthreads, Dispatch) and an eighth of the
/// emulator's 16 MiB app threads (CFaluaTests checks it on a 4 MiB thread).
#define FALUA_MAX_DEPTH_CEILING 5000
#define FALUA_STRINGIFY(x) FALUA_STRINGIFY_(x)
#define FALUA_STRINGIFY_(x) #x

/// Sets the nesting limit of codec calls in this state that pass no `max_depth` (the runtime's
/// `fal.config{limits = {max_depth = n}}`); `max_depth` from 1 to FALUA_MAX_DEPTH_CEILING.
void falua_set_max_depth(lua_State *L, int max_depth);

/// The state's nesting limit: FALUA_MAX_DEPTH unless falua_set_max_depth changed it.
int falua_max_depth(lua_State *L);

/// The `max_depth` option, the value on the stack top, of argument `arg`: raises unless it is an
/// integer from 1 to FALUA_MAX_DEPTH_CEILING.
int falua_check_max_depth(lua_State *L, int arg);

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

// MARK: - encoder skeleton

/// One step of the path from the root to the value being encoded: the table there (ancestors are
/// scanned for cycles) and the string key or 1-based index that leads to it.
typedef struct falua_path_frame {
  const void *table;
  const char *key;  // NULL: `index` applies
  size_t key_len;
  lua_Integer index;
} falua_path_frame;

/// A string key of a table being encoded (it points into the Lua string, alive while the table is).
typedef struct falua_key {
  const char *key;
  size_t len;
} falua_key;

/// What both encoders keep; each codec's encoder embeds it.
typedef struct falua_encoder {
  lua_State *L;
  falua_buffer *out;
  falua_buffer *frames;  // falua_path_frame stack, one per depth
  falua_buffer *keys;    // falua_key stack of the string keys of the tables being encoded, or NULL
  const char *name;      // root of error paths
  int markers;           // stack index of the array marker; the object marker follows it
  int any_object_keys;   // an object-marked table may have number and boolean keys (msgpack)
  int max_depth;         // tables nest at most this deep
} falua_encoder;

static inline falua_path_frame *falua_frame_at(falua_encoder *e, int depth) {
  return (falua_path_frame *)e->frames->data + depth;
}

/// Frame `depth` must exist before it is written: grows the frame stack up to it.
static inline void falua_reserve_frame(falua_encoder *e, int depth) {
  size_t need = ((size_t)depth + 1) * sizeof(falua_path_frame);
  if (need > e->frames->len) {
    falua_buffer_reserve(e->L, e->frames, need - e->frames->len);
    e->frames->len = need;
  }
}

/// Names the element at `depth` by its 1-based index, for error paths (0: a key that is no index).
static inline void falua_frame_index(falua_encoder *e, int depth, lua_Integer index) {
  falua_path_frame *f = falua_frame_at(e, depth);
  f->key = NULL;
  f->index = index;
}

/// Names the element at `depth` by its string key, for error paths.
static inline void falua_frame_key(falua_encoder *e, int depth, const char *key, size_t len) {
  falua_path_frame *f = falua_frame_at(e, depth);
  f->key = key;
  f->key_len = len;
}

/// Starts an encode call `f(value [, opts])`. Checks the options table at index 2: `name` (a string,
/// the root of error paths; default "value"), `max_depth` (default: the state's) and, when `indent`
/// is not NULL, `indent` (an integer from 0 to `max_indent`, written to *indent when given); any
/// other option raises. Leaves the name
/// at index 3 and the markers at 4 and 5, and sets e->L, e->name and e->markers. The caller then
/// pushes its own values and buffers and calls falua_encoder_start.
void falua_encoder_open(lua_State *L, falua_encoder *e, lua_Integer *indent, int max_indent);

/// Sets up the root frame; call once before encoding the root value.
static inline void falua_encoder_start(falua_encoder *e) {
  falua_reserve_frame(e, 0);
  falua_frame_at(e, 0)->key = NULL;
}

/// Raises "<name><path>: <message>", the path leading to the value at `depth`; a path deeper than
/// 15 steps shows its first and last 5, e.g. `value[1][1][1][1][1][...990 more...][1][1][1][1][1]`.
FALUA_NORETURN void falua_encode_error(falua_encoder *e, int depth, const char *fmt, ...);

/// How a table is written: an array of `count` elements (its keys are exactly 1..count), or an
/// object of `count` members whose string keys are e->keys[first_key..] (when e->keys is set).
typedef struct falua_table_shape {
  int is_array;
  lua_Integer count;
  size_t first_key;
} falua_table_shape;

/// Enters the table on the stack top at `depth` and classifies it in one pass over its keys. The
/// markers decide, else the keys: 1..n is an array, string keys (or none) an object. Raises, naming
/// the path, on a cycle, nesting deeper than e->max_depth, a key the codec cannot write, a mixed
/// table, a string key in an array, an index outside 1..n or a missing one.
falua_table_shape falua_classify_table(falua_encoder *e, int depth);

/// Bytewise order of keys, for sorting object members (qsort's comparator over falua_key).
int falua_compare_keys(const void *a, const void *b);

// MARK: - decoder

/// Raises the string on the stack top (where the input went wrong) followed by the reason.
FALUA_NORETURN void falua_raise_after(lua_State *L, const char *fmt, va_list args);

/// Why the decoder cannot open one more array or object at nesting `depth` (after counting it), or
/// NULL when it can.
static inline const char *falua_nesting_problem(lua_State *L, int depth, int max_depth) {
  if (depth > max_depth) return lua_pushfstring(L, "nesting deeper than %d", max_depth);
  if (!lua_checkstack(L, 4)) return "out of Lua stack space";
  return NULL;
}

#endif
