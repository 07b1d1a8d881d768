import FalEmulator
import Foundation
import Testing

/// The faults beyond error replies (resets, runner disconnects, route-scoped errors) and the
/// counters a reliability test reads from `/_emulator/stats` (issue 9, item 10).
@Suite struct FaultAccountingTests {
  static func plan(_ spec: String) -> (inout EmulatorOptions) -> Void {
    { $0.faults = try! FaultPlan(parsing: spec, seed: 3) }
  }

  static func byRoute(_ stats: [String: Any]) -> [String: Int] {
    stats["faults_by_route"] as? [String: Int] ?? [:]
  }

  @Test func resetBeforeReadingLosesTheRequest() async throws {
    let harness = try Harness(Self.plan("submit:reset=1"))
    await #expect(throws: (any Error).self) { _ = try await harness.submit("fal-ai/echo", ["a": 1]) }
    let stats = try await harness.stats()
    #expect(stats["submits"] as? Int == 0, "the request was never read")
    #expect(Self.byRoute(stats)["submit"] == 1)
    // Other routes are untouched.
    #expect(try await harness.run("fal-ai/echo", ["b": 2]).status == 200)
  }

  @Test func resetAfterHandlingQueuesTheSubmitButLosesItsReply() async throws {
    let harness = try Harness(Self.plan("submit:reset_after=1"))
    await #expect(throws: (any Error).self) { _ = try await harness.submit("fal-ai/echo", ["a": 1]) }
    await #expect(throws: (any Error).self) { _ = try await harness.submit("fal-ai/echo", ["a": 1]) }
    let stats = try await harness.stats()
    #expect(stats["submits"] as? Int == 2, "both were queued")
    #expect(stats["duplicate_submits"] as? Int == 1, "the same body twice is one duplicate")
    #expect(Self.byRoute(stats)["submit"] == 2)
  }

  @Test func duplicatesAreCountedByBodyFingerprint() async throws {
    let harness = try Harness()
    _ = try await harness.submitID("fal-ai/echo", ["a": 1])
    _ = try await harness.submitID("fal-ai/echo", ["a": 2])
    _ = try await harness.submitID("fal-ai/echo", ["a": 1])
    _ = try await harness.submitID("fal-ai/any-llm", ["a": 1])
    #expect(try await harness.stats()["duplicate_submits"] as? Int == 1)
  }

  @Test func runnerDisconnectsRerunQueuedRequests() async throws {
    let always = try Harness(Self.plan("disconnect=1"))
    let id = try await always.submitID("fal-ai/echo", ["a": 1])
    let status = try await always.waitForStatus("fal-ai/echo", id)
    #expect(status["error_type"] as? String == "runner_disconnected")
    #expect(try await always.record(id)["attempts"] as? Int == 10, "fal's 10 attempts")
    #expect(try await always.stats()["runner_disconnects"] as? Int == 10)
    // Direct runs are never re-run.
    #expect(try await always.run("fal-ai/echo", ["b": 1]).status == 200)

    let sometimes = try Harness(Self.plan("disconnect=0.5"))
    var ids: [String] = []
    for i in 0..<10 { ids.append(try await sometimes.submitID("fal-ai/echo", ["i": i])) }
    for (i, id) in ids.enumerated() {
      _ = try await sometimes.waitForStatus("fal-ai/echo", id)
      #expect(try await sometimes.result("fal-ai/echo", id).object["i"] as? Int == i, "re-run, right result")
    }
    #expect((try await sometimes.stats()["runner_disconnects"] as? Int ?? 0) > 0)
  }

  @Test func routeScopedErrorsHitOnlyTheirRoute() async throws {
    let harness = try Harness(Self.plan("status:retry500=1,result:ingress503=1"))
    let id = try await harness.submitID("fal-ai/echo", ["a": 1])
    #expect(try await harness.status("fal-ai/echo", id).status == 500)
    let result = try await harness.result("fal-ai/echo", id)
    #expect(result.status == 503)
    #expect(result.header("x-fal-request-id") == nil, "an ingress error")
    let stats = try await harness.stats()
    #expect(Self.byRoute(stats)["status"] == 1 && Self.byRoute(stats)["result"] == 1)
    #expect(Self.byRoute(stats)["submit"] == 0)
  }

  @Test func webhookDeliveriesAndCancellationsAreCounted() async throws {
    let harness = try Harness()
    let sink = "\(harness.emulator.runURL)/_emulator/webhooks/count"
    let reply = try await HTTP.send(
      "POST", "\(harness.emulator.queueURL)/fal-ai/echo?fal_webhook=\(sink)", json: ["a": 1])
    let id = try #require(reply.object["request_id"] as? String)
    _ = try await harness.waitForStatus("fal-ai/echo", id)
    var delivered = 0
    for _ in 0..<200 where delivered == 0 {
      delivered = try await harness.stats()["webhook_deliveries"] as? Int ?? 0
      if delivered == 0 { try await Task.sleep(nanoseconds: 10_000_000) }
    }
    #expect(delivered == 1)
    let slow = try await harness.submitID("fal-ai/echo", ["sleep": 10])
    _ = try await harness.cancel("fal-ai/echo", slow)
    #expect(try await harness.stats()["cancellations"] as? Int == 1)
  }

  @Test func newFaultSpecsAreValidated() {
    #expect(throws: (any Error).self) { try FaultPlan(parsing: "nowhere:reset=1", seed: 1) }
    #expect(throws: (any Error).self) { try FaultPlan(parsing: "status:disconnect=0.1", seed: 1) }
    #expect(throws: (any Error).self) { try FaultPlan(parsing: "reset=2", seed: 1) }
    #expect(throws: Never.self) { try FaultPlan(parsing: "reset=0.1,reset_after=0.1,disconnect=0.2,cancel:retry429=1", seed: 1) }
  }
}
