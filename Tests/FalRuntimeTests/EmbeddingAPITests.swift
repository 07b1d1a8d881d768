import FalEmulator
import FalRuntime
import Foundation
import Testing
import Transport

/// The embedding API against the emulator: configuration, values, host functions, pipelines,
/// the loop, stopping from another thread, callbacks.
@Suite struct EmbeddingAPITests {
  static func runtime(sandbox: FalRuntime.Sandbox? = nil) throws -> (FalRuntime, Emulator) {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    var client = FalConfig(key: "test-key")
    client.runURL = emulator.runURL
    client.queueURL = emulator.queueURL
    client.restURL = emulator.restURL
    client.cdnURL = emulator.cdnURL
    return (try FalRuntime(configuration: .init(client: client, sandbox: sandbox)), emulator)
  }

  /// A GET on the emulator from a loop of its own (the runtime's is the one under test).
  static func get(_ url: String) throws -> String {
    let loop = try EventLoop()
    var outcome: Result<HTTPResponse, TransportError>?
    loop.send(HTTPRequest(url: url, timeout: 10, connectTimeout: 5)) { outcome = $0 }
    while outcome == nil { loop.runOnce(timeout: 1) }
    return String(decoding: try outcome!.get().body, as: UTF8.self)
  }

  /// The status of a queued request once it has ended: a cancel is acted on by the runner when
  /// it next looks, so this polls (up to 10 s) until the status is COMPLETED.
  static func finalStatus(_ emulator: Emulator, _ endpoint: String, _ id: String) throws -> String {
    let deadline = Date().addingTimeInterval(10)
    var status = ""
    repeat {
      status = try get(emulator.queueURL + "/\(endpoint)/requests/\(id)/status")
      if status.contains("\"COMPLETED\"") { break }
      usleep(20_000)
    } while Date() < deadline
    return status
  }

  @Test func configurationDoesNotReadTheEnvironmentUnlessAsked() throws {
    let configuration = FalRuntime.Configuration()
    #expect(configuration.key == nil && configuration.caBundle == nil && configuration.sandbox == nil)
    let read = FalRuntime.Configuration.fromEnvironment(["FAL_KEY": "k", "CURL_CA_BUNDLE": "/ca.pem", "FALUA_RUN_URL": "http://x"])
    #expect(read.key == "k" && read.caBundle == "/ca.pem" && read.client.runURL == "http://x")
    var retry = RetryPolicy()
    retry.maxAttempts = 2
    let runtime = try FalRuntime(configuration: .init(key: "secret-key", retry: retry))
    let pipeline = try runtime.load(code: "function main() return fal.config().has_key end")
    #expect(try pipeline.call("main") == true)
    #expect(runtime.config.key == "secret-key")
  }

  @Test func valuesCrossByTheJSONRules() throws {
    let runtime = try FalRuntime(configuration: .init())
    var seen: [FalValue] = []
    runtime.register("host_echo") { arguments in
      seen = arguments
      return .array(arguments)
    }
    let pipeline = try runtime.load(code: """
      function describe(v)
        return { int = math.type(v.n), float = math.type(v.x), null = v.none == fal.null,
          empty = fal.json.encode(v.empty), list = v.list[2], text = v.text }
      end
      function back() return host_echo(1, 2.0, fal.null, "é", fal.array({}), {}, { a = { 1, 2 } }) end
      function bytes() return string.char(255, 0) end
      function bad() return { 1, x = 2 } end
      """)
    let input: FalValue = ["n": 1, "x": 1.0, "none": .null, "empty": [], "list": [1, 2], "text": "é"]
    let described = try pipeline.call("describe", input)
    #expect(described == ["int": "integer", "float": "float", "null": true, "empty": "[]", "list": 2, "text": "é"])
    let back = try pipeline.call("back")
    #expect(seen == [1, 2.0, .null, "é", [], [:], ["a": [1, 2]]])
    #expect(back == [1, 2.0, .null, "é", [], [:], ["a": [1, 2]]])
    let text = try runtime.json(back)
    #expect(text == #"[1,2.0,null,"é",[],{},{"a":[1,2]}]"#, "\(text)")
    #expect(try runtime.value(json: #"{"a": [1, null, 2.5], "b": null}"#) == ["a": [1, .null, 2.5], "b": .null])
    #expect(try pipeline.call("bytes") == .bytes([255, 0]))
    do {
      try pipeline.call("bad")
      Issue.record("expected a failure")
    } catch let error as FalRuntimeError {
      #expect(error.kind == "usage")
      #expect(error.message == "bad: result #1: mixed table: integer and string key x", "\(error.message)")
    }
  }

