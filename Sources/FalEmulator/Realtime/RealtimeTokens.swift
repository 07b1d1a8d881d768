import CCrypto
import Foundation

// JWTs (`EdDSA`) signed with a key made per emulator: the payload names the allowed app aliases
// and the expiry, as fal's tokens do, so a client can treat them as opaque strings.
/// Issues and checks the `fal_jwt_token`s of realtime connections.
final class RealtimeTokens: Sendable {
  private let privateKey: [UInt8]
  private let publicKey: [UInt8]

  init() {
    var secret = [UInt8](repeating: 0, count: 32)
    var open = [UInt8](repeating: 0, count: 32)
    precondition(falua_ed25519_generate(&secret, &open) == 1, "libcrypto cannot make an Ed25519 key")
    privateKey = secret
    publicKey = open
  }

  /// A token for `aliases` valid for `seconds`.
  func issue(aliases: [String], seconds: Int, now: Date = Date()) -> String {
    let header = Self.base64URL(Data(#"{"alg":"EdDSA","typ":"JWT"}"#.utf8))
    let claims: [String: Any] = [
      "allowed_apps": aliases, "exp": Int(now.timeIntervalSince1970) + seconds, "iss": "falua-emulator",
    ]
    let payload = Self.base64URL(JSONBody.encode(claims))
    let signingInput = Array("\(header).\(payload)".utf8)
    var signature = [UInt8](repeating: 0, count: 64)
    _ = falua_ed25519_sign(privateKey, signingInput, signingInput.count, &signature)
    return "\(header).\(payload).\(Self.base64URL(Data(signature)))"
  }

  /// Why `token` does not admit `alias`, or nil when it does.
  func refusal(of token: String, alias: String, now: Date = Date()) -> String? {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let payload = Self.decodeBase64URL(parts[1]),
      let signature = Self.decodeBase64URL(parts[2]), signature.count == 64
    else { return "malformed token" }
    let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
    guard falua_ed25519_verify(publicKey, Array(signature), signingInput, signingInput.count) == 1 else {
      return "bad token signature"
    }
    guard let claims = JSONBody.decode(payload) as? [String: Any], let expiry = claims["exp"] as? Int,
      let apps = claims["allowed_apps"] as? [String]
    else { return "malformed token" }
    guard Double(expiry) > now.timeIntervalSince1970 else { return "token expired" }
    guard apps.contains(alias) else { return "token not valid for \(alias)" }
    return nil
  }

  private static func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
      .replacingOccurrences(of: "=", with: "")
  }

  private static func decodeBase64URL(_ text: Substring) -> Data? {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
    return Data(base64Encoded: base64)
  }
}
