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