  @Test func hostErrorsAreLuaErrorsWithAKind() throws {
    let runtime = try FalRuntime(configuration: .init())
    struct Plain: Error, CustomStringConvertible { var description: String { "disk full" } }
    runtime.register(module: "store", [
      "get": { arguments in
        guard let key = arguments.first?.stringValue else { throw FalHostError(kind: "usage", "expected a key") }
        throw FalHostError(kind: "not_found", "no row \(key)")
      },
      "crash": { _ in throw Plain() },
    ])
    let pipeline = try runtime.load(code: """
      local store = require("store")
      local M = {}
      function M.main()
        local _, err = pcall(store.get, "k1")
        local _, err2 = pcall(store.crash)
        local _, err3 = pcall(store.get, print)
        return { err.kind, tostring(err), fal.is_error(err), err2.kind, tostring(err2), err3.kind, tostring(err3) }
      end
      return M
      """)
    #expect(try pipeline.call("main") == [
      "not_found", "store.get: no row k1", true, "host", "store.crash: disk full", "usage",
      "store.get: argument #1: cannot convert a function",
    ])
    do {
      try pipeline.call("missing")
      Issue.record("expected a failure")
    } catch let error as FalRuntimeError {
      #expect(error.kind == "usage" && error.message == "(pipeline) has no function missing", "\(error.message)")
    }
  }

  @Test func aPipelineFunctionRunsTasksAndRequests() throws {
    let (runtime, emulator) = try Self.runtime()
    defer { emulator.stop() }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString).lua")
    defer { try? FileManager.default.removeItem(at: file) }
    try """
      local M = {}
      function M.main(input)
        local tasks = {}
        for i, word in ipairs(input.words) do
          tasks[i] = fal.spawn(fal.subscribe, "fal-ai/echo", { word = word, logs = 2 })
        end
        local out = {}
        for i, r in ipairs(fal.wait_all(tasks)) do out[i] = r.value.word end
        return { words = out, count = #out }
      end
      return M
      """.write(to: file, atomically: true, encoding: .utf8)
    var progress: [FalProgress] = []
    var logs: [FalLogLine] = []
    runtime.onProgress = { progress.append($0) }
    runtime.onLog = { logs.append($0) }
    let pipeline = try runtime.load(file: file.path)
    let result = try pipeline.call("main", ["words": ["a", "b", "c"]])
    #expect(result == ["words": ["a", "b", "c"], "count": 3])
    #expect(progress.filter(\.finished).count == 3, "\(progress)")
    #expect(progress.allSatisfy { $0.kind == "request" && $0.label == "fal-ai/echo" })
    #expect(progress.contains { $0.status == "COMPLETED" })
    #expect(logs.filter { $0.message == "log line 2/2" }.count == 3, "\(logs)")
    #expect(logs.allSatisfy { $0.endpoint == "fal-ai/echo" })
  }

  @Test func theLoopRunsUntilIdleOrADeadline() throws {
    let runtime = try FalRuntime(configuration: .init())
    let pipeline = try runtime.load(code: """
      function start(seconds)
        fal.spawn(function() fal.sleep(seconds) finished = (finished or 0) + 1 end)
        return "started"
      end
      function count() return finished or 0 end
      """)
    #expect(try pipeline.call("start", 0.05) == "started")
    #expect(try pipeline.call("count") == 0)
    #expect(try runtime.runLoop(timeout: 10) == true)
    #expect(try pipeline.call("count") == 1)
    #expect(try pipeline.call("start", 30) == "started")
    let started = Date()
    #expect(try runtime.runLoop(timeout: 0.05) == false)
    #expect(Date().timeIntervalSince(started) < 5)
    #expect(try pipeline.call("count") == 1)
  }

  @Test func aStopFromAnotherThreadCancelsTheQueuedRequest() throws {
    let (runtime, emulator) = try Self.runtime()
    defer { emulator.stop() }
    let enqueued = DispatchSemaphore(value: 0)
    let requestID = LockedBox<String>()
    runtime.register("enqueued") { arguments in
      requestID.value = arguments.first?.stringValue
      enqueued.signal()
      return .null
    }
    let stop = runtime.stopHandle
    let stopper = Thread {
      enqueued.wait()
      stop.stop()
    }
    stopper.start()
    let pipeline = try runtime.load(code: """
      function main()
        return fal.subscribe("fal-ai/echo", { sleep = 30 }, { on_enqueue = enqueued })
      end
      """)
    let started = Date()
    do {
      try pipeline.call("main")
      Issue.record("expected the stop")
    } catch let error as FalRuntimeError {
      #expect(error.kind == "interrupted", "\(error)")
    }
    #expect(Date().timeIntervalSince(started) < 20)
    let id = try #require(requestID.value)
    let status = try Self.finalStatus(emulator, "fal-ai/echo", id)
    #expect(status.contains("client_cancelled"), "\(status)")
    // The runtime goes on after the stop.
    let again = try runtime.load(code: "function main() return fal.run('fal-ai/echo', { x = 1 }).x end")
    #expect(try again.call("main") == 1)
  }
}

/// A value shared with another thread.
final class LockedBox<T>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: T?
  var value: T? {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}
