import FalRuntime
import LuaKit

/// The stdlib functions the command calls directly (progress, request logs, the REPL's idle turns
/// and completion), outside any task. The one place the command touches the Lua stack.
struct LuaCalls {
  let runtime: FalRuntime
  init(_ runtime: FalRuntime) { self.runtime = runtime }
  private var lua: Lua { runtime.lua }

  /// Calls `require(module)[function](arguments...)`; `read` takes the results from the stack.
  @discardableResult
  private func call<T>(_ module: String, _ function: String, _ arguments: [Any?] = [], results: Int32 = 0,
    read: (Lua) -> T = { _ in () }) -> T?
  {
    let base = lua.top
    defer { lua.top = base }
    lua.getGlobal("require")
    lua.push(module)
    do {
      try lua.call(arguments: 1, results: 1)
      lua.rawGet(field: function, in: -1)
      for argument in arguments {
        switch argument {
        case let value as String: lua.push(value)
        case let value as Double: lua.push(value)
        case let value as Int: lua.push(value)
        case let value as Bool: lua.push(value)
        default: lua.pushNil()
        }
      }
      try lua.call(arguments: Int32(arguments.count), results: results)
      return read(lua)
    } catch {
      return nil
    }
  }

  private func set(_ module: String, _ field: String, _ push: (Lua) -> Void) {
    let base = lua.top
    defer { lua.top = base }
    lua.getGlobal("require")
    lua.push(module)
    guard (try? lua.call(arguments: 1, results: 1)) != nil else { return }
    push(lua)
    lua.rawSet(field: field, in: -2)
  }

  func setProgress(enabled: Bool, width: Int) {
    set("fal.progress", "enabled") { $0.push(enabled) }
    set("fal.progress", "width") { $0.push(width) }
  }

  func setVerbose() { call("fal.verbose", "enable") }

  func setColour(_ colour: Bool) { call("fal.repl", "setup_colour", [colour]) }

  /// One loop turn between REPL entries: the number of tasks still running, and whether a task
  /// printed (the prompt needs redrawing).
  func idle(timeout: Double) -> (running: Int, printed: Bool) {
    call("fal.repl", "idle", [timeout], results: 2) { ($0.integer(at: -2) ?? 0, $0.bool(at: -1)) } ?? (0, false)
  }

  /// The spawned tasks running.
  func running() -> Int { call("fal.repl", "running", results: 1) { $0.integer(at: -1) ?? 0 } ?? 0 }

  /// The banner's line saying where requests go.
  func hosts(emulator: Bool) -> String { call("fal.repl", "hosts", [emulator], results: 1) { $0.string(at: -1) ?? "" } ?? "" }

  /// Completion candidates replacing `word` (`pending`: the unfinished entry's earlier lines);
  /// `files` when the word is a path inside a string.
  func complete(line: String, word: String, pending: String) -> (candidates: [String], files: Bool) {
    call("fal.repl", "complete", [line, word, pending], results: 2) { lua in
      var candidates: [String] = []
      let count = lua.type(at: -2) == .table ? lua.rawLength(at: -2) : 0
      for i in stride(from: 1, through: count, by: 1) {
        lua.rawGet(index: i, in: -2)
        if let candidate = lua.string(at: -1) { candidates.append(candidate) }
        lua.pop()
      }
      return (candidates, lua.string(at: -1) == "files")
    } ?? ([], false)
  }

  /// Opens the request journal at `path` (nil: only sets `retryFailed`); nil, or why it failed.
  @discardableResult
  func openJournal(_ path: String?, retryFailed: Bool) -> String? {
    call("fal.journal", "cli_open", [path, retryFailed], results: 1) { $0.string(at: -1) } ?? nil
  }

  /// The journal's end-of-run line (nil without a journal).
  func journalSummary() -> String? {
    call("fal.journal", "summary", results: 1) { $0.string(at: -1) } ?? nil
  }

  /// Clears the progress line (before an error is printed).
  func clearProgress() { call("fal.progress", "clear") }
}
