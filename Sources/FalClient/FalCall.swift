/// One fal HTTP operation (PROTOCOL.md §5, §6).
public enum FalCall: Sendable, Equatable {
  /// POST to the run host; `path` is appended to the endpoint's.
  case run(path: String?)
  /// POST to the queue; `path` is appended to the endpoint's.
  case submit(path: String?)
  /// GET a queued request's status, with or without logs.
  case status(requestID: String, logs: Bool)
  /// GET a queued request's result.
  case result(requestID: String)
  /// PUT a cancellation of a queued request.
  case cancel(requestID: String)
  /// POST to the run host as server-sent events; `path` replaces the default `/stream`.
  case stream(path: String?)
  /// GET a queued request's status as server-sent events until COMPLETED.
  case statusStream(requestID: String, logs: Bool)
  /// POST to the REST host for a realtime JWT (PROTOCOL.md §11).
  case realtimeToken

  /// The name used in errors: `run`, `submit`, `status`, `result`, `cancel`, `stream`, `status_stream`.
  public var name: String {
    switch self {
    case .run: return "run"
    case .submit: return "submit"
    case .status: return "status"
    case .result: return "result"
    case .cancel: return "cancel"
    case .stream: return "stream"
    case .statusStream: return "status_stream"
    case .realtimeToken: return "token"
    }
  }

  /// The HTTP method.
  public var method: String {
    switch self {
    case .run, .submit, .stream, .realtimeToken: return "POST"
    case .status, .result, .statusStream: return "GET"
    case .cancel: return "PUT"
    }
  }
}
