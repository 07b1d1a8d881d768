import LuaKit

// The Lua side validated the user's values already (it knows their names); these readers only
// make a misuse of `fal.core` itself a clear error instead of a silently dropped value.
extension Lua {
  /// The string argument at `index`, or an error naming it.
  func checkString(_ index: Int32, _ name: String) throws -> String {
    try required(index, name, "string", optString(index, name))
  }

  /// The string argument at `index`, nil when absent, an error for another type.
  func optString(_ index: Int32, _ name: String) throws -> String? {
    try optional(index, name, "string", string(at:))
  }

  /// The string argument at `index` as bytes, or an error naming it.
  func checkBytes(_ index: Int32, _ name: String) throws -> [UInt8] {
    try required(index, name, "string", optBytes(index, name))
  }

  /// The string argument at `index` as bytes, nil when absent, an error for another type.
  func optBytes(_ index: Int32, _ name: String) throws -> [UInt8]? {
    try optional(index, name, "string", bytes(at:))
  }

  /// The string argument at `index` as uncopied bytes (`bytesView`), nil when absent, an error for
  /// another type.
  func optBytesView(_ index: Int32, _ name: String) throws -> UnsafeRawBufferPointer? {
    try optional(index, name, "string", bytesView(at:))
  }

  /// The integer argument at `index`, or an error naming it.
  func checkInteger(_ index: Int32, _ name: String) throws -> Int {
    try required(index, name, "integer", optional(index, name, "integer", integer(at:)))
  }

  /// The number argument at `index`, nil when absent, an error for another type.
  func optNumber(_ index: Int32, _ name: String) throws -> Double? {
    try optional(index, name, "number", number(at:))
  }

  /// The boolean argument at `index`, nil when absent, an error for another type.
  func optBool(_ index: Int32, _ name: String) throws -> Bool? {
    try optional(index, name, "boolean") { type(at: $0) == .boolean ? bool(at: $0) : nil }
  }

  /// Whether the argument at `index` is a table; nil is false, another type an error.
  func isTable(_ index: Int32, _ name: String) throws -> Bool {
    try optional(index, name, "table") { type(at: $0) == .table ? true : nil } ?? false
  }

  private func optional<T>(_ index: Int32, _ name: String, _ expected: String, _ read: (Int32) -> T?) throws -> T? {
    if isNoneOrNil(index) { return nil }
    guard let value = read(index) else { throw badArgument(index, name, expected) }
    return value
  }

  private func required<T>(_ index: Int32, _ name: String, _ expected: String, _ value: T?) throws -> T {
    guard let value else { throw badArgument(index, name, expected) }
    return value
  }

  private func badArgument(_ index: Int32, _ name: String, _ expected: String) -> LuaError {
    // Negative indexes are option fields read onto the stack top: the name says which.
    let place = index > 0 ? "bad argument #\(index) (\(name))" : "bad option \(name)"
    return LuaError(message: "\(place): \(expected) expected, got \(type(at: index).name)")
  }
}
