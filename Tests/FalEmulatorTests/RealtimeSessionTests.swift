import Foundation
import NIOCore
import Testing

@testable import FalEmulator

/// The app side of a realtime connection: its Lua half (stdlib/emulator/realtime.lua) and the `ctx`
/// primitives it shares with queued apps.
@Suite struct RealtimeSessionTests {
  /// Runs `realtime = function(msg, ctx) <body> end` over `inputs` and returns the first `count`
  /// outputs (waiting up to 5 s for those the session's thread sends).
  static func outputs(of body: String, inputs: [RealtimeSession.Input], count: Int = 1) -> [RealtimeSession.Output] {
    let source = "return { id = 'test/realtime', run = function() end, realtime = function(msg, ctx) \(body) end }"
    let app = AppSource(id: "test/realtime", fileName: "realtime_test.lua", source: source, runners: 1)
    let collected = Collected()
    let session = RealtimeSession(app: app, path: "/sub", maxBuffering: nil) { collected.add($0) }
    session.open()
    for input in inputs { session.receive(input) }
    defer { session.stop() }
    return collected.first(count)
  }

  final class Collected: @unchecked Sendable {
    private let condition = NSCondition()
    private var outputs: [RealtimeSession.Output] = []

    func add(_ output: RealtimeSession.Output) {
      condition.withLock {
        outputs.append(output)
        condition.broadcast()
      }
    }

    /// What arrived so far.
    var snapshot: [RealtimeSession.Output] { condition.withLock { outputs } }

    func first(_ count: Int) -> [RealtimeSession.Output] {
      condition.withLock {
        let deadline = Date() + 5
        while outputs.count < count && condition.wait(until: deadline) {}
        return Array(outputs.prefix(count))
      }
    }
  }

  @Test func repliesGoOutAsMsgpack() {
    let outputs = Self.outputs(of: "return { n = msg.n + 1, path = ctx.path }", inputs: [.text(#"{"n": 1}"#)])
    guard case .reply(let bytes) = outputs.first, outputs.count == 1 else {
      Issue.record("one reply expected, got \(outputs)")
      return
    }
    // fixmap(2) {"n": 2, "path": "/sub"} in the codec's order; both keys are there.
    #expect(bytes.readableBytesView.first == 0x82)
    #expect(String(buffer: bytes).contains("path"))
  }

  @Test func pngChecksItsSeedAsQueuedAppsDo() {
    let png = Self.outputs(of: "return #ctx.png(4, 4, msg.seed)", inputs: [.text(#"{"seed": 7}"#)])
    guard case .reply = png.first else {
      Issue.record("a reply expected, got \(png)")
      return
    }
    let bad = Self.outputs(of: "return #ctx.png(4, 4, msg.seed)", inputs: [.text(#"{"seed": "x"}"#)])
    guard case .failure(let message) = bad.first else {
      Issue.record("a failure expected, got \(bad)")
      return
    }
    #expect(message.contains("ctx.png: seed must be an integer"), "\(message)")
    let large = Self.outputs(of: "return #ctx.png(4096, 4, 0)", inputs: [.text("{}")])
    guard case .failure(let limit) = large.first else {
      Issue.record("a failure expected, got \(large)")
      return
    }
    #expect(limit.contains("width and height must be integers from 1 to 2048"), "\(limit)")
  }

  /// The digits of each reply (a msgpack string), in order.
  static func numbers(_ outputs: [RealtimeSession.Output]) -> [String] {
    outputs.map { output in
      guard case .reply(let bytes) = output else { return "\(output)" }
      return String(buffer: bytes).filter(\.isNumber)
    }
  }

  @Test func cheapHandlersReplyInPlace() {
    let collected = Collected()
    let source = "return { id = 'test/realtime', realtime = function(msg) return tostring(msg) end }"
    let app = AppSource(id: "test/realtime", fileName: "realtime_test.lua", source: source, runners: 1)
    let session = RealtimeSession(app: app, path: "/", maxBuffering: nil) { collected.add($0) }
    session.open()
    defer { session.stop() }
    session.receive(.text("7"))
    // Already there when `receive` returns: no thread was involved.
    #expect(Self.numbers(collected.snapshot) == ["7"])
  }

  @Test func sleepingOrLongHandlersMoveToTheThreadInOrder() {
    let inputs: [RealtimeSession.Input] = (1...4).map { .text("\($0)") }
    let sleeping = Self.outputs(of: "if msg == 2 then ctx.sleep(0.01) end return tostring(msg)", inputs: inputs, count: 4)
    #expect(Self.numbers(sleeping) == ["1", "2", "3", "4"])
    // 10^6 instructions is past the in-place budget: the hook yields, the thread finishes it.
    let long = Self.outputs(
      of: "if msg == 1 then for _ = 1, 1000000 do end end return tostring(msg)", inputs: inputs, count: 4)
    #expect(Self.numbers(long) == ["1", "2", "3", "4"])
    // The app's own coroutines neither yield to the session nor lose their values.
    let nested = Self.outputs(
      of: "local co = coroutine.wrap(function() for _ = 1, 300000 do end ctx.sleep(0) return tostring(msg) end) return co()",
      inputs: inputs, count: 4)
    #expect(Self.numbers(nested) == ["1", "2", "3", "4"])
  }
}
