// Lua 5.4 for Swift: function-like macros as inline functions, and the trampoline that keeps
// lua_error's longjmp out of Swift frames.
#ifndef FALUA_LUA_H
#define FALUA_LUA_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>
#include <signal.h>

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

/// A runtime's interrupt state: the innermost coroutine being resumed (where an interrupt raises)
/// and whether an interrupt (Ctrl-C, a stop, a sandbox violation) is pending.
typedef struct falua_control {
  lua_State *volatile running;
  volatile sig_atomic_t interrupted;
} falua_control;

/// Gives the state `L` (before it creates coroutines) its own interrupt state.
void falua_control_attach(lua_State *L, falua_control *control);
/// Interrupts the runtime of `control` (async-signal-safe, callable from any thread): its running
/// Lua code raises "interrupted" at its next instruction count hook.
void falua_control_interrupt(falua_control *control);
/// Whether the runtime of `control` was interrupted and not cleared.
static inline int falua_control_interrupted(falua_control *control) { return control->interrupted; }
/// Clears the pending interrupt of `control` (after it was handled).
static inline void falua_control_clear(falua_control *control) { control->interrupted = 0; }
/// Where Ctrl-C goes (falua_interrupt); NULL: the shared default.
void falua_set_signal_target(falua_control *control);
/// Ctrl-C goes to the shared default again if it went to `control` (its runtime is going away).
void falua_release_signal_target(falua_control *control);

/// lua_resume that records which coroutine runs, so that an interrupt can reach it.
int falua_resume(lua_State *co, lua_State *from, int nargs, int *nresults);

/// `coroutine.resume` through falua_resume: (co, args...) -> true, results... | false, err.
int falua_lua_resume(lua_State *L);

/// `(co, count|nil)`: from now on `co` yields (with no values) after every `count` VM instructions
/// it runs; nil removes that hook. Coroutines made inside `co` inherit the hook but do not yield.
int falua_yield_after(lua_State *L);

/// Called from a SIGINT handler (async-signal-safe): interrupts the signal target's runtime.
void falua_interrupt(void);
/// The hook a coroutine gets back once an interrupt was raised in it (the sandbox's limits), so
/// that catching the interrupt does not remove it.
void falua_set_resting_hook(lua_Hook hook, int mask, int count);
/// Clears the signal target's pending interrupt (after it was handled).
void falua_clear_interrupt(void);
/// 1 once the signal target was interrupted and not cleared.
int falua_interrupted(void);

#endif
