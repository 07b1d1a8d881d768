import CFalua
import FalClient
import Glibc
import LuaKit
import Transport

/// A Swift function callable from Lua: it gets the Lua arguments converted to `FalValue`s and
/// returns one value (`.null` for none). A thrown error becomes a Lua error (a `fal.Error` table
/// with a `kind`: the `FalHostError`'s, else "host").
public typealias FalFunction = ([FalValue]) throws -> FalValue

/// An error a host function throws to choose the `kind` Lua sees (`err.kind`), e.g. "not_found".
public struct FalHostError: Error, CustomStringConvertible, Sendable {
  /// The error's `kind` in Lua.
  public var kind: String
  /// The message (`err.message`); `tostring(err)` shows it after the function's name.
  public var message: String
  /// An error of `kind` with `message`.
  public init(kind: String = "host", _ message: String) {
    self.kind = kind
    self.message = message
  }
  /// The message.
  public var description: String { message }
}

/// The progress of one piece of long work: a queued request (`kind` "request", `label` the
/// endpoint) or an upload ("upload", the file name).
public struct FalProgress: Sendable, Equatable {
  /// "request" or "upload".
  public var kind: String
  /// The endpoint, or the file name.
  public var label: String
  /// The queue status ("IN_QUEUE", "IN_PROGRESS", "COMPLETED") of a request, when known.
  public var status: String?
  /// The position in the queue while "IN_QUEUE".
  public var queuePosition: Int?
  /// Bytes sent so far, for an upload.
  public var sentBytes: Int?
  /// The size of an upload.
  public var totalBytes: Int?
  /// The work ended (the last report for it).
  public var finished: Bool
}

/// One log line an app sent while a queued request ran.
public struct FalLogLine: Sendable, Equatable {
  /// The endpoint of the request.
  public var endpoint: String
  /// The line.
  public var message: String
  /// Its level ("INFO", "ERROR", ...), when the app gave one.
  public var level: String?
}

/// Stops what a runtime is running, from any thread: the running code raises an error of kind
/// "interrupted" at its next instruction or loop turn, every task is cancelled, and the queue
/// requests in flight are cancelled on the server, as with Ctrl-C. A stop requested while nothing
/// runs stops the next run or call. Other runtimes in the process are not affected; once the
/// runtime is gone, `stop` does nothing.
public struct FalStopHandle: Sendable {
  let control: InterruptControl
  /// Requests the stop and wakes the loop; returns at once.
  public func stop() { control.stop() }
}

/// A loaded pipeline file: what its chunk returned (a table of functions) or, when it returned
/// none, the globals it defined. Its functions are called with `call`.
public final class FalPipeline {
  /// The runtime the pipeline lives in.
  public let runtime: FalRuntime
  /// Where it was loaded from (the chunk name for code).
  public let name: String
  private let module: LuaRef?

  init(runtime: FalRuntime, name: String, module: LuaRef?) {
    self.runtime = runtime
    // Chunk names start with "@" (a file) or "=" (a label): the name is what follows.
    self.name = name.hasPrefix("=") || name.hasPrefix("@") ? String(name.dropFirst()) : name
    self.module = module
  }

  deinit { if let module { runtime.lua.unref(module) } }

  /// Calls the pipeline's function `function` with `arguments` as a task, driving the loop until
  /// it returns (its requests, sleeps and spawned tasks run meanwhile); returns its first result
  /// (`.null` for none). Throws `FalRuntimeError` for an error the function raised.
  @discardableResult
  public func call(_ function: String, _ arguments: FalValue...) throws -> FalValue {
    try callReturningAll(function, arguments).first ?? .null
  }

  /// As `call`, returning every result.
  public func callReturningAll(_ function: String, _ arguments: [FalValue]) throws -> [FalValue] {
    let lua = runtime.lua
    return try runtime.callTask(arguments, label: function) {
      if let module {
        lua.push(module)
        lua_getfield(lua.state, -1, function)
        lua.remove(at: -2)
      } else {
        lua.getGlobal(function)
      }
      guard lua.type(at: -1) == .function || lua.type(at: -1) == .table else {
        lua.pop()
        throw FalRuntimeError(message: "\(name) has no function \(function)", traceback: nil, kind: "usage")
      }
    }
  }
}

