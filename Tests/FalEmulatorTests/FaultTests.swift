import FalEmulator
import Foundation
import Testing

@Suite struct FaultTests {
  @Test func deterministicFaultsFailTheNextMatchingRequests() async throws {
    let harness = try Harness()
    let control = "\(harness.emulator.queueURL)/_emulator/faults"
    let added = try await HTTP.send(
      "POST", control, json: ["status": 503, "count": 2, "route": "submit", "ingress": true])
    #expect(added.status == 200)

    // A status call does not match a submit rule.
    #expect(try await harness.status("fal-ai/echo", "x").status == 404)
    for _ in 0..<2 {
      let reply = try await harness.submit("fal-ai/echo", ["a": 1])
      #expect(reply.status == 503)
      #expect(reply.header("x-fal-request-id") == nil)
      #expect(reply.header("content-type") == "text/html")
      #expect(reply.text.contains("nginx"))
    }
    let id = try await harness.submitID("fal-ai/echo", ["a": 1])

    _ = try await HTTP.send("POST", control, json: ["status": 429, "count": 1, "route": "any"])
    let limited = try await harness.status("fal-ai/echo", id)
    #expect(limited.status == 429)
    #expect(limited.object["detail"] as? String == "Too many requests")
    #expect(limited.header("x-fal-request-id") != nil)
    try await harness.waitForStatus("fal-ai/echo", id)

    let stats = try await harness.stats()
    #expect(stats["faults"] as? Int == 3)
    #expect(stats["submits"] as? Int == 1)
    #expect(stats["completed"] as? Int == 1)
    #expect(stats["in_queue"] as? Int == 0)
    #expect(stats["in_progress"] as? Int == 0)
    let byRoute = try #require(stats["by_route"] as? [String: Int])
    #expect(byRoute["submit"] == 3)
    #expect(byRoute["run"] == 0)
    #expect(byRoute["status"] ?? 0 >= 3)
    #expect((stats["requests"] as? Int) == byRoute.values.reduce(0, +))

    let bad = try await HTTP.send("POST", control, json: ["status": 200])
    #expect(bad.status == 400)
  }

  @Test func randomFaultsFollowThePlanAndSeed() async throws {
    let always = try Harness { $0.faults = try! FaultPlan(parsing: "retry429=1", seed: 1) }
    let limited = try await always.run("fal-ai/echo", ["a": 1])
    #expect(limited.status == 429)
    #expect(limited.header("x-fal-request-id") != nil)

    func pattern(seed: UInt64) async throws -> [Int] {
      let harness = try Harness {
        $0.faults = try! FaultPlan(parsing: "ingress503=0.5, slow=0.2:0.01", seed: seed)
      }
      var statuses: [Int] = []
      for _ in 0..<16 { statuses.append(try await harness.run("fal-ai/echo", ["a": 1]).status) }
      return statuses
    }
    let first = try await pattern(seed: 42)
    #expect(try await pattern(seed: 42) == first)
    #expect(Set(first) == [200, 503])
  }

  @Test func faultSpecsAreValidated() throws {
    _ = try FaultPlan(parsing: "", seed: 0)
    _ = try FaultPlan(parsing: "ingress503=0.2,retry429=0.1,slow=0.1:2,ingress502=1,retry408=0", seed: 9)
    for spec in ["ingress503", "ingress503=2", "retry200=0.1", "slow=0.1", "reset=x", "ingress404=0.5"] {
      #expect(throws: EmulatorError.self, "\(spec)") { try FaultPlan(parsing: spec, seed: 0) }
    }
  }
}
