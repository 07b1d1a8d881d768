import CFalua
import Foundation
import LuaKit
import NIOCore

// A thread hop costs tens of µs here (a futex wake and a context switch each way), more than the
// whole echo, so a session starts in place: `receive` runs the app's `realtime(msg, ctx)` on the
// caller's thread, the connection's event loop, and `output` writes the replies from there. A
// handler that sleeps, makes an image or runs long yields (stdlib/emulator/realtime.lua): the
// session then moves to a thread of its own for good, and inputs wait for it in a bounded buffer
// (the oldest dropped past `max_buffering`, as fal's unary mode's deque).
/// One realtime connection's app side: a Lua state running the app.
final class RealtimeSession: @unchecked Sendable {
  /// An input frame: msgpack bytes, or a text frame (read as JSON).
  enum Input {
    case binary(ByteBuffer)
    case text(String)
  }

  /// What the app produced: a reply (msgpack), a meta text frame, a close it asked for, or the
  /// error that ends the session.
  enum Output: Sendable {
    case reply(ByteBuffer)
    case text(String)
    case close(code: Int, reason: String)
    case failure(String)
  }

  /// `ctx.png`'s largest side for realtime apps (queued apps have `AppContext.maxImageSide`).
  private static let maxImageSide = 2048
  /// Inputs kept when `max_buffering` is not given.
  static let defaultBuffering = 1024

  private let app: AppSource
  private let path: String
  private let requestID = Reply.newRequestID()
  private let capacity: Int
  /// Called with each output: on the event loop while in place, then on the session's thread.
  private let output: @Sendable (Output) -> Void
  private var vm: LuaVM?
  private var step: LuaRef?
  private let condition = NSCondition()
  // Guarded by `condition`.
  private var inputs: [Input] = []
  /// Inputs that ever arrived, dropped ones included.
  private var received = 0
  private var onThread = false
  private var stopped = false

  init(app: AppSource, path: String, maxBuffering: Int?, output: @escaping @Sendable (Output) -> Void) {
    self.app = app
    self.path = path
    capacity = maxBuffering ?? Self.defaultBuffering
    self.output = output
  }

  /// Loads the app into a fresh state; a failure is reported as the `.failure` output.
  func open() {
    let vm = LuaVM()
    do { step = try load(into: vm.lua) } catch {
      return output(.failure(String(describing: error).withoutTraceback))
    }
    self.vm = vm
  }

  /// Takes an input (on the event loop): handled at once while in place, else buffered for the thread.
  func receive(_ input: Input) {
    let inPlace: Bool = condition.withLock {
      guard !stopped, vm != nil else { return false }
      received += 1
      if !onThread { return true }
      if inputs.count >= capacity { inputs.removeFirst() }
      inputs.append(input)
      condition.signal()
      return false
    }
    guard inPlace else { return }
    switch run(input) {
    case .done, .failed: break
    case .moved:
      condition.withLock { onThread = true }
      AppThread.start(name: "falua-emulator realtime \(app.id)") { [self] in serveOnThread() }
    }
  }

  /// Drops buffered inputs; a handler on the thread ends after its current input.
  func stop() {
    condition.withLock {
      stopped = true
      inputs.removeAll()
      condition.signal()
    }
  }

  private enum Ending { case done, moved, failed }

  /// One input through `step`, or the moved handler's continuation (nil).
  private func run(_ input: Input?) -> Ending {
    guard let lua = vm?.lua, let step else { return .failed }
    let top = lua.top
    defer { lua.top = top }
    lua.push(step)
    switch input {
    case .binary(let bytes)?:
      lua.push("binary")
      bytes.withUnsafeReadableBytes { lua.push(bytes: $0) }
    case .text(let text)?:
      lua.push("text")
      lua.push(text)
    case nil:
      lua.pushNil()
      lua.pushNil()
    }
    do { try lua.call(arguments: 2, results: 1) } catch {
      output(.failure(String(describing: error).withoutTraceback))
      stop()
      return .failed
    }
    return lua.bool(at: -1) ? .done : .moved
  }

  private func serveOnThread() {
    // The handler that moved here finishes first.
    var ending = run(nil)
    while ending == .moved { ending = run(nil) }
    while ending != .failed, let input = nextInput() {
      ending = run(input)
    }
    // The state goes with the thread that used it last.
    condition.withLock { vm = nil }
  }

  private func nextInput() -> Input? {
    condition.withLock {
      while inputs.isEmpty && !stopped { condition.wait() }
      return stopped ? nil : inputs.removeFirst()
    }
  }

  private func load(into lua: Lua) throws -> LuaRef {
    try lua.loadEmulatorChunk("realtime")
    lua.push(cFunction: falua_open_msgpack_keeping_bin)
    try lua.call(arguments: 0, results: 1)
    lua.newTable(record: 7)
    lua.push(cFunction: falua_yield_after)
    lua.rawSet(field: "limit", in: -2)
    lua.register([
      "emit": { [output] lua in
        output(.reply(ByteBuffer(bytes: lua.bytesView(at: 1) ?? UnsafeRawBufferPointer(start: nil, count: 0))))
        return 0
      },
      "meta": { [output] lua in
        output(.text(lua.string(at: 1) ?? ""))
        return 0
      },
      "close": { [output] lua in
        guard let code = lua.integer(at: 1), (1000...4999).contains(code) else {
          throw LuaError(message: "ctx.close: code must be an integer from 1000 to 4999")
        }
        output(.close(code: code, reason: lua.string(at: 2) ?? ""))
        return 0
      },
      "sleep": { lua in
        guard let seconds = lua.number(at: 1), seconds >= 0, seconds <= 60 else {
          throw LuaError(message: "ctx.sleep: seconds must be a number from 0 to 60")
        }
        Thread.sleep(forTimeInterval: seconds)
        return 0
      },
      "received": { [self] lua in
        lua.push(condition.withLock { received })
        return 1
      },
      "png": { lua in try PNGPrimitive.gradient(lua, maxSide: Self.maxImageSide) },
    ])
    try lua.loadApp(app.source, fileName: app.fileName)
    lua.push(requestID)
    lua.push(path)
    try lua.call(arguments: 6, results: 1)
    return lua.ref()
  }
}
