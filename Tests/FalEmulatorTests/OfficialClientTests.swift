import FalEmulator
import Foundation
import Testing

/// The official Python client (installed by scripts/bootstrap.sh) against the emulator.
@Suite struct OfficialClientTests {
  @Test func officialPythonClientWorksAgainstTheEmulator() throws {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    defer { emulator.stop() }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("python/official_client.py")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script.path]
    var environment = ProcessInfo.processInfo.environment
    environment["EMULATOR_RUN_URL"] = emulator.runURL
    environment["EMULATOR_QUEUE_URL"] = emulator.queueURL
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(text.contains("official client: all checks passed"), "\(text)")
  }
}
