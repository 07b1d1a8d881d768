import Foundation
import Testing
import Transport

@testable import FalClient

// The body is read in Lua (stdlib/fal/errors.lua, tested by FalRuntimeTests/ErrorReplyTests); here
// only what Swift decides: the kind from status and headers, the header facts, the raw body.
@Suite struct FalErrorTests {
  private func error(_ status: Int, _ body: String?, _ headers: HTTPHeaders = [:]) -> FalError {
    let reply = HTTPResponse(status: status, headers: headers, body: Array((body ?? "").utf8))
    return FalError(reply: reply, retryable: false, endpoint: "fal-ai/flux/schnell", operation: "run")
  }

  @Test func replyKeepsTheRawBodyAndTheHeaderFacts() {
    let body = #"{"detail": [{"loc": ["body", "prompt"], "msg": "field required"}], "error_type": "x"}"#
    let e = error(422, body, ["x-fal-request-id": "abc-123", "X-Fal-Error-Type": "from-header"])
    #expect(e.kind == .validation && e.status == 422)
    #expect(e.message == nil, "the message is derived from the body in Lua")
    #expect(e.body == Array(body.utf8))
    #expect(e.requestID == "abc-123" && e.errorType == "from-header")
    #expect(e.endpoint == "fal-ai/flux/schnell" && e.operation == "run")
  }

  @Test func kinds() {
    let userTimeout = error(504, #"{"detail": "Request timed out"}"#, ["X-Fal-Request-Timeout-Type": "user"])
    #expect(userTimeout.kind == .timeout && userTimeout.timeoutType == "user")
    #expect(error(504, #"{"detail": "Gateway timeout"}"#).kind == .http)
    #expect(error(499, #"{"detail": "cancelled"}"#).kind == .cancelled)
    #expect(error(400, #"{"detail": "x"}"#, ["X-Fal-Error-Type": "client_cancelled"]).kind == .cancelled)
    #expect(error(401, #"{"detail": "Unauthorized"}"#).kind == .http)
    #expect(FalError.Kind.validation.description == "validation")
  }

  @Test func transportErrors() {
    let timeout = FalError(
      transport: TransportError(
        kind: .timeout, message: "Operation timed out after 120000 milliseconds", curlCode: 28),
      retryable: false, endpoint: "me/app", operation: "status")
    #expect(timeout.kind == .timeout && timeout.status == nil)
    #expect(timeout.message == "Operation timed out after 120000 milliseconds")
    let refused = FalError(
      transport: TransportError(kind: .connect, message: "Couldn't connect to server", curlCode: 7),
      retryable: true, endpoint: "me/app", operation: "run")
    #expect(refused.kind == .network && refused.retryable)
  }

  @Test func redactionScrubsMessageAndBody() {
    var e = error(401, #"{"detail": "bad key sk-1:secret, really sk-1:secret"}"#)
    e.message = "echo sk-1:secret"
    let scrubbed = e.redacting("sk-1:secret")
    #expect(scrubbed.message == "echo <redacted>")
    #expect(scrubbed.body == Array(#"{"detail": "bad key <redacted>, really <redacted>"}"#.utf8))
    #expect(e.redacting(nil).body == e.body)
  }
}
