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
        let kind = try lua.checkString(1, "kind")
        let endpoint = try EndpointID(parsing: try lua.checkString(2, "endpoint"))
        let requestID = try lua.optString(3, "request_id")
        let body = try lua.optBytes(4, "body")
        let (options, path, logs) = try OptionReader(lua, 5, "options").request()
        func need() throws -> String {
          guard let requestID else { throw LuaError(message: "fal.core.request: request_id required for \(kind)") }
          return requestID
        }
        let call: FalCall
        switch kind {
        case "run": call = .run(path: path)
        case "submit": call = .submit(path: path)
        case "status": call = .status(requestID: try need(), logs: logs)
        case "result": call = .result(requestID: try need())
        case "cancel": call = .cancel(requestID: try need())
        default: throw LuaError(message: "fal.core.request: unknown kind \(kind)")
        }
        lua.push(core.request(call, endpoint: endpoint, body: body, options: options))
        return 1
      },
    ])
  }
}
