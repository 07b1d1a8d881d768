import CFalua

/// A fresh Lua state with the JSON library as the global `json`, driven through the raw C API.
/// Each test makes its own: states are not shared between (parallel) tests.
final class LuaJSON {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  let L: OpaquePointer

  init() {
    L = luaL_newstate()!
    luaL_openlibs(L)
    _ = falua_open_json(L)
    lua_setglobal(L, "json")
  }

  deinit { lua_close(L) }

  /// Runs `code` with `args` passed as `...` (byte-exact Lua strings) and returns every result as
  /// bytes: strings as they are, other values through `tostring`. Throws what the chunk raised.
  func results(_ code: String, _ args: [[UInt8]] = []) throws -> [[UInt8]] {
    let base = lua_gettop(L)
    defer { lua_settop(L, base) }
    let loaded = code.withCString { falua_loadbuffer(L, $0, code.utf8.count, "=test") }
    guard loaded == LUA_OK else { throw Failure(description: string(at: -1)) }
    for arg in args {
      arg.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
      }
    }
    guard falua_pcall_traceback(L, Int32(args.count), falua_multret()) == LUA_OK else {
      throw Failure(description: string(at: -1))
    }
    return (base + 1..<lua_gettop(L) + 1).map { bytes(at: $0) }
  }

  /// The first result of `code`, as a String (see `results`).
  func eval(_ code: String, _ args: [[UInt8]] = []) throws -> String {
    let all = try results(code, args)
    return all.first.map { String(decoding: $0, as: UTF8.self) } ?? "<no result>"
  }

  /// Evaluates the Lua expression `expression` (it may use `...`, the args) expecting it to raise;
  /// returns the error message exactly as raised (no traceback). The call is not a tail call, so
  /// argument errors name the function and carry the usual "test:1: " position.
  func failure(_ expression: String, _ args: [[UInt8]] = []) throws -> String {
    let code = """
      local ok, err = pcall(function(...) local result = \(expression) return result end, ...)
      if ok then return "<no error>" end
      return tostring(err)
      """
    return try eval(code, args)
  }

  /// `json.encode(<lua expression>)`, e.g. `encode("{1, 2.5}")`.
  func encode(_ expression: String, _ options: String = "nil") throws -> String {
    try eval("return json.encode(\(expression), \(options))")
  }

  /// The error raised by `json.encode(<lua expression>)`.
  func encodeFailure(_ expression: String, _ options: String = "nil") throws -> String {
    try failure("json.encode(\(expression), \(options))")
  }

  /// Decodes `text` and re-encodes the result: the round trip most tests look at.
  func roundTrip(_ text: String, _ decodeOptions: String = "nil") throws -> String {
    try eval("return json.encode(json.decode(..., \(decodeOptions)))", [Array(text.utf8)])
  }

  /// The error raised by decoding `bytes`.
  func decodeFailure(_ bytes: [UInt8]) throws -> String {
    try failure("json.decode(...)", [bytes])
  }

  func decodeFailure(_ text: String) throws -> String {
    try decodeFailure(Array(text.utf8))
  }

  private func bytes(at index: Int32) -> [UInt8] {
    let index = lua_absindex(L, index)
    let converted = lua_type(L, index) != LUA_TSTRING
    var length = 0
    let pointer = converted ? luaL_tolstring(L, index, &length)! : lua_tolstring(L, index, &length)!
    let result = pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
      Array(UnsafeBufferPointer(start: $0, count: length))
    }
    if converted { falua_pop(L, 1) }
    return result
  }

  private func string(at index: Int32) -> String {
    String(decoding: bytes(at: index), as: UTF8.self)
  }
}

/// Bytes from text where `‹XX›` stands for the raw byte 0xXX, so tests can spell invalid UTF-8:
/// `bytes("[‹FF›]")` is `[`, 0xFF, `]`.
func bytes(_ text: String) -> [UInt8] {
  var out: [UInt8] = []
  var rest = Substring(text)
  while let open = rest.firstIndex(of: "‹") {
    out += Array(rest[..<open].utf8)
    let close = rest[open...].firstIndex(of: "›")!
    out.append(UInt8(rest[rest.index(after: open)..<close], radix: 16)!)
    rest = rest[rest.index(after: close)...]
  }
  return out + Array(rest.utf8)
}
