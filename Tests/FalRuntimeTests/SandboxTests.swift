import FalEmulator
import FalRuntime
import Foundation
import Testing

/// Sandbox mode: every escape and every limit raises a "sandbox" error naming its rule, stops the
/// pipeline (its queued requests cancelled), and leaves the host and the runtime usable.
@Suite struct SandboxTests {
  /// A folder with `readable/` (read-only to the pipeline), `writable/`, and a secret beside them.
  final class Folders {
    let root: URL
    var readable: URL { root.appendingPathComponent("readable") }
    var writable: URL { root.appendingPathComponent("writable") }
    var secret: URL { root.appendingPathComponent("secret.txt") }
    init() throws {
      root = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)")
      for folder in [readable, writable] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
      try "secret".write(to: secret, atomically: true, encoding: .utf8)
      try "hello".write(to: readable.appendingPathComponent("in.txt"), atomically: true, encoding: .utf8)
      try FileManager.default.createSymbolicLink(at: readable.appendingPathComponent("link.txt"), withDestinationURL: secret)
      // A link inside the writable folder to a file that does not exist yet, outside it.
      try FileManager.default.createSymbolicLink(
        atPath: writable.appendingPathComponent("dangling.txt").path, withDestinationPath: "../planted.txt")
    }
    deinit { try? FileManager.default.removeItem(at: root) }
  }

  static func runtime(_ folders: Folders, maxMemory: Int? = nil, maxTime: Double? = nil) throws -> (FalRuntime, Emulator) {
    let sandbox = FalRuntime.Sandbox(
      allowRead: [folders.readable.path], allowWrite: [folders.writable.path], maxMemory: maxMemory, maxTime: maxTime)
    return try EmbeddingAPITests.runtime(sandbox: sandbox)
  }

  /// Runs `body` as the pipeline's `main` and returns the error it ended with.
  static func failure(_ runtime: FalRuntime, _ body: String) throws -> FalRuntimeError {
    let pipeline = try runtime.load(code: "function main()\n\(body)\nend")
    do {
      let result = try pipeline.call("main")
      struct NoError: Error { let result: FalValue }
      throw NoError(result: result)
    } catch let error as FalRuntimeError {
      return error
    }
  }

  /// The runtime still works after a violation.
  static func stillWorks(_ runtime: FalRuntime) throws -> Bool {
    try runtime.load(code: "function ok() return fal.run('fal-ai/echo', { n = 7 }).n end").call("ok") == 7
  }

  @Test func processesExitsAndNativeCodeAreRefused() throws {
    let folders = try Folders()
    let (runtime, emulator) = try Self.runtime(folders)
    defer { emulator.stop() }
    try Data([0x7f, 0x45, 0x4c, 0x46]).write(to: folders.readable.appendingPathComponent("evil.so"))
    let cases: [(String, String)] = [
      ("os.execute('true')", "os.execute is not allowed (rule: no-process)"),
      ("io.popen('ls')", "io.popen is not allowed (rule: no-process)"),
      ("os.exit(3)", "os.exit is not allowed (rule: no-exit)"),
      ("package.loadlib('/lib/x.so', 'f')", "package.loadlib is not allowed (rule: no-native-code)"),
      ("os.remove('\(folders.writable.path)/x')", "os.remove is not allowed (rule: no-delete)"),
      ("os.rename('a', 'b')", "os.rename is not allowed (rule: no-delete)"),
      ("package.cpath = '\(folders.readable.path)/?.so'; require('evil')", "require of C module 'evil'"),
      // A pcall does not let the pipeline go on: the violation stops it anyway.
      ("pcall(os.execute, 'true'); return 'went on'", "os.execute is not allowed (rule: no-process)"),
    ]
    for (code, message) in cases {
      let error = try Self.failure(runtime, code)
      #expect(error.kind == "sandbox", "\(code): \(error)")
      #expect(error.message.contains("sandbox: " + message), "\(code): \(error.message)")
    }
    #expect(try Self.failure(runtime, "require('no_such_module')").kind == "error")
    let pipeline = try runtime.load(code: """
      function main()
        return { debug.sethook == nil, debug.getregistry == nil, os.getenv("HOME") == nil,
          select(2, load(string.dump(function() end))) }
      end
      """)
    #expect(try pipeline.call("main") == [true, true, true, "attempt to load a binary chunk (mode is 't')"])
    #expect(try Self.stillWorks(runtime))
  }

  @Test func filesOnlyUnderTheAllowedFolders() throws {
    let folders = try Folders()
    let (runtime, emulator) = try Self.runtime(folders)
    defer { emulator.stop() }
    let readable = folders.readable.path, writable = folders.writable.path
    let allowed = try runtime.load(code: """
      function main()
        local text = assert(io.open("\(readable)/in.txt")):read("a")
        local f = assert(io.open("\(writable)/out.txt", "w")) f:write(text .. "!") f:close()
        local url = fal.upload_file("\(writable)/out.txt")
        fal.download(url, "\(writable)/copy.txt")
        return assert(io.open("\(writable)/copy.txt")):read("a")
      end
      """)
    #expect(try allowed.call("main") == "hello!")
    let cases: [(String, String)] = [
      ("io.open('\(folders.secret.path)')", "reading \(folders.secret.path) is not allowed (rule: allow-read)"),
      ("io.open('\(readable)/../secret.txt')", "(rule: allow-read)"),
      ("io.open('\(readable)/link.txt')", "(rule: allow-read)"),
      ("io.lines('/etc/passwd')", "(rule: allow-read)"),
      ("dofile('/etc/passwd')", "(rule: allow-read)"),
      ("io.open('\(readable)/new.txt', 'w')", "writing \(readable)/new.txt is not allowed (rule: allow-write)"),
      ("io.open('\(writable)/dangling.txt', 'w')", "(rule: allow-write)"),
      ("fal.upload_file('\(folders.secret.path)')", "(rule: allow-read)"),
      ("fal.download(fal.upload('x', 'text/plain'), '\(readable)/x.txt')", "(rule: allow-write)"),
    ]
    for (code, message) in cases {
      let error = try Self.failure(runtime, code)
      #expect(error.kind == "sandbox", "\(code): \(error)")
      #expect(error.message.contains(message), "\(code): \(error.message)")
    }
    #expect(!FileManager.default.fileExists(atPath: "\(readable)/new.txt"))
    #expect(!FileManager.default.fileExists(atPath: folders.root.appendingPathComponent("planted.txt").path))
    #expect(try Self.stillWorks(runtime))
  }

  @Test func onlyTheConfiguredHostsAreReachable() throws {
    let folders = try Folders()
    let (runtime, emulator) = try Self.runtime(folders)
    defer { emulator.stop() }
    let error = try Self.failure(runtime, "fal.download('http://198.51.100.7/x.png')")
    #expect(error.kind == "sandbox")
    #expect(error.message.contains("the host 198.51.100.7 is not one of the configured fal hosts (rule: hosts)"), "\(error.message)")
    let port = try Self.failure(runtime, "fal.download('\(emulator.runURL.replacingOccurrences(of: "127.0.0.1", with: "localhost"))/x')")
    #expect(port.message.contains("(rule: hosts)"), "\(port.message)")
    // A combining mark after the `/` hides it from Swift's Character view, not from curl, which
    // would connect to 198.51.100.7: the host is found byte by byte.
    let hidden = try Self.failure(runtime, "fal.download('http://198.51.100.7:9/\u{301}@\(emulator.runURL.dropFirst(7))/x')")
    #expect(hidden.message.contains("the host 198.51.100.7:9 is not one"), "\(hidden.message)")
    #expect(try Self.stillWorks(runtime))
  }

  @Test func aViolationCancelsTheInFlightRequests() throws {
    let folders = try Folders()
    let (runtime, emulator) = try Self.runtime(folders)
    defer { emulator.stop() }
    let error = try Self.failure(runtime, """
      local handle = fal.submit("fal-ai/echo", { sleep = 30 })
      request_id = handle.request_id
      fal.spawn(function() handle:get() end)
      fal.sleep(0)
      os.execute("true")
      """)
    #expect(error.kind == "sandbox")
    let id = try #require(try runtime.load(code: "function id() return request_id end").call("id").stringValue)
    let status = try EmbeddingAPITests.finalStatus(emulator, "fal-ai/echo", id)
    #expect(status.contains("client_cancelled"), "\(status)")
  }

  @Test func theMemoryCapStopsThePipelineAndTheHostGoesOn() throws {
    let folders = try Folders()
    let (runtime, emulator) = try Self.runtime(folders, maxMemory: 16 << 20)
    defer { emulator.stop() }
    for code in [
      "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(64) .. i end",
      "local s = ('x'):rep(64 * 1024 * 1024)",
      "while true do pcall(function() local t = {} for i = 1, 1e9 do t[i] = {} end end) end",
    ] {
      let error = try Self.failure(runtime, code)
      #expect(error.kind == "sandbox", "\(code): \(error)")
      #expect(error.message == "sandbox: memory limit of 16 MiB reached (rule: max-memory)", "\(error.message)")
      do {
        #expect(try Self.stillWorks(runtime))
      } catch {
        Issue.record("after \(code): \(error)")
      }
    }
  }

  @Test func theTimeBudgetStopsBusyLoopsAndLongWaits() throws {
    let folders = try Folders()
    let (runtime, emulator) = try Self.runtime(folders, maxTime: 0.5)
    defer { emulator.stop() }
    for code in [
      "while true do end",
      "while true do pcall(function() while true do end end) end",
      "fal.sleep(30)",
      "fal.run('fal-ai/echo', { sleep = 30 })",
    ] {
      let started = Date()
      let error = try Self.failure(runtime, code)
      let elapsed = Date().timeIntervalSince(started)
      #expect(error.kind == "sandbox", "\(code): \(error)")
      #expect(error.message == "sandbox: time budget of 0.5 s spent (rule: max-time)", "\(error.message)")
      #expect(elapsed >= 0.5 && elapsed < 10, "\(code): \(elapsed) s")
    }
    // Each call gets the whole budget again.
    #expect(try Self.stillWorks(runtime))
  }
}
