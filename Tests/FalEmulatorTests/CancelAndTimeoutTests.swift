import FalEmulator
import Foundation
import Testing

@Suite struct CancelAndTimeoutTests {
  @Test func cancelQueuedVersusInProgress() async throws {
    let harness = try Harness { $0.runners = 1 }
    let app = "fal-ai/echo"
    let running = try await harness.submitID(app, ["sleep": 30])
    try await harness.waitUntilRunning(app, running)
    let queued = try await harness.submitID(app, ["sleep": 30])

    // Queued: removed at once and never run.
    let cancelQueued = try await harness.cancel(app, queued)
    #expect(cancelQueued.status == 202)
    #expect(cancelQueued.object["status"] as? String == "CANCELLATION_REQUESTED")
    #expect(cancelQueued.header("x-fal-request-id") == queued)
    let queuedStatus = try await harness.status(app, queued)
    #expect(queuedStatus.status == 200)
    #expect(queuedStatus.object["status"] as? String == "COMPLETED")
    #expect(queuedStatus.object["error"] as? String == "Request cancelled")
    #expect(queuedStatus.object["error_type"] as? String == "client_cancelled")
    let queuedRecord = try await harness.record(queued)
    #expect(queuedRecord["attempts"] as? Int == 0)
    #expect(queuedRecord["started_at"] is NSNull)
    #expect(queuedRecord["cancel_requested"] as? Bool == true)

    // In progress: ctx.sleep wakes early and raises.
    #expect(try await harness.cancel(app, running).status == 202)
    let runningStatus = try await harness.waitForStatus(app, running)
    #expect(runningStatus["error_type"] as? String == "client_cancelled")
    #expect(try await harness.record(running)["attempts"] as? Int == 1)

    for id in [queued, running] {
      let result = try await harness.result(app, id)
      #expect(result.status == 499)
      #expect(result.object["detail"] as? String == "Request cancelled")
      #expect(result.object["error_type"] as? String == "client_cancelled")
      #expect(result.header("x-fal-error-type") == "client_cancelled")
    }
    let again = try await harness.cancel(app, running)
    #expect(again.status == 400)
    #expect(again.object["status"] as? String == "ALREADY_COMPLETED")
    let unknown = try await harness.cancel(app, "no-such-request")
    #expect(unknown.status == 404)
    #expect(unknown.object["status"] as? String == "NOT_FOUND")
    let stats = try await harness.stats()
    #expect(stats["cancellations"] as? Int == 2)
    #expect((stats["by_route"] as? [String: Any])?["cancel"] as? Int == 4)
  }

  @Test func cancelledAppSeesCtxCancelled() async throws {
    let folder = try AppFolder([
      "poll.lua": """
      return { id = "test/poll", run = function(input, ctx)
        -- Spin on ctx.cancelled() (no ctx.sleep), as a CPU-bound app checking between steps would.
        while not ctx.cancelled() do end
        return { saw_cancel = true }
      end }
      """
    ])
    let harness = try Harness { $0.appsDirectory = folder.path }
    let id = try await harness.submitID("test/poll")
    try await harness.waitUntilRunning("test/poll", id)
    #expect(try await harness.cancel("test/poll", id).status == 202)
    let status = try await harness.waitForStatus("test/poll", id)
    #expect(status["error_type"] as? String == "client_cancelled")
    #expect(try await harness.result("test/poll", id).status == 499)
  }

  @Test func startTimeoutCompletesWith504() async throws {
    let harness = try Harness { $0.runners = 1 }
    let app = "fal-ai/echo"
    let blocker = try await harness.submitID(app, ["sleep": 30])
    try await harness.waitUntilRunning(app, blocker)

    // Queue: the request never starts, so it completes with a user timeout.
    let id = try await harness.submitID(app, ["x": 1], headers: ["X-Fal-Request-Timeout": "0.2"])
    let status = try await harness.waitForStatus(app, id)
    #expect(status["error"] as? String == "Request timed out")
    #expect(status["error_type"] as? String == "request_timeout")
    let result = try await harness.result(app, id)
    try checkTimeout(result)
    #expect(try await harness.record(id)["attempts"] as? Int == 0)

    // Run: the same reply, directly.
    let run = try await harness.run(app, ["x": 1], headers: ["X-Fal-Request-Timeout": "0.2"])
    try checkTimeout(run)

    // A started request is not subject to the deadline.
    #expect(try await harness.cancel(app, blocker).status == 202)
    let ok = try await harness.run(app, ["x": 2], headers: ["X-Fal-Request-Timeout": "30.0"])
    #expect(ok.status == 200)
  }

  private func checkTimeout(_ reply: HTTPReply) throws {
    #expect(reply.status == 504)
    #expect(reply.object["detail"] as? String == "Request timed out")
    #expect(reply.object["error_type"] as? String == "request_timeout")
    #expect(reply.header("x-fal-request-timeout-type") == "user")
    #expect(reply.header("x-fal-error-type") == "request_timeout")
    #expect(reply.header("x-fal-request-id") != nil)
  }

  @Test func invalidHeadersAre400() async throws {
    let harness = try Harness()
    for value in ["abc", "0", "-3"] {
      let reply = try await harness.run("fal-ai/echo", [:], headers: ["X-Fal-Request-Timeout": value])
      #expect(reply.status == 400)
      #expect(reply.object["error_type"] as? String == "bad_request")
      #expect(reply.header("x-fal-error-type") == "bad_request")
    }
    let priority = try await harness.submit("fal-ai/echo", [:], headers: ["X-Fal-Queue-Priority": "urgent"])
    #expect(priority.status == 400)
  }

  @Test func runnerHintReachesTheApp() async throws {
    let folder = try AppFolder([
      "ctx.lua": """
      return { id = "test/ctx", run = function(input, ctx)
        return { hint = ctx.hint, path = ctx.path, request_id = ctx.request_id }
      end }
      """
    ])
    let harness = try Harness { $0.appsDirectory = folder.path }
    let reply = try await harness.run("test/ctx/a/b", [:], headers: ["X-Fal-Runner-Hint": "gpu-7"])
    #expect(reply.object["hint"] as? String == "gpu-7")
    #expect(reply.object["path"] as? String == "a/b")
    #expect(reply.object["request_id"] as? String == reply.header("x-fal-request-id"))
  }

  @Test func resultsExpireAfterRetention() async throws {
    // Fetching a completed result is covered by the other tests; this one proves it goes away.
    // (Whether a poll lands inside the window depends on the machine's load, so it is not asserted.)
    let harness = try Harness { $0.resultRetention = 1 }
    let id = try await harness.submitID("fal-ai/echo", ["v": 1])
    var expired = false
    for _ in 0..<600 where !expired {
      expired = try await harness.result("fal-ai/echo", id).status == 404
      if !expired { try await Task.sleep(nanoseconds: 50_000_000) }
    }
    #expect(expired)
    #expect(try await harness.status("fal-ai/echo", id).status == 404)
    #expect(try await harness.cancel("fal-ai/echo", id).status == 404)
  }
}
