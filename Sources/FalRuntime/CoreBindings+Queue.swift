import FalClient
import LuaKit

// The fal HTTP calls of stdlib/fal/queue.lua and http.lua: run, submit and the queue follow-ups.
extension CoreBindings {
  /// `request`.
  static func registerQueue(_ core: Core, _ lua: Lua) {
    lua.register([
      // (kind, endpoint, request_id|nil, body|nil, {path, headers, start_timeout, hint, priority,
      // timeout, webhook_url, logs}) -> operation id
      "request": { lua in
        let call = try CallArguments(lua, "fal.core.request") { kind, requestID, path, logs in
          switch kind {
          case "run": return .run(path: path)
          case "submit": return .submit(path: path)
          case "status": return .status(requestID: try requestID(), logs: logs)
          case "result": return .result(requestID: try requestID())
          case "cancel": return .cancel(requestID: try requestID())
          default: return nil
          }
        }
        lua.push(core.request(call.call, endpoint: call.endpoint, body: call.body, options: call.options))
        return 1
      },
    ])
  }
}
