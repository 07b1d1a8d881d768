import Foundation
import Transport

/// Runs `body` on a thread of its own: the loop blocks in poll, which must not hold one of the
/// few Swift concurrency threads the in-process server runs on.
func onLoopThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread { continuation.resume(with: Result { try body() }) }.start()
  }
}

extension EventLoop {
  /// Turns the loop until `done()` holds or `limit` seconds pass; returns `done()`.
  @discardableResult
  func run(until done: () -> Bool, limit: Double = 10) -> Bool {
    let deadline = EventLoop.now() + limit
    while !done() {
      let left = deadline - EventLoop.now()
      if left <= 0 { return false }
      runOnce(timeout: min(left, 0.1))
    }
    return true
  }
}

/// Sends `request` on a fresh loop (on a thread of its own) and turns it until the completion ran.
func roundTrip(_ request: HTTPRequest) async throws -> Result<HTTPResponse, TransportError>? {
  try await onLoopThread {
    let loop = try EventLoop()
    var outcome: Result<HTTPResponse, TransportError>?
    loop.send(request) { outcome = $0 }
    loop.run(until: { outcome != nil })
    return outcome
  }
}
