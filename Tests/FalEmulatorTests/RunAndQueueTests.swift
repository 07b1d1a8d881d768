import FalEmulator
import Foundation
import Testing

@Suite struct RunAndQueueTests {
  @Test func runReturnsTheInputUnchanged() async throws {
    let harness = try Harness()
    let input: [String: Any] = [
      "x": 1, "empty": [Any](), "nested": ["a": [1, 2], "o": [String: Any]()], "s": "hé",
    ]
    let reply = try await harness.run("fal-ai/echo", input)
    #expect(reply.status == 200)
    #expect(reply.header("content-type") == "application/json")
    #expect(reply.header("x-fal-request-id")?.isEmpty == false)
    #expect((reply.json as? NSDictionary) == (input as NSDictionary))
    // Empty arrays and objects keep their kind through the Lua round trip.
    #expect(reply.text.contains("\"empty\":[]"))
    #expect(reply.text.contains("\"o\":{}"))
  }

  @Test func submitStatusResult() async throws {
    let harness = try Harness()
    let queue = harness.emulator.queueURL
    let submitted = try await harness.submit("fal-ai/echo/some/sub/path", ["hello": "world"])
    #expect(submitted.status == 200)
    let body = submitted.object
    let id = try #require(body["request_id"] as? String)
    #expect(body["status"] as? String == "IN_QUEUE")
    #expect(body["gateway_request_id"] as? String == id)
    #expect(body["queue_position"] as? Int != nil)
    // Follow-up URLs are absolute, on the queue host, with owner/alias only.
    #expect(body["response_url"] as? String == "\(queue)/fal-ai/echo/requests/\(id)")
    #expect(body["status_url"] as? String == "\(queue)/fal-ai/echo/requests/\(id)/status")
    #expect(body["cancel_url"] as? String == "\(queue)/fal-ai/echo/requests/\(id)/cancel")
    #expect(submitted.header("x-fal-request-id") == id)

    let status = try await harness.waitForStatus("fal-ai/echo", id)
    #expect(status["request_id"] as? String == id)
    #expect(status["logs"] is NSNull)
    #expect((status["metrics"] as? [String: Any])?["inference_time"] is Double)
    #expect(status["error"] == nil)
    for key in ["response_url", "status_url", "cancel_url"] { #expect(status[key] is String) }
    let completed = try await harness.status("fal-ai/echo", id)
    #expect(completed.status == 200)
    #expect(completed.header("x-fal-request-id") == id)

    let result = try await harness.result("fal-ai/echo", id)
    #expect(result.status == 200)
    #expect(result.object["hello"] as? String == "world")
    #expect(result.header("x-fal-request-id") == id)

    let record = try await harness.record(id)
    #expect(record["path"] as? String == "some/sub/path")
    #expect(record["route"] as? String == "submit")
    #expect(record["attempts"] as? Int == 1)
    let stats = try await harness.stats()
    #expect(stats["submits"] as? Int == 1)
    #expect((stats["requests_by_app"] as? [String: Any])?["fal-ai/echo"] as? Int ?? 0 >= 4)
  }

  @Test func resultBeforeCompletionIs400AndStatusIs202() async throws {
    let harness = try Harness { $0.runners = 1 }
    let id = try await harness.submitID("fal-ai/echo", ["sleep": 30])
    try await harness.waitUntilRunning("fal-ai/echo", id)
    let status = try await harness.status("fal-ai/echo", id)
    #expect(status.status == 202)
    #expect(status.object["logs"] is NSNull)
    let early = try await harness.result("fal-ai/echo", id)
    #expect(early.status == 400)
    #expect(early.object["detail"] as? String == "Request is still in progress")
    _ = try await harness.cancel("fal-ai/echo", id)
  }

  @Test func queuePositionsAreHonestAndAdvance() async throws {
    let harness = try Harness { $0.runners = 1 }
    let app = "fal-ai/echo"
    let blocker = try await harness.submitID(app, ["sleep": 30])
    try await harness.waitUntilRunning(app, blocker)
    var ids: [String] = []
    for expected in 0..<3 {
      let reply = try await harness.submit(app, ["sleep": 30, "n": expected])
      #expect(reply.object["queue_position"] as? Int == expected)
      ids.append(try #require(reply.object["request_id"] as? String))
    }
    // Low priority waits behind every normal request, even one submitted after it.
    let low = try await harness.submitID(app, ["sleep": 30], headers: ["X-Fal-Queue-Priority": "low"])
    let late = try await harness.submitID(app, ["sleep": 30])
    for (index, id) in ids.enumerated() {
      let status = try await harness.status(app, id)
      #expect(status.status == 202)
      #expect(status.object["status"] as? String == "IN_QUEUE")
      #expect(status.object["queue_position"] as? Int == index)
    }
    #expect(try await harness.status(app, late).object["queue_position"] as? Int == 3)
    #expect(try await harness.status(app, low).object["queue_position"] as? Int == 4)
    #expect(try await harness.stats()["in_queue"] as? Int == 5)

    #expect(try await harness.cancel(app, blocker).status == 202)
    try await harness.waitUntilRunning(app, ids[0])
    #expect(try await harness.status(app, ids[1]).object["queue_position"] as? Int == 0)
    #expect(try await harness.status(app, ids[2]).object["queue_position"] as? Int == 1)
    #expect(try await harness.status(app, low).object["queue_position"] as? Int == 3)
  }

  @Test func logsAreNullUnlessRequested() async throws {
    let harness = try Harness()
    let id = try await harness.submitID("fal-ai/echo", ["logs": 3])
    try await harness.waitForStatus("fal-ai/echo", id)
    for flag in ["1", "true"] {
      let logs = try #require(
        try await harness.status("fal-ai/echo", id, logs: flag).object["logs"] as? [[String: Any]])
      #expect(logs.map { $0["message"] as? String } == ["log line 1/3", "log line 2/3", "log line 3/3"])
      for entry in logs {
        #expect(entry["level"] as? String == "INFO")
        #expect(entry["source"] as? String == "USER")
        let timestamp = try #require(entry["timestamp"] as? String)
        #expect(
          timestamp.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"#, options: .regularExpression)
            != nil)
      }
    }
    for flag in ["0", "false", nil] {
      #expect(try await harness.status("fal-ai/echo", id, logs: flag).object["logs"] is NSNull)
    }
  }

