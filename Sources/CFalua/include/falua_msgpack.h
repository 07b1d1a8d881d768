// msgpack <-> Lua values on msgpuck, with the JSON codec's rules (DESIGN.md §4): the shared null
// sentinel and array/object markers, errors naming the path, cycle and depth checks.
#ifndef FALUA_MSGPACK_H
#define FALUA_MSGPACK_H

#include <lua5.4/lua.h>

#include "falua_codec_shared.h"

/// Registry key of the metatable that marks a `bytes(s)` value (its `__name` is "fal.bytes").
#define FALUA_BYTES_MARKER_KEY "falua.msgpack.bytes"

/// Pushes a table {pack, unpack, bytes}.
int falua_open_msgpack(lua_State *L);

/// Lua `pack(value [, opts])` -> string. opts: `name` (root of error paths, default "value"),
/// `max_depth` (how deeply tables may nest; default the state's, see falua_set_max_depth).
/// Integers pack in the int family, floats as float64; a valid UTF-8 string as str, any other
/// string (or a `bytes` value) as bin. Tables follow the JSON rules; a table marked as an object
/// may also have integer, float or boolean keys. Raises "<path>: <reason>".
int falua_msgpack_pack(lua_State *L);

/// Lua `unpack(string [, opts])` -> value. opts: `max_depth` (as pack's). bin and str decode to strings, nil in arrays to the null sentinel
/// (in maps to an absent key), unsigned integers above the int64 range to floats; ext types raise.
int falua_msgpack_unpack(lua_State *L);

/// `unpack`, except that bin decodes to a `bytes(s)` value, so a bin stays bin when packed again
/// (the emulator's realtime apps: fal's apps see `bytes` distinct from `str`).
int falua_msgpack_unpack_keeping_bin(lua_State *L);

/// `falua_open_msgpack` with `unpack` = `falua_msgpack_unpack_keeping_bin`.
int falua_open_msgpack_keeping_bin(lua_State *L);

/// Lua `bytes(s)` -> a value that `pack` writes as bin; `.data` is the string.
int falua_msgpack_bytes(lua_State *L);

#endif
