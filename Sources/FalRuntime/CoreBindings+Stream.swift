import FalClient
import LuaKit

// The Lua half (`stdlib/fal/stream.lua`) drives these: open, read the head, then take events with
// `stream_next` and, when none is waiting, await `stream_wait`. Sessions are keyed by an integer
// the Lua stream object holds; `stream_close` (from `close`, `<close>`, a `break` or `__gc`) aborts.
extension CoreBindings {
  /// `stream_open`, `stream_head`, `stream_next`, `stream_wait`, `stream_close`, `stream_stats`.
  static func registerStream(_ core: Core, _ lua: Lua) {
    let sessions = core.streams
    lua.register([
      // (kind, endpoint, request_id, body, {path, headers, logs}) -> stream id
      "stream_open": { lua in
        let call = try CallArguments(lua, "fal.core.stream_open") { kind, requestID, path, logs in
          switch kind {
          case "stream": return .stream(path: path)
          case "status_stream": return .statusStream(requestID: try requestID(), logs: logs)
          default: return nil
          }
        }
        let session = StreamSession(core: core)
        session.start(call.call, endpoint: call.endpoint, body: call.body, options: call.options, client: core.client)
        lua.push(sessions.insert(session))
        return 1
      },
      // (id) -> true, request_id | false, error fields | nil while the reply has not begun
      "stream_head": { lua in
        switch try sessions.get(lua.integer(at: 1)).head() {
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
        switch try sessions.get(lua.integer(at: 1)).next() {
        case .element(let event)?:
          lua.push("event")
          lua.push(event.type)
          lua.push(event.data)
          return 3
        case .ended(nil)?:
          lua.push("end")
          return 1
        case .ended(let error?)?:
          lua.push("error")
          error.push(onto: lua)
          return 2
        case nil:
          return 0
        }
      },
      // (id, timeout|nil, endpoint, operation) -> operation id
      "stream_wait": { lua in
        let session = try sessions.get(lua.integer(at: 1))
        lua.push(
          session.wait(
            timeout: try lua.optNumber(2, "timeout"), endpoint: try lua.optString(3, "endpoint") ?? "",
            operation: try lua.optString(4, "operation") ?? ""))
        return 1
      },
      // (id): aborts the transfer and forgets the session
      "stream_close": { lua in
        sessions.remove(lua.integer(at: 1))?.close()
        return 0
      },
      // (id) -> {pauses, max_buffered}
      "stream_stats": { lua in
        let session = try sessions.get(lua.integer(at: 1))
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
