import Foundation

/// One request's server-side life, from submit (or run) to retention expiry. The `let` fields are
/// fixed at creation; every `var` is guarded by the `QueueStore` lock.
final class RequestRecord: @unchecked Sendable {
  /// Where the request is, in the wire's words.
  enum State: String {
    case queued = "IN_QUEUE"
    case inProgress = "IN_PROGRESS"
    case completed = "COMPLETED"
  }

  /// `X-Fal-Queue-Priority`: low waits behind every normal request of the app.
  enum Priority: String {
    case normal, low
  }

  let id: String
  let appID: String
  /// The app's sub-path ("" if none).
  let path: String
  let body: Data
  let hint: String?
  let priority: Priority
  /// Seconds a runner has to start the request (`X-Fal-Request-Timeout`).
  let startTimeout: Double?
  let webhookURL: String?
  /// `.run` or `.submit`.
  let route: RouteKind
  let createdAt = Date()

  var state = State.queued
  var cancelRequested = false
  var attempts = 0
  var startedAt: Date?
  var completedAt: Date?
  var logs: [LogEntry] = []
  var outcome: Outcome?
  var webhookDelivery: String?
  var waiters: [CheckedContinuation<Outcome, Never>] = []
  var observers: [@Sendable (Bool) -> Void] = []

  init(
    appID: String, path: String, body: Data, hint: String?, priority: Priority, startTimeout: Double?,
    webhookURL: String?, route: RouteKind
  ) {
    id = UUID().uuidString.lowercased()
    self.appID = appID
    self.path = path
    self.body = body
    self.hint = hint
    self.priority = priority
    self.startTimeout = startTimeout
    self.webhookURL = webhookURL
    self.route = route
  }
}

/// One `ctx.log` line as the status route shows it.
struct LogEntry: Sendable {
  var message: String
  var level: String
  var timestamp: String

  /// The wire form (`source` is always USER: apps are the only writers).
  var json: [String: Any] { ["message": message, "level": level, "source": "USER", "timestamp": timestamp] }
}

/// A consistent copy of a record's mutable state, taken under the store's lock.
struct RecordSnapshot {
  let record: RequestRecord
  let state: RequestRecord.State
  /// Requests ahead of this one (queued only).
  let queuePosition: Int?
  let cancelRequested: Bool
  let attempts: Int
  let startedAt: Date?
  let completedAt: Date?
  let logs: [LogEntry]
  let outcome: Outcome?
  let webhookDelivery: String?

  /// Seconds between a runner starting the request and its completion, when it ran.
  var inferenceTime: Double? {
    guard let startedAt, let completedAt else { return nil }
    return completedAt.timeIntervalSince(startedAt)
  }
}
