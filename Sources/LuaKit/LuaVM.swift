import CFalua

/// An owned Lua state with the standard libraries open; closed when released.
public final class LuaVM {
  /// The state's stack API.
  public let lua: Lua

  /// Creates a state; `openStandardLibraries` opens Lua's base, string, table, math, io, os... libraries.
  public init(openStandardLibraries: Bool = true) {
    guard let state = luaL_newstate() else { fatalError("Lua could not allocate a state") }
    if openStandardLibraries { luaL_openlibs(state) }
    lua = Lua(state)
  }

  deinit { lua_close(lua.state) }
}
