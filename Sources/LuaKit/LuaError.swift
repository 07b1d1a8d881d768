/// A Lua error as a message (with a traceback when it came through `Lua.call`).
public struct LuaError: Error, CustomStringConvertible, Sendable {
  /// The rendered error.
  public var message: String
  /// Makes an error from a message.
  public init(message: String) { self.message = message }
  /// The message.
  public var description: String { message }
}
