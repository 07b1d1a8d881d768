import FalEmulator
import Foundation
import Synchronization
import Testing

/// Issue 8: deadlines, visible retries, interrupts that report, secrets that never leave, and the
/// bad-input catalogue, each against real processes over loopback.
@Suite(.serialized) struct FailurePathTests {
  /// A key that is easy to find in any output.
  static let key = "falua-probe-id:SECRET-7f3a9c1e-probe"
  static let secret = "SECRET-7f3a9c1e-probe"

  /// `falua` with a wall-clock limit: a hang fails the test instead of holding it.
  static func run(
    _ arguments: [String], environment: [String: String], input: String? = nil, limit: Double = 30
  ) throws -> (result: Falua.Result, seconds: Double) {
    let started = Date()
    let (process, out, err) = try Falua.start(arguments, environment: environment, input: input)
    let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
    DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: killer)
    let result = Falua.collect(process, out, err)
    killer.cancel()
    return (result, Date().timeIntervalSince(started))
  }

  static func emulatorEnvironment(_ emulator: Emulator) -> [String: String] {
    ["FALUA_RUN_URL": emulator.runURL, "FALUA_QUEUE_URL": emulator.queueURL, "FAL_KEY": key]
  }

  /// One command-line case of the catalogue.
  struct CommandCase {
    var name: String
    var arguments: [String]
    var environment: [String: String] = [:]
    var status: Int32
    var needle: String
  }

  @Test func badInputCatalogue() throws {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    defer { emulator.stop() }
    let bad = try MisbehavingServer()
    defer { bad.stop() }
    var environment = Self.emulatorEnvironment(emulator)
    environment["BAD_URL"] = bad.url
    let (script, seconds) = try Self.run(["Tests/FaluaTests/scripts/bad_inputs.lua"], environment: environment, limit: 120)
    let lines = script.stdout.split(separator: "\n").map(String.init)
    for line in lines where line.hasPrefix("FAIL") { Issue.record("\(line)") }
    #expect(script.status == 0, "\(script.stderr)")
    let apiCases = lines.filter { $0.hasPrefix("ok ") || $0.hasPrefix("FAIL ") }.count
    #expect(lines.last == "cases \(apiCases)", "the script stopped early: \(script.stderr)")
    #expect(seconds < 60, "the script API half took \(seconds) s")

    let commands: [CommandCase] = [
      .init(name: "missing script", arguments: ["/nonexistent-falua.lua"], status: 1, needle: "cannot open /nonexistent-falua.lua"),
      .init(name: "usage error in -e", arguments: ["-e", "fal.run('fal-ai/echo', 5)"], status: 1, needle: "fal.run: input must be a table, got number"),
      .init(name: "plain Lua error", arguments: ["-e", "error('boom')"], status: 1, needle: "boom"),
      .init(name: "syntax error", arguments: ["-e", "x = = 1"], status: 1, needle: "unexpected symbol"),
      .init(name: "unknown flag", arguments: ["--no-such-flag"], status: 64, needle: "no-such-flag"),
      .init(name: "call reads a folder", arguments: ["call", "fal-ai/echo", "prompt=@/tmp"], status: 1, needle: "cannot read /tmp: "),
      .init(name: "call argument without =", arguments: ["call", "fal-ai/echo", "justaword"], status: 64, needle: "justaword"),
      .init(name: "gopher run host", arguments: ["-e", "fal.run('fal-ai/echo', {})"], environment: ["FALUA_RUN_URL": "gopher://127.0.0.1:1"], status: 1, needle: "scheme \"gopher\""),
      .init(name: "key with a line break", arguments: ["-e", "fal.run('fal-ai/echo', {})"], environment: ["FAL_KEY": "a\nb"], status: 1, needle: "line break"),
      .init(name: "failing FALUA_INIT", arguments: ["-e", "print(1)"], environment: ["FALUA_INIT": "error('init failed')"], status: 1, needle: "init failed"),
      .init(name: "port out of range", arguments: ["serve", "--port", "99999"], status: 64, needle: "is not a port"),
      .init(name: "timeout from the command line", arguments: ["-e", "fal.run('fal-ai/echo', {sleep = 5}, {timeout = 0.2})"], status: 1, needle: "timeout of 0.2 s"),
      .init(name: "negative option", arguments: ["-e", "fal.run('fal-ai/echo', {}, {timeout = -1})"], status: 1, needle: "got number -1"),
    ]
    for command in commands {
      var env = Self.emulatorEnvironment(emulator)
      for (name, value) in command.environment { env[name] = value }
      let (result, took) = try Self.run(command.arguments, environment: env, limit: 20)
      #expect(result.status == command.status, "\(command.name): status \(result.status): \(result.stderr)")
      #expect(result.stderr.contains(command.needle), "\(command.name): \(result.stderr)")
      #expect(took < 10, "\(command.name) took \(took) s")
      #expect(!(result.stdout + result.stderr).contains(Self.secret), "\(command.name) printed the key")
    }
    #expect(apiCases + commands.count >= 60)
    #expect(!(script.stdout + script.stderr).contains(Self.secret))
    // The catalogue's categories and counts, for the record.
    var counts: [String: Int] = ["cli": commands.count]
    for line in lines where line.hasPrefix("ok ") { counts[String(line.split(separator: " ")[1]), default: 0] += 1 }
    print("bad-input catalogue: \(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))")
  }

  // Issue 8: Ctrl-C with the server down took 62 s and said nothing.
  @Test func ctrlCWithAnUnansweringServerReportsAndExitsFast() throws {
    let bad = try MisbehavingServer()
    defer { bad.stop() }
    let script = """
      local h = fal.submit("nocancel/app", {})
      print(h.request_id)
      io.stdout:flush()
      h:get()
      """
    let (process, out, err) = try Falua.start(
      ["-"], environment: ["FALUA_RUN_URL": bad.url, "FALUA_QUEUE_URL": bad.url, "FAL_KEY": Self.key], input: script)
    let requestID = ServeAndInterruptTests.firstLine(of: out)
    #expect(requestID.hasPrefix("req-nocancel-"))
    let started = Date()
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let seconds = Date().timeIntervalSince(started)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 130)
    #expect(seconds < 4, "exit took \(seconds) s")
    #expect(stderr.contains("falua: interrupted: cancelled 0 queue requests; could not cancel 1"), "\(stderr)")
    #expect(stderr.contains(requestID), "\(stderr)")
  }

  @Test func ctrlCSaysWhatItCancelled() throws {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    defer { emulator.stop() }
    let script = """
      local a = fal.submit("fal-ai/echo", { sleep = 30 })
      local b = fal.submit("fal-ai/echo", { sleep = 30 })
      print(a.request_id)
      io.stdout:flush()
      a:get()
      """
    let (process, out, err) = try Falua.start(["-"], environment: Self.emulatorEnvironment(emulator), input: script)
    _ = ServeAndInterruptTests.firstLine(of: out)
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 130)
    #expect(stderr.contains("falua: interrupted: cancelled 2 queue requests\n"), "\(stderr)")
  }

  // Issue 8: retries were silent. One line each with FALUA_DEBUG or -v; none otherwise (not a terminal).
  @Test func retriesAreVisibleWhenAskedFor() throws {
    let bad = try MisbehavingServer()
    defer { bad.stop() }
    let code = """
      fal.config({ retry = { max_attempts = 3, base_delay = 0.01 } })
      print(pcall(fal.run, "busy/app", {}))
      """
    let env = ["FALUA_RUN_URL": bad.url, "FALUA_QUEUE_URL": bad.url, "FAL_KEY": Self.key]
    var debug = env
    debug["FALUA_DEBUG"] = "1"
    for (label, arguments, environment, lines) in [
      ("FALUA_DEBUG", ["-e", code], debug, 2), ("-v", ["-v", "-e", code], env, 2), ("quiet", ["-e", code], env, 0),
    ] {
      let (result, _) = try Self.run(arguments, environment: environment)
      let retries = result.stderr.split(separator: "\n").filter { $0.hasPrefix("falua: retrying busy/app run after HTTP 429") }
      #expect(retries.count == lines, "\(label): \(result.stderr)")
      if lines > 0 { #expect(retries.first?.contains("(attempt 1 of 3 failed, next in ") == true, "\(retries)") }
      #expect(!result.stderr.contains(Self.secret))
      #expect(result.stdout.contains("[3 attempts in "), "\(label): \(result.stdout)")
    }
  }

  // Issue 8, limits: each is an option. Raised (or at its default), the hostile replies the
  // catalogue refuses go through: a 2000-deep reply, a 100 KB download into memory.
  @Test func raisedLimitsLetTheSameRepliesThrough() throws {
    let bad = try MisbehavingServer()
    defer { bad.stop() }
    let script = """
      fal.config({ limits = { max_depth = 2000 } })
      local value, depth = fal.run("deep/app", {}), 0
      while type(value) == "table" do value, depth = value[1], depth + 1 end
      print(depth, fal.config().limits.max_depth, #fal.download("\(bad.url)/huge/x"))
      """
    let (result, _) = try Self.run(["-"], environment: ["FALUA_RUN_URL": bad.url, "FAL_KEY": Self.key], input: script)
    #expect(result.stdout == "2000\t2000\t100002\n", "\(result.stdout)\(result.stderr)")
  }

  // Issue 8: every example and every Lua test script, run with a recognisable key against a server
  // that echoes the key back in bodies and headers: the key is in no output.
  @Test func theKeyNeverLeavesWhateverTheServerEchoes() throws {
    let bad = try MisbehavingServer()
    defer { bad.stop() }
    let fileManager = FileManager.default
    let examples = (try fileManager.contentsOfDirectory(atPath: Falua.root.appendingPathComponent("examples").path))
      .filter { $0.hasSuffix(".lua") }.map { "examples/" + $0 }
    let tests = (try fileManager.contentsOfDirectory(atPath: Falua.root.appendingPathComponent("Tests/lua").path))
      .filter { $0.hasSuffix("_test.lua") }.map { "Tests/lua/" + $0 }
    let scripts = (examples + tests).sorted()
    #expect(scripts.count > 20)
    let env = [
      "FALUA_RUN_URL": bad.url, "FALUA_QUEUE_URL": bad.url, "FALUA_REST_URL": bad.url, "FALUA_CDN_URL": bad.url,
      "FAL_KEY": Self.key, "FALUA_DEBUG": "1", "LUA_PATH": "Tests/lua/?.lua;;",
    ]
    let leaks = Mutex<[String]>([])
    let hangs = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: scripts.count) { index in
      guard let (result, seconds) = try? Self.run([scripts[index]], environment: env, limit: 20) else { return }
      if (result.stdout + result.stderr).contains(Self.secret) { leaks.withLock { $0.append(scripts[index]) } }
      if seconds >= 20 { hangs.withLock { $0.append(scripts[index]) } }
    }
    #expect(leaks.withLock { $0 }.isEmpty, "the key was printed by \(leaks.withLock { $0 })")
    #expect(hangs.withLock { $0 }.isEmpty, "hung: \(hangs.withLock { $0 })")
    // The server did see the key (so the check above means something).
    #expect(bad.heads.contains { $0.contains(Self.secret) })
  }
}

extension FailurePathTests {
  // Issue 8: after client_timeout a CPU-bound app stayed IN_PROGRESS with cancel_requested.
  @Test func cancelStopsACPUBoundEmulatorApp() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("falua-spin-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    try """
      return { id = "me/spin", run = function() local x = 0 while true do x = x + 1 end end }
      """.write(to: folder.appendingPathComponent("spin.lua"), atomically: true, encoding: .utf8)
    var options = EmulatorOptions()
    options.appsDirectory = folder.path
    let emulator = try Emulator(options: options)
    try emulator.start()
    defer { emulator.stop() }
    let script = """
      local ok, err = pcall(fal.subscribe, "me/spin", {}, { client_timeout = 0.5 })
      assert(not ok and err.kind == "timeout", tostring(err))
      local started = fal.clock()
      repeat
        local s = fal.status("me/spin", err.request_id)
        if s.status == "COMPLETED" then print("stopped", s.error_type) return end
        fal.sleep(0.02)
      until fal.clock() - started > 3
      print("still running")
      """
    let (result, _) = try Self.run(["-"], environment: Self.emulatorEnvironment(emulator), input: script)
    #expect(result.stdout == "stopped\tclient_cancelled\n", "\(result.stdout)\(result.stderr)")
  }
}