extension FalRuntime {
  /// A handle to stop this runtime's running code from another thread.
  public var stopHandle: FalStopHandle { FalStopHandle(control: core.interrupt) }

  /// Makes `function` callable from Lua as the global `name`.
  public func register(_ name: String, _ function: @escaping FalFunction) {
    lua.push(function: Self.bridge(name, function))
    lua.setGlobal(name)
  }

  /// Makes `require(module)` return a table of `functions` (a module of the host's own).
  public func register(module: String, _ functions: [String: FalFunction]) {
    lua.getGlobal("package")
    lua.rawGet(field: "preload", in: -1)
    lua.push(function: { lua in
      lua.newTable(record: Int32(functions.count))
      for (name, function) in functions {
        lua.push(function: Self.bridge("\(module).\(name)", function))
        lua.rawSet(field: name, in: -2)
      }
      return 1
    })
    lua.rawSet(field: module, in: -2)
    lua.pop(2)
  }

  /// Loads the Lua file at `path` and runs its top level as a task (so it may already do I/O).
  /// Throws a `FalRuntimeError` of kind "usage" when it does not compile. The host chooses the file:
  /// a sandbox's read rule applies to what the pipeline itself opens, not to this.
  public func load(file path: String) throws -> FalPipeline {
    let status = luaL_loadfilex(lua.state, path, "t")
    return try loadChunk(status: status, name: path)
  }

  /// Loads Lua source as a pipeline; `name` is its chunk name in errors.
  public func load(code: String, name: String = "=(pipeline)") throws -> FalPipeline {
    let status = code.utf8CString.withUnsafeBufferPointer {
      luaL_loadbufferx(lua.state, $0.baseAddress, $0.count - 1, name, "t")
    }
    return try loadChunk(status: status, name: name)
  }

  /// Calls the global Lua function `function` with `arguments` as a task, driving the loop until
  /// it returns; returns its results.
  public func call(_ function: String, _ arguments: [FalValue] = []) throws -> [FalValue] {
    try callTask(arguments, label: function) {
      lua.getGlobal(function)
      guard lua.type(at: -1) == .function || lua.type(at: -1) == .table else {
        lua.pop()
        throw FalRuntimeError(message: "no global function \(function)", traceback: nil, kind: "usage")
      }
    }
  }

  /// Drives the loop until every task has ended and nothing is in flight (returns true) or until
  /// `timeout` seconds have passed (false; the tasks are left running for a later call).
  /// A task that failed with nobody waiting for it is reported on standard error.
  @discardableResult
  public func runLoop(timeout: Double? = nil) throws -> Bool {
    let base = lua.top
    defer { lua.top = base }
    try requireEmbed("settle")
    if let timeout { lua.push(EventLoop.now() + max(0, timeout)) } else { lua.pushNil() }
    try guarded { try lua.call(arguments: 1, results: 3) }
    if lua.type(at: -3) == .nil {
      let kind = lua.string(at: -1) ?? "error"
      if kind == "interrupted" || kind == "sandbox" { core.resetInterrupt() }
      throw FalRuntimeError(message: lua.string(at: -2) ?? "error", traceback: nil, kind: kind)
    }
    if lua.type(at: -2) == .table {
      for i in stride(from: 1, through: lua.rawLength(at: -2), by: 1) {
        lua.rawGet(index: i, in: -2)
        FileOutput.writeToStandardError("falua: a task failed and nobody waited for it: \(lua.string(at: -1) ?? "")\n")
        lua.pop()
      }
    }
    return lua.bool(at: -3)
  }

