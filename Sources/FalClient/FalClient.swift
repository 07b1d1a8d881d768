import Transport

// Builds URLs and headers, retries transient failures with backoff on loop timers (never
// blocking), and maps failures to `FalError`.
/// Speaks the fal HTTP protocol on an event loop.
public final class FalClient {
  /// Hosts, key and user agent; changes apply to calls started afterwards.
  public var config: FalConfig
  /// Caps on reply, event and message sizes.
  public var limits = Limits()
  /// When to retry and how long to wait.
  public var retryPolicy = RetryPolicy()
  /// Jitter source, uniform in [0, 1); injectable so tests can pin delays.
  public var random: () -> Double = { Double.random(in: 0..<1) }
  /// Told about each retry (one line on stderr by default when it is a terminal or `FALUA_DEBUG`
  /// is set; `falua -v` turns it on); nil keeps retries silent.
  public var onRetry: ((RetryNotice) -> Void)? = RetryNotice.reportsByDefault ? RetryNotice.writeToStandardError : nil
  /// The loop every transfer and retry timer runs on.
  public let loop: EventLoop

  /// The receive buffer of calls whose replies are small control messages.
  static let controlReplyBufferSize = 2048

  /// Timeouts of the queue's follow-up calls and of submit (the Python client's values).
  static let queueTimeout = DefaultTimeouts.queue, queueConnectTimeout = DefaultTimeouts.connect

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
    request.maxBodyBytes = limits.maxResponseBytes
    switch call {
    case .run:
      request.timeout = options.timeout ?? DefaultTimeouts.run
      request.connectTimeout = DefaultTimeouts.connect
    case .stream, .statusStream:
      // A stream lasts as long as the app emits; the gap between events is the caller's limit.
      request.connectTimeout = DefaultTimeouts.connect
    case .submit:
      request.timeout = options.timeout ?? Self.queueTimeout
      request.connectTimeout = Self.queueConnectTimeout
    case .status, .result, .cancel, .realtimeToken:
      // A caller's bound wins (the Ctrl-C cancel waits at most 5 s per attempt).
      request.timeout = options.timeout ?? Self.queueTimeout
      request.connectTimeout = Self.queueConnectTimeout
    }
    switch call {
    case .submit, .status, .statusStream, .cancel, .realtimeToken:
      // Replies of a few hundred bytes, and a status stream stays open for the whole wait: with
      // curl's 16 KiB buffer, 1000 concurrent subscribes held 3 MiB more (docs/design.md §14).
      request.receiveBufferSize = Self.controlReplyBufferSize
    case .run, .stream, .result:
      break  // outputs, possibly megabytes
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
    var context = context(for: call, endpoint: endpoint)
    context.deadline = Self.deadline(for: call, options: options)
    let operation = FalOperation(loop: loop, context: context, completion: completion)
    start(call, endpoint: endpoint, body: body, options: options, on: operation)
    return operation
  }

  /// The whole call's deadline: the user's `timeout`, else the default of its kind; none for streams
  /// (their limit is the gap between events).
  static func deadline(for call: FalCall, options: RequestOptions) -> Deadline? {
    switch call {
    case .stream, .statusStream: return nil
    case .run: return Deadline(seconds: options.timeout ?? DefaultTimeouts.run, isUser: options.timeout != nil)
    case .submit, .status, .result, .cancel, .realtimeToken:
      return Deadline(seconds: options.timeout ?? DefaultTimeouts.queue, isUser: options.timeout != nil)
    }
  }

  /// What every attempt of `call` shares.
  func context(for call: FalCall, endpoint: EndpointID) -> FalOperation.Context {
    FalOperation.Context(
      endpoint: endpoint.description, operation: call.name, key: config.key, policy: retryPolicy, random: random,
      backupHosts: config.backupHosts, onRetry: onRetry, limits: limits)
  }

  /// Builds the request and hands it to `runner`, or the credentials problem to its `fail`.
  func start(
    _ call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions, on runner: RequestRunner
  ) {
    let request = request(for: call, endpoint: endpoint, body: body, options: options)
    do {
      try Self.check(call, url: request.url, options: options, config: config)
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

extension FalClient {
  /// The URL rules of issue 8, before any I/O: http(s) hosts, no `.`/`..` in a `path`, a webhook
  /// that is an absolute http(s) URL.
  static func check(_ call: FalCall, url: String, options: RequestOptions, config: FalConfig) throws(FalError) {
    let base: (String, String)
    switch call {
    case .run, .stream: base = ("run_url", config.runURL)
    case .realtimeToken: base = ("rest_url", config.restURL)
    default: base = ("queue_url", config.queueURL)
    }
    try URLPolicy.check(base.1, what: "fal.config " + base.0)
    switch call {
    case .run(let path?), .submit(let path?), .stream(let path?): try URLPolicy.checkPath(path)
    default: break
    }
    if case .submit = call, let webhook = options.webhookURL { try URLPolicy.check(webhook, what: "webhook_url") }
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
