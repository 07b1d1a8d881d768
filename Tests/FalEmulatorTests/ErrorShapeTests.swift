import FalEmulator
import Foundation
import Testing

@Suite struct ErrorShapeTests {
  @Test func unknownAppIs404OnBothPorts() async throws {
    let harness = try Harness()
    for url in [harness.emulator.runURL, harness.emulator.queueURL] {
      let reply = try await HTTP.send("POST", "\(url)/nope/nothing/sub", json: [String: Any]())
      #expect(reply.status == 404)
      #expect(reply.object["detail"] as? String == "Application 'nope/nothing' not found")
      #expect(reply.header("x-fal-request-id") != nil)
    }
  }

  @Test func keyIsRequiredWhenSet() async throws {
    let key = "key-id:key-secret-123"
    let harness = try Harness { $0.key = key }
    let missing = try await harness.run("fal-ai/echo", ["a": 1])
    let wrong = try await harness.run("fal-ai/echo", ["a": 1], headers: ["Authorization": "Key nope"])
    for reply in [missing, wrong] {
      #expect(reply.status == 401)
      #expect(reply.object["detail"] as? String == "Unauthorized")
      #expect(reply.header("x-fal-request-id") != nil)
      #expect(!reply.text.contains("secret"))
    }
    let good = try await harness.run("fal-ai/echo", ["a": 1], headers: ["Authorization": "Key \(key)"])
    #expect(good.status == 200)
    let bearer = try await harness.submit(
      "fal-ai/echo", ["a": 1], headers: ["Authorization": "Bearer \(key)"])
    #expect(bearer.status == 401)
    // Control routes need no key.
    #expect(try await harness.stats()["requests"] as? Int == 4)
  }

  @Test func appErrorsKeepTheirShape() async throws {
    let folder = try AppFolder([
      "errors.lua": """
      return { id = "test/errors", run = function(input, ctx)
        if input.kind == "typed" then ctx.error(503, "GPU error", "runner_server_error") end
        if input.kind == "table" then ctx.error(400, { reason = "bad", fields = { "a" } }) end
        if input.kind == "lua" then error("boom") end
        if input.kind == "object" then error({ code = 1 }) end
        if input.kind == "encode" then return { f = print } end
        if input.kind == "status" then ctx.error(200, "fine") end
        return {}
      end }
      """
    ])
    let harness = try Harness { $0.appsDirectory = folder.path }
    let app = "test/errors"

    let failed = try await harness.run("fal-ai/echo", ["fail": true])
    #expect(failed.status == 500)
    #expect(failed.text == #"{"detail":"echo failed as requested"}"#)

    let typed = try await harness.run(app, ["kind": "typed"])
    #expect(typed.status == 503)
    #expect(typed.object["detail"] as? String == "GPU error")
    #expect(typed.object["error_type"] as? String == "runner_server_error")
    #expect(typed.header("x-fal-error-type") == "runner_server_error")
    #expect(typed.header("x-fal-request-id") != nil)

    let table = try await harness.run(app, ["kind": "table"])
    #expect(table.status == 400)
    #expect((table.object["detail"] as? [String: Any])?["reason"] as? String == "bad")
    #expect(table.header("x-fal-error-type") == nil)

    let lua = try await harness.run(app, ["kind": "lua"])
    #expect(lua.status == 500)
    let message = try #require(lua.object["detail"] as? String)
    #expect(message.hasSuffix("errors.lua:4: boom"))
    #expect(!message.contains("traceback"))
    // An app that throws is fal's runner error, in the body, the header and the status alike.
    #expect(lua.object["error_type"] as? String == "runner_server_error")
    #expect(lua.header("x-fal-error-type") == "runner_server_error")

    #expect(
      try await harness.run(app, ["kind": "object"]).object["detail"] as? String
        == "(error object is a table value)")
    #expect(try await harness.run(app, ["kind": "encode"]).status == 500)
    let badStatus = try await harness.run(app, ["kind": "status"])
    #expect(badStatus.status == 500)
    #expect((badStatus.object["detail"] as? String)?.contains("ctx.error: status must be") == true)

    // The queue reports the failure in the COMPLETED status too.
    let id = try await harness.submitID(app, ["kind": "lua"])
    let status = try await harness.waitForStatus(app, id)
    #expect(status["error_type"] as? String == "runner_server_error")
    #expect((status["error"] as? String)?.hasSuffix("boom") == true)
    #expect(try await harness.result(app, id).status == 500)

    // A 422 through the queue: fal's status wording plus the validation item's type.
    let invalid = try await harness.submitID("fal-ai/echo", ["logs": "many"])
    let invalidStatus = try await harness.waitForStatus("fal-ai/echo", invalid)
    #expect(invalidStatus["error"] as? String == "Invalid status code: 422")
    #expect(invalidStatus["error_type"] as? String == "type_error.integer")
    let invalidResult = try await harness.result("fal-ai/echo", invalid)
    #expect(invalidResult.status == 422)
    #expect(invalidResult.object["detail"] is [Any])
  }

  @Test func invalidJSONBodyIs422() async throws {
    let harness = try Harness()
    let url = "\(harness.emulator.runURL)/fal-ai/echo"
    let broken = try await HTTP.send("POST", url, body: Data("{not json".utf8))
    let notObject = try await HTTP.send("POST", url, json: "just a string")
    for (reply, type) in [(broken, "value_error.jsondecode"), (notObject, "type_error.dict")] {
      #expect(reply.status == 422)
      let detail = try #require(reply.object["detail"] as? [[String: Any]])
      #expect(detail.first?["loc"] as? [String] == ["body"])
      #expect(detail.first?["type"] as? String == type)
    }
    // No body at all is an empty input (the JS client sends none for a falsy input).
    let empty = try await HTTP.send("POST", url)
    #expect(empty.status == 200)
    #expect(empty.text == "{}")
  }

  @Test func wrongMethodAndUnknownRequest() async throws {
    let harness = try Harness()
    let get = try await HTTP.send("GET", "\(harness.emulator.runURL)/fal-ai/echo")
    #expect(get.status == 405)
    let status = try await harness.status("fal-ai/echo", "missing")
    #expect(status.status == 404)
    #expect(status.header("x-fal-request-id") == "missing")
    #expect(try await harness.result("fal-ai/echo", "missing").status == 404)
  }
}
