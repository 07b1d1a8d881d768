/// A finished response; for streamed requests `body` is empty (the chunks went to `onChunk`).
public struct HTTPResponse: Sendable {
  /// Status code of the final response (after 1xx and followed redirects).
  public var status: Int
  /// Header fields of the final response only.
  public var headers: HTTPHeaders
  /// The whole body, as received (no content decoding is requested).
  public var body: [UInt8]
  /// Version the response came over.
  public var httpVersion: HTTPVersion
  /// URL of the final response (differs from the request's after a followed redirect).
  public var effectiveURL: String
  /// Connections curl opened for this transfer: 0 when it reused a pooled one.
  public var newConnections: Int

  /// Creates a response (the loop builds these; public for tests and fakes).
  public init(
    status: Int, headers: HTTPHeaders = [:], body: [UInt8] = [], httpVersion: HTTPVersion = .http1_1,
    effectiveURL: String = "", newConnections: Int = 0
  ) {
    self.status = status
    self.headers = headers
    self.body = body
    self.httpVersion = httpVersion
    self.effectiveURL = effectiveURL
    self.newConnections = newConnections
  }
}
