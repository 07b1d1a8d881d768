import CFalua

extension Lua {
  /// Compiles `code` and pushes the chunk as a function; throws the syntax error.
  public func load(_ code: String, name: String) throws {
    var copy = code
    let status = copy.withUTF8 { buffer in
      buffer.withMemoryRebound(to: CChar.self) {
        falua_loadbuffer(state, $0.baseAddress, $0.count, name)
      }
    }
    if status != LUA_OK {
      let message = string(at: -1) ?? "cannot load \(name)"
      pop()
      throw LuaError(message: message)
    }
  }

  /// Calls the function below its `arguments` in protected mode; on error throws the message with
  /// a traceback (error objects are rendered with `__tostring`).
  public func call(arguments: Int32, results: Int32 = falua_multret()) throws {
    if falua_pcall_traceback(state, arguments, results) != LUA_OK {
      let message = string(at: -1) ?? "unknown Lua error"
      pop()
      throw LuaError(message: message)
    }
  }

  /// Runs `code` and returns nothing; convenience for set-up code.
  public func run(_ code: String, name: String) throws {
    try load(code, name: name)
    try call(arguments: 0, results: 0)
  }
}