  /// `value` as JSON text, by `fal.json.encode` (keys sorted; `indent` spaces per level, 0: one line).
  public func json(_ value: FalValue, indent: Int = 0) throws -> String {
    try codec("encode") {
      lua.push(value)
      // An indent of 0 is given as no option at all: one line.
      if indent > 0 {
        lua.newTable()
        lua.push(indent)
        lua.rawSet(field: "indent", in: -2)
      } else {
        lua.pushNil()
      }
    }
  }

  /// The value of JSON `text`, by `fal.json.decode` (`null` members kept as `.null`).
  public func value(json text: String) throws -> FalValue {
    try codec("decode") {
      lua.push(text)
      lua.newTable()
      lua.push(true)
      lua.rawSet(field: "keep_null", in: -2)
    }
  }

  private func codec<T>(_ function: String, push: () -> Void) throws -> T {
    let base = lua.top
    defer { lua.top = base }
    lua.getGlobal("require")
    lua.push("fal.json")
    try lua.call(arguments: 1, results: 1)
    lua.rawGet(field: function, in: -1)
    push()
    do {
      try lua.call(arguments: 2, results: 1)
    } catch let error as LuaError {
      throw FalRuntimeError(message: String(error.message.prefix { $0 != "\n" }), traceback: nil, kind: "usage")
    }
    if T.self == String.self { return (lua.string(at: -1) ?? "") as! T }
    return try lua.falValue(at: -1, path: "value") as! T
  }

  // MARK: - internals

  private func requireEmbed(_ function: String) throws {
    lua.getGlobal("require")
    lua.push("fal.embed")
    try lua.call(arguments: 1, results: 1)
    lua.rawGet(field: function, in: -1)
    lua.remove(at: -2)
  }

  private func loadChunk(status: Int32, name: String) throws -> FalPipeline {
    if status != LUA_OK {
      let message = lua.string(at: -1) ?? "cannot load \(name)"
      lua.pop()
      throw FalRuntimeError(message: message, traceback: nil, kind: "usage")
    }
    let chunk = lua.absolute(-1)
    defer { lua.top = chunk - 1 }
    // A table the chunk returned is the pipeline's module, kept by the registry; else the pipeline
    // lives in the globals.
    let module: LuaRef? = try callTask([], label: name, pushFunction: { lua.pushValue(at: chunk) }) { packed, count in
      guard count >= 1, lua.rawGet(index: 1, in: packed) == .table else { return nil }
      return lua.ref()
    }
    return FalPipeline(runtime: self, name: name, module: module)
  }

  /// Runs the function `pushFunction` pushes with `arguments` as a task (fal.embed.call) under the
  /// sandbox's limits; returns its results converted.
  func callTask(_ arguments: [FalValue], label: String, pushFunction: () throws -> Void) throws -> [FalValue] {
    try callTask(arguments, label: label, pushFunction: pushFunction) { packed, count in
      var values: [FalValue] = []
      for i in stride(from: 1, through: count, by: 1) {
        lua.rawGet(index: i, in: packed)
        defer { lua.pop() }
        do {
          values.append(try lua.falValue(at: -1, path: "\(label): result #\(i)"))
        } catch let error as FalValueError {
          throw FalRuntimeError(message: error.description, traceback: nil, kind: "usage")
        }
      }
      return values
    }
  }

  /// Runs the function `pushFunction` pushes as a task; `read` gets the stack index of the packed
  /// results and their count.
  private func callTask<T>(_ arguments: [FalValue], label: String, pushFunction: () throws -> Void,
    read: (Int32, Int) throws -> T) throws -> T
  {
    let base = lua.top
    defer { lua.top = base }
    do {
      try requireEmbed("call")
    } catch {
      throw FalRuntimeError(message: String(describing: error), traceback: nil, kind: "internal")
    }
    try pushFunction()
    for argument in arguments { lua.push(argument) }
    do {
      try guarded { try lua.call(arguments: Int32(arguments.count + 1), results: 4) }
    } catch {
      throw FalRuntimeError(message: String(describing: error), traceback: nil, kind: "internal")
    }
    guard lua.bool(at: -4) else {
      let kind = lua.string(at: -1) ?? "error"
      if kind == "interrupted" || kind == "sandbox" { core.resetInterrupt() }
      throw FalRuntimeError(message: lua.string(at: -3) ?? "error", traceback: lua.string(at: -2), kind: kind)
    }
    let packed = lua.absolute(-3)
    lua.rawGet(field: "n", in: packed)
    let count = lua.integer(at: -1) ?? 0
    lua.pop()
    return try read(packed, count)
  }

