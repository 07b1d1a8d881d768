import FalEmulator
import Foundation
import Testing

/// The Lua app contract of docs/apps.md: endpoints, setup, concurrency, cold starts, validation and
/// progress (issue 9, item 9).
@Suite struct AppContractTests {

  @Test func endpointsRouteByPath() async throws {
    let folder = try AppFolder([
      "multi.lua": """
      return { id = "test/multi", endpoints = {
        ["/"] = function(input) return { at = "root", x = input.x } end,
        ["/upscale"] = function(input, ctx) return { at = "upscale", path = ctx.path } end,
      } }
      """
    ])
    let harness = try Harness { $0.appsDirectory = folder.path }
    #expect(try await harness.run("test/multi", ["x": 1]).object["at"] as? String == "root")
    let upscale = try await harness.run("test/multi/upscale", [String: Any]())
    #expect(upscale.object["at"] as? String == "upscale")
    #expect(upscale.object["path"] as? String == "upscale")
    let missing = try await harness.run("test/multi/nope", [String: Any]())
    #expect(missing.status == 404)
    #expect(missing.text == #"{"detail":"Path /nope not found"}"#)
    // Through the queue: the path is the endpoint, the follow-up URLs drop it.
    let id = try await harness.submitID("test/multi/upscale", [String: Any]())
    _ = try await harness.waitForStatus("test/multi", id)
    #expect(try await harness.result("test/multi", id).object["at"] as? String == "upscale")
  }

  @Test func setupRunsOncePerRunnerBeforeRequests() async throws {
    let folder = try AppFolder([
      "model.lua": """
      local loads, model = 0, nil
      return { id = "test/model", runners = 1,
        setup = function() loads = loads + 1; model = "weights" end,
        run = function() return { loads = loads, model = model } end }
      """
    ])
    let harness = try Harness { $0.appsDirectory = folder.path }
    for _ in 0..<3 {
      let reply = try await harness.run("test/model", [String: Any]())
      #expect(reply.object["loads"] as? Int == 1)
      #expect(reply.object["model"] as? String == "weights")
    }
  }

  @Test func failingSetupIsARunnerErrorNotACrash() async throws {
    let folder = try AppFolder([
      "broken.lua": "return { id = 'test/broken', setup = function() error('no weights', 0) end, run = function() end }"
    ])
    let harness = try Harness { $0.appsDirectory = folder.path }
    let reply = try await harness.run("test/broken", [String: Any]())
    #expect(reply.status == 500)
    #expect(reply.object["error_type"] as? String == "runner_server_error")
    #expect((reply.object["detail"] as? String)?.contains("no weights") == true)
  }

  @Test func maxConcurrencyBoundsTheRunners() async throws {
    let folder = try AppFolder([
      "one.lua": "return { id = 'test/one', max_concurrency = 1, run = function(i, ctx) ctx.sleep(i.sleep or 0) return i end }"
    ])
    let harness = try Harness {
      $0.appsDirectory = folder.path
      $0.runners = 4
    }
    let first = try await harness.submitID("test/one", ["sleep": 10])
    try await harness.waitUntilRunning("test/one", first)
    let second = try await harness.submitID("test/one", ["sleep": 10])
    let status = try await harness.status("test/one", second).object
    #expect(status["status"] as? String == "IN_QUEUE", "one runner only")
    _ = try await harness.cancel("test/one", second)
    _ = try await harness.cancel("test/one", first)
  }

  @Test func startDelayIsAColdStartSpentInTheQueue() async throws {
    let folder = try AppFolder([
      "cold.lua": "return { id = 'test/cold', runners = 1, start_delay = 2, run = function(i) return i end }"
    ])
    let started = Date()
    let harness = try Harness { $0.appsDirectory = folder.path }
    let id = try await harness.submitID("test/cold", ["a": 1])
    #expect(try await harness.status("test/cold", id).object["status"] as? String == "IN_QUEUE")
    _ = try await harness.waitForStatus("test/cold", id)
    #expect(Date().timeIntervalSince(started) >= 2)
    #expect(try await harness.result("test/cold", id).object["a"] as? Int == 1)
  }

