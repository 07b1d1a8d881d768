/// A transfer that produced no HTTP response: curl's code, its kind, and curl's own explanation.
public struct TransportError: Error, Sendable, CustomStringConvertible {
  /// Broad cause, enough to decide about retries.
  public enum Kind: String, Sendable {
    /// The request's timeout (or connect timeout) expired.
    case timeout
    /// TCP connection refused or unreachable.
    case connect
    /// The host name did not resolve.
    case resolve
    /// Writing the request failed.
    case send
    /// Reading the response failed or it was malformed or cut short.
    case receive
    /// TLS handshake or certificate verification failed.
    case tls
    /// Anything else (bad URL, unsupported protocol, out of memory...).
    case other
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
  public var description: String { "\(kind.rawValue): \(message)" }
}
