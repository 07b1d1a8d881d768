// The sandbox's resource limits for one Lua state: a memory cap enforced by an allocator that wraps
// the state's own, and a time budget checked by a count hook on every coroutine.
#ifndef FALUA_LIMITS_H
#define FALUA_LIMITS_H

#include <lua5.4/lua.h>
#include <stddef.h>
#include "falua_lua.h"

/// Which limit a state went over (0: none).
typedef enum { FALUA_LIMIT_NONE = 0, FALUA_LIMIT_MEMORY = 1, FALUA_LIMIT_TIME = 2 } falua_limit;

/// Installs the limits on `L` (interrupting through `control`) (once, before any coroutine exists): an allocator refusing growth past
/// `max_bytes` (0: no cap) and a count hook. Returns an opaque handle, owned by the caller, which
/// must outlive the state (free it with falua_limits_free after lua_close).
void *falua_limits_install(lua_State *L, size_t max_bytes, falua_control *control);

/// Starts a time budget of `seconds` from now (0 or less: none) and clears an earlier violation.
void falua_limits_arm(void *limits, double seconds);

/// Marks the time budget as spent now (the loop's timer fired while no Lua code ran): the running
/// code is interrupted as by Ctrl-C.
void falua_limits_expire(void *limits);

/// The limit that was exceeded since the last arm, if any.
falua_limit falua_limits_exceeded(void *limits);

/// Bytes the state holds now, as the allocator counts them.
size_t falua_limits_used(void *limits);

/// A full garbage collection (lua_gc is variadic, which Swift cannot call).
static inline void falua_collect_garbage(lua_State *L) { lua_gc(L, LUA_GCCOLLECT, 0); }

/// Frees the handle (after lua_close of its state).
void falua_limits_free(void *limits);

#endif
