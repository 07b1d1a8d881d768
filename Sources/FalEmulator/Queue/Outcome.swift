import Foundation

/// How a request ended: what its result route answers and what its COMPLETED status reports.
struct Outcome: Sendable {
  /// The result's HTTP status.
  var status: Int
  /// The result's JSON body.
  var body: Data
  /// The body's `error_type`, also sent as `X-Fal-Error-Type`.
  var errorType: String?
  /// The COMPLETED status's `error` (nil when the request succeeded).
  var error: String?
  /// The COMPLETED status's `error_type`.
  var statusErrorType: String?
  /// True when a `start_timeout` deadline fired (`X-Fal-Request-Timeout-Type: user`).
  var userTimeout = false

  /// The app's output.
  static func success(_ body: Data) -> Outcome { Outcome(status: 200, body: body) }

  /// An infrastructure error: `{"detail": detail, "error_type": errorType}`, reported as such in
  /// the COMPLETED status too.
  static func failure(status: Int, detail: String, errorType: String) -> Outcome {
    Outcome(
      status: status, body: JSONBody.encode(["detail": detail, "error_type": errorType]),
      errorType: errorType,
      error: detail, statusErrorType: errorType)
  }

  /// An unhandled app error (PROTOCOL.md §4): 500 `{"detail": message, "error_type":
  /// "runner_server_error"}` with `X-Fal-Error-Type`, and the same in the COMPLETED status.
  static func runnerError(_ message: String) -> Outcome {
    failure(status: 500, detail: message, errorType: "runner_server_error")
  }

  /// `ctx.error(status, detail, errorType)`: `detailJSON` is the app's detail, already encoded. The
  /// COMPLETED status says `Invalid status code: N` (fal's wording) unless the detail is a string;
  /// its `error_type` is the app's, else the first validation item's `type` (a 422 list).
  static func appError(status: Int, detailJSON: Data, detailText: String?, errorType: String?) -> Outcome {
    var body = Data("{\"detail\":".utf8) + detailJSON
    if let errorType { body += Data(",\"error_type\":\(JSONBody.string(errorType))".utf8) }
    body += Data("}".utf8)
    let firstItemType = ((JSONBody.decode(detailJSON) as? [Any])?.first as? [String: Any])?["type"] as? String
    return Outcome(
      status: status, body: body, errorType: errorType, error: detailText ?? "Invalid status code: \(status)",
      statusErrorType: errorType ?? firstItemType ?? (status >= 500 ? "runner_server_error" : nil))
  }

  /// The request was cancelled by the client before it finished.
  static let cancelled = failure(status: 499, detail: "Request cancelled", errorType: "client_cancelled")

  /// No runner started the request before its `X-Fal-Request-Timeout` deadline.
  static let startTimeout: Outcome = {
    var outcome = failure(status: 504, detail: "Request timed out", errorType: "request_timeout")
    outcome.userTimeout = true
    return outcome
  }()

  /// The request's runner disconnected on every attempt.
  static let runnerDisconnected = failure(
    status: 503, detail: "Runner disconnected", errorType: "runner_disconnected")

  /// The emulator shut down before a runner took the request.
  static let stopped = failure(
    status: 503, detail: "Emulator stopped", errorType: "runner_scheduling_failure")
}
