import Transport

extension FalClient {
  /// `{realtime_url}/{full id}{path}`, without a query (PROTOCOL.md §10: the path is always
  /// appended, `/realtime` when nil).
  public func realtimeURL(for endpoint: EndpointID, path: String?) -> String {
    var base = Substring(config.realtimeURL)
    while base.hasSuffix("/") { base.removeLast() }
    var path = path ?? "/realtime"
    if !path.hasPrefix("/") { path = "/" + path }
    return "\(base)/\(endpoint.fullPath)\(path)"
  }

  // The JWT (a `.realtimeToken` call) is the caller's, in the URL's query; `withKey` is the
  // `use_jwt = false` path, and the key goes only into the handshake's headers.
  /// Opens a realtime WebSocket to `url` (`headers` over the client's own); `completion` runs in
  /// a later loop turn with the open socket or the error, named for `endpoint`.
  public func connectRealtime(
    url: String, endpoint: String, headers extra: HTTPHeaders, withKey: Bool, timeout: Double,
    completion: @escaping (Result<WebSocket, FalError>) -> Void
  ) {
    var headers: HTTPHeaders = ["User-Agent": config.userAgent]
    if withKey {
      do {
        try config.checkCredentials(for: url)
      } catch {
        var error = error
        error.endpoint = endpoint
        _ = loop.schedule(after: 0) { completion(.failure(error)) }
        return
      }
      if let key = config.key { headers.add(name: "Authorization", value: "Key \(key)") }
    }
    for (name, value) in extra { headers.replaceOrAdd(name: name, value: value) }
    WebSocket.connect(
      loop: loop, url: url, headers: headers, timeout: timeout, maxMessageBytes: limits.maxMessageBytes
    ) { [key = config.key] result in
      completion(result.mapError { Self.connectError($0, endpoint: endpoint).redacting(key) })
    }
  }

  // The messages are the ones users have always seen for a refused or failed connection.
  private static func connectError(_ error: WebSocketConnectError, endpoint: String) -> FalError {
    switch error {
    case .rejected(let status, let headers, let body):
      var error = FalError(
        reply: HTTPResponse(status: status, headers: headers, body: body), retryable: false, endpoint: endpoint,
        operation: nil)
      error.message = "realtime connection refused"
      return error
    case .transport(let transport):
      var error = FalError(transport: transport, retryable: false, endpoint: endpoint, operation: nil)
      error.message = transport.description
      return error
    case .handshake(let message):
      return FalError(kind: .realtime, message: message, endpoint: endpoint)
    }
  }
}
