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

  /// A `{name = value}` table of header strings; empty when absent.
  func headers(_ name: String) throws -> HTTPHeaders {
    try field(name) { try $0.optHeaders($1, $2) } ?? HTTPHeaders()
  }

  /// The `fal.core.request` / `stream_open` options: path, logs and the request's own.
  func request() throws -> (options: RequestOptions, path: String?, logs: Bool) {
    var options = RequestOptions(headers: try headers("headers"))
    options.startTimeout = try number("start_timeout")
    options.hint = try string("hint")
    options.timeout = try number("timeout")
    options.webhookURL = try string("webhook_url")
    if let priority = try string("priority") {
      guard let value = Priority(rawValue: priority) else {
        throw LuaError(message: "bad option priority: \"normal\" or \"low\" expected, got \"\(priority)\"")
      }
      options.priority = value
    }
    return (options, try string("path"), try bool("logs") ?? false)
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
