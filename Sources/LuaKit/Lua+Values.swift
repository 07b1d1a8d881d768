import CFalua

extension Lua {
  /// The type of the value at `index`.
  public func type(at index: Int32) -> LuaType { LuaType(rawValue: lua_type(state, index)) ?? .none }

  /// True when the value at `index` is nil or absent.
  public func isNoneOrNil(_ index: Int32) -> Bool { falua_isnoneornil(state, index) != 0 }

  /// Pushes nil.
  public func pushNil() { lua_pushnil(state) }
  /// Pushes a boolean.
  public func push(_ value: Bool) { lua_pushboolean(state, value ? 1 : 0) }
  /// Pushes an integer.
  public func push(_ value: Int) { lua_pushinteger(state, lua_Integer(value)) }
  /// Pushes a float.
  public func push(_ value: Double) { lua_pushnumber(state, value) }
  /// Pushes a string (UTF-8 bytes).
  public func push(_ value: String) {
    var copy = value
    copy.withUTF8 { buffer in
      _ = buffer.withMemoryRebound(to: CChar.self) { lua_pushlstring(state, $0.baseAddress, $0.count) }
    }
  }
  /// Pushes raw bytes as a Lua string.
  public func push(bytes: [UInt8]) {
    bytes.withUnsafeBytes { push(bytes: $0) }
  }
  /// Pushes bytes as a Lua string (a copy).
  public func push(bytes: UnsafeRawBufferPointer) {
    _ = lua_pushlstring(state, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
  }
  /// Pushes an optional string, nil when absent.
  public func push(_ value: String?) { if let value { push(value) } else { pushNil() } }
  /// Pushes an optional integer, nil when absent.
  public func push(_ value: Int?) { if let value { push(value) } else { pushNil() } }
  /// Pushes an optional float, nil when absent.
  public func push(_ value: Double?) { if let value { push(value) } else { pushNil() } }
  /// Pushes a light userdata.
  public func push(lightUserdata: UnsafeMutableRawPointer?) { lua_pushlightuserdata(state, lightUserdata) }

  /// The string at `index` if it is a string (numbers are not converted: lua_tolstring would
  /// change them in place).
  public func string(at index: Int32) -> String? {
    guard type(at: index) == .string else { return nil }
    var length = 0
    guard let pointer = lua_tolstring(state, index, &length) else { return nil }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
      String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
    }
  }

  /// The bytes of the string at `index` if it is a string.
  public func bytes(at index: Int32) -> [UInt8]? {
    guard type(at: index) == .string else { return nil }
    var length = 0
    guard let pointer = lua_tolstring(state, index, &length) else { return nil }
    return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
      Array(UnsafeBufferPointer(start: $0, count: length))
    }
  }

  /// The bytes of the string at `index`, uncopied, if it is a string: valid while the string stays
  /// on the stack (Lua does not move strings).
  public func bytesView(at index: Int32) -> UnsafeRawBufferPointer? {
    guard type(at: index) == .string else { return nil }
    var length = 0
    guard let pointer = lua_tolstring(state, index, &length) else { return nil }
    return UnsafeRawBufferPointer(start: pointer, count: length)
  }

  /// The integer at `index` if it is an integer or a float with an exact integer value.
  public func integer(at index: Int32) -> Int? {
    guard type(at: index) == .number else { return nil }
    var isInteger: Int32 = 0
    let value = lua_tointegerx(state, index, &isInteger)
    return isInteger != 0 ? Int(value) : nil
  }

  /// The number at `index` if it is a number.
  public func number(at index: Int32) -> Double? {
    guard type(at: index) == .number else { return nil }
    return lua_tonumberx(state, index, nil)
  }

  /// The truth value of the element at `index` (nil and false are false).
  public func bool(at index: Int32) -> Bool { lua_toboolean(state, index) != 0 }

  /// The pointer of a (light or full) userdata at `index`.
  public func userdata(at index: Int32) -> UnsafeMutableRawPointer? { lua_touserdata(state, index) }

  /// Pushes a new table with room for `array` sequence and `record` other elements.
  public func newTable(array: Int32 = 0, record: Int32 = 0) { lua_createtable(state, array, record) }

  /// Pops a value and stores it as `table[key]` without metamethods.
  public func rawSet(field key: String, in table: Int32) {
    let table = absolute(table)
    push(key)
    insert(at: -2)
    lua_rawset(state, table)
  }

  /// Pops a value and stores it as `table[n]` without metamethods.
  public func rawSet(index n: Int, in table: Int32) { lua_rawseti(state, table, lua_Integer(n)) }

  /// Pushes `table[key]` without metamethods and returns its type.
  @discardableResult public func rawGet(field key: String, in table: Int32) -> LuaType {
    let table = absolute(table)
    push(key)
    return LuaType(rawValue: lua_rawget(state, table)) ?? .none
  }

  /// Pushes `table[n]` without metamethods and returns its type.
  @discardableResult public func rawGet(index n: Int, in table: Int32) -> LuaType {
    LuaType(rawValue: lua_rawgeti(state, table, lua_Integer(n))) ?? .none
  }

  /// The raw length of the table or string at `index`.
  public func rawLength(at index: Int32) -> Int { Int(lua_rawlen(state, index)) }

  /// Pops a value and makes it the global `name`.
  public func setGlobal(_ name: String) { lua_setglobal(state, name) }

  /// Pushes the global `name` and returns its type. (Globals table access is raw in practice:
  /// falua never puts a metatable on _G.)
  @discardableResult public func getGlobal(_ name: String) -> LuaType {
    LuaType(rawValue: lua_getglobal(state, name)) ?? .none
  }

  /// Calls `body(key, value)` for each pair of the table at `index` (key at -2, value at -1 while
  /// the body runs; the body must leave the stack as it found it).
  public func forEachPair(in index: Int32, _ body: () throws -> Void) rethrows {
    let table = absolute(index)
    pushNil()
    while lua_next(state, table) != 0 {
      try body()
      pop()
    }
  }
}
