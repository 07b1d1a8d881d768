import Transport

extension FalClient {
  // Like `perform` but for `.stream` and `.statusStream`: events go to the handlers as they are
  // parsed, a non-2xx reply becomes a `FalError` with the server's `detail`, nothing is retried.
  /// Starts a server-sent-event call; the handlers run inside later loop turns.
  @discardableResult
  public func openStream(
    _ call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions,
    handlers: FalStream.Handlers
  ) -> FalStream {
    let context = FalOperation.Context(
      endpoint: endpoint.description, operation: call.name, key: config.key, policy: retryPolicy,
      random: random)
    let stream = FalStream(loop: loop, context: context, handlers: handlers)
    do {
      try options.validate()
      stream.start(request(for: call, endpoint: endpoint, body: body, options: options))
    } catch {
      var error = error
      error.endpoint = context.endpoint
      error.operation = context.operation
      stream.fail(error)
    }
    return stream
  }
}
