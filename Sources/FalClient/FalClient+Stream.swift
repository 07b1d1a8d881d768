import Transport

extension FalClient {
  // Like `perform` but for `.stream` and `.statusStream`: events go to the handlers as they are
  // parsed, a non-2xx reply becomes a `FalError`, nothing is retried.
  /// Starts a server-sent-event call; the handlers run inside later loop turns.
  @discardableResult
  public func openStream(
    _ call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions,
    handlers: FalStream.Handlers
  ) -> FalStream {
    let stream = FalStream(loop: loop, context: context(for: call, endpoint: endpoint), handlers: handlers)
    start(call, endpoint: endpoint, body: body, options: options, on: stream)
    return stream
  }
}
