// The sandbox's memory cap and time budget (falua_limits.h). Both end the pipeline the way Ctrl-C
// does (falua_control_interrupt: the scheduler cancels every task and the queue's in-flight requests), and
// both keep refusing afterwards inside tasks, so a `pcall` in a loop cannot outlive them. The main
// thread, where the scheduler and its cleanup run, is exempt from the hook and gets headroom.
#include "falua_limits.h"
#include "falua_lua.h"
#include <stdlib.h>
#include <time.h>

typedef struct {
  lua_Alloc base;
  void *base_ud;
  size_t used, max;
  double deadline, seconds;
  volatile int exceeded;
  falua_control *control;
} limits;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void exceed(limits *l, falua_limit which) {
  if (l->exceeded) return;
  l->exceeded = which;
  falua_control_interrupt(l->control);
}

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  limits *l = (limits *)ud;
  size_t old = ptr ? osize : 0;  // without a block, osize is the type of the new object
  if (nsize == 0) {
    l->used -= old;
    return l->base(l->base_ud, ptr, osize, 0);
  }
  if (l->max && nsize > old) {
    // Past the cap the pipeline is stopped; an eighth more lets the cleanup (cancel requests) run.
    size_t cap = l->exceeded == FALUA_LIMIT_MEMORY ? l->max + l->max / 8 : l->max;
    if (l->used + (nsize - old) > cap) {
      // Garbage counts until collected (Lua's default pacing: up to about as much again as live data).
      exceed(l, FALUA_LIMIT_MEMORY);
      return NULL;
    }
  }
  void *p = l->base(l->base_ud, ptr, osize, nsize);
  if (p) l->used = l->used - old + nsize;
  return p;
}

static void limits_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  void *ud;
  if (lua_getallocf(L, &ud) != limited_alloc) return;
  limits *l = (limits *)ud;
  if (lua_pushthread(L)) {  // the main thread: the scheduler itself
    lua_pop(L, 1);
    return;
  }
  lua_pop(L, 1);
  if (!l->exceeded && l->deadline > 0 && now() > l->deadline) exceed(l, FALUA_LIMIT_TIME);
  // Once over, every instruction of this coroutine raises: a `pcall` in a loop gets back control
  // for one instruction only, and that one raises outside it.
  if (l->exceeded) lua_sethook(L, limits_hook, LUA_MASKCOUNT, 1);
  if (l->exceeded == FALUA_LIMIT_TIME) luaL_error(L, "sandbox: time budget of %f s spent (max-time)", l->seconds);
  if (l->exceeded == FALUA_LIMIT_MEMORY) luaL_error(L, "sandbox: memory limit reached (max-memory)");
}

// Often enough to stop a busy loop within about a millisecond, rare enough to cost little.
#define HOOK_COUNT 1000

void *falua_limits_install(lua_State *L, size_t max_bytes, falua_control *control) {
  limits *l = (limits *)calloc(1, sizeof(limits));
  if (!l) return NULL;
  l->control = control;
  l->base = lua_getallocf(L, &l->base_ud);
  l->max = max_bytes;
  l->used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
  lua_setallocf(L, limited_alloc, l);
  lua_sethook(L, limits_hook, LUA_MASKCOUNT, HOOK_COUNT);
  falua_set_resting_hook(limits_hook, LUA_MASKCOUNT, HOOK_COUNT);
  return l;
}

void falua_limits_arm(void *handle, double seconds) {
  limits *l = (limits *)handle;
  l->exceeded = FALUA_LIMIT_NONE;
  l->seconds = seconds;
  l->deadline = seconds > 0 ? now() + seconds : 0;
}

void falua_limits_expire(void *handle) { exceed((limits *)handle, FALUA_LIMIT_TIME); }

falua_limit falua_limits_exceeded(void *handle) { return (falua_limit)((limits *)handle)->exceeded; }

size_t falua_limits_used(void *handle) { return ((limits *)handle)->used; }

void falua_limits_free(void *handle) { free(handle); }
