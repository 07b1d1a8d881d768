import Transport

// Values are taken as given: the Lua side (stdlib/fal/queue.lua), where the user's option names
// live, validates them once.
/// Per-call options with the Python client's meaning (`start_timeout`, `hint`, `priority`, ...).
public struct RequestOptions: Sendable {
  /// Extra headers; the options below overwrite ones of the same name.
  public var headers: HTTPHeaders
  /// Server-side deadline to start processing, sent as `X-Fal-Request-Timeout` (the platform wants > 1 s).
  public var startTimeout: Double?
  /// Runner affinity hint, sent as `X-Fal-Runner-Hint` (run and submit).
  public var hint: String?
  /// Queue priority, sent as `X-Fal-Queue-Priority` (submit).
  public var priority: Priority?
  /// Client-side limit per attempt of a run or a queue follow-up (status, result, cancel), in
  /// seconds; nil: a run waits as long as it takes, a follow-up gives up after 120 s.
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
}
