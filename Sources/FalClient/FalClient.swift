import Transport

// Builds URLs and headers, retries transient failures with backoff on loop timers (never
// blocking), and maps failures to `FalError`.
/// Speaks the fal HTTP protocol on an event loop.
public final class FalClient {
  /// Hosts, key and user agent; changes apply to calls started afterwards.
  public var config: FalConfig
  /// When to retry and how long to wait.
  public var retryPolicy = RetryPolicy()
  /// Jitter source, uniform in [0, 1); injectable so tests can pin delays.
  public var random: () -> Double = { Double.random(in: 0..<1) }
  /// The loop every transfer and retry timer runs on.
  public let loop: EventLoop

  /// Timeouts of the queue's follow-up calls and of submit (the Python client's values).
  static let queueTimeout = 120.0, queueConnectTimeout = 30.0

  /// A client using `config` on `loop`.
  public init(config: FalConfig, loop: EventLoop) {
    self.config = config
    self.loop = loop
  }

  /// The request `perform` would send (first attempt and every retry are identical).
  public func request(for call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions)
    -> HTTPRequest
  {
    var request = HTTPRequest(
      method: call.method, url: url(for: call, endpoint: endpoint, options: options),
      headers: headers(for: call, hasBody: body != nil, options: options), body: body)
    switch call {
    case .run:
      request.timeout = options.timeout
    case .stream, .statusStream:
      // A stream lasts as long as the app emits; the gap between events is the caller's limit.
      request.connectTimeout = Self.queueConnectTimeout
    case .submit:
      request.timeout = Self.queueTimeout
    case .status, .result, .cancel, .realtimeToken:
      // A caller's bound wins (the Ctrl-C cancel waits at most 5 s per attempt).
      request.timeout = options.timeout ?? Self.queueTimeout
      request.connectTimeout = Self.queueConnectTimeout
    }
    return request
  }

  // `completion` runs inside a later `runOnce`, never inside `perform`, and never after the
  // returned operation was cancelled.
  /// Starts `call`; `completion` gets a 2xx reply or a `FalError` once retries are exhausted.
  @discardableResult
  public func perform(
    _ call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions,
    completion: @escaping (Result<HTTPResponse, FalError>) -> Void
  ) -> FalOperation {
    let operation = FalOperation(loop: loop, context: context(for: call, endpoint: endpoint), completion: completion)
    start(call, endpoint: endpoint, body: body, options: options, on: operation)
    return operation
  }

  /// What every attempt of `call` shares.
  func context(for call: FalCall, endpoint: EndpointID) -> FalOperation.Context {
    FalOperation.Context(
      endpoint: endpoint.description, operation: call.name, key: config.key, policy: retryPolicy, random: random,
      backupHosts: config.backupHosts)
  }

  /// Builds the request and hands it to `runner`, or the credentials problem to its `fail`.
  func start(
    _ call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions, on runner: RequestRunner
  ) {
    let request = request(for: call, endpoint: endpoint, body: body, options: options)
    do {
      try config.checkCredentials(for: request.url)
    } catch {
      var error = error
      error.endpoint = runner.context.endpoint
      error.operation = runner.context.operation
      return runner.fail(error)
    }
    runner.start(request)
  }
}

/// What sends a built fal request: a `FalOperation` (with retries) or a `FalStream`.
protocol RequestRunner: AnyObject {
  var context: FalOperation.Context { get }
  /// Sends the request.
  func start(_ request: HTTPRequest)
  /// Reports an error found before any I/O, from the next loop turn.
  func fail(_ error: FalError)
}

extension FalOperation: RequestRunner {}
extension FalStream: RequestRunner {}
