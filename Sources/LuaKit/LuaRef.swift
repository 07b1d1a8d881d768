import CFalua

/// A registry reference that keeps a Lua value alive for Swift (luaL_ref).
public struct LuaRef: Hashable, Sendable {
  /// The reference number.
  public let id: Int32
}

extension Lua {
  /// Pops the top value and returns a reference to it.
  public func ref() -> LuaRef { LuaRef(id: luaL_ref(state, Lua.registryIndex)) }
  /// Pushes the referenced value.
  public func push(_ ref: LuaRef) { lua_rawgeti(state, Lua.registryIndex, lua_Integer(ref.id)) }
  /// Releases a reference.
  public func unref(_ ref: LuaRef) { luaL_unref(state, Lua.registryIndex, ref.id) }
}
