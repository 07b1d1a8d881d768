import Foundation
import Testing

/// The benchmark's falua drivers (`scripts/bench/falua`) do their work and check every answer: each
/// reports how many answers it checked, and the codec driver refuses an encoding that differs from
/// the expected text.
@Suite struct BenchSmokeTests {
  /// A driver and its arguments; the first argument is the number of answers it must check.
  static let drivers: [[String]] = [
    ["run_sequential.lua", "3"], ["subscribe_concurrent.lua", "5"], ["realtime_roundtrip.lua", "5"],
    ["realtime_roundtrip.lua", "5", "1", "key"], ["subscribe_latency.lua", "1", "streaming"],
  ]

  static func checked(_ stdout: String) -> Int? {
    guard let line = stdout.split(separator: "\n").last,
      let report = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    else { return nil }
    return report["checked"] as? Int
  }

  @Test(arguments: drivers)
  func driverChecksEveryAnswer(_ arguments: [String]) throws {
    let result = try Falua.run(["--local", "scripts/bench/falua/" + arguments[0]] + arguments.dropFirst())
    #expect(result.status == 0, "\(arguments[0]) failed: \(result.stderr)")
    #expect(Self.checked(result.stdout) == Int(arguments[1]), "\(arguments[0]) printed \(result.stdout)")
  }

  @Test func codecDriverRefusesAWrongEncoding() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bench-smoke-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let document = folder.appendingPathComponent("doc.json").path
    let expected = folder.appendingPathComponent("expected.json").path
    try #"{"b": [1, 2.5, "é\n"], "a": {"c": true}}"#.write(toFile: document, atomically: true, encoding: .utf8)

    try #"{"a":{"c":true},"b":[1,2.5,"é\n"]}"#.write(toFile: expected, atomically: true, encoding: .utf8)
    let good = try Falua.run(["scripts/bench/falua/json_codec.lua", document, expected, "2", "falua"])
    #expect(good.status == 0, "json_codec.lua failed: \(good.stderr)")
    #expect(Self.checked(good.stdout) == 2, "json_codec.lua printed \(good.stdout)")

    try #"{"a":{"c":true},"b":[1,2.50,"é\n"]}"#.write(toFile: expected, atomically: true, encoding: .utf8)
    let bad = try Falua.run(["scripts/bench/falua/json_codec.lua", document, expected, "2", "falua"])
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("iteration 1: falua output differs from the expected document"), "\(bad.stderr)")
  }
}
