import Transport

extension FalError {
  // The body is not parsed here: `stdlib/fal/errors.lua` decodes it once (for `detail`,
  // `field_errors`, the body's `error_type` and the message). The kind needs only the head.
  /// Maps a non-2xx reply (PROTOCOL.md §4): kind from status and headers, the body kept raw.
  init(reply: HTTPResponse, retryable: Bool, endpoint: String?, operation: String?) {
    let errorType = reply.headers["x-fal-error-type"]
    let timeoutType = reply.headers["x-fal-request-timeout-type"]
    let kind: Kind
    switch reply.status {
    case 422: kind = .validation
    case 504 where timeoutType != nil: kind = .timeout
    case 499: kind = .cancelled
    case _ where errorType == "client_cancelled": kind = .cancelled
    default: kind = .http
    }
    self.init(
      kind: kind, status: reply.status, errorType: errorType, requestID: reply.headers["x-fal-request-id"],
      timeoutType: timeoutType, body: reply.body, retryable: retryable, endpoint: endpoint, operation: operation)
  }

  /// Maps a transfer that got no reply: curl timeouts are `.timeout`, a body over
  /// `maxResponseBytes` `.limit`, the rest `.network`.
  init(transport error: TransportError, retryable: Bool, endpoint: String?, operation: String?) {
    let kind: Kind = error.kind == .timeout ? .timeout : error.kind == .limit ? .limit : .network
    // Transport does not know the option; the body cap is the only limit it enforces.
    let message = kind == .limit ? "\(error.message) (fal.config limits.max_response_bytes)" : error.message
    self.init(
      kind: kind, message: message, retryable: retryable, endpoint: endpoint, operation: operation)
  }

  /// The error of a transfer's outcome: the reply's, or the transport failure's.
  init(_ outcome: Result<HTTPResponse, TransportError>, retryable: Bool, endpoint: String?, operation: String?) {
    switch outcome {
    case .success(let reply): self.init(reply: reply, retryable: retryable, endpoint: endpoint, operation: operation)
    case .failure(let error):
      self.init(transport: error, retryable: retryable, endpoint: endpoint, operation: operation)
    }
  }
}
