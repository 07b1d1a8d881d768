import Foundation

// JWTs (`EdDSA`) signed with a key made per emulator: the payload names the allowed app aliases
// and the expiry, as fal's tokens do, so a client can treat them as opaque strings.
/// Issues and checks the `fal_jwt_token`s of realtime connections.
final class RealtimeTokens: Sendable {
  private let key = Ed25519Key()

  /// A token for `aliases` valid for `seconds`.
  func issue(aliases: [String], seconds: Int, now: Date = Date()) -> String {
    let header = Base64URL.encode(Data(#"{"alg":"EdDSA","typ":"JWT"}"#.utf8))
    let claims: [String: Any] = [
      "allowed_apps": aliases, "exp": Int(now.timeIntervalSince1970) + seconds, "iss": "falua-emulator",
    ]
    let payload = Base64URL.encode(JSONBody.encode(claims))
    let signature = key.sign(Array("\(header).\(payload)".utf8))
    return "\(header).\(payload).\(Base64URL.encode(Data(signature)))"
  }

  /// Why `token` does not admit `alias`, or nil when it does.
  func refusal(of token: String, alias: String, now: Date = Date()) -> String? {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let payload = Base64URL.decode(parts[1]),
      let signature = Base64URL.decode(parts[2]), signature.count == 64
    else { return "malformed token" }
    guard key.verifies(Array(signature), of: Array("\(parts[0]).\(parts[1])".utf8)) else {
      return "bad token signature"
    }
    guard let claims = JSONBody.decode(payload) as? [String: Any], let expiry = claims["exp"] as? Int,
      let apps = claims["allowed_apps"] as? [String]
    else { return "malformed token" }
    guard Double(expiry) > now.timeIntervalSince1970 else { return "token expired" }
    guard apps.contains(alias) else { return "token not valid for \(alias)" }
    return nil
  }
}
