import Transport

/// The backup-host failover of `fal_client` 1.0.3 (`BackupDomainTransport`, PROTOCOL.md §1).
enum BackupHost {
  /// The connect timeout of a request to a host that has a backup.
  static let connectTimeout = 5.0

  // Over the URL's bytes (URLPolicy.authorityRange), as curl reads it; every run and queue call asks.
  /// `request` sent to its host's backup, or nil when its host has none.
  static func request(for request: HTTPRequest, hosts: [String: String]) -> HTTPRequest? {
    guard !hosts.isEmpty, let authority = URLPolicy.authorityRange(of: request.url) else { return nil }
    let utf8 = request.url.utf8
    guard let backup = hosts[String(decoding: utf8[authority], as: UTF8.self).lowercased()] else { return nil }
    var copy = request
    copy.url = String(decoding: utf8[..<authority.lowerBound], as: UTF8.self) + backup
      + String(decoding: utf8[authority.upperBound...], as: UTF8.self)
    return copy
  }

  /// A failure to establish the connection (the request was never sent), so replaying it is safe.
  static func isConnectFailure(_ error: TransportError) -> Bool { RetryPolicy.isConnectPhase(error) }
}
