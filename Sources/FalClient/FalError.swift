/// A failed fal call, with the facts the platform gave about it (DESIGN.md §5, §9). Rendering is
/// the Lua side's (`stdlib/fal/errors.lua`): it decodes `body` and writes the one-line message.
public struct FalError: Error, Sendable {
  // A struct with static members rather than an enum (async-http-client's way), so a kind can be
  // added without breaking code that switches over the kinds.
  /// What went wrong, in the Lua API's terms.
  public struct Kind: Hashable, Sendable, CustomStringConvertible {
    /// The name the Lua API uses (`err.kind`).
    public let description: String
    private init(_ name: String) { description = name }

    /// A non-2xx reply not covered by another kind.
    public static let http = Kind("http")
    /// A client timeout, or a 504 for a `start_timeout` that expired.
    public static let timeout = Kind("timeout")
    /// No HTTP reply: connection, DNS, TLS or protocol failure.
    public static let network = Kind("network")
    /// The request was cancelled (499, `client_cancelled`).
    public static let cancelled = Kind("cancelled")
    /// 422: the input was refused.
    public static let validation = Kind("validation")
    /// A realtime session failed.
    public static let realtime = Kind("realtime")
    /// A limit of the client was exceeded (response size, nesting depth, event or message size).
    public static let limit = Kind("limit")
    /// Bad arguments, option values or missing credentials, found before any I/O.
    public static let usage = Kind("usage")
  }

  /// What went wrong.
  public var kind: Kind
  /// HTTP status, when there was a reply.
  public var status: Int?
  /// Why, in words (curl's text, the usage problem); nil for a reply, whose body says why.
  public var message: String?
  /// Header `X-Fal-Error-Type` (the body's `error_type` is read with the body, in Lua).
  public var errorType: String?
  /// Header `x-fal-request-id`.
  public var requestID: String?
  /// Header `X-Fal-Request-Timeout-Type` (`user` when `start_timeout` fired).
  public var timeoutType: String?
  /// The reply's raw body, the key scrubbed from it.
  public var body: [UInt8]?
  /// Whether the retry policy considers the failure transient.
  public var retryable: Bool
  /// The endpoint id the call was for.
  public var endpoint: String?
  /// The operation (`run`, `submit`, ... or the Lua function name).
  public var operation: String?
  /// Attempts made (1 plus the retries); nil when no request was sent.
  public var attempts: Int?
  /// Seconds from the start of the call to the error.
  public var elapsed: Double?

  /// Creates an error; only `kind` is required.
  public init(
    kind: Kind, message: String? = nil, status: Int? = nil, errorType: String? = nil, requestID: String? = nil,
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

  /// The error with `key` replaced by `<redacted>` in its message and body: a server may echo it.
  func redacting(_ key: String?) -> FalError {
    var error = self
    for secret in Self.secrets(of: key) {
      error.message = error.message?.replacing(secret, with: "<redacted>")
      if let body = error.body { error.body = Self.replacing(Array(secret.utf8), with: Array("<redacted>".utf8), in: body) }
    }
    return error
  }

  // A server may echo only the secret half of `id:secret`; the id alone is no secret, but is
  // scrubbed with the whole key first.
  /// What must never appear in output: the key and, for an `id:secret` key, the secret alone.
  public static func secrets(of key: String?) -> [String] {
    guard let key, !key.isEmpty else { return [] }
    var secrets = [key]
    if let colon = key.firstIndex(of: ":") {
      let secret = String(key[key.index(after: colon)...])
      if secret.count >= 8 { secrets.append(secret) }
    }
    return secrets
  }

  /// `text` with every secret of `key` replaced by `<redacted>`.
  public static func redact(_ text: String, key: String?) -> String {
    secrets(of: key).reduce(text) { $0.replacing($1, with: "<redacted>") }
  }

  private static func replacing(_ needle: [UInt8], with replacement: [UInt8], in bytes: [UInt8]) -> [UInt8] {
    guard bytes.count >= needle.count else { return bytes }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
      if i + needle.count <= bytes.count, bytes[i] == needle[0], bytes[i..<i + needle.count].elementsEqual(needle) {
        out += replacement
        i += needle.count
      } else {
        out.append(bytes[i])
        i += 1
      }
    }
    return out
  }
}
