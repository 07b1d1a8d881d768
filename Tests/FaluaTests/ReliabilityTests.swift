import Foundation
import Testing
import Transport

/// 1000 subscribes from 50 falua tasks against `falua serve --faults ...` (issue 9): every result
/// right, none lost; the duplicate submits the faults caused are reported, not hidden.
@Suite struct ReliabilityTests {
  static let faults =
    "ingress503=0.03,retry429=0.03,slow=0.02:0.2,reset=0.01,submit:reset_after=0.02,status:ingress502=0.02,disconnect=0.03"

  @Test(.timeLimit(.minutes(5))) func thousandSubscribesUnderFaultsAllSucceed() throws {
    let (server, out, _) = try Falua.start([
      "serve", "--port", "0", "--queue-port", "0", "--runners", "8", "--faults", Self.faults, "--seed", "11",
    ])
    defer {
      server.terminate()
      server.waitUntilExit()
    }
    let line = ServeAndInterruptTests.firstLine(of: out)
    let match = try #require(line.firstMatch(of: #/run (http://127\.0\.0\.1:\d+) queue (http://127\.0\.0\.1:\d+)/#))
    let (run, queue) = (String(match.output.1), String(match.output.2))
    let script = Falua.root.appendingPathComponent("Tests/FaluaTests/scripts/reliability.lua").path
    let started = Date()
    let result = try Falua.run(
      [script], environment: ["FALUA_RUN_URL": run, "FALUA_QUEUE_URL": queue, "FAL_KEY": "any"])
    let seconds = Date().timeIntervalSince(started)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("results 1000"), "\(result.stdout)\(result.stderr)")

    let (status, body) = try ServeAndInterruptTests.get(run + "/_emulator/stats")
    #expect(status == 200)
    let stats = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    let submits = stats["submits"] as? Int ?? 0
    let duplicates = stats["duplicate_submits"] as? Int ?? -1
    #expect((stats["faults"] as? Int ?? 0) > 0, "faults were injected")
    #expect(submits == 1000 + duplicates, "every submit is one of the 1000 or a counted duplicate")
    print(
      "reliability: 1000 subscribes in \(String(format: "%.1f", seconds)) s, \(stats["faults"] ?? 0) faults, "
        + "\(duplicates) duplicate submits, \(stats["runner_disconnects"] ?? 0) runner disconnects")
  }
}