  /// Runs `body` (Lua code driving the loop) with the sandbox's time budget armed: the count hook
  /// sees a busy loop, the loop's timer a long wait.
  func guarded<T>(_ body: () throws -> T) rethrows -> T {
    guard let limits = sandboxGuard?.limits else { return try body() }
    let seconds = sandboxGuard?.policy.maxTime ?? 0
    // What an earlier call left (all of it, after a memory violation) must not count against this one.
    if sandboxGuard?.policy.maxMemory != nil { falua_collect_garbage(lua.state) }
    falua_limits_arm(limits, seconds)
    var timer: TimerID?
    if seconds > 0 {
      let wakeFD = core.loop.wakeFD
      timer = core.loop.schedule(after: seconds) {
        falua_limits_expire(limits)
        var byte: UInt8 = 1
        _ = write(wakeFD, &byte, 1)
      }
    }
    defer { if let timer { core.loop.cancel(timer) } }
    return try body()
  }

  // A Lua function running `function`: arguments converted, errors raised as `fal.Error` tables.
  static func bridge(_ name: String, _ function: @escaping FalFunction) -> LuaFunction {
    { lua in
      var arguments: [FalValue] = []
      let count = lua.top
      for i in stride(from: 1, through: count, by: 1) {
        do {
          arguments.append(try lua.falValue(at: i, path: "argument #\(i)"))
        } catch let error as FalValueError {
          throw RaisedHostError(kind: "usage", operation: name, message: error.description)
        }
      }
      let result: FalValue
      do {
        result = try function(arguments)
      } catch let error as FalHostError {
        throw RaisedHostError(kind: error.kind, operation: name, message: error.message)
      } catch {
        throw RaisedHostError(kind: "host", operation: name, message: String(describing: error))
      }
      lua.push(result)
      return 1
    }
  }

  func installCallbacks() {
    let base = lua.top
    defer { lua.top = base }
    guard (try? requireEmbed("set_callbacks")) != nil else { return }
    if let onProgress {
      lua.push(function: { lua in
        onProgress(FalProgress(
          kind: lua.string(at: 1) ?? "", label: lua.string(at: 2) ?? "", status: lua.string(at: 4),
          queuePosition: lua.integer(at: 5), sentBytes: lua.integer(at: 6), totalBytes: lua.integer(at: 7),
          finished: lua.bool(at: 3)))
        return 0
      })
    } else {
      lua.pushNil()
    }
    if let onLog {
      lua.push(function: { lua in
        onLog(FalLogLine(endpoint: lua.string(at: 1) ?? "", message: lua.string(at: 2) ?? "", level: lua.string(at: 3)))
        return 0
      })
    } else {
      lua.pushNil()
    }
    try? lua.call(arguments: 2, results: 0)
  }
}

/// A host function's failure as Lua sees it: a `fal.Error` with the function's name.
struct RaisedHostError: LuaRaisable {
  let kind: String
  let operation: String
  let message: String

  func push(onto lua: Lua) {
    lua.newTable(record: 3)
    lua.push(kind)
    lua.rawSet(field: "kind", in: -2)
    lua.push(operation)
    lua.rawSet(field: "operation", in: -2)
    lua.push(message)
    lua.rawSet(field: "message", in: -2)
    // The fal.Error metatable, so `tostring` renders it and `fal.is_error` knows it.
    let table = lua.absolute(-1)
    lua.getGlobal("require")
    lua.push("fal.errors")
    if (try? lua.call(arguments: 1, results: 1)) != nil, lua.rawGet(field: "Error", in: -1) == .table {
      lua_setmetatable(lua.state, table)
    }
    lua.top = table
  }
}
