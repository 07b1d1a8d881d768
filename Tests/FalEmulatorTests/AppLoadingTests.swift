import FalEmulator
import Foundation
import Testing

@Suite struct AppLoadingTests {
  @Test func builtInsAreLoaded() throws {
    let emulator = try Emulator(options: EmulatorOptions())
    #expect(emulator.appIDs == ["fal-ai/any-llm", "fal-ai/echo", "fal-ai/flux", "fal-ai/realtime-echo", "fal-ai/realtime-image"])
  }

  @Test func brokenAppFilesNameTheFile() throws {
    let cases: [(String, String, String)] = [
      ("syntax.lua", "return { id = ", "syntax.lua"),
      ("raises.lua", "error('cannot start')", "cannot start"),
      ("notable.lua", "return 42", "must return a table"),
      ("noid.lua", "return { run = function() end }", "id must be"),
      ("norun.lua", "return { id = 'me/app' }", "run must be a function"),
      ("runners.lua", "return { id = 'me/app', runners = 0, run = function() end }", "runners must be"),
    ]
    for (name, source, expected) in cases {
      let folder = try AppFolder([name: source])
      var options = EmulatorOptions()
      options.appsDirectory = folder.path
      do {
        _ = try Emulator(options: options)
        Issue.record("\(name) loaded")
      } catch let error as EmulatorError {
        #expect(error.message.contains(name), "\(error)")
        #expect(error.message.contains(expected), "\(error)")
        #expect(!error.message.contains("stack traceback"))
      }
    }
    var missing = EmulatorOptions()
    missing.appsDirectory = "/nonexistent/falua-apps"
    #expect(throws: EmulatorError.self) { try Emulator(options: missing) }
  }

  @Test func appFilesAddAndReplaceApps() async throws {
    let folder = try AppFolder([
      "echo.lua":
        "return { id = 'fal-ai/echo', runners = 1, run = function(input) return { replaced = true } end }",
      "ns.lua":
        "return { id = 'workflows/me/flow', run = function(input, ctx) return { path = ctx.path } end }",
    ])
    let harness = try Harness { $0.appsDirectory = folder.path }
    #expect(
      harness.emulator.appIDs == [
        "fal-ai/any-llm", "fal-ai/echo", "fal-ai/flux", "fal-ai/realtime-echo", "fal-ai/realtime-image", "workflows/me/flow",
      ])
    #expect(try await harness.run("fal-ai/echo", ["a": 1]).object["replaced"] as? Bool == true)
    let submitted = try await harness.submit("workflows/me/flow/step", [:])
    let id = try #require(submitted.object["request_id"] as? String)
    #expect(
      submitted.object["status_url"] as? String
        == "\(harness.emulator.queueURL)/workflows/me/flow/requests/\(id)/status")
    try await harness.waitForStatus("workflows/me/flow", id)
    #expect(try await harness.result("workflows/me/flow", id).object["path"] as? String == "step")
  }

  @Test func startTwiceFailsAndStopIsIdempotent() throws {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    #expect(emulator.runURL.hasPrefix("http://127.0.0.1:"))
    #expect(emulator.queueURL != emulator.runURL)
    #expect(emulator.restURL == emulator.runURL)
    #expect(throws: EmulatorError.self) { try emulator.start() }
    emulator.stop()
    emulator.stop()
  }

  @Test func busyPortIsAClearError() throws {
    let first = try Emulator(options: EmulatorOptions())
    try first.start()
    defer { first.stop() }
    var options = EmulatorOptions()
    options.runPort = Int(first.runURL.split(separator: ":").last!)!
    let second = try Emulator(options: options)
    #expect(throws: EmulatorError.self) { try second.start() }
  }
}
