import Transport

/// The backup-host failover of `fal_client` 1.0.3 (`BackupDomainTransport`, PROTOCOL.md §1).
enum BackupHost {
  /// The connect timeout of a request to a host that has a backup.
  static let connectTimeout = 5.0

  // Over the URL's bytes, as its delimiters are ASCII: every run and queue call asks (issue 10).
  /// `request` sent to its host's backup, or nil when its host has none.
  static func request(for request: HTTPRequest, hosts: [String: String]) -> HTTPRequest? {
    guard !hosts.isEmpty else { return nil }
    var url = request.url
    return url.withUTF8 { bytes in
      guard let start = authorityStart(of: bytes) else { return nil }
      let end =
        bytes[start...].firstIndex {
          $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#")
        }
        ?? bytes.endIndex
      func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
      }
      guard let backup = hosts[text(start..<end).lowercased()] else { return nil }
      var copy = request
      copy.url = text(0..<start) + backup + text(end..<bytes.count)
      return copy
    }
  }

  /// Where the authority starts: just past the first `://`.
  private static func authorityStart(of url: UnsafeBufferPointer<UInt8>) -> Int? {
    guard url.count >= 3 else { return nil }
    for index in 0...(url.count - 3)
    where url[index] == UInt8(ascii: ":") && url[index + 1] == UInt8(ascii: "/")
      && url[index + 2] == UInt8(ascii: "/")
    {
      return index + 3
    }
    return nil
  }

  /// A failure to establish the connection (the request was never sent), so replaying it is safe.
  static func isConnectFailure(_ error: TransportError) -> Bool { RetryPolicy.isConnectPhase(error) }
}
