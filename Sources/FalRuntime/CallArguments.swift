import FalClient
import LuaKit

/// The arguments `request` and `stream_open` share: (kind, endpoint, request_id|nil, body|nil,
/// options), the kind turned into a call.
struct CallArguments {
  let call: FalCall
  let endpoint: EndpointID
  let body: [UInt8]?
  let options: RequestOptions

  /// Reads them for `function`; `make` builds the call of a kind (nil: unknown kind) and may ask
  /// for the request id, which is then required.
  init(
    _ lua: Lua, _ function: String,
    make: (_ kind: String, _ requestID: () throws -> String, _ path: String?, _ logs: Bool) throws -> FalCall?
  ) throws {
    let kind = try lua.checkString(1, "kind")
    endpoint = try EndpointID(parsing: try lua.checkString(2, "endpoint"))
    let requestID = try lua.optString(3, "request_id")
    body = try lua.optBytes(4, "body")
    let (options, path, logs) = try OptionReader(lua, 5, "options").request()
    self.options = options
    let required = {
      guard let requestID else { throw LuaError(message: "\(function): request_id required for \(kind)") }
      return requestID
    }
    guard let call = try make(kind, required, path, logs) else {
      throw LuaError(message: "\(function): unknown kind \(kind)")
    }
    self.call = call
  }
}
