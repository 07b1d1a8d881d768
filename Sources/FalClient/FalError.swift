/// A failed fal call, with everything the platform said about it (DESIGN.md §5, §9).
public struct FalError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, in the Lua API's terms.
  public enum Kind: String, Sendable {
    /// A non-2xx reply not covered by another kind.
    case http
    /// A client timeout, or a 504 for a `start_timeout` that expired.
    case timeout
    /// No HTTP reply: connection, DNS, TLS or protocol failure.
    case network
    /// The request was cancelled (499, `client_cancelled`).
    case cancelled
    /// 422: the input was refused.
    case validation
    /// A realtime session failed.
    case realtime
    /// Bad arguments or option values, found before any I/O.
    case usage
  }

  /// What went wrong.
  public var kind: Kind
  /// HTTP status, when there was a reply.
  public var status: Int?
  /// Human-readable cause (the reply's `detail`, curl's text, or the usage problem).
  public var message: String
  /// Body `error_type` or header `X-Fal-Error-Type`.
  public var errorType: String?
  /// Header `x-fal-request-id`.
  public var requestID: String?
  /// Header `X-Fal-Request-Timeout-Type` (`user` when `start_timeout` fired).
  public var timeoutType: String?
  /// The reply's raw body.
  public var body: [UInt8]?
  /// Whether the retry policy considers the failure transient.
  public var retryable: Bool
  /// The endpoint id the call was for.
  public var endpoint: String?
  /// The operation (`run`, `submit`, ... or the Lua function name).
  public var operation: String?

  /// Creates an error; only `kind` and `message` are required.
  public init(
    kind: Kind, message: String, status: Int? = nil, errorType: String? = nil, requestID: String? = nil,
    timeoutType: String? = nil, body: [UInt8]? = nil, retryable: Bool = false, endpoint: String? = nil,
    operation: String? = nil
  ) {
    self.kind = kind
    self.message = message
    self.status = status
    self.errorType = errorType
    self.requestID = requestID
    self.timeoutType = timeoutType
    self.body = body
    self.retryable = retryable
    self.endpoint = endpoint
    self.operation = operation
  }

  /// A misuse found before any I/O (bad argument, option value or endpoint id).
  public static func usage(_ message: String) -> FalError {
    FalError(kind: .usage, message: message)
  }

  /// "HTTP 422 from fal-ai/flux/schnell: prompt: field required (request abc-123)".
  public var description: String {
    guard kind != .usage else { return message }
    var text = status.map { "HTTP \($0)" } ?? label
    if let endpoint { text += " from \(endpoint)" }
    text += ": \(message)"
    if let requestID { text += " (request \(requestID))" }
    return text
  }

  private var label: String {
    switch kind {
    case .http: return "HTTP error"
    case .timeout: return "timeout"
    case .network: return "network error"
    case .cancelled: return "cancelled"
    case .validation: return "validation error"
    case .realtime: return "realtime error"
    case .usage: return "usage error"
    }
  }
}
