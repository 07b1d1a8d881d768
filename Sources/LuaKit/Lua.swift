import CFalua

/// A non-owning view of a Lua state: the stack operations falua's Swift code uses.
///
/// Rule of this module: Swift code only calls Lua API functions that cannot raise (raw table access,
/// pushes, type queries). Anything that can run Lua code or raise goes through `pcall`.
public struct Lua {
  /// The underlying `lua_State *`.
  public let state: OpaquePointer

  /// Wraps an existing state without taking ownership.
  public init(_ state: OpaquePointer) { self.state = state }

  /// The index of the top element (the number of elements on the stack).
  public var top: Int32 {
    get { lua_gettop(state) }
    nonmutating set { lua_settop(state, newValue) }
  }

  /// Removes `n` elements from the top of the stack.
  public func pop(_ n: Int32 = 1) { falua_pop(state, n) }

  /// Turns a relative index into an absolute one.
  public func absolute(_ index: Int32) -> Int32 { lua_absindex(state, index) }

  /// Makes sure the stack has room for `n` more elements.
  @discardableResult public func ensureStack(_ n: Int32) -> Bool { lua_checkstack(state, n) != 0 }

  /// Pushes a copy of the element at `index`.
  public func pushValue(at index: Int32) { lua_pushvalue(state, index) }

  /// Moves the top element into position `index`, shifting elements up.
  public func insert(at index: Int32) { falua_insert(state, index) }

  /// Removes the element at `index`, shifting elements down.
  public func remove(at index: Int32) { falua_remove(state, index) }

  /// The pseudo-index of the registry.
  public static var registryIndex: Int32 { falua_registryindex() }

  /// The pseudo-index of upvalue `n` of the running C function.
  public static func upvalueIndex(_ n: Int32) -> Int32 { falua_upvalueindex(n) }
}

/// The basic types of Lua values.
public enum LuaType: Int32 {
  case none = -1, `nil` = 0, boolean = 1, lightUserdata = 2, number = 3, string = 4, table = 5,
    function = 6, userdata = 7, thread = 8

  /// The name Lua's `type()` gives.
  public var name: String {
    switch self {
    case .none: return "no value"
    case .nil: return "nil"
    case .boolean: return "boolean"
    case .lightUserdata, .userdata: return "userdata"
    case .number: return "number"
    case .string: return "string"
    case .table: return "table"
    case .function: return "function"
    case .thread: return "thread"
    }
  }
}
