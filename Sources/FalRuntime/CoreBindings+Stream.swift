import FalClient
import LuaKit
import Transport

// The Lua half (`stdlib/fal/stream.lua`) drives these: open, read the head, then take events with
// `stream_next` and, when none is waiting, await `stream_wait`. Sessions are keyed by an integer
// the Lua stream object holds; `stream_close` (from `close`, `<close>`, a `break` or `__gc`) aborts.
extension CoreBindings {
  /// `stream_open`, `stream_head`, `stream_next`, `stream_wait`, `stream_close`, `stream_stats`.
  static func registerStream(_ core: Core, _ lua: Lua) {
    var sessions: [Int: StreamSession] = [:]
    var lastID = 0
    func session(_ lua: Lua) throws -> StreamSession {
      guard let id = lua.integer(at: 1), let session = sessions[id] else {
        throw LuaError(message: "fal.core: stream is closed")
      }
      return session
    }
    lua.register([
      // (kind, endpoint, request_id, body, {path, headers, logs}) -> stream id
      "stream_open": { lua in
        let kind = try lua.checkString(1, "kind")
        let endpoint = try EndpointID(parsing: try lua.checkString(2, "endpoint"))
        let options = try requestOptions(lua, 5)
        let call: FalCall
        switch kind {
        case "stream": call = .stream(path: options.path)
        case "status_stream":
          guard let requestID = lua.string(at: 3) else {
            throw LuaError(message: "fal.core.stream_open: request_id required")
          }
          call = .statusStream(requestID: requestID, logs: options.logs)
        default: throw LuaError(message: "fal.core.stream_open: unknown kind \(kind)")
        }
        try Credentials.check(
          core.client.config, url: core.client.url(for: call, endpoint: endpoint, options: options.request))
        let session = StreamSession(core: core)
        session.start(call, endpoint: endpoint, body: lua.bytes(at: 4), options: options.request)
        lastID += 1
        sessions[lastID] = session
        lua.push(lastID)
        return 1
      },
      // (id) -> true, request_id | false, error fields | nil while the reply has not begun
      "stream_head": { lua in
        switch try session(lua).head() {
        case .open(let requestID)?:
          lua.push(true)
          lua.push(requestID)
          return 2
        case .failed(let error)?:
          lua.push(false)
          error.push(onto: lua)
          return 2
        case nil:
          return 0
        }
      },
      // (id) -> "event", type, data | "end" | "error", error fields | nil when nothing is waiting
      "stream_next": { lua in
        switch try session(lua).next() {
        case .event(let event)?:
          lua.push("event")
          lua.push(event.type)
          lua.push(event.data)
          return 3
        case .end?:
          lua.push("end")
          return 1
        case .failure(let error)?:
          lua.push("error")
          error.push(onto: lua)
          return 2
        case nil:
          return 0
        }
      },
      // (id, timeout|nil, endpoint, operation) -> operation id
      "stream_wait": { lua in
        let session = try session(lua)
        lua.push(
          session.wait(
            timeout: lua.number(at: 2), endpoint: lua.string(at: 3) ?? "", operation: lua.string(at: 4) ?? ""))
        return 1
      },
      "stream_close": { lua in
        if let id = lua.integer(at: 1), let session = sessions.removeValue(forKey: id) { session.close() }
        return 0
      },
      // (id) -> {pauses, max_buffered}; or the number of open streams with no id
      "stream_stats": { lua in
        guard lua.integer(at: 1) != nil else {
          lua.push(sessions.count)
          return 1
        }
        let session = try session(lua)
        lua.newTable(record: 2)
        lua.push(session.pauses)
        lua.rawSet(field: "pauses", in: -2)
        lua.push(session.maxBuffered)
        lua.rawSet(field: "max_buffered", in: -2)
        return 1
      },
    ])
  }
}
