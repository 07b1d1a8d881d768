import Foundation
import Hummingbird

extension EmulatorRoutes {
  /// The longest token lifetime the emulator issues, in seconds.
  static let maxTokenExpiration = 86_400

  /// `POST /tokens/` (PROTOCOL §11): `{"allowed_apps": [alias], "token_expiration": N}` → a JSON string.
  func issueToken(_ request: inout Request) async throws -> Response {
    let requestID = Reply.newRequestID()
    guard request.method == .post else { return Reply.error(405, "Method Not Allowed", requestID: requestID) }
    if let key, request.headers[.authorization] != "Key \(key)" {
      return Reply.error(401, "Unauthorized", requestID: requestID)
    }
    guard let object = JSONBody.decode(try await body(of: &request)) as? [String: Any],
      let apps = object["allowed_apps"] as? [String], !apps.isEmpty
    else {
      let shape = #"body must be {"allowed_apps": [alias, ...], "token_expiration": seconds}"#
      return Reply.error(422, shape, requestID: requestID)
    }
    let expiration = (object["token_expiration"] as? Int) ?? 120
    guard (1...Self.maxTokenExpiration).contains(expiration) else {
      return Reply.error(422, "token_expiration must be from 1 to \(Self.maxTokenExpiration) seconds", requestID: requestID)
    }
    return Reply.json(201, tokens.issue(aliases: apps, seconds: expiration), requestID: requestID)
  }
}
