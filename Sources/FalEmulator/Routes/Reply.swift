import Foundation
import HTTPTypes
import Hummingbird

/// A reply that ends request handling early (bad header, unknown request...).
struct ReplyError: Error {
  var response: Response
}

/// Builders for the emulator's HTTP responses. Every fal-originated reply carries
/// `x-fal-request-id`; only injected ingress faults do not.
enum Reply {
  static let requestIDHeader = HTTPField.Name("x-fal-request-id")!
  static let errorTypeHeader = HTTPField.Name("X-Fal-Error-Type")!
  static let timeoutTypeHeader = HTTPField.Name("X-Fal-Request-Timeout-Type")!

  /// Raw bytes with a content type.
  static func bytes(
    _ status: Int, _ body: Data, contentType: String, requestID: String?, headers extra: HTTPFields = [:]
  ) -> Response {
    var headers = extra
    headers[.contentType] = contentType
    if let requestID { headers[requestIDHeader] = requestID }
    return Response(
      status: HTTPResponse.Status(code: status, reasonPhrase: reasonPhrase(status)), headers: headers,
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
  }

  /// A JSON body built from JSON-ready values.
  static func json(_ status: Int, _ object: Any, requestID: String?) -> Response {
    bytes(status, JSONBody.encode(object), contentType: "application/json", requestID: requestID)
  }

  /// `{"detail": detail}` (+ `error_type` and `X-Fal-Error-Type` when given).
  static func error(
    _ status: Int, _ detail: String, errorType: String? = nil, requestID: String?
  ) -> Response {
    var object: [String: Any] = ["detail": detail]
    var headers = HTTPFields()
    if let errorType {
      object["error_type"] = errorType
      headers[errorTypeHeader] = errorType
    }
    return bytes(
      status, JSONBody.encode(object), contentType: "application/json", requestID: requestID, headers: headers
    )
  }

  /// How a request ended, as its run reply or result.
  static func outcome(_ outcome: Outcome, requestID: String) -> Response {
    var headers = HTTPFields()
    if let errorType = outcome.errorType { headers[errorTypeHeader] = errorType }
    if outcome.userTimeout { headers[timeoutTypeHeader] = "user" }
    return bytes(
      outcome.status, outcome.body, contentType: "application/json", requestID: requestID, headers: headers)
  }

  /// An injected fault: the ingress form (nginx HTML, no request id) or fal's own JSON error.
  static func fault(_ fault: Fault) -> Response {
    if let body = fault.body {
      return bytes(fault.status, Data(body.utf8), contentType: "application/json", requestID: newRequestID())
    }
    guard fault.ingress else {
      let detail = fault.status == 429 ? "Too many requests" : reasonPhrase(fault.status)
      return error(fault.status, detail, requestID: newRequestID())
    }
    let title = "\(fault.status) \(reasonPhrase(fault.status))"
    let html = """
      <html>\r
      <head><title>\(title)</title></head>\r
      <body>\r
      <center><h1>\(title)</h1></center>\r
      <hr><center>nginx</center>\r
      </body>\r
      </html>\r

      """
    return bytes(fault.status, Data(html.utf8), contentType: "text/html", requestID: nil)
  }

  /// The reason phrase for a status line (nginx's wording for the gateway errors it sends).
  static func reasonPhrase(_ status: Int) -> String { phrases[status] ?? "Error" }

  private static let phrases = [
    200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
    405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 413: "Payload Too Large",
    422: "Unprocessable Entity", 429: "Too Many Requests", 499: "Client Closed Request",
    500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
    504: "Gateway Time-out",
  ]

  /// A fresh id for replies that belong to no stored request.
  static func newRequestID() -> String { UUID().uuidString.lowercased() }
}
