import Transport

/// The backup-host failover of `fal_client` 1.0.3 (`BackupDomainTransport`, PROTOCOL.md §1).
enum BackupHost {
  /// The connect timeout of a request to a host that has a backup.
  static let connectTimeout = 5.0

  /// `request` sent to its host's backup, or nil when its host has none.
  static func request(for request: HTTPRequest, hosts: [String: String]) -> HTTPRequest? {
    guard !hosts.isEmpty, let scheme = request.url.firstRange(of: "://") else { return nil }
    let rest = request.url[scheme.upperBound...]
    let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
    guard let backup = hosts[String(rest[..<end]).lowercased()] else { return nil }
    var copy = request
    copy.url = String(request.url[..<scheme.upperBound]) + backup + rest[end...]
    return copy
  }

  /// A failure to establish the connection (the request was never sent), so replaying it is safe.
  static func isConnectFailure(_ error: TransportError) -> Bool { RetryPolicy.isConnectPhase(error) }
}
