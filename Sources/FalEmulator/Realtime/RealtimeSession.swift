import CFalua
import Foundation
import LuaKit

// Each connection gets a thread with its own Lua state running the app's `realtime(msg, ctx)`:
// inputs wait in a bounded buffer (the oldest dropped past `max_buffering`, as fal's unary mode's
// deque), replies go out through `outputs` as msgpack.
/// One realtime connection's app side.
final class RealtimeSession: @unchecked Sendable {
  /// An input frame: msgpack bytes, or a text frame (read as JSON).
  enum Input {
    case binary([UInt8])
    case text(String)
  }

  /// What the app produced: a reply, a meta text frame, a close it asked for, or the error that
  /// ends the session.
  enum Output: Sendable {
    case reply([UInt8])
    case text(String)
    case close(code: Int, reason: String)
    case failure(String)
  }

  /// `ctx.png`'s largest side for realtime apps (queued apps have `AppContext.maxImageSide`).
  private static let maxImageSide = 2048
  /// Inputs kept when `max_buffering` is not given.
  static let defaultBuffering = 1024

  let outputs: AsyncStream<Output>
  private let continuation: AsyncStream<Output>.Continuation
  private let app: AppSource
  private let path: String
  private let requestID = Reply.newRequestID()
  private let capacity: Int
  private let condition = NSCondition()
  private var inputs: [Input] = []
  /// Inputs that ever arrived, dropped ones included.
  private var received = 0
  private var inputEnded = false
  private var stopped = false

  init(app: AppSource, path: String, maxBuffering: Int?) {
    self.app = app
    self.path = path
    capacity = maxBuffering ?? Self.defaultBuffering
    (outputs, continuation) = AsyncStream.makeStream(of: Output.self)
  }

  /// Starts the app's thread.
  func start() {
    AppThread.start(name: "falua-emulator realtime \(app.id)") { [self] in
      serve()
      continuation.finish()
    }
  }

  /// Buffers an input, dropping the oldest one when the buffer is full.
  func enqueue(_ input: Input) {
    condition.withLock {
      if inputs.count >= capacity { inputs.removeFirst() }
      inputs.append(input)
      received += 1
      condition.signal()
    }
  }

  /// No more inputs: the thread ends once the buffer is drained.
  func endInput() {
    condition.withLock {
      inputEnded = true
      condition.signal()
    }
  }

  /// Drops buffered inputs and ends the thread after the current one.
  func stop() {
    condition.withLock {
      stopped = true
      inputs.removeAll()
      condition.signal()
    }
  }

  private func nextInput() -> Input? {
    condition.withLock {
      while inputs.isEmpty && !inputEnded && !stopped { condition.wait() }
      return stopped || inputs.isEmpty ? nil : inputs.removeFirst()
    }
  }

  private func serve() {
    let vm = LuaVM()
    let lua = vm.lua
    let handle: LuaRef
    do { handle = try load(into: lua) } catch {
      continuation.yield(.failure(String(describing: error).withoutTraceback))
      return
    }
    while let input = nextInput() {
      let top = lua.top
      lua.push(handle)
      switch input {
      case .binary(let bytes):
        lua.push("binary")
        lua.push(bytes: bytes)
      case .text(let text):
        lua.push("text")
        lua.push(text)
      }
      do { try lua.call(arguments: 2, results: 0) } catch {
        continuation.yield(.failure(String(describing: error).withoutTraceback))
        return
      }
      lua.top = top
    }
  }

  private func load(into lua: Lua) throws -> LuaRef {
    try lua.loadEmulatorChunk("realtime")
    lua.push(cFunction: falua_open_msgpack_keeping_bin)
    try lua.call(arguments: 0, results: 1)
    lua.newTable(record: 6)
    lua.register([
      "emit": { [continuation] lua in
        continuation.yield(.reply(lua.bytes(at: 1) ?? []))
        return 0
      },
      "meta": { [continuation] lua in
        continuation.yield(.text(lua.string(at: 1) ?? ""))
        return 0
      },
      "close": { [continuation] lua in
        guard let code = lua.integer(at: 1), (1000...4999).contains(code) else {
          throw LuaError(message: "ctx.close: code must be an integer from 1000 to 4999")
        }
        continuation.yield(.close(code: code, reason: lua.string(at: 2) ?? ""))
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
