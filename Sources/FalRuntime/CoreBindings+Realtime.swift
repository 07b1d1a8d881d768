import CFalua
import FalClient
import LuaKit
import Transport

// The Lua half (`stdlib/fal/realtime.lua`) builds the URL and headers, fetches the token, and
// drives these: open, then take messages with `realtime_next`, awaiting `realtime_wait` when none
// is waiting. Connections are keyed by an integer the Lua connection object holds.
extension CoreBindings {
  /// `realtime_target`, `realtime_token`, `realtime_open`, `realtime_next`, `realtime_wait`, `realtime_send`, `realtime_close`.
  static func registerRealtime(_ core: Core, _ lua: Lua) {
    // The msgpack codec table `{pack, unpack, bytes}` rides along as `fal.core.msgpack`.
    lua.push(cFunction: falua_open_msgpack)
    if (try? lua.call(arguments: 0, results: 1)) != nil { lua.rawSet(field: "msgpack", in: -2) }
    var connections: [Int: RealtimeConnection] = [:]
    var lastID = 0
    func connection(_ lua: Lua) throws -> RealtimeConnection {
      guard let id = lua.integer(at: 1), let connection = connections[id] else {
        throw LuaError(message: "fal.core: realtime connection is closed")
      }
      return connection
    }
    lua.register([
      // (endpoint, path) -> URL without query (PROTOCOL §10: the path is always appended), alias
      "realtime_target": { lua in
        let endpoint = try EndpointID(parsing: try lua.checkString(1, "endpoint"))
        var base = Substring(core.client.config.realtimeURL)
        while base.hasSuffix("/") { base.removeLast() }
        var path = lua.string(at: 2) ?? "/realtime"
        if !path.hasPrefix("/") { path = "/" + path }
        lua.push("\(base)/\(endpoint.fullPath)\(path)")
        lua.push(endpoint.alias)
        return 2
      },
      // (endpoint, body) -> operation id of `POST {rest_url}/tokens/`
      "realtime_token": { lua in
        let endpoint = try EndpointID(parsing: try lua.checkString(1, "endpoint"))
        lua.push(try core.request(.realtimeToken, endpoint: endpoint, body: lua.bytes(at: 2), options: RequestOptions()))
        return 1
      },
      // (url, headers, timeout, endpoint, with_key) -> connection id, operation id; `with_key` adds
      // `Authorization: Key` (use_jwt = false), which the Lua side never sees.
      "realtime_open": { lua in
        let url = try lua.checkString(1, "url")
        let config = core.client.config
        var headers: HTTPHeaders = ["User-Agent": config.userAgent]
        if lua.bool(at: 5) {
          try Credentials.check(config, url: url)
          if let key = config.key { headers.add(name: "Authorization", value: "Key \(key)") }
        }
        if lua.type(at: 2) == .table {
          lua.forEachPair(in: 2) {
            if let name = lua.string(at: -2), let value = lua.string(at: -1) { headers.replaceOrAdd(name: name, value: value) }
          }
        }
        let connection = RealtimeConnection(core: core, endpoint: lua.string(at: 4) ?? "")
        lastID += 1
        connections[lastID] = connection
        lua.push(lastID)
        lua.push(connection.open(url: url, headers: headers, timeout: lua.number(at: 3) ?? 90))
        return 2
      },
      // (id) -> "text"|"binary", data | "closed", code, reason | "failed", message | nil
      "realtime_next": { lua in
        switch try connection(lua).next() {
        case .message(.text(let text))?:
          lua.push("text")
          lua.push(text)
          return 2
        case .message(.binary(let bytes))?:
          lua.push("binary")
          lua.push(bytes: bytes)
          return 2
        case .ended(.closed(let code, let reason))?:
          lua.push("closed")
          lua.push(code)
          lua.push(reason)
          return 3
        case .ended(.failed(let message))?:
          lua.push("failed")
          lua.push(message)
          return 2
        case nil:
          return 0
        }
      },
      // (id, timeout|nil, operation) -> operation id
      "realtime_wait": { lua in
        let connection = try connection(lua)
        lua.push(connection.wait(timeout: lua.number(at: 2), operation: lua.string(at: 3) ?? "recv"))
        return 1
      },
      // (id, "text"|"binary", data) -> true, or false once closed
      "realtime_send": { lua in
        let connection = try connection(lua)
        let data = lua.bytes(at: 3) ?? []
        let message: WebSocketMessage =
          lua.string(at: 2) == "text" ? .text(String(decoding: data, as: UTF8.self)) : .binary(data)
        lua.push(connection.send(message))
        return 1
      },
      // (id): starts the close handshake and forgets the connection
      "realtime_close": { lua in
        if let id = lua.integer(at: 1), let connection = connections.removeValue(forKey: id) {
          connection.close()
        }
        return 0
      },
    ])
  }
}
