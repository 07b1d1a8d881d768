// A hostile or broken server must not be able to make the client allocate without bound: every
// size that comes from the network is capped, each with a default and a `fal.config` option. The
// nesting limit belongs to the codec (`falua_set_max_depth`), which the runtime configures.
/// The caps on what a server can make the client hold (docs/errors.md "Limits").
public struct Limits: Sendable {
  /// The largest reply body kept in memory (run results, queue replies, error bodies, downloads
  /// without a file), in bytes.
  public var maxResponseBytes = 256 << 20
  /// The largest server-sent event (its data lines together), in bytes.
  public var maxEventBytes = 16 << 20
  /// The largest WebSocket message, in bytes.
  public var maxMessageBytes = 64 << 20

  /// The defaults.
  public init() {}

  /// The message of a `limit` error: what was too large, the limit, and the option that raises it.
  public static func exceeded(_ what: String, limit: Int, option: String) -> String {
    "\(what) larger than the limit of \(limit) bytes (fal.config limits.\(option))"
  }
}
