import FalClient
import FoundationEssentials
import LuaKit
import Transport

// The Swift half of `fal.upload*`, `fal.download*` and `fal.encode*` (stdlib/fal/storage.lua) and
// of the key fetch in `fal.webhook.verify`: transfers on the loop, plus reading local files.
extension CoreBindings {
  /// `storage_request`, `storage_token`, `download`, `file_size`, `read_file`.
  static func registerStorage(_ core: Core, _ lua: Lua) {
    let tokens = StorageTokenCache(client: core.client)
    lua.register([
      // (operation, method, url, headers, body|nil, {fal_auth, retries, timeout, body_file = {path,
      // offset, length}}) -> operation id
      "storage_request": { lua in
        let operation = try lua.checkString(1, "operation")
        var request = HTTPRequest(method: try lua.checkString(2, "method"), url: try lua.checkString(3, "url"))
        request.headers = try lua.optHeaders(4, "headers")
        request.body = try lua.optBytes(5, "body")
        request.connectTimeout = 30
        let options = try OptionReader(lua, 6, "options")
        request.timeout = try options.number("timeout")
        request.bodyFile = try options.table("body_file") { file in
          guard let path = try file.string("path"), let offset = try file.integer("offset"),
            let length = try file.integer("length")
          else { throw LuaError(message: "fal.core.storage_request: body_file needs path, offset, length") }
          return HTTPBodyFile(path: path, offset: offset, length: length)
        }
        lua.push(
          core.storageRequest(
            request, operation: operation, falAuth: try options.bool("fal_auth") ?? false,
            retries: try options.bool("retries") ?? true))
        return 1
      },
      // () -> operation id; completes with {authorization, base_url}
      "storage_token": { lua in
        lua.push(core.storageToken(tokens))
        return 1
      },
      // (url, path|nil, progress) -> operation id; completes with {size, body|nil, content_type}
      "download": { lua in
        lua.push(
          try core.download(
            try lua.checkString(1, "url"), to: try lua.optString(2, "path"),
            progress: try lua.optBool(3, "progress") ?? false))
        return 1
      },
      // (path) -> size | nil, reason
      "file_size": { lua in
        let path = try lua.checkString(1, "path")
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
          lua.pushNil()
          lua.push("no such file")
          return 2
        }
        // A UInt in FoundationEssentials (only Foundation's NSNumber bridging cast it to Int).
        guard !isDirectory, FileManager.default.isReadableFile(atPath: path),
          let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? UInt
        else {
          lua.pushNil()
          lua.push(isDirectory ? "is a directory" : "not readable")
          return 2
        }
        lua.push(Int(size))
        return 1
      },
      // (path) -> bytes | nil, reason
      "read_file": { lua in
        let path = try lua.checkString(1, "path")
        guard let data = FileManager.default.contents(atPath: path) else {
          var isDirectory = false
          let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
          lua.pushNil()
          lua.push("cannot read \(path): \(!exists ? "no such file" : isDirectory ? "is a directory" : "permission denied")")
          return 2
        }
        lua.push(bytes: Array(data))
        return 1
      },
    ])
  }
}
