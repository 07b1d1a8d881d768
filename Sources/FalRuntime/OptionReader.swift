import FalClient
import LuaKit
import Transport

// The option tables `fal.core` functions take were built and validated by the Lua side; a field
// of the wrong type here is a bug there, so it raises instead of being dropped.
/// Reads the fields of the option table at one argument position, strictly typed.
struct OptionReader {
  private let lua: Lua
  private let index: Int32?

  /// Options at argument `index`; nil there means no options.
  init(_ lua: Lua, _ index: Int32, _ name: String) throws {
    self.lua = lua
    self.index = try lua.isTable(index, name) ? lua.absolute(index) : nil
  }

  /// Reads field `name` (nil when absent or when there are no options).
  func field<T>(_ name: String, _ read: (Lua, Int32, String) throws -> T?) throws -> T? {
    guard let index else { return nil }
    lua.rawGet(field: name, in: index)
    defer { lua.pop() }
    return try read(lua, -1, name)
  }

  func string(_ name: String) throws -> String? { try field(name) { try $0.optString($1, $2) } }
  func number(_ name: String) throws -> Double? { try field(name) { try $0.optNumber($1, $2) } }
  func bool(_ name: String) throws -> Bool? { try field(name) { try $0.optBool($1, $2) } }
  func integer(_ name: String) throws -> Int? {
    try field(name) { lua, at, name in lua.isNoneOrNil(at) ? nil : try lua.checkInteger(at, name) }
  }

  /// Reads the nested option table `name` with `read` (nil when absent); the reader is valid
  /// only inside `read`, while the table is on the stack.
  func table<T>(_ name: String, _ read: (OptionReader) throws -> T) throws -> T? {
    try field(name) { lua, at, name in try lua.isTable(at, name) ? try read(OptionReader(lua, at, name)) : nil }
  }

  // The table is walked rather than asked for each name: most calls have few options or none,
  // and every call reads them (issue 10).
  /// The `fal.core.request` / `stream_open` options: path, logs and the request's own.
  func request() throws -> (options: RequestOptions, path: String?, logs: Bool) {
    var options = RequestOptions()
    var path: String?
    var logs = false
    guard let index else { return (options, path, logs) }
    try lua.forEachPair(in: index) {
      guard let name = lua.string(at: -2) else { return }
      switch name {
      case "headers": options.headers = try lua.optHeaders(-1, name)
      case "start_timeout": options.startTimeout = try lua.optNumber(-1, name)
      case "hint": options.hint = try lua.optString(-1, name)
      case "timeout": options.timeout = try lua.optNumber(-1, name)
      case "webhook_url": options.webhookURL = try lua.optString(-1, name)
      case "priority":
        guard let priority = try lua.optString(-1, name) else { return }
        guard let value = Priority(rawValue: priority) else {
          throw LuaError(message: "bad option priority: \"normal\" or \"low\" expected, got \"\(priority)\"")
        }
        options.priority = value
      case "path": path = try lua.optString(-1, name)
      case "logs": logs = try lua.optBool(-1, name) ?? false
      default: break
      }
    }
    return (options, path, logs)
  }
}

extension Lua {
  /// The `{name = value}` table of header strings at `index`; empty when absent.
  func optHeaders(_ index: Int32, _ name: String) throws -> HTTPHeaders {
    var headers = HTTPHeaders()
    guard try isTable(index, name) else { return headers }
    try forEachPair(in: index) {
      guard let field = string(at: -2), let value = string(at: -1) else {
        throw LuaError(message: "bad \(index > 0 ? "argument #\(index)" : "option") \(name): string keys and values expected")
      }
      headers.add(name: field, value: value)
    }
    return headers
  }
}
