#include "falua_lua.h"
#include <signal.h>
#include <string.h>

typedef struct {
  falua_swift_fn fn;
  void *context;
  void (*release)(void *);
} swift_function;

static const char *const swift_function_mt = "falua.swift_function";

static int swift_function_gc(lua_State *L) {
  swift_function *f = (swift_function *)lua_touserdata(L, 1);
  if (f->release && f->context) f->release(f->context);
  f->context = NULL;
  return 0;
}

static int trampoline(lua_State *L) {
  swift_function *f = (swift_function *)lua_touserdata(L, lua_upvalueindex(1));
  int n = f->fn(L, f->context);
  if (n == FALUA_RAISE) return lua_error(L);  // the Swift frame has already returned
  return n;
}

void falua_push_swift_function(lua_State *L, falua_swift_fn fn, void *context, void (*release)(void *)) {
  swift_function *f = (swift_function *)lua_newuserdatauv(L, sizeof(swift_function), 0);
  f->fn = fn;
  f->context = context;
  f->release = release;
  if (luaL_newmetatable(L, swift_function_mt)) {
    lua_pushcfunction(L, swift_function_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  lua_pushcclosure(L, trampoline, 1);
}

// The text of a non-string error object. In a falua state, Lua renders it (`message` of the loaded
// `fal.uncaught`, the CLI's one renderer); a state without it (the emulator's) gets lua.c's rule.
static const char *error_object_text(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  if (lua_getfield(L, -1, "fal.uncaught") == LUA_TTABLE && lua_getfield(L, -1, "message") == LUA_TFUNCTION) {
    lua_pushvalue(L, 1);
    if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING) return lua_tostring(L, -1);
  }
  if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return lua_tostring(L, -1);
  return lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
}

static int message_handler(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) msg = error_object_text(L);
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int falua_pcall_traceback(lua_State *L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, message_handler);
  lua_insert(L, base);
  int status = lua_pcall(L, nargs, nresults, base);
  lua_remove(L, base);
  return status;
}

// Each runtime's state points at its falua_control through the main thread's extra space (which
// every coroutine copies), so a stop reaches the coroutine running in that runtime and no other.
// States without one (the emulator's) share a default; Ctrl-C goes to the signal target.
static falua_control default_control;
static falua_control *volatile signal_target = &default_control;

static falua_control *control_of(lua_State *L) {
  falua_control *c = *(falua_control **)lua_getextraspace(L);
  return c ? c : &default_control;
}

void falua_control_attach(lua_State *L, falua_control *control) {
  *(falua_control **)lua_getextraspace(L) = control;
}

void falua_set_signal_target(falua_control *control) { signal_target = control ? control : &default_control; }

void falua_release_signal_target(falua_control *control) {
  if (signal_target == control) signal_target = &default_control;
}

int falua_resume(lua_State *co, lua_State *from, int nargs, int *nresults) {
  falua_control *c = control_of(co);
  lua_State *outer = c->running;
  c->running = co;
  if (c->interrupted) falua_control_interrupt(c);
  int status = lua_resume(co, from, nargs, nresults);
  c->running = outer;
  return status;
}

// The hook a coroutine returns to after an interrupt (the sandbox's limits hook), or none.
static lua_Hook resting_hook = NULL;
static int resting_mask = 0, resting_count = 0;

void falua_set_resting_hook(lua_Hook hook, int mask, int count) {
  resting_hook = hook;
  resting_mask = mask;
  resting_count = count;
}

static void interrupt_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, resting_hook, resting_mask, resting_count);
  luaL_error(L, "interrupted");
}

void falua_control_interrupt(falua_control *c) {
  c->interrupted = 1;
  lua_State *L = c->running;
  if (L) lua_sethook(L, interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

void falua_interrupt(void) { falua_control_interrupt(signal_target); }
void falua_clear_interrupt(void) { signal_target->interrupted = 0; }
int falua_interrupted(void) { return signal_target->interrupted; }

int falua_lua_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co, 1, "coroutine");
  int nargs = lua_gettop(L) - 1;
  if (!lua_checkstack(co, nargs)) return luaL_error(L, "too many arguments to resume");
  lua_xmove(L, co, nargs);
  int nresults = 0;
  int status = falua_resume(co, L, nargs, &nresults);
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nresults + 1)) {
      lua_pop(co, nresults);
      return luaL_error(L, "too many results to resume");
    }
    lua_pushboolean(L, 1);
    lua_xmove(co, L, nresults);
    return nresults + 1;
  }
  lua_pushboolean(L, 0);
  lua_xmove(co, L, 1);  // the error object
  return 2;
}
