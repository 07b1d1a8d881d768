// A count hook that yields: the emulator runs a realtime handler in place on an event loop only
// while it stays cheap (stdlib/emulator/realtime.lua). A Lua hook cannot yield; a C one can.
#include "falua_lua.h"

static const char target_key = 0;  // registry: the one thread whose hook may yield

static void yield_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  // Coroutines the app makes inside the handler inherit the hook: only the handler itself yields.
  lua_rawgetp(L, LUA_REGISTRYINDEX, &target_key);
  int target = lua_touserdata(L, -1) == (void *)L;
  lua_pop(L, 1);
  if (target && lua_isyieldable(L)) lua_yield(L, 0);
}

int falua_yield_after(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co, 1, "coroutine");
  if (lua_isnoneornil(L, 2)) {
    lua_sethook(co, NULL, 0, 0);
    return 0;
  }
  lua_Integer count = luaL_checkinteger(L, 2);
  luaL_argcheck(L, count > 0 && count <= 0x7fffffff, 2, "instruction count out of range");
  lua_pushlightuserdata(L, co);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &target_key);
  lua_sethook(co, yield_hook, LUA_MASKCOUNT, (int)count);  // also restarts the count
  return 0;
}
