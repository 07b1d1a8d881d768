import FalClient
import LuaKit

// The one place outcomes become Lua: `poll` hands each finished operation to the scheduler as
// `{id, ok = true, ...}` or `{id, ok = false, error = {fields}}`.
extension CoreBindings {
  /// Pushes the completion table of operation `id`.
  static func pushCompletion(id: Int, outcome: Core.Outcome, onto lua: Lua) {
    lua.newTable(record: 5)
    lua.push(id)
    lua.rawSet(field: "id", in: -2)
    if case .failure(let error) = outcome {
      lua.push(false)
      lua.rawSet(field: "ok", in: -2)
      error.push(onto: lua)
      lua.rawSet(field: "error", in: -2)
      return
    }
    lua.push(true)
    lua.rawSet(field: "ok", in: -2)
    switch outcome {
    case .done, .failure:
      break
    case .response(let response):
      // {status, headers = {lowercased name = value}, body}
      lua.push(response.status)
      lua.rawSet(field: "status", in: -2)
      lua.newTable(record: Int32(response.headers.count))
      for (name, value) in response.headers {
        lua.push(value)
        lua.rawSet(field: lowercased(name), in: -2)
      }
      lua.rawSet(field: "headers", in: -2)
      lua.push(bytes: response.body)
      lua.rawSet(field: "body", in: -2)
    case .storageToken(let token):
      // {authorization, base_url}
      lua.push(token.authorization)
      lua.rawSet(field: "authorization", in: -2)
      lua.push(token.baseURL)
      lua.rawSet(field: "base_url", in: -2)
    case .download(let download):
      // {size, body (when kept in memory), content_type}
      lua.push(download.size)
      lua.rawSet(field: "size", in: -2)
      if let body = download.body {
        lua.push(bytes: body)
        lua.rawSet(field: "body", in: -2)
      }
      lua.push(download.contentType)
      lua.rawSet(field: "content_type", in: -2)
    }
  }

  /// `name` in lowercase; servers mostly send it so (HTTP/2 must), and then no String is built.
  private static func lowercased(_ name: String) -> String {
    let uppercase = UInt8(ascii: "A")...UInt8(ascii: "Z")
    return name.utf8.allSatisfy { $0 < 0x80 && !uppercase.contains($0) } ? name : name.lowercased()
  }
}
