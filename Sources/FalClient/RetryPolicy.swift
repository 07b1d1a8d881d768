import Transport

/// When and how long to wait before trying a call again (the Python client's, PROTOCOL.md §14).
public struct RetryPolicy: Sendable {
  /// Attempts in total, the first included.
  public var maxAttempts: Int
  /// Delay before the first retry, before jitter.
  public var baseDelay: Double
  /// Upper bound of every delay, jitter included.
  public var maxDelay: Double
  /// Connect failures (refused, unresolved, connect timeout) are retried only while the call is
  /// younger than this: a host that refuses for seconds is down, not busy.
  public var connectBudget: Double = 2

  /// The Python client's values: 10 attempts, 0.1 s doubling up to 30 s.
  public init(maxAttempts: Int = 10, baseDelay: Double = 0.1, maxDelay: Double = 30) {
    self.maxAttempts = maxAttempts
    self.baseDelay = baseDelay
    self.maxDelay = maxDelay
  }

  /// Seconds to wait before retry `retry` (1-based), given `random` uniform in [0, 1).
  public func delay(beforeRetry retry: Int, random: Double) -> Double {
    let backoff = min(baseDelay * Double(1 << min(max(retry - 1, 0), 62)), maxDelay)
    return min(backoff * (0.5 + random), maxDelay)
  }

  // A timeout counts only in the connect phase (the request was never sent): any other timeout is
  // a deadline, the user's or the default one, and a retried run would run (and bill) again.
  // 502/503/504 only when they came from the ingress (no `x-fal-request-id`), and
  // never a 504 for an expired `start_timeout`.
  /// Whether another attempt may help.
  public static func isTransient(_ outcome: Result<HTTPResponse, TransportError>, sentRequestTimeout: Bool)
    -> Bool
  {
    switch outcome {
    case .failure(let error):
      switch error.kind {
      case .connect, .resolve, .send: return true
      case .receive: return !error.isPartialReply  // a reset or empty reply, not a reply cut short
      case .timeout: return isConnectPhase(error)
      default: return false  // .tls, .other, and kinds added later
      }
    case .success(let reply):
      switch reply.status {
      case 408, 409, 429:
        return true
      case 502, 503, 504:
        if reply.status == 504, reply.headers.contains(name: "x-fal-request-timeout-type") { return false }
        return !reply.headers.contains(name: "x-fal-request-id")
      default:
        return false
      }
    }
  }

  /// A failure to establish the connection: the request was never sent, so replaying it is safe.
  public static func isConnectPhase(_ error: TransportError) -> Bool {
    switch error.kind {
    case .connect, .resolve: return true
    // curl's connect-phase wordings ("Connection timed out after…", "Resolving timed out after…").
    case .timeout: return error.message.hasPrefix("Connection timed out") || error.message.hasPrefix("Resolving timed out")
    default: return false
    }
  }
}
