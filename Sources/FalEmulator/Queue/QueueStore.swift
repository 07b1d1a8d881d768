import Foundation

/// Every request the emulator knows, and one queue per app, under one lock (`Monitor`): each app's
/// runner threads wait for work on that app's condition, woken one per new request; `ctx.sleep`
/// and cold starts wait on `changed` for a cancellation or the stop. HTTP handlers never block on
/// it for long; they await completion through continuations.
final class QueueStore: @unchecked Sendable {
  /// The answer to a cancel request.
  enum CancelReply {
    case requested, alreadyCompleted, notFound
  }

  /// An app's waiting requests; low priority waits behind all normal ones.
  private struct AppQueue {
    var normal: [RequestRecord] = []
    var low: [RequestRecord] = []

    var count: Int { normal.count + low.count }

    func position(of record: RequestRecord) -> Int? {
      if let index = normal.firstIndex(where: { $0 === record }) { return index }
      if let index = low.firstIndex(where: { $0 === record }) { return normal.count + index }
      return nil
    }

    mutating func append(_ record: RequestRecord) {
      if record.priority == .low { low.append(record) } else { normal.append(record) }
    }

    /// Puts a request back at the head of its priority's line.
    mutating func putBack(_ record: RequestRecord) {
      if record.priority == .low { low.insert(record, at: 0) } else { normal.insert(record, at: 0) }
    }

    mutating func remove(_ record: RequestRecord) {
      normal.removeAll { $0 === record }
      low.removeAll { $0 === record }
    }

    mutating func popFirst() -> RequestRecord? {
      if !normal.isEmpty { return normal.removeFirst() }
      if !low.isEmpty { return low.removeFirst() }
      return nil
    }
  }

  private let monitor = Monitor()
  /// Signalled for cancellations and the stop.
  private let changed = Monitor.Condition()
  /// Per app: a new request signals one of its waiting runners.
  private var work: [String: Monitor.Condition] = [:]
  private let retention: Double
  private let stats: Stats
  private var records: [String: RequestRecord] = [:]
  private var queues: [String: AppQueue] = [:]
  /// Completed records in completion order, so expiry only looks at the front.
  private var completedOrder: [RequestRecord] = []
  private var inProgress = 0
  private var stopping = false
  /// Called (outside the lock) once a request completes; webhooks hang here. Set before start.
  var onComplete: (@Sendable (RequestRecord, Outcome) -> Void)?

  init(retention: Double, stats: Stats) {
    self.retention = retention
    self.stats = stats
  }

  // MARK: HTTP side

