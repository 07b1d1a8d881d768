/// A transfer that produced no HTTP response: curl's code, its kind, and curl's own explanation.
public struct TransportError: Error, Sendable, CustomStringConvertible {
  // A struct with static members rather than an enum (async-http-client's way), so a kind can be
  // added without breaking code that switches over the kinds.
  /// Broad cause, enough to decide about retries.
  public struct Kind: Hashable, Sendable, CustomStringConvertible {
    /// The kind's name, as in `description` of the error.
    public let description: String
    private init(_ name: String) { description = name }

    /// The request's timeout (or connect timeout) expired.
    public static let timeout = Kind("timeout")
    /// TCP connection refused or unreachable.
    public static let connect = Kind("connect")
    /// The host name did not resolve.
    public static let resolve = Kind("resolve")
    /// Writing the request failed.
    public static let send = Kind("send")
    /// Reading the response failed or it was malformed or cut short.
    public static let receive = Kind("receive")
    /// TLS handshake or certificate verification failed.
    public static let tls = Kind("tls")
    /// A limit of the client was exceeded (response body size).
    public static let limit = Kind("limit")
    /// Anything else (bad URL, unsupported protocol, out of memory...).
    public static let other = Kind("other")
  }

  /// Broad cause.
  public var kind: Kind
  /// curl's error buffer text, or its generic text for the code.
  public var message: String
  /// The CURLcode value.
  public var curlCode: Int

  /// Creates an error (the loop builds these; public for tests and fakes).
  public init(kind: Kind, message: String, curlCode: Int) {
    self.kind = kind
    self.message = message
    self.curlCode = curlCode
  }

  /// "timeout: Operation timed out after 200 milliseconds with 0 bytes received".
  public var description: String { "\(kind): \(message)" }
}
