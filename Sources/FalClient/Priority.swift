/// Queue priority sent as `X-Fal-Queue-Priority`.
public enum Priority: String, Sendable {
  /// The default.
  case normal
  /// Yields to normal-priority requests.
  case low
}
