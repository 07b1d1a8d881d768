import CCrypto
import CFalua
import FalClient
import Foundation
import LuaKit
import Transport

// The Swift half of `fal.upload*`, `fal.download*`, `fal.encode*` and `fal.webhook.verify`
// (stdlib/fal/storage.lua, webhook.lua): transfers on the loop plus small synchronous helpers
// for files, hashes, base64 and Ed25519.
extension CoreBindings {
  static func registerStorage(_ core: Core, _ lua: Lua) {
    let tokens = StorageTokenCache(client: core.client)
    lua.register([
      // storage_request(operation, method, url, headers, body, {fal_auth, retries, timeout, body_file})
      "storage_request": { lua in
        let operation = try lua.checkString(1, "operation")
        var request = HTTPRequest(method: try lua.checkString(2, "method"), url: try lua.checkString(3, "url"))
        if lua.type(at: 4) == .table {
          lua.forEachPair(in: 4) {
            if let name = lua.string(at: -2), let value = lua.string(at: -1) {
              request.headers.add(name: name, value: value)
            }
          }
        }
        request.body = lua.bytes(at: 5)
        var falAuth = false, retries = true
        if lua.type(at: 6) == .table {
          lua.rawGet(field: "fal_auth", in: 6)
          falAuth = lua.bool(at: -1)
          lua.rawGet(field: "retries", in: 6)
          retries = lua.isNoneOrNil(-1) || lua.bool(at: -1)
          lua.rawGet(field: "timeout", in: 6)
          request.timeout = lua.number(at: -1)
          lua.pop(3)
          if lua.rawGet(field: "body_file", in: 6) == .table {
            lua.rawGet(field: "path", in: -1)
            lua.rawGet(field: "offset", in: -2)
            lua.rawGet(field: "length", in: -3)
            guard let path = lua.string(at: -3), let offset = lua.integer(at: -2), let length = lua.integer(at: -1)
            else { throw LuaError(message: "fal.core.storage_request: body_file needs path, offset, length") }
            request.bodyFile = HTTPBodyFile(path: path, offset: offset, length: length)
            lua.pop(3)
          }
          lua.pop()
        }
        request.connectTimeout = 30
        lua.push(try core.storageRequest(request, operation: operation, falAuth: falAuth, retries: retries))
        return 1
      },
      "storage_token": { lua in
        lua.push(try core.storageToken(tokens))
        return 1
      },
      // download(url, path|nil, progress)
      "download": { lua in
        lua.push(try core.download(try lua.checkString(1, "url"), to: lua.string(at: 2), progress: lua.bool(at: 3)))
        return 1
      },
      // file_size(path) -> size | nil, reason
      "file_size": { lua in
        let path = try lua.checkString(1, "path")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
          lua.pushNil()
          lua.push("no such file")
          return 2
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: path),
          let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
        else {
          lua.pushNil()
          lua.push(isDirectory.boolValue ? "is a directory" : "not readable")
          return 2
        }
        lua.push(size)
        return 1
      },
      "read_file": { lua in
        let path = try lua.checkString(1, "path")
        guard let data = FileManager.default.contents(atPath: path) else {
          lua.pushNil()
          lua.push("cannot read \(path)")
          return 2
        }
        lua.push(bytes: Array(data))
        return 1
      },
      "sha256_hex": { lua in
        guard let bytes = lua.bytes(at: 1) else { throw LuaError(message: "sha256_hex: string expected") }
        var digest = [UInt8](repeating: 0, count: 32)
        _ = falua_sha256(bytes, bytes.count, &digest)
        lua.push(hex(digest))
        return 1
      },
      "sha256_file_hex": { lua in
        var digest = [UInt8](repeating: 0, count: 32)
        guard falua_sha256_file(try lua.checkString(1, "path"), &digest) == 1 else {
          lua.pushNil()
          return 1
        }
        lua.push(hex(digest))
        return 1
      },
      // ed25519_verify(public_key, signature, message) -> boolean (raw bytes)
      "ed25519_verify": { lua in
        guard let key = lua.bytes(at: 1), let signature = lua.bytes(at: 2), let message = lua.bytes(at: 3),
          key.count == 32, signature.count == 64
        else {
          lua.push(false)
          return 1
        }
        lua.push(falua_ed25519_verify(key, signature, message, message.count) == 1)
        return 1
      },
      // base64url or base64, padded or not -> bytes | nil
      "base64_decode": { lua in
        guard var text = lua.string(at: 1) else { throw LuaError(message: "base64_decode: string expected") }
        text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text = text.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text) else {
          lua.pushNil()
          return 1
        }
        lua.push(bytes: Array(data))
        return 1
      },
      "base64_encode": { lua in
        guard let bytes = lua.bytes(at: 1) else { throw LuaError(message: "base64_encode: string expected") }
        lua.push(Data(bytes).base64EncodedString())
        return 1
      },
    ])
  }

  private static func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
  }
}
