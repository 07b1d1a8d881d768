import Transport

/// Per-call options with the Python client's meaning (`start_timeout`, `hint`, `priority`, ...).
public struct RequestOptions: Sendable {
  /// Extra headers; the options below overwrite ones of the same name.
  public var headers: HTTPHeaders
  /// Server-side deadline to start processing, sent as `X-Fal-Request-Timeout`; must be > 1 s.
  public var startTimeout: Double?
  /// Runner affinity hint, sent as `X-Fal-Runner-Hint` (run and submit).
  public var hint: String?
  /// Queue priority, sent as `X-Fal-Queue-Priority` (submit).
  public var priority: Priority?
  /// Client-side limit for a direct run, in seconds; nil waits as long as the run takes.
  public var timeout: Double?
  /// Webhook for a submit, sent as the `fal_webhook` query parameter.
  public var webhookURL: String?

  /// Creates options; every field is optional.
  public init(
    headers: HTTPHeaders = [:], startTimeout: Double? = nil, hint: String? = nil, priority: Priority? = nil,
    timeout: Double? = nil, webhookURL: String? = nil
  ) {
    self.headers = headers
    self.startTimeout = startTimeout
    self.hint = hint
    self.priority = priority
    self.timeout = timeout
    self.webhookURL = webhookURL
  }

  /// Throws a usage error for values the platform would refuse, before any I/O.
  public func validate() throws(FalError) {
    if let startTimeout, !(startTimeout > 1 && startTimeout.isFinite) {
      throw FalError.usage("start_timeout must be greater than 1 second")
    }
  }
}
