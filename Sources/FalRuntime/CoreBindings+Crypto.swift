import CCrypto
import FoundationEssentials
import LuaKit

// Byte work the Lua side cannot do well: SHA-256 and Ed25519 (OpenSSL's libcrypto, through
// CCrypto/crypto.c) for `fal.webhook.verify`, and base64 for JWKs and data URIs.
extension CoreBindings {
  /// `sha256_hex`, `sha256_file_hex`, `ed25519_verify`, `base64_decode`, `base64_encode`.
  static func registerCrypto(_ lua: Lua) {
    lua.register([
      // (bytes) -> lowercase hex digest
      "sha256_hex": { lua in
        let bytes = try lua.checkBytes(1, "bytes")
        var digest = [UInt8](repeating: 0, count: 32)
        _ = falua_sha256(bytes, bytes.count, &digest)
        lua.push(hex(digest))
        return 1
      },
      // (path) -> lowercase hex digest | nil: the file is read in pieces, so a file of any size
      // hashes in constant memory (the large-upload test compares 200 MiB files with it)
      "sha256_file_hex": { lua in
        var digest = [UInt8](repeating: 0, count: 32)
        guard falua_sha256_file(try lua.checkString(1, "path"), &digest) == 1 else {
          lua.pushNil()
          return 1
        }
        lua.push(hex(digest))
        return 1
      },
      // (public_key, signature, message) -> boolean (raw bytes; a wrong-sized key or signature is false)
      "ed25519_verify": { lua in
        guard let key = try lua.optBytes(1, "public_key"), let signature = try lua.optBytes(2, "signature"),
          let message = try lua.optBytes(3, "message"), key.count == 32, signature.count == 64
        else {
          lua.push(false)
          return 1
        }
        lua.push(falua_ed25519_verify(key, signature, message, message.count) == 1)
        return 1
      },
      // (base64url or base64, padded or not) -> bytes | nil
      "base64_decode": { lua in
        var text = try lua.checkString(1, "text")
        text = text.replacing("-", with: "+").replacing("_", with: "/")
        while text.hasPrefix("=") { text.removeFirst() }
        while text.hasSuffix("=") { text.removeLast() }
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text) else {
          lua.pushNil()
          return 1
        }
        lua.push(bytes: Array(data))
        return 1
      },
      // (bytes) -> padded base64
      "base64_encode": { lua in
        lua.push(Data(try lua.checkBytes(1, "bytes")).base64EncodedString())
        return 1
      },
    ])
  }

  private static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
  }
}
