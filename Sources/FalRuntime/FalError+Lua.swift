import FalClient
import LuaKit

// Errors cross into Lua as plain field tables; `fal.errors.from_core` (stdlib/fal/errors.lua)
// decodes the body, derives the message when Swift has none, and sets the metatable whose
// `__tostring` is the one renderer. A FalError thrown by a binding is raised as this table.
extension FalError: LuaRaisable {
  /// Pushes the error's fields: kind, message, status, error_type, request_id, timeout_type, body,
  /// retryable, endpoint, attempts, elapsed.
  public func push(onto lua: Lua) {
    lua.newTable(record: 11)
    lua.push(kind.description)
    lua.rawSet(field: "kind", in: -2)
    lua.push(message)
    lua.rawSet(field: "message", in: -2)
    lua.push(status)
    lua.rawSet(field: "status", in: -2)
    lua.push(errorType)
    lua.rawSet(field: "error_type", in: -2)
    lua.push(requestID)
    lua.rawSet(field: "request_id", in: -2)
    lua.push(timeoutType)
    lua.rawSet(field: "timeout_type", in: -2)
    if let body {
      lua.push(bytes: body)
      lua.rawSet(field: "body", in: -2)
    }
    lua.push(retryable)
    lua.rawSet(field: "retryable", in: -2)
    lua.push(endpoint)
    lua.rawSet(field: "endpoint", in: -2)
    lua.push(attempts)
    lua.rawSet(field: "attempts", in: -2)
    lua.push(elapsed)
    lua.rawSet(field: "elapsed", in: -2)
  }
}
