import CTransport

/// Readiness of a watched file descriptor.
public struct WatchEvents: OptionSet, Sendable {
  public let rawValue: Int16

  /// Creates a set from curl_waitfd bits.
  public init(rawValue: Int16) { self.rawValue = rawValue }

  /// Data (or end of file) can be read.
  public static let readable = WatchEvents(rawValue: Int16(CURL_WAIT_POLLIN))
  /// Data can be written without blocking.
  public static let writable = WatchEvents(rawValue: Int16(CURL_WAIT_POLLOUT))
}
