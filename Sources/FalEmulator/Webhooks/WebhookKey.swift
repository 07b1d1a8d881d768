import CCrypto
import Foundation

/// An Ed25519 key pair generated at start; signs webhook deliveries (PROTOCOL §13) and is
/// published as the JWKS at `GET /.well-known/jwks.json`.
final class WebhookKey: Sendable {
  private let privateKey: [UInt8]
  /// The raw 32-byte public key.
  let publicKey: [UInt8]
  /// The `kid` published with it.
  let id = "falua-emulator-" + UUID().uuidString.lowercased().prefix(8)

  init() {
    var secret = [UInt8](repeating: 0, count: 32)
    var open = [UInt8](repeating: 0, count: 32)
    precondition(falua_ed25519_generate(&secret, &open) == 1, "OpenSSL cannot generate an Ed25519 key")
    privateKey = secret
    publicKey = open
  }

  /// The four `X-Fal-Webhook-*` headers for `body`, signed now (or at `timestamp`).
  func headers(requestID: String, userID: String, body: Data, timestamp: Int = Int(Date().timeIntervalSince1970))
    -> [(String, String)]
  {
    var digest = [UInt8](repeating: 0, count: 32)
    _ = [UInt8](body).withUnsafeBytes { falua_sha256($0.baseAddress, body.count, &digest) }
    let message = Array("\(requestID)\n\(userID)\n\(timestamp)\n\(Self.hex(digest))".utf8)
    var signature = [UInt8](repeating: 0, count: 64)
    _ = falua_ed25519_sign(privateKey, message, message.count, &signature)
    return [
      ("X-Fal-Webhook-Request-Id", requestID), ("X-Fal-Webhook-User-Id", userID),
      ("X-Fal-Webhook-Timestamp", String(timestamp)), ("X-Fal-Webhook-Signature", Self.hex(signature)),
    ]
  }

  /// `{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": base64url, ...}]}`.
  var jwks: [String: Any] {
    let x = Data(publicKey).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    return ["keys": [["kty": "OKP", "crv": "Ed25519", "x": x, "kid": id, "use": "sig", "alg": "EdDSA"]]]
  }

  static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
