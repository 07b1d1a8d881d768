import CFalua
import FalClient
import LuaKit
import Transport

// Re-exported on purpose, and only this type: an embedding host configures the runtime with it
// and needs nothing else of FalClient, so `import FalRuntime` is enough.
@_exported import struct FalClient.FalConfig

/// The falua runtime: a Lua state with `fal` loaded, its scheduler, and the libcurl loop it drives.
/// Embed it to run workflows from Swift. Not thread-safe: use it from one thread.
public final class FalRuntime {
  // Declared before `limits`, so the state is closed before the limits it allocates through go.
  private let vm: LuaVM
  let core: Core
  /// The sandbox's checks and limits (nil: not sandboxed).
  let sandboxGuard: SandboxGuard?
  private let limits: LimitsOwner?
  /// Called for the progress of long work (a queued request, an upload); set it before the work.
  public var onProgress: ((FalProgress) -> Void)? { didSet { installCallbacks() } }
  /// Called for each log line an app sends while its queued request runs.
  public var onLog: ((FalLogLine) -> Void)? { didSet { installCallbacks() } }

  /// The state's stack API, for hosts that add their own functions.
  public var lua: Lua { vm.lua }

  /// The client configuration (URLs, key); changes apply to the next request.
  public var config: FalConfig {
    get { core.client.config }
    set { core.client.config = newValue }
  }

  /// Creates a runtime with `config` (by default from the environment, DESIGN.md §6); the CA
  /// bundle comes from `CURL_CA_BUNDLE` or `SSL_CERT_FILE` as for the command.
  public convenience init(config: FalConfig = .fromEnvironment()) throws {
    var configuration = Configuration.fromEnvironment()
    configuration.client = config
    try self.init(configuration: configuration)
  }

  /// Creates a runtime from `configuration` alone: the environment is not read.
  public init(configuration: Configuration) throws {
    let loop = try EventLoop(caBundle: configuration.caBundle)
    let client = FalClient(config: configuration.client, loop: loop)
    client.retryPolicy = configuration.retry
    core = Core(client: client, loop: loop)
    vm = LuaVM()
    falua_control_attach(vm.lua.state, core.interrupt.pointer)
    if let sandbox = configuration.sandbox {
      // The allocator and hook go in before any coroutine exists, so every task inherits the hook.
      let owner = LimitsOwner(
        falua_limits_install(vm.lua.state, sandbox.maxMemory.map { max(0, $0) } ?? 0, core.interrupt.pointer))
      limits = owner
      sandboxGuard = SandboxGuard(policy: sandbox, config: configuration.client, limits: owner.pointer,
        interrupt: core.interrupt)
    } else {
      limits = nil
      sandboxGuard = nil
    }
    Stdlib.install(in: vm.lua, core: core, sandbox: sandboxGuard)
    do {
      if sandboxGuard != nil { try vm.lua.run("require('fal.sandbox')", name: "=falua") }
      try vm.lua.run("fal = require('fal')", name: "=falua")
    } catch {
      throw FalRuntimeError(message: String(describing: error), traceback: nil, kind: "internal")
    }
  }

  /// Runs a Lua file as the main task with `arguments` (`arg` and `...`, as lua.c does).
  /// `path` "-" reads standard input.
  public func run(file path: String, arguments: [String] = []) throws {
    let status = path == "-" ? luaL_loadfilex(lua.state, nil, nil) : luaL_loadfilex(lua.state, path, nil)
    if status != LUA_OK {
      let message = lua.string(at: -1) ?? "cannot load \(path)"
      lua.pop()
      throw FalRuntimeError(message: message, traceback: nil, kind: "usage")
    }
    setArgTable(script: path, arguments: arguments)
    try runMainTask(arguments: arguments)
  }

  /// Runs Lua source as the main task; `name` is the chunk name used in errors.
  public func run(code: String, name: String = "=(command line)", arguments: [String] = []) throws {
    do {
      try lua.load(code, name: name)
    } catch let error as LuaError {
      throw FalRuntimeError(message: error.message, traceback: nil, kind: "usage")
    }
    try runMainTask(arguments: arguments)
  }

