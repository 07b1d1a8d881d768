import Glibc

// Retries happen inside one `perform`, invisible to Lua; this is how they become visible (one line
// each on stderr, for a terminal, `FALUA_DEBUG` or `falua -v`). It holds no header, so never the key.
/// One retry about to be waited for.
public struct RetryNotice: Sendable, CustomStringConvertible {
  /// The endpoint id (or URL) of the call.
  public var endpoint: String
  /// `run`, `submit`, `status`, ...
  public var operation: String
  /// Why the attempt failed: "HTTP 429", "network: Failed to connect ...".
  public var reason: String
  /// The attempt that failed, 1-based.
  public var attempt: Int
  /// Attempts allowed in all.
  public var maxAttempts: Int
  /// Seconds until the next attempt.
  public var delay: Double

  /// "falua: retrying fal-ai/echo run after HTTP 429 (attempt 1 of 10 failed, next in 0.12 s)".
  public var description: String {
    "falua: retrying \(endpoint) \(operation) after \(reason) (attempt \(attempt) of \(maxAttempts) failed, next in "
      + String(printf: "%.2f", delay) + " s)"
  }

  /// Whether retries are reported by default: stderr is a terminal, or `FALUA_DEBUG` is set.
  public static var reportsByDefault: Bool {
    if let debug = getenv("FALUA_DEBUG"), !["", "0"].contains(String(cString: debug)) { return true }
    return isatty(2) != 0
  }

  /// Writes the notice as one line on stderr.
  public static func writeToStandardError(_ notice: RetryNotice) {
    FileOutput.writeToStandardError(notice.description + "\n")
  }
}
