import Foundation
import HTTPTypes
import Hummingbird

/// The platform headers a run or submit honours (PROTOCOL §3).
struct RequestOptions {
  static let timeoutHeader = HTTPField.Name("X-Fal-Request-Timeout")!
  static let priorityHeader = HTTPField.Name("X-Fal-Queue-Priority")!
  static let hintHeader = HTTPField.Name("X-Fal-Runner-Hint")!

  /// Seconds a runner has to start the request.
  var startTimeout: Double?
  var priority = RequestRecord.Priority.normal
  var hint: String?

  /// Reads the headers; an invalid value is a 400 `bad_request` reply.
  init(headers: HTTPFields) throws {
    if let text = headers[Self.timeoutHeader] {
      guard let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds.isFinite, seconds > 0
      else {
        throw Self.badRequest(
          "Invalid X-Fal-Request-Timeout header '\(text)': expected a number of seconds greater than 0")
      }
      startTimeout = seconds
    }
    if let text = headers[Self.priorityHeader] {
      guard let priority = RequestRecord.Priority(rawValue: text.lowercased()) else {
        throw Self.badRequest("Invalid X-Fal-Queue-Priority header '\(text)': expected 'normal' or 'low'")
      }
      self.priority = priority
    }
    hint = headers[Self.hintHeader]
  }

  private static func badRequest(_ detail: String) -> ReplyError {
    ReplyError(response: Reply.error(400, detail, errorType: "bad_request", requestID: Reply.newRequestID()))
  }
}
