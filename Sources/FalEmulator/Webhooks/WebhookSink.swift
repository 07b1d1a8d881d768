import Foundation

/// Deliveries received at `/_emulator/webhooks/{name}`: an echo receiver for examples and tests.
/// `?fail=N` makes the first N deliveries to a name answer 500, to exercise the sender's retries.
final class WebhookSink: @unchecked Sendable {
  /// One received delivery.
  struct Delivery {
    var headers: [String: String]
    var body: Data
  }

  private let lock = NSLock()
  private var received: [String: [Delivery]] = [:]
  private var refused: [String: Int] = [:]

  /// Records a delivery; false when it must be refused (the first `fail` attempts per name).
  func receive(_ delivery: Delivery, name: String, fail: Int) -> Bool {
    lock.withLock {
      if refused[name, default: 0] < fail {
        refused[name, default: 0] += 1
        return false
      }
      received[name, default: []].append(delivery)
      return true
    }
  }

  /// The deliveries accepted for `name` and the number refused.
  func deliveries(_ name: String) -> (accepted: [Delivery], refused: Int) {
    lock.withLock { (received[name] ?? [], refused[name] ?? 0) }
  }
}
