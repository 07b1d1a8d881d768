import Transport

// One value carried from `FalClient.perform` through every attempt and backoff of a call, so the
// user's `timeout` bounds the whole call rather than each attempt (a retried run bills again).
/// The moment a call must have ended by, and whether the user chose it.
public struct Deadline: Sendable {
  /// When the call started, in `EventLoop.now()` seconds.
  public let start: Double
  /// The length of the call's budget, in seconds.
  public let seconds: Double
  /// True when the user gave it (`timeout`): it is never retried past, and expiry says so.
  public let isUser: Bool

  /// A deadline `seconds` from `start`.
  public init(seconds: Double, isUser: Bool, start: Double = EventLoop.now()) {
    self.start = start
    self.seconds = seconds
    self.isUser = isUser
  }

  /// Seconds left, never negative.
  public func remaining(now: Double = EventLoop.now()) -> Double { max(0, start + seconds - now) }

  /// Seconds since the call started.
  public func elapsed(now: Double = EventLoop.now()) -> Double { max(0, now - start) }

  /// Whether the budget is spent (within a millisecond: curl rounds its timeouts to them).
  public var isExpired: Bool { remaining() <= 0.001 }
}

/// The deadlines calls get when the user gives none (docs/errors.md "Defaults"): nothing waits forever.
public enum DefaultTimeouts {
  /// A direct run (the Python client's `default_timeout`).
  public static let run = 120.0
  /// Each queue call: submit, status, result, cancel, token (the Python client's 120 s).
  public static let queue = 120.0
  /// Connecting (DNS, TCP, TLS) for every call; the Python client waits 30 s, but a host that does
  /// not answer a SYN in 10 s is not going to.
  public static let connect = 10.0
  /// A download, whole (files can be large: generous, but finite).
  public static let download = 600.0
}