  /// Loads `module` with `require` into a global of the same name (lua.c's `-l`).
  public func require(_ module: String) throws {
    try run(code: "\(module.split(separator: ".").last ?? "") = require(...)", name: "=(-l)", arguments: [module])
  }

  /// Sets `arg` as lua.c does: `arg[0]` is the script, `arg[1...]` its arguments.
  public func setArgTable(script: String, arguments: [String], interpreter: [String] = []) {
    lua.newTable(array: Int32(arguments.count), record: Int32(interpreter.count + 1))
    for (i, value) in interpreter.reversed().enumerated() {
      lua.push(value)
      lua.rawSet(index: -(i + 1), in: -2)
    }
    lua.push(script)
    lua.rawSet(index: 0, in: -2)
    for (i, value) in arguments.enumerated() {
      lua.push(value)
      lua.rawSet(index: i + 1, in: -2)
    }
    lua.setGlobal("arg")
  }

  /// One REPL entry: compiles `source` (as an expression first, as lua.c does) and runs it as a
  /// task. Returns the printed results, or `.incomplete` when more lines are needed.
  public func evaluate(_ source: String) -> Evaluation {
    let base = lua.top
    defer { lua.top = base }
    do {
      lua.getGlobal("require")
      lua.push("fal.repl")
      try lua.call(arguments: 1, results: 1)
      lua.rawGet(field: "eval", in: -1)
      lua.push(source)
      try guarded { try lua.call(arguments: 1, results: 2) }
      let outcome = lua.string(at: -2) ?? "error"
      let text = lua.string(at: -1) ?? ""
      switch outcome {
      case "incomplete": return .incomplete
      case "ok": return .output(text)
      case "interrupted": core.resetInterrupt(); return .failure(text)
      default: return .failure(text)
      }
    } catch {
      return .failure(String(describing: error))
    }
  }

  /// Installs a SIGINT handler for this runtime: the first Ctrl-C interrupts the running code and
  /// cancels in-flight queue requests; a second one exits at once with status 130.
  public func installInterruptHandler() { Interrupt.install(wakeFD: core.loop.wakeFD, control: core.interrupt.pointer) }

  // Runs the function on the stack top (with `arguments` as `...`) under the scheduler.
  private func runMainTask(arguments: [String]) throws {
    let function = lua.absolute(-1)
    lua.getGlobal("require")
    lua.push("fal.main")
    do {
      try lua.call(arguments: 1, results: 1)
    } catch {
      lua.top = function - 1
      throw FalRuntimeError(message: String(describing: error), traceback: nil, kind: "internal")
    }
    lua.insert(at: function)  // main, chunk
    for value in arguments { lua.push(value) }
    defer { lua.top = function - 1 }
    do {
      try guarded { try lua.call(arguments: Int32(arguments.count + 1), results: 4) }
    } catch {
      throw FalRuntimeError(message: String(describing: error), traceback: nil, kind: "internal")
    }
    // fal.main returns ok, message, traceback, kind
    if lua.bool(at: -4) { return }
    let kind = lua.string(at: -1) ?? "error"
    if kind == "interrupted" || kind == "sandbox" { core.resetInterrupt() }
    throw FalRuntimeError(message: lua.string(at: -3) ?? "error", traceback: lua.string(at: -2), kind: kind)
  }

  /// The outcome of `evaluate`.
  public enum Evaluation: Equatable {
    /// The entry needs more lines.
    case incomplete
    /// The rendered results (empty when there were none).
    case output(String)
    /// The rendered error with its traceback.
    case failure(String)
  }
}

/// An error that ended a script: the rendered message, the traceback, and the error's kind
/// ("interrupted" after Ctrl-C).
public struct FalRuntimeError: Error, CustomStringConvertible {
  /// The error rendered with `tostring`.
  public var message: String
  /// The Lua traceback where the error was raised, when known.
  public var traceback: String?
  /// The error's `kind` field ("usage", "http", "interrupted", ...), or "error" for plain errors.
  public var kind: String
  /// The message.
  public var description: String { message }
}
