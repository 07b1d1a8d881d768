import Foundation
import Testing
import Transport

@testable import FalClient

@Suite struct FalErrorTests {
  private func error(_ status: Int, _ body: String?, _ headers: HTTPHeaders = [:]) -> FalError {
    let reply = HTTPResponse(status: status, headers: headers, body: Array((body ?? "").utf8))
    return FalError(reply: reply, retryable: false, endpoint: "fal-ai/flux/schnell", operation: "run")
  }

  @Test func stringDetail() {
    let e = error(404, #"{"detail": "Path /x not found"}"#)
    #expect(e.kind == .http && e.status == 404 && e.message == "Path /x not found")
    #expect(e.description == "HTTP 404 from fal-ai/flux/schnell: Path /x not found")
  }

  @Test func validationListJoinsFieldsAndMessages() {
    let body = #"""
      {"detail": [{"loc": ["body", "prompt"], "msg": "field required", "type": "value_error.missing"},
                  {"loc": ["body", "images", 2], "msg": "bad image", "type": "image_too_large"},
                  {"msg": "no location", "type": "x"}]}
      """#
    let e = error(422, body, ["x-fal-request-id": "abc-123"])
    #expect(e.kind == .validation)
    #expect(e.message == "prompt: field required; 2: bad image; no location")
    #expect(e.requestID == "abc-123")
    #expect(e.body == Array(body.utf8))
  }

  @Test func descriptionReadsLikeTheDesign() {
    let e = error(
      422, #"{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"value_error.missing"}]}"#,
      ["x-fal-request-id": "abc-123"])
    #expect(e.description == "HTTP 422 from fal-ai/flux/schnell: prompt: field required (request abc-123)")
  }

  @Test func nonJSONBodyIsShortenedText() {
    #expect(
      error(502, "<html>502 Bad Gateway nginx</html>\n").message == "<html>502 Bad Gateway nginx</html>")
    let long = String(repeating: "x", count: 300)
    #expect(error(500, long).message == String(repeating: "x", count: 200))
  }

  @Test func missingBodyNamesTheStatus() {
    #expect(error(500, nil).message == "HTTP 500")
    #expect(error(503, "  ").message == "HTTP 503")
  }

  @Test func errorTypeFromBodyElseHeader() {
    let both = error(
      504, #"{"detail": "Request timed out", "error_type": "request_timeout"}"#, ["X-Fal-Error-Type": "other"]
    )
    #expect(both.errorType == "request_timeout")
    let header = error(
      503, #"{"detail": "Runner disconnected"}"#, ["X-Fal-Error-Type": "runner_disconnected"])
    #expect(header.errorType == "runner_disconnected")
  }

  @Test func kinds() {
    let userTimeout = error(504, #"{"detail": "Request timed out"}"#, ["X-Fal-Request-Timeout-Type": "user"])
    #expect(userTimeout.kind == .timeout && userTimeout.timeoutType == "user")
    #expect(error(504, #"{"detail": "Gateway timeout"}"#).kind == .http)
    #expect(error(499, #"{"detail": "cancelled"}"#).kind == .cancelled)
    #expect(error(400, #"{"detail": "x", "error_type": "client_cancelled"}"#).kind == .cancelled)
    #expect(error(401, #"{"detail": "Unauthorized"}"#).kind == .http)
  }

  @Test func transportErrors() {
    let timeout = FalError(
      transport: TransportError(
        kind: .timeout, message: "Operation timed out after 120000 milliseconds", curlCode: 28),
      retryable: false, endpoint: "me/app", operation: "status")
    #expect(timeout.kind == .timeout && timeout.status == nil)
    #expect(timeout.description == "timeout from me/app: Operation timed out after 120000 milliseconds")
    let refused = FalError(
      transport: TransportError(kind: .connect, message: "Couldn't connect to server", curlCode: 7),
      retryable: true, endpoint: "me/app", operation: "run")
    #expect(refused.kind == .network && refused.retryable)
    #expect(refused.description == "network error from me/app: Couldn't connect to server")
  }

  @Test func usageErrorsAreJustTheirMessage() {
    #expect(FalError.usage("bad option").description == "bad option")
  }
}
