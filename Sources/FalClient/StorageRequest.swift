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
    // Replies are kept in memory (upload sessions, webhook keys): capped as every other reply.
    if request.maxBodyBytes == nil { request.maxBodyBytes = limits.maxResponseBytes }
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
    let pending = FalOperation(loop: loop, context: context, completion: completion)
    do {
      if falAuth { try config.checkCredentials(for: request.url) }
      pending.start(request)
    } catch {
      pending.fail(error)
    }
    return pending
  }
}