  @Test func inProgressStatusCarriesLogsSoFar() async throws {
    let harness = try Harness()
    let id = try await harness.submitID("fal-ai/echo", ["sleep": 30, "logs": 1])
    let status = try await harness.waitForStatus("fal-ai/echo", id, logs: "1") { status in
      let messages = (status["logs"] as? [[String: Any]])?.compactMap { $0["message"] as? String } ?? []
      return status["status"] as? String == "IN_PROGRESS" && messages.contains("sleeping 30 s")
    }
    #expect((status["logs"] as? [Any])?.count == 2)
    _ = try await harness.cancel("fal-ai/echo", id)
  }

  @Test func statusStreamSendsEventsUntilCompleted() async throws {
    let harness = try Harness()
    let id = try await harness.submitID("fal-ai/echo", ["sleep": 0.2, "logs": 1])
    let reply = try await HTTP.send(
      "GET", "\(harness.emulator.queueURL)/fal-ai/echo/requests/\(id)/status/stream?logs=1")
    #expect(reply.status == 200)
    #expect(reply.header("content-type") == "text/event-stream")
    let events = reply.text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }.map {
      try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any]
    }
    let last = try #require(events.last ?? nil)
    #expect(last["status"] as? String == "COMPLETED")
    #expect((last["logs"] as? [Any])?.count == 2)
  }

  @Test func webhookIsPostedOnCompletion() async throws {
    let receiver = try Harness()
    let harness = try Harness()
    let hook = "\(receiver.emulator.runURL)/fal-ai/echo"
    let encoded = hook.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    let id = try await harness.submitID("fal-ai/echo?fal_webhook=\(encoded)", ["ping": true])
    var delivery: String?
    for _ in 0..<400 where delivery == nil {
      delivery = try await harness.record(id)["webhook_delivery"] as? String
      if delivery == nil { try await Task.sleep(nanoseconds: 20_000_000) }
    }
    #expect(delivery == "HTTP 200")
    #expect(try await harness.record(id)["webhook_url"] as? String == hook)
    let stats = try await receiver.stats()
    #expect((stats["by_route"] as? [String: Any])?["run"] as? Int == 1)
  }
}