  /// Queues a new request and arms its start deadline; returns its position. After `stop()` the
  /// request completes at once as `Outcome.stopped`, since no runner will take it.
  @discardableResult func enqueue(_ record: RequestRecord) -> Int {
    let position: Int = locked {
      expireOldResults()
      records[record.id] = record
      guard !stopping else {
        complete(record, with: .stopped)
        return 0
      }
      queues[record.appID, default: AppQueue()].append(record)
      runners(of: record.appID).signal()
      return queues[record.appID]?.position(of: record) ?? 0
    }
    finishCompletions()
    if let timeout = record.startTimeout {
      DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in
        self?.expireIfWaiting(record)
      }
    }
    return position
  }

  /// A consistent view of a live record; nil when unknown, expired, or owned by another app.
  func snapshot(id: String, appID: String? = nil) -> RecordSnapshot? {
    locked {
      expireOldResults()
      guard let record = records[id], appID == nil || record.appID == appID else { return nil }
      return RecordSnapshot(
        record: record, state: record.state,
        queuePosition: record.state == .queued ? queues[record.appID]?.position(of: record) : nil,
        cancelRequested: record.cancelRequested, attempts: record.attempts, startedAt: record.startedAt,
        completedAt: record.completedAt, logs: record.logs, outcome: record.outcome,
        webhookDelivery: record.webhookDelivery)
    }
  }

  /// Waits until the request completes and returns how it ended.
  func outcome(of record: RequestRecord) async -> Outcome {
    await withCheckedContinuation { continuation in
      let outcome: Outcome? = locked {
        if record.outcome == nil { record.waiters.append(continuation) }
        return record.outcome
      }
      if let outcome { continuation.resume(returning: outcome) }
    }
  }

  /// Calls `observer(false)` whenever the record changes (state, logs) and `observer(true)` once
  /// it completed (at once if it already has). Observers must not block: some calls hold the lock.
  func observe(_ record: RequestRecord, _ observer: @escaping @Sendable (_ completed: Bool) -> Void) {
    let completed: Bool = locked {
      guard record.outcome == nil else { return true }
      record.observers.append(observer)
      return false
    }
    if completed { observer(true) }
  }

  /// Cancels a request of `appID`: a queued one is removed and never runs; a running one is told
  /// through `ctx.cancelled()` and `ctx.sleep`.
  func cancel(id: String, appID: String?) -> CancelReply {
    let reply: CancelReply = locked {
      expireOldResults()
      guard let record = records[id], appID == nil || record.appID == appID else { return .notFound }
      switch record.state {
      case .completed:
        return .alreadyCompleted
      case .queued:
        queues[record.appID]?.remove(record)
        record.cancelRequested = true
        complete(record, with: .cancelled)
      case .inProgress:
        record.cancelRequested = true
        notify(record)
        changed.broadcast()
      }
      return .requested
    }
    if reply == .requested { stats.countCancellation() }
    finishCompletions()
    return reply
  }

  /// Live counts for the stats route.
  func counts() -> (inQueue: Int, inProgress: Int) {
    locked { (queues.values.reduce(0) { $0 + $1.count }, inProgress) }
  }

  /// Records the webhook delivery result for the record route.
  func setWebhookDelivery(_ text: String, of record: RequestRecord) {
    locked { record.webhookDelivery = text }
  }

  // MARK: Runner side

  /// Blocks until a request of `appID` is waiting and takes it; nil once the store stops.
  func nextJob(for appID: String) -> RequestRecord? {
    locked {
      while !stopping {
        if let record = queues[appID]?.popFirst() {
          record.state = .inProgress
          record.startedAt = Date()
          record.attempts += 1
          inProgress += 1
          notify(record)
          return record
        }
        monitor.wait(runners(of: appID))
      }
      return nil
    }
  }

  /// Completes a request a runner finished; a cancellation requested meanwhile wins over its output.
  func finish(_ record: RequestRecord, with outcome: Outcome) {
    locked {
      inProgress -= 1
      complete(record, with: record.cancelRequested ? .cancelled : outcome)
    }
    finishCompletions()
  }

  /// Attempts a queued request gets before a runner disconnect fails it (fal retries up to 10 times).
  static let maxAttempts = 10

  /// A runner dropped `record` mid-run: it goes back to the head of its queue to run again, unless it
  /// was cancelled meanwhile, the store is stopping, or it used its attempts (503 `runner_disconnected`).
  func requeue(_ record: RequestRecord) {
    stats.countRunnerDisconnect()
    locked {
      inProgress -= 1
      if record.cancelRequested {
        complete(record, with: .cancelled)
      } else if stopping {
        complete(record, with: .stopped)
      } else if record.attempts >= Self.maxAttempts {
        complete(record, with: .runnerDisconnected)
      } else {
        record.state = .queued
        queues[record.appID, default: AppQueue()].putBack(record)
        notify(record)
        runners(of: record.appID).signal()
      }
    }
    finishCompletions()
  }

  /// Adds a log line and wakes status streams.
  func log(_ entry: LogEntry, to record: RequestRecord) {
    locked {
      record.logs.append(entry)
      notify(record)
    }
  }

  /// Sleeps up to `seconds`, waking early on a cancellation (or shutdown); true when cancelled.
  func sleep(_ seconds: Double, for record: RequestRecord) -> Bool {
    let deadline = Date(timeIntervalSinceNow: min(seconds, 1e9))
    return locked {
      while !record.cancelRequested && !stopping && Date() < deadline {
        monitor.wait(changed, until: deadline)
      }
      return record.cancelRequested || stopping
    }
  }

  /// Waits `seconds` (a runner's cold start), returning early once the store stops.
  func pause(_ seconds: Double) {
    let deadline = Date(timeIntervalSinceNow: min(seconds, 1e9))
    locked {
      while !stopping && Date() < deadline { monitor.wait(changed, until: deadline) }
    }
  }

  /// True once a cancellation was requested.
  func isCancelRequested(_ record: RequestRecord) -> Bool { locked { record.cancelRequested } }

  // MARK: Life cycle

  /// Fails every waiting request, tells running ones to stop, and releases the runners.
  func stop() {
    locked {
      stopping = true
      for appID in Array(queues.keys) {
        while let record = queues[appID]?.popFirst() { complete(record, with: .stopped) }
      }
      for record in records.values where record.state == .inProgress { record.cancelRequested = true }
      changed.broadcast()
      for runners in work.values { runners.broadcast() }
    }
    finishCompletions()
  }

  // MARK: Private (lock held unless noted)

  /// A completion whose waiters, observers and hook still have to be told, outside the lock.
  private struct Completion {
    var record: RequestRecord
    var outcome: Outcome
    var waiters: [CheckedContinuation<Outcome, Never>]
    var observers: [@Sendable (Bool) -> Void]
  }

  private var pending: [Completion] = []

  private func complete(_ record: RequestRecord, with outcome: Outcome) {
    record.state = .completed
    record.outcome = outcome
    record.completedAt = Date()
    completedOrder.append(record)
    pending.append(
      Completion(record: record, outcome: outcome, waiters: record.waiters, observers: record.observers))
    record.waiters = []
    record.observers = []
  }

  /// Resumes waiters and finishes observers of completed requests (call without the lock).
  private func finishCompletions() {
    let batch: [Completion] = locked {
      defer { pending = [] }
      return pending
    }
    for completion in batch {
      stats.countCompleted()
      for waiter in completion.waiters { waiter.resume(returning: completion.outcome) }
      for observer in completion.observers { observer(true) }
      onComplete?(completion.record, completion.outcome)
    }
  }

  private func notify(_ record: RequestRecord) {
    for observer in record.observers { observer(false) }
  }

  private func expireIfWaiting(_ record: RequestRecord) {
    locked {
      guard record.state == .queued else { return }
      queues[record.appID]?.remove(record)
      complete(record, with: .startTimeout)
    }
    finishCompletions()
  }

  /// Forgets completed records older than the retention (their status and result become 404).
  private func expireOldResults() {
    let now = Date()
    var expired = 0
    for record in completedOrder {
      guard let completedAt = record.completedAt, now.timeIntervalSince(completedAt) >= retention else {
        break
      }
      records[record.id] = nil
      expired += 1
    }
    if expired > 0 { completedOrder.removeFirst(expired) }
  }

  /// The condition `appID`'s runners wait on.
  private func runners(of appID: String) -> Monitor.Condition {
    if let condition = work[appID] { return condition }
    let condition = Monitor.Condition()
    work[appID] = condition
    return condition
  }

  private func locked<T>(_ body: () -> T) -> T { monitor.locked(body) }
}
