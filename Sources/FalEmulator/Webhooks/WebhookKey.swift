import CCrypto
import Foundation

/// An Ed25519 key pair generated at start; signs webhook deliveries (PROTOCOL §13) and is
/// published as the JWKS at `GET /.well-known/jwks.json`.
final class WebhookKey: Sendable {
  private let key = Ed25519Key()
  /// The raw 32-byte public key.
  var publicKey: [UInt8] { key.publicKey }
  /// The `kid` published with it.
  let id = "falua-emulator-" + UUID().uuidString.lowercased().prefix(8)

  /// The four `X-Fal-Webhook-*` headers for `body`, signed now (or at `timestamp`).
  func headers(requestID: String, userID: String, body: Data, timestamp: Int = Int(Date().timeIntervalSince1970))
    -> [(String, String)]
  {
    var digest = [UInt8](repeating: 0, count: 32)
    _ = [UInt8](body).withUnsafeBytes { falua_sha256($0.baseAddress, body.count, &digest) }
    let message = Array("\(requestID)\n\(userID)\n\(timestamp)\n\(Self.hex(digest))".utf8)
    let signature = key.sign(message)
    return [
      ("X-Fal-Webhook-Request-Id", requestID), ("X-Fal-Webhook-User-Id", userID),
      ("X-Fal-Webhook-Timestamp", String(timestamp)), ("X-Fal-Webhook-Signature", Self.hex(signature)),
    ]
  }

  /// `{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": base64url, ...}]}`.
  var jwks: [String: Any] {
    let x = Base64URL.encode(Data(publicKey))
    return ["keys": [["kty": "OKP", "crv": "Ed25519", "x": x, "kid": id, "use": "sig", "alg": "EdDSA"]]]
  }

  static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
