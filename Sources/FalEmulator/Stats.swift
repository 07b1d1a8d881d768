import Foundation

/// Counters for reliability tests (`GET /_emulator/stats`). Control routes are not counted, so
/// reading the stats never changes them.
final class Stats: @unchecked Sendable {
  private let lock = NSLock()
  private var requests = 0
  private var byRoute: [RouteKind: Int] = [:]
  private var byApp: [String: Int] = [:]
  private var faults = 0
  private var faultsByRoute: [RouteKind: Int] = [:]
  private var fingerprints: Set<Int> = []
  private var duplicates = 0
  private var runnerDisconnects = 0
  private var webhookDeliveries = 0
  private var webhookFailures = 0
  private var submits = 0
  private var completed = 0
  private var cancellations = 0

  /// Counts a request to a fal route (before faults, auth or validation can reject it).
  func countRequest(route: RouteKind?, appID: String?) {
    lock.withLock {
      requests += 1
      if let route { byRoute[route, default: 0] += 1 }
      if let appID { byApp[appID, default: 0] += 1 }
    }
  }

  /// Counts an injected fault (a reset too) on `route`.
  func countFault(route: RouteKind) {
    lock.withLock {
      faults += 1
      faultsByRoute[route, default: 0] += 1
    }
  }

  /// Counts an accepted submit; one whose app, path and body were submitted before is a duplicate
  /// (a client retrying a submit whose reply it lost).
  func countSubmit(appID: String, path: String, body: Data) {
    var hasher = Hasher()
    hasher.combine(appID)
    hasher.combine(path)
    hasher.combine(body)
    let fingerprint = hasher.finalize()
    lock.withLock {
      submits += 1
      if !fingerprints.insert(fingerprint).inserted { duplicates += 1 }
    }
  }

  /// Counts a runner that dropped a queued request mid-run (the `disconnect` fault).
  func countRunnerDisconnect() { lock.withLock { runnerDisconnects += 1 } }
  /// Counts a finished webhook delivery: delivered, or given up after its retries.
  func countWebhook(delivered: Bool) {
    lock.withLock {
      if delivered { webhookDeliveries += 1 } else { webhookFailures += 1 }
    }
  }
  /// Counts a request reaching COMPLETED (whatever the outcome).
  func countCompleted() { lock.withLock { completed += 1 } }
  /// Counts an accepted cancel (`CANCELLATION_REQUESTED`).
  func countCancellation() { lock.withLock { cancellations += 1 } }

  /// The counters as JSON-ready values, with the store's live queue counts.
  func snapshot(inQueue: Int, inProgress: Int) -> [String: Any] {
    lock.withLock {
      [
        "requests": requests,
        "by_route": Dictionary(
          uniqueKeysWithValues: RouteKind.allCases.map { ($0.rawValue, byRoute[$0] ?? 0) }),
        "faults": faults,
        "faults_by_route": Dictionary(
          uniqueKeysWithValues: RouteKind.allCases.map { ($0.rawValue, faultsByRoute[$0] ?? 0) }),
        "submits": submits,
        "duplicate_submits": duplicates,
        "runner_disconnects": runnerDisconnects,
        "webhook_deliveries": webhookDeliveries,
        "webhook_failures": webhookFailures,
        "completed": completed,
        "cancellations": cancellations,
        "in_queue": inQueue,
        "in_progress": inProgress,
        "requests_by_app": byApp,
      ]
    }
  }
}
