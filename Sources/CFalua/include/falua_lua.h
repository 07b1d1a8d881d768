// Lua 5.4 for Swift: function-like macros as inline functions, and the trampoline that keeps
// lua_error's longjmp out of Swift frames.
#ifndef FALUA_LUA_H
#define FALUA_LUA_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

static inline int falua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int falua_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int falua_multret(void) { return LUA_MULTRET; }
static inline void falua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void falua_newtable(lua_State *L) { lua_newtable(L); }
static inline void falua_insert(lua_State *L, int i) { lua_insert(L, i); }
static inline void falua_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline void falua_replace(lua_State *L, int i) { lua_replace(L, i); }
static inline int falua_isnoneornil(lua_State *L, int i) { return lua_isnoneornil(L, i); }
static inline void falua_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
/// "Lua 5.4.x", for `falua -v` (LUA_RELEASE is a concatenation Swift cannot import).
static inline const char *falua_lua_release(void) { return LUA_RELEASE; }
static inline int falua_loadbuffer(lua_State *L, const char *b, size_t n, const char *name) {
  return luaL_loadbuffer(L, b, n, name);
}

/// A Swift function called from Lua. Returns the number of results it pushed, or FALUA_RAISE after
/// pushing an error value: the trampoline then calls lua_error once the Swift frame has returned.
typedef int (*falua_swift_fn)(lua_State *L, void *context);
#define FALUA_RAISE (-1)

/// Pushes a Lua function that calls `fn(L, context)`. `release(context)` runs when Lua collects it.
void falua_push_swift_function(lua_State *L, falua_swift_fn fn, void *context, void (*release)(void *));

/// lua_pcall with a message handler that renders the error (honouring __tostring) and appends a
/// traceback, as lua.c does. On error the rendered string is on the stack top.
int falua_pcall_traceback(lua_State *L, int nargs, int nresults);

/// lua_resume that records which coroutine runs, so that an interrupt can reach it.
int falua_resume(lua_State *co, lua_State *from, int nargs, int *nresults);

/// `coroutine.resume` through falua_resume: (co, args...) -> true, results... | false, err.
int falua_lua_resume(lua_State *L);

/// Called from a SIGINT handler (async-signal-safe): the running Lua code raises "interrupted" at its
/// next instruction count hook.
void falua_interrupt(void);
/// Clears a pending interrupt (after it was handled).
void falua_clear_interrupt(void);
/// 1 once falua_interrupt was called and not cleared.
int falua_interrupted(void);

#endif
