import Foundation
import Hummingbird

// The webhook side of the emulator: its signing keys as a JWKS (PROTOCOL §13), an echo receiver
// for examples and tests, and a signing helper so tests can build tampered, stale and
// foreign-key deliveries.
extension EmulatorRoutes {
  /// The webhook routes; nil when `path` is not one of them.
  func webhooks(_ request: inout Request, path: String) async throws -> Response? {
    switch (request.method, path) {
    case (.get, "/.well-known/jwks.json"):
      return Reply.json(200, webhookKey.jwks, requestID: Reply.newRequestID())
    case (.post, "/_emulator/webhook-sign"):
      // {"request_id", "user_id", "body", "timestamp"?, "stranger"?}: headers signed by the
      // emulator's key, or by a key nobody publishes when "stranger" is true.
      guard let object = JSONBody.decode(try await body(of: &request)) as? [String: Any],
        let requestID = object["request_id"] as? String, let userID = object["user_id"] as? String,
        let text = object["body"] as? String
      else { return Reply.error(400, "expected request_id, user_id and body", requestID: Reply.newRequestID()) }
      let key = object["stranger"] as? Bool == true ? WebhookKey() : webhookKey
      let timestamp = object["timestamp"] as? Int ?? Int(Date().timeIntervalSince1970)
      let headers = key.headers(requestID: requestID, userID: userID, body: Data(text.utf8), timestamp: timestamp)
      return Reply.json(
        200, Dictionary(headers, uniquingKeysWith: { $1 }), requestID: Reply.newRequestID())
    case (_, _) where path.hasPrefix("/_emulator/webhooks/"):
      let name = String(path.dropFirst("/_emulator/webhooks/".count))
      guard !name.isEmpty, !name.contains("/") else { return nil }
      if request.method == .post {
        let fail = Int(request.uri.queryParameters.get("fail") ?? "") ?? 0
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let delivery = WebhookSink.Delivery(headers: headers, body: try await body(of: &request))
        guard webhookSink.receive(delivery, name: name, fail: fail) else {
          return Reply.error(500, "refused on purpose (fail=\(fail))", requestID: Reply.newRequestID())
        }
        return Reply.json(200, ["received": true], requestID: Reply.newRequestID())
      }
      let seen = webhookSink.deliveries(name)
      let list = seen.accepted.map { ["headers": $0.headers, "body": String(decoding: $0.body, as: UTF8.self)] }
      return Reply.json(200, ["deliveries": list, "refused": seen.refused], requestID: Reply.newRequestID())
    default:
      return nil
    }
  }
}