  @Test func validateGivesFalsValidationDetail() async throws {
    let folder = try AppFolder([
      "checked.lua": """
      return { id = "test/checked", run = function(input, ctx)
        ctx.validate(input, { prompt = "string", steps = "integer?", tags = "array?" })
        return { ok = true }
      end }
      """
    ])
    let harness = try Harness { $0.appsDirectory = folder.path }
    let missing = try await harness.run("test/checked", [String: Any]())
    #expect(missing.status == 422)
    let detail = try #require(missing.object["detail"] as? [[String: Any]])
    #expect(detail.count == 1)
    #expect(detail.first?["loc"] as? [String] == ["body", "prompt"])
    #expect(detail.first?["type"] as? String == "value_error.missing")
    let wrong = try await harness.run("test/checked", ["prompt": 1, "steps": "x"])
    let items = try #require(wrong.object["detail"] as? [[String: Any]])
    #expect(items.map { $0["type"] as? String } == ["type_error.str", "type_error.integer"])
    #expect(try await harness.run("test/checked", ["prompt": "a", "steps": 3, "tags": ["t"]]).object["ok"] as? Bool == true)
  }

  @Test func progressIsALogLine() async throws {
    let folder = try AppFolder([
      "steps.lua": """
      return { id = "test/steps", run = function(input, ctx)
        ctx.progress(0.5, "half")
        ctx.progress(1)
        return {}
      end }
      """
    ])
    let harness = try Harness { $0.appsDirectory = folder.path }
    let id = try await harness.submitID("test/steps", [String: Any]())
    let status = try await harness.waitForStatus("test/steps", id, logs: "1")
    let messages = (status["logs"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    #expect(messages == ["progress 50%: half", "progress 100%"])
  }

  @Test func editedAppFilesAreReloaded() async throws {
    let folder = try AppFolder(["live.lua": "return { id = 'test/live', run = function() return { v = 1 } end }"])
    let reports = Reports()
    let harness = try Harness {
      $0.appsDirectory = folder.path
      $0.report = { reports.add($0) }
    }
    #expect(try await harness.run("test/live").object["v"] as? Int == 1)
    let file = (folder.path as NSString).appendingPathComponent("live.lua")
    func edit(_ source: String, _ age: Double) throws {
      try source.write(toFile: file, atomically: true, encoding: .utf8)
      // A distinct modification time even on file systems with one-second granularity.
      try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: age)], ofItemAtPath: file)
    }
    try edit("return { id = 'test/live', setup = function() end, run = function() return { v = 2 } end }", 10)
    var version = 1
    for _ in 0..<200 where version != 2 {
      version = try await harness.run("test/live").object["v"] as? Int ?? 0
      if version != 2 { try await Task.sleep(nanoseconds: 20_000_000) }
    }
    #expect(version == 2, "the edit was picked up")
    // A broken edit keeps the last good version, and says so.
    try edit("return { id = ", 20)
    for _ in 0..<200 where !reports.all.contains(where: { $0.contains("keeping the previous version") }) {
      try await Task.sleep(nanoseconds: 20_000_000)
    }
    #expect(reports.all.contains { $0.contains("reloaded test/live") })
    #expect(reports.all.contains { $0.contains("live.lua is broken") && $0.contains("keeping the previous version") })
    #expect(try await harness.run("test/live").object["v"] as? Int == 2)
  }

  final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
  }

  @Test func invalidContractFieldsNameTheProblem() throws {
    let cases: [(String, String)] = [
      ("return { id = 'me/a', endpoints = { upscale = function() end } }", "endpoints keys must be paths"),
      ("return { id = 'me/a', endpoints = { ['/'] = 1 } }", "must be a function"),
      ("return { id = 'me/a', runners = 3, max_concurrency = 2, run = function() end }", "must not exceed"),
      ("return { id = 'me/a', start_delay = -1, run = function() end }", "start_delay must be"),
      ("return { id = 'me/a', setup = 1, run = function() end }", "setup must be a function"),
    ]
    for (source, expected) in cases {
      let folder = try AppFolder(["app.lua": source])
      var options = EmulatorOptions()
      options.appsDirectory = folder.path
      #expect {
        _ = try Emulator(options: options)
      } throws: { error in
        (error as? EmulatorError)?.message.contains(expected) == true
      }
    }
  }
}
