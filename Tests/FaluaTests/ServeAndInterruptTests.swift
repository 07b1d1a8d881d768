import FalEmulator
import Foundation
import Testing
import Transport

/// `falua serve` and Ctrl-C, as separate processes talking over loopback.
@Suite struct ServeAndInterruptTests {
  /// Reads the child's stdout up to the first newline.
  static func firstLine(of pipe: Pipe) -> String {
    var data = Data()
    while !data.contains(UInt8(ascii: "\n")) {
      let chunk = pipe.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      data.append(chunk)
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
  }

  static func get(_ url: String) throws -> (Int, String) {
    let loop = try EventLoop()
    var outcome: Result<HTTPResponse, TransportError>?
    loop.send(HTTPRequest(method: "GET", url: url, headers: [:], body: nil, timeout: 10, connectTimeout: 5)) {
      outcome = $0
    }
    while outcome == nil { loop.runOnce(timeout: 1) }
    let response = try outcome!.get()
    return (response.status, String(decoding: response.body, as: UTF8.self))
  }

  @Test func servePrintsOneReadyLineAndServes() throws {
    let (process, out, _) = try Falua.start(["serve", "--port", "0", "--queue-port", "0"])
    defer {
      process.terminate()
      process.waitUntilExit()
    }
    let line = Self.firstLine(of: out)
    let match = try #require(line.firstMatch(of: #/run (http://127\.0\.0\.1:\d+) queue (http://127\.0\.0\.1:\d+) apps (\S+)/#))
    #expect(match.output.3.contains("fal-ai/echo"))
    let (status, body) = try Self.get(String(match.output.1) + "/_emulator/stats")
    #expect(status == 200, "\(body)")
  }

  @Test func serveLoadsAppsOnlyWhenAsked() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("falua-serve-\(UUID().uuidString)")
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("apps"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    // A helper file that is not an app: serving from this folder must neither run nor load it.
    try "error('ran a file nobody asked for')".write(
      to: folder.appendingPathComponent("apps/helper.lua"), atomically: true, encoding: .utf8)
    let (process, out, _) = try Falua.start(["serve", "--port", "0"], directory: folder)
    let line = Self.firstLine(of: out)
    process.terminate()
    process.waitUntilExit()
    #expect(line.hasPrefix("falua serve: run "), "\(line)")
    #expect(process.terminationStatus == 0)
  }

  @Test func servePortsAreValidatedAndBindErrorsNameTheAddress() throws {
    for arguments in [["--port", "99999"], ["--port=-1"], ["--port", "80", "--queue-port", "70000"]] {
      let result = try Falua.run(["serve"] + arguments)
      #expect(result.status != 0)
      #expect(result.stderr.contains("is not a port (0 to 65535)"), "\(result.stderr)")
    }
    let busy = try Emulator(options: EmulatorOptions())
    try busy.start()
    defer { busy.stop() }
    let port = try #require(busy.runURL.split(separator: ":").last)
    let result = try Falua.run(["serve", "--port", String(port), "--queue-port", "0"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("cannot listen on 127.0.0.1:\(port): address already in use"), "\(result.stderr)")
  }

  @Test func sigtermDrainsAndExitsZero() throws {
    let (process, out, _) = try Falua.start(["serve", "--port", "0", "--queue-port", "0"])
    let line = Self.firstLine(of: out)
    let match = try #require(line.firstMatch(of: #/queue (http://127\.0\.0\.1:\d+)/#))
    let queue = String(match.output.1)
    // A running request and a queued one (echo has two runners: fill both, then one more).
    for _ in 0..<3 {
      let (status, body) = try Self.post(queue + "/fal-ai/echo", body: #"{"sleep": 30}"#)
      #expect(status == 200, "\(body)")
    }
    kill(process.processIdentifier, SIGTERM)
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 0)
  }

  static func post(_ url: String, body: String) throws -> (Int, String) {
    let loop = try EventLoop()
    var outcome: Result<HTTPResponse, TransportError>?
    loop.send(
      HTTPRequest(
        method: "POST", url: url, headers: ["Content-Type": "application/json"], body: Array(body.utf8), timeout: 10,
        connectTimeout: 5)
    ) {
      outcome = $0
    }
    while outcome == nil { loop.runOnce(timeout: 1) }
    let response = try outcome!.get()
    return (response.status, String(decoding: response.body, as: UTF8.self))
  }

  @Test func ctrlCCancelsInFlightRequestsAndExits130() throws {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    defer { emulator.stop() }
    let script = """
      local h = fal.submit("fal-ai/echo", { sleep = 30 })
      print(h.request_id)
      io.stdout:flush()
      h:get()
      """
    let (process, out, _) = try Falua.start(
      ["-"], environment: ["FALUA_RUN_URL": emulator.runURL, "FALUA_QUEUE_URL": emulator.queueURL], input: script)
    let requestID = Self.firstLine(of: out)
    #expect(!requestID.isEmpty)
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    #expect(process.terminationStatus == 130)
    let (_, status) = try Self.get(emulator.queueURL + "/fal-ai/echo/requests/\(requestID)/status")
    #expect(status.contains("client_cancelled"), "\(status)")
  }
}
