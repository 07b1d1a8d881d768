import FalEmulator
import Foundation
import Testing

/// A multipart upload above 100 MiB by a `falua` process against an emulator in this test process:
/// the bytes survive the round trip, and the client's peak resident set stays well below the file
/// size, so neither the upload nor the download held the file in memory. (The emulator runs here,
/// not in the client, so its own buffers do not count against the client.)
@Suite struct LargeUploadTests {
  @Test func multipartRoundTripStaysOutOfMemory() throws {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    defer { emulator.stop() }
    let sizeMiB = 200
    let result = try Falua.run(
      ["Tests/lua/large/upload_large.lua", String(sizeMiB)],
      environment: [
        "FALUA_RUN_URL": emulator.runURL, "FALUA_QUEUE_URL": emulator.queueURL,
        "FALUA_REST_URL": emulator.restURL, "FALUA_CDN_URL": emulator.cdnURL,
      ])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.contains("size \(sizeMiB * 1_048_576 + 4) bytes"), "\(result.stdout)")
    #expect(lines.contains { $0.hasPrefix("sha256 match ") }, "\(result.stdout)")
    let peak = try #require(lines.first { $0.hasPrefix("VmHWM ") }.flatMap { Int($0.split(separator: " ")[1]) })
    // Under half the file: a copy of it anywhere in the client would put the peak above the file size.
    #expect(peak < sizeMiB * 1024 / 2, "peak resident set \(peak) kB for a \(sizeMiB) MiB file")
  }
}
