import Transport

extension FalClient {
  // Storage calls are not endpoint calls: their URLs come from the REST/CDN hosts or from earlier
  // replies, so the caller builds the request and this adds only identity and the retry policy.
  /// Sends a storage request (`Authorization: Key …` when `falAuth` and the request has none), retrying
  /// transient failures with the Python policy unless `retries` is false.
  @discardableResult
  public func sendStorage(
    _ request: HTTPRequest, operation: String, falAuth: Bool, retries: Bool = true,
    completion: @escaping (Result<HTTPResponse, FalError>) -> Void
  ) -> FalOperation {
    var request = request
    if falAuth, let key = config.key, !request.headers.contains(name: "Authorization") {
      request.headers.add(name: "Authorization", value: "Key \(key)")
    }
    if !request.headers.contains(name: "User-Agent") {
      request.headers.add(name: "User-Agent", value: config.userAgent)
    }
    var policy = retryPolicy
    if !retries { policy.maxAttempts = 1 }
    let context = FalOperation.Context(
      endpoint: "storage", operation: operation, key: config.key, policy: policy, random: random)
    let operation = FalOperation(loop: loop, context: context, completion: completion)
    operation.start(request)
    return operation
  }
}

extension FalError {
  /// The error of a failed storage transfer made outside `sendStorage` (a streamed download).
  public static func storage(
    _ outcome: Result<HTTPResponse, TransportError>, endpoint: String, operation: String
  ) -> FalError {
    switch outcome {
    case .success(let reply): return FalError(reply: reply, retryable: false, endpoint: endpoint, operation: operation)
    case .failure(let error):
      return FalError(transport: error, retryable: false, endpoint: endpoint, operation: operation)
    }
  }
}
