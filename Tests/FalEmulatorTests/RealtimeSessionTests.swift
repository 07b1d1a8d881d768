import Foundation
import Testing

@testable import FalEmulator

/// The app side of a realtime connection: its Lua half (stdlib/emulator/realtime.lua) and the `ctx`
/// primitives it shares with queued apps.
@Suite struct RealtimeSessionTests {
  /// Runs `realtime = function(msg, ctx) <body> end` over `inputs` and returns everything it sent.
  static func outputs(of body: String, inputs: [RealtimeSession.Input]) async -> [RealtimeSession.Output] {
    let source = "return { id = 'test/realtime', run = function() end, realtime = function(msg, ctx) \(body) end }"
    let app = AppSource(id: "test/realtime", fileName: "realtime_test.lua", source: source, runners: 1)
    let session = RealtimeSession(app: app, path: "/sub", maxBuffering: nil)
    session.start()
    for input in inputs { session.enqueue(input) }
    session.endInput()
    var outputs: [RealtimeSession.Output] = []
    for await output in session.outputs { outputs.append(output) }
    return outputs
  }

  @Test func repliesGoOutAsMsgpack() async {
    let outputs = await Self.outputs(of: "return { n = msg.n + 1, path = ctx.path }", inputs: [.text(#"{"n": 1}"#)])
    guard case .reply(let bytes) = outputs.first, outputs.count == 1 else {
      Issue.record("one reply expected, got \(outputs)")
      return
    }
    // fixmap(2) {"n": 2, "path": "/sub"} in the codec's order; both keys are there.
    #expect(bytes.first == 0x82)
    #expect(String(decoding: bytes, as: UTF8.self).contains("path"))
  }

  @Test func pngChecksItsSeedAsQueuedAppsDo() async {
    let png = await Self.outputs(of: "return #ctx.png(4, 4, msg.seed)", inputs: [.text(#"{"seed": 7}"#)])
    guard case .reply = png.first else {
      Issue.record("a reply expected, got \(png)")
      return
    }
    let bad = await Self.outputs(of: "return #ctx.png(4, 4, msg.seed)", inputs: [.text(#"{"seed": "x"}"#)])
    guard case .failure(let message) = bad.first else {
      Issue.record("a failure expected, got \(bad)")
      return
    }
    #expect(message.contains("ctx.png: seed must be an integer"), "\(message)")
    let large = await Self.outputs(of: "return #ctx.png(4096, 4, 0)", inputs: [.text("{}")])
    guard case .failure(let limit) = large.first else {
      Issue.record("a failure expected, got \(large)")
      return
    }
    #expect(limit.contains("width and height must be integers from 1 to 2048"), "\(limit)")
  }
}
