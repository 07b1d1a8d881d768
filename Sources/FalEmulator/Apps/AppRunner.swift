import Foundation
import LuaKit

/// One runner of an app: a thread with its own Lua state (states are not thread-safe) that loads
/// the app once, then serves the app's queue one request at a time.
final class AppRunner: @unchecked Sendable {
  private var app: AppSource
  private let table: AppTable
  private let index: Int
  private let store: QueueStore
  private let context: AppContext
  private let faults: FaultInjector
  private let exited = DispatchSemaphore(value: 0)

  init(app: AppSource, table: AppTable, index: Int, store: QueueStore, faults: FaultInjector, context: AppContext) {
    self.app = app
    self.table = table
    self.index = index
    self.store = store
    self.faults = faults
    self.context = context
  }

  /// Starts the thread; it ends once the store stops.
  func start() {
    AppThread.start(name: "falua-emulator \(app.id) #\(index)") { [self] in
      serve()
      exited.signal()
    }
  }

  /// Waits for the thread to end; false when its app is still busy at `deadline`.
  @discardableResult func waitUntilExited(before deadline: DispatchTime) -> Bool {
    exited.wait(timeout: deadline) == .success
  }

  /// References to `invoke` (stdlib/emulator/runner.lua) and the app's handlers.
  private struct Loaded {
    var invoke: LuaRef
    /// `run`, which serves every path, when the app has no `endpoints`.
    var run: LuaRef?
    /// `endpoints`, by path as requests carry it ("" for "/", "upscale" for "/upscale").
    var endpoints: [String: LuaRef] = [:]
    /// The app's optional `stream` handler, for `POST .../stream` requests.
    var stream: LuaRef?
  }

  private func serve() {
    var vm = LuaVM()
    var generation = table.current(app.id)?.generation ?? 0
    // The model load (`setup`) and the cold start (`start_delay`) happen once per runner, before
    // it takes a request: meanwhile requests wait in the queue, as on fal.
    var loaded = Result { try load(into: vm.lua) }
    if app.startDelay > 0 { store.pause(app.startDelay) }
    while let record = store.nextJob(for: app.id) {
      if let latest = table.current(app.id), latest.generation != generation {
        // The app file changed: a fresh state with the new source (and its setup).
        (app, generation, vm) = (latest.source, latest.generation, LuaVM())
        loaded = Result { try load(into: vm.lua) }
      }
      let outcome: Outcome
      switch loaded {
      case .success(let refs): outcome = execute(record, lua: vm.lua, refs)
      case .failure(let error):
        // The file passed validation at start-up, so this is an app that loads differently per state.
        outcome = .runnerError("app \(app.id) failed to load: \(String(describing: error).withoutTraceback)")
      }
      // A queued request whose runner "disconnects" loses this attempt's outcome and runs again.
      if record.route == .submit, faults.runnerDisconnects() {
        store.requeue(record)
      } else {
        store.finish(record, with: outcome)
      }
    }
  }

  private func load(into lua: Lua) throws -> Loaded {
    try lua.loadEmulatorChunk("runner")
    context.pushPrimitives(onto: lua)
    try lua.call(arguments: 2, results: 1)
    let invoke = lua.ref()
    try lua.loadApp(app.source, fileName: app.fileName)
    guard lua.type(at: -1) == .table else {
      throw LuaError(message: "\(app.fileName) no longer returns a table")
    }
    var loaded = Loaded(invoke: invoke)
    if lua.rawGet(field: "endpoints", in: -1) == .table {
      var paths: [String] = []
      lua.forEachPair(in: -1) { if let path = lua.string(at: -2) { paths.append(path) } }
      for path in paths {
        lua.rawGet(field: path, in: -1)
        loaded.endpoints[AppCatalog.normalizedPath(path)] = lua.ref()
      }
      lua.pop()
    } else {
      lua.pop()
      guard lua.rawGet(field: "run", in: -1) == .function else {
        throw LuaError(message: "\(app.fileName) no longer returns a table with a run function")
      }
      loaded.run = lua.ref()
    }
    if lua.rawGet(field: "stream", in: -1) == .function { loaded.stream = lua.ref() } else { lua.pop() }
    if lua.rawGet(field: "setup", in: -1) == .function {
      try lua.call(arguments: 0, results: 0)
    } else {
      lua.pop()
    }
    lua.pop()
    return loaded
  }

  private func execute(_ record: RequestRecord, lua: Lua, _ loaded: Loaded) -> Outcome {
    let top = lua.top
    context.current = record
    defer {
      context.current = nil
      lua.top = top
    }
    guard var handler = loaded.run ?? loaded.endpoints[AppCatalog.normalizedPath(record.path)] else {
      // fal's app server for an undeclared endpoint (PROTOCOL.md §4).
      let detail = "Path /\(AppCatalog.normalizedPath(record.path)) not found"
      return .appError(status: 404, detailJSON: Data(JSONBody.string(detail).utf8), detailText: detail, errorType: nil)
    }
    if StreamChannel.open.channel(for: record.id) != nil {
      guard let stream = loaded.stream else {
        return .failure(
          status: 404, detail: "Application '\(app.id)' has no stream handler", errorType: "not_found")
      }
      handler = stream
    }
    lua.push(loaded.invoke)
    lua.push(handler)
    lua.push(record.id)
    lua.push(record.path)
    lua.push(record.hint)
    lua.push(bytes: [UInt8](record.body))
    do {
      try lua.call(arguments: 5, results: 5)
    } catch {
      return .runnerError(String(describing: error).withoutTraceback)
    }
    let base = top + 1
    switch lua.string(at: base) {
    case "ok":
      return .success(Data(lua.bytes(at: base + 2) ?? Array("null".utf8)))
    case "app_error":
      return .appError(
        status: lua.integer(at: base + 1) ?? 500,
        detailJSON: Data(lua.bytes(at: base + 2) ?? Array("null".utf8)),
        detailText: lua.string(at: base + 4), errorType: lua.string(at: base + 3))
    case "cancelled":
      return .cancelled
    default:
      return .runnerError(lua.string(at: base + 4) ?? "unknown error")
    }
  }
}
