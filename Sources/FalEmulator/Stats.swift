import Foundation

/// Counters for reliability tests (`GET /_emulator/stats`). Control routes are not counted, so
/// reading the stats never changes them.
final class Stats: @unchecked Sendable {
  private let lock = NSLock()
  private var requests = 0
  private var byRoute: [RouteKind: Int] = [:]
  private var byApp: [String: Int] = [:]
  private var faults = 0
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

  /// Counts an injected fault.
  func countFault() { lock.withLock { faults += 1 } }
  /// Counts an accepted submit.
  func countSubmit() { lock.withLock { submits += 1 } }
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
        "submits": submits,
        "completed": completed,
        "cancellations": cancellations,
        "in_queue": inQueue,
        "in_progress": inProgress,
        "requests_by_app": byApp,
      ]
    }
  }
}
