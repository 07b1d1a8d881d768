import CCrypto

/// An Ed25519 key pair made when the emulator starts: it signs webhook deliveries and realtime JWTs.
struct Ed25519Key: Sendable {
  private let privateKey: [UInt8]
  /// The raw 32-byte public key.
  let publicKey: [UInt8]

  init() {
    var secret = [UInt8](repeating: 0, count: 32)
    var open = [UInt8](repeating: 0, count: 32)
    precondition(falua_ed25519_generate(&secret, &open) == 1, "libcrypto cannot make an Ed25519 key")
    privateKey = secret
    publicKey = open
  }

  /// The 64-byte signature of `message`.
  func sign(_ message: [UInt8]) -> [UInt8] {
    var signature = [UInt8](repeating: 0, count: 64)
    _ = falua_ed25519_sign(privateKey, message, message.count, &signature)
    return signature
  }

  /// Whether `signature` is this key's signature of `message`.
  func verifies(_ signature: [UInt8], of message: [UInt8]) -> Bool {
    signature.count == 64 && falua_ed25519_verify(publicKey, signature, message, message.count) == 1
  }
}
