/// A request as a value: what to send and how long to wait for it.
public struct HTTPRequest: Sendable {
  /// Method token, sent as given ("GET", "POST", "PUT", ...).
  public var method: String
  /// Absolute URL.
  public var url: String
  /// Fields sent in order; they override curl's defaults of the same name (Accept, User-Agent).
  public var headers: HTTPHeaders
  /// Bytes sent from memory; nil sends none (POST/PUT/PATCH then send `Content-Length: 0`).
  public var body: [UInt8]?
  /// A file region sent as the body instead of `body`, read while sending.
  public var bodyFile: HTTPBodyFile?
  /// Limit for the whole transfer in seconds; nil waits forever.
  public var timeout: Double?
  /// Limit for connecting (DNS, TCP, TLS) in seconds; nil keeps curl's default.
  public var connectTimeout: Double?
  /// The largest body kept in memory, in bytes; a longer one fails with kind `.limit`. nil: no
  /// limit (streamed bodies are the consumer's to bound).
  public var maxBodyBytes: Int?
  /// libcurl's receive buffer in bytes (at least 1024); nil keeps curl's 16 KiB. Each transfer in
  /// flight holds one, so small replies held open by the thousand want a small one.
  public var receiveBufferSize: Int?
  /// Protocol version to negotiate.
  public var httpVersion: HTTPVersion
  /// Follows up to 10 redirects when true; curl drops a custom Authorization header on a host change.
  public var followRedirects: Bool

  /// Creates a request; `httpVersion` starts as `.automatic` and redirects are not followed.
  public init(
    method: String = "GET", url: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil,
    timeout: Double? = nil, connectTimeout: Double? = nil
  ) {
    self.method = method
    self.url = url
    self.headers = headers
    self.body = body
    self.timeout = timeout
    self.connectTimeout = connectTimeout
    self.httpVersion = .automatic
    self.followRedirects = false
  }
}
