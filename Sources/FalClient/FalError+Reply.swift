import Foundation
import Transport

extension FalError {
  /// Maps a non-2xx reply (PROTOCOL.md §4): kind from status and headers, message from `detail`.
  init(reply: HTTPResponse, retryable: Bool, endpoint: String?, operation: String?) {
    let json = try? JSONSerialization.jsonObject(with: Data(reply.body), options: [.fragmentsAllowed])
    let object = json as? [String: Any]
    let errorType = object?["error_type"] as? String ?? reply.headers["x-fal-error-type"]
    let timeoutType = reply.headers["x-fal-request-timeout-type"]
    let kind: Kind
    switch reply.status {
    case 422: kind = .validation
    case 504 where timeoutType != nil: kind = .timeout
    case 499: kind = .cancelled
    case _ where errorType == "client_cancelled": kind = .cancelled
    default: kind = .http
    }
    self.init(
      kind: kind, message: Self.message(object: object, body: reply.body, status: reply.status),
      status: reply.status, errorType: errorType, requestID: reply.headers["x-fal-request-id"],
      timeoutType: timeoutType, body: reply.body, retryable: retryable, endpoint: endpoint,
      operation: operation)
  }

  /// Maps a transfer that got no reply: curl timeouts are `.timeout`, the rest `.network`.
  init(transport error: TransportError, retryable: Bool, endpoint: String?, operation: String?) {
    self.init(
      kind: error.kind == .timeout ? .timeout : .network, message: error.message, retryable: retryable,
      endpoint: endpoint, operation: operation)
  }

  /// `detail` when it is a string; a 422 list as "<field>: <msg>; …"; else the body's start.
  static func message(object: [String: Any]?, body: [UInt8], status: Int) -> String {
    if let detail = object?["detail"] as? String { return detail }
    if let items = object?["detail"] as? [Any] {
      return items.map(fieldError).joined(separator: "; ")
    }
    if let message = object?["message"] as? String { return message }
    let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? "HTTP \(status)" : String(text.prefix(200))
  }

  /// One validation item: the last `loc` element names the field (`["body", "prompt"]` → `prompt`).
  private static func fieldError(_ item: Any) -> String {
    guard let item = item as? [String: Any] else { return "\(item)" }
    let message = item["msg"] as? String ?? item["type"] as? String ?? "invalid"
    guard let field = (item["loc"] as? [Any])?.last else { return message }
    return "\(field): \(message)"
  }
}
