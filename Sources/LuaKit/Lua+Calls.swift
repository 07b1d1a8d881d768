import CFalua

extension Lua {
  /// Compiles `code` and pushes the chunk as a function; throws the syntax error.
  public func load(_ code: String, name: String) throws {
    var copy = code
    try copy.withUTF8 { try load(chunk: UnsafeRawBufferPointer($0), name: name) }
  }

  /// Loads a chunk, Lua source or bytecode, and pushes it as a function; throws the syntax error.
  public func load(chunk: UnsafeRawBufferPointer, name: String) throws {
    let status = falua_loadbuffer(state, chunk.baseAddress?.assumingMemoryBound(to: CChar.self), chunk.count, name)
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
