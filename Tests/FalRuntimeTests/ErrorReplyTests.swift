import FalRuntime
import Testing

/// An HTTP error reply is read in one place, `fal.errors.from_core` (stdlib/fal/errors.lua): Swift
/// reports the kind, the header facts and the raw body; Lua derives `detail`, `field_errors`, the
/// body's `error_type` and the message, and `__tostring` renders the one line users see.
@Suite struct ErrorReplyTests {
  let runtime = try! FalRuntime(config: FalConfig())

  /// `from_core(fields)` for `fal.run`, then the global `probe` evaluated against the error `e`.
  private func read(_ fields: String, _ probe: String = "e.message .. '|' .. tostring(e)") -> String {
    let code = "local e = require('fal.errors').from_core(\(fields), 'fal.run', fal.json.decode); return \(probe)"
    guard case .output(let text) = runtime.evaluate(code) else { return "<failed>" }
    // The REPL prints a string result quoted.
    return String(text.dropFirst().dropLast())
  }

  private func reply(_ status: Int, _ body: String, kind: String = "http") -> String {
    "{kind = '\(kind)', status = \(status), endpoint = 'fal-ai/flux/schnell', body = [==[\(body)]==]}"
  }

  @Test func stringDetail() {
    #expect(
      read(reply(404, #"{"detail": "Path /x not found"}"#))
        == "Path /x not found|fal.run: HTTP 404 from fal-ai/flux/schnell: Path /x not found")
  }

  @Test func validationListJoinsFieldsAndMessages() {
    let body = #"""
      {"detail": [{"loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing"},
                  {"loc": ["body", "images", 2], "msg": "bad image", "type": "image_too_large"},
                  {"msg": "no location", "type": "x"}]}
      """#
    let fields = "{kind = 'validation', status = 422, request_id = 'abc-123', body = [==[\(body)]==]}"
    #expect(read(fields, "e.message") == "prompt: field required; 2: bad image; no location")
    #expect(read(fields, "e.field_errors[2].type .. ' ' .. #e.field_errors") == "image_too_large 3")
    #expect(
      read(fields, "tostring(e)")
        == "fal.run: HTTP 422: prompt: field required; 2: bad image; no location (request abc-123)")
  }

  @Test func stringDetailOfA422IsOneFieldError() {
    let fields = reply(422, #"{"detail": "image too large"}"#, kind: "validation")
    #expect(read(fields, "e.field_errors[1].msg .. ' ' .. e.field_errors[1].loc[1]") == "image too large body")
  }

  @Test func nonJSONBodyIsShortenedText() {
    #expect(read(reply(502, "<html>502 Bad Gateway nginx</html>\n"), "e.message") == "<html>502 Bad Gateway nginx</html>")
    #expect(read(reply(500, String(repeating: "é", count: 300)), "e.message") == String(repeating: "é", count: 200))
    #expect(read(reply(500, #"{"message": "from message"}"#), "e.message") == "from message")
  }

  @Test func missingBodyNamesTheStatus() {
    #expect(read(reply(500, ""), "e.message") == "HTTP 500")
    #expect(read(reply(503, "  \n"), "e.message") == "HTTP 503")
  }

  @Test func errorTypeFromBodyElseHeader() {
    let both = "{kind = 'http', status = 504, error_type = 'other', body = [[{\"error_type\": \"request_timeout\"}]]}"
    #expect(read(both, "e.error_type") == "request_timeout")
    let header = "{kind = 'http', status = 503, error_type = 'runner_disconnected', body = [[{\"detail\": \"x\"}]]}"
    #expect(read(header, "e.error_type") == "runner_disconnected")
  }

  @Test func aMessageFromSwiftIsKept() {
    let refused = "{kind = 'http', status = 401, message = 'realtime connection refused', body = [[{\"detail\": \"no\"}]]}"
    #expect(read(refused, "e.message .. ' ' .. e.detail") == "realtime connection refused no")
  }

  @Test func errorsWithoutAReplyRender() {
    let timeout = "{kind = 'timeout', message = 'Operation timed out', endpoint = 'me/app'}"
    #expect(read(timeout, "tostring(e)") == "fal.run: Operation timed out (me/app)")
    let usage = "{kind = 'usage', message = 'bad option', endpoint = 'me/app'}"
    #expect(read(usage, "tostring(e)") == "fal.run: bad option")
  }
}
