// JSON <-> Lua values, straight between bytes and the Lua stack.
// Rules: DESIGN.md §4 and docs/design.md. Owned by the codec; Swift only opens the library.
#ifndef FALUA_JSON_H
#define FALUA_JSON_H

#include <lua5.4/lua.h>

#include "falua_codec_shared.h"

/// Pushes a table {encode, decode, null, array, object, max_depth_ceiling} (the `fal.json` functions
/// plus the shared sentinels and markers, and FALUA_MAX_DEPTH_CEILING). Safe to call more than once
/// per state: the markers are per state.
int falua_open_json(lua_State *L);

/// Lua `encode(value [, opts])` -> string. opts: `name` (root of error paths, default "value"),
/// `indent` (0..32: pretty print with that many spaces; default compact), `max_depth` (how deeply
/// tables may nest; default the state's, see falua_set_max_depth). Object keys are sorted.
/// Raises "<path>: <reason>", e.g. "input.images[2].url: cannot encode a function".
int falua_json_encode(lua_State *L);

/// Lua `decode(string [, opts])` -> value. opts: `keep_null` (every null becomes the null sentinel;
/// by default a null member is an absent key, a null array element the sentinel, a null document nil),
/// `max_depth` (as encode's).
/// Raises "invalid JSON at line L column C: <reason>".
int falua_json_decode(lua_State *L);

#endif
