import Transport

extension FalClient {
  // PROTOCOL.md §3: the client's defaults, then the user's `options.headers` over them, then the
  // explicit options over both.
  /// The headers `call` is sent with.
  public func headers(for call: FalCall, hasBody: Bool, options: RequestOptions) -> HTTPHeaders {
    var headers = HTTPHeaders()
    headers.reserveCapacity(4 + options.headers.count)
    if let key = config.key { headers.add(name: "Authorization", value: "Key \(key)") }
    headers.add(name: "User-Agent", value: config.userAgent)
    headers.add(name: "Accept", value: "application/json")
    if hasBody { headers.add(name: "Content-Type", value: "application/json") }
    for (name, value) in options.headers { headers.replaceOrAdd(name: name, value: value) }
    // The explicit options apply where the Python client sends them: run and submit only.
    switch call {
    case .run, .submit, .stream:
      if let startTimeout = options.startTimeout {
        headers.replaceOrAdd(name: "X-Fal-Request-Timeout", value: PythonFloat.string(startTimeout))
      }
      if let hint = options.hint { headers.replaceOrAdd(name: "X-Fal-Runner-Hint", value: hint) }
    case .status, .result, .cancel, .statusStream, .realtimeToken:
      break
    }
    switch call {
    case .stream, .statusStream:
      headers.replaceOrAdd(name: "Accept", value: "text/event-stream")
      headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
    case .run, .submit, .status, .result, .cancel, .realtimeToken:
      break
    }
    if case .submit = call, let priority = options.priority {
      headers.replaceOrAdd(name: "X-Fal-Queue-Priority", value: priority.rawValue)
    }
    return headers
  }
}
