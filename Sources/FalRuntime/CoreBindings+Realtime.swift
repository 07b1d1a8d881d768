import CFalua
import FalClient
import LuaKit
import Transport

// The Lua half (`stdlib/fal/realtime.lua`) fetches the token and drives these: open, then take
// messages with `realtime_next`, awaiting `realtime_wait` when none is waiting. Connections are
// keyed by an integer the Lua connection object holds. FalClient builds the URL's base and the
// handshake's identity headers: the key never reaches Lua.
extension CoreBindings {
  /// `realtime_target`, `realtime_token`, `realtime_open`, `realtime_next`, `realtime_wait`, `realtime_send`, `realtime_close`.
  static func registerRealtime(_ core: Core, _ lua: Lua) {
    // The msgpack codec table `{pack, unpack, bytes}` rides along as `fal.core.msgpack`.
    lua.push(cFunction: falua_open_msgpack)
    if (try? lua.call(arguments: 0, results: 1)) != nil { lua.rawSet(field: "msgpack", in: -2) }
    let connections = core.realtimeConnections
    lua.register([
      // (endpoint, path|nil) -> URL without query, alias
      "realtime_target": { lua in
        let endpoint = try EndpointID(parsing: try lua.checkString(1, "endpoint"))
        lua.push(core.client.realtimeURL(for: endpoint, path: try lua.optString(2, "path")))
        lua.push(endpoint.alias)
        return 2
      },
      // (endpoint, body) -> operation id of `POST {rest_url}/tokens/`
      "realtime_token": { lua in
        let endpoint = try EndpointID(parsing: try lua.checkString(1, "endpoint"))
        lua.push(core.request(.realtimeToken, endpoint: endpoint, body: try lua.optBytes(2, "body"), options: RequestOptions()))
        return 1
      },
      // (url, headers, timeout, endpoint, with_key) -> connection id, operation id; `with_key`
      // sends `Authorization: Key` (use_jwt = false)
      "realtime_open": { lua in
        let url = try lua.checkString(1, "url")
        let headers = try lua.optHeaders(2, "headers")
        let timeout = try lua.optNumber(3, "timeout") ?? 90
        let connection = RealtimeConnection(core: core, endpoint: try lua.optString(4, "endpoint") ?? "")
        let withKey = try lua.optBool(5, "with_key") ?? false
        lua.push(connections.insert(connection))
        lua.push(connection.open(url: url, headers: headers, withKey: withKey, timeout: timeout))
        return 2
      },
      // (id) -> "text"|"binary", data | "closed", code, reason | "failed"|"limit", message | nil
      "realtime_next": { lua in
        switch try connections.get(lua.integer(at: 1)).next() {
        case .element(.text(let text))?:
          lua.push("text")
          lua.push(text)
          return 2
        case .element(.binary(let bytes))?:
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
        case .ended(.messageTooLarge(let limit))?:
          lua.push("limit")
          lua.push(Limits.exceeded("realtime message", limit: limit, option: "max_message_bytes"))
          return 2
        case nil:
          return 0
        }
      },
      // (id, timeout|nil, operation) -> operation id
      "realtime_wait": { lua in
        let connection = try connections.get(lua.integer(at: 1))
        lua.push(
          connection.wait(timeout: try lua.optNumber(2, "timeout"), operation: try lua.optString(3, "operation") ?? "recv"))
        return 1
      },
      // (id, "text"|"binary", data) -> true, or false once closed
      "realtime_send": { lua in
        let connection = try connections.get(lua.integer(at: 1))
        let binary: Bool
        switch try lua.checkString(2, "frame") {
        case "text": binary = false
        case "binary": binary = true
        case let frame: throw LuaError(message: "fal.core.realtime_send: frame must be \"text\" or \"binary\", got \(frame)")
        }
        let data = try lua.optBytesView(3, "data") ?? UnsafeRawBufferPointer(start: nil, count: 0)
        lua.push(connection.send(data, binary: binary))
        return 1
      },
      // (id): starts the close handshake and forgets the connection
      "realtime_close": { lua in
        connections.remove(lua.integer(at: 1))?.close()
        return 0
      },
    ])
  }
}
