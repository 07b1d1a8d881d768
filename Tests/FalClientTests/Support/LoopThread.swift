import FalClient
import Foundation
import Transport

/// Runs `body` on a thread of its own: the loop blocks in poll, which must not hold one of the
/// few Swift concurrency threads the in-process server runs on.
func onLoopThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread { continuation.resume(with: Result { try body() }) }.start()
  }
}

/// What one `perform` produced.
struct Outcome: Sendable {
  var result: Result<HTTPResponse, FalError>?
  var attempts: Int
  var elapsed: Double
}

/// Performs one run call against the loopback server and turns the loop until it finishes.
func performRun(
  port: Int, path: String = "me/app", options: RequestOptions = .init(), key: String? = "test-key",
  policy: RetryPolicy = RetryPolicy(baseDelay: 0.001), configure: @escaping @Sendable (inout FalConfig) -> Void = { _ in }
) async throws -> Outcome {
  try await onLoopThread {
    let loop = try EventLoop()
    var config = FalConfig(key: key)
    config.runURL = "http://127.0.0.1:\(port)"
    config.queueURL = "http://127.0.0.1:\(port)"
    configure(&config)
    let client = FalClient(config: config, loop: loop)
    client.retryPolicy = policy
    client.random = { 0.5 }
    var result: Result<HTTPResponse, FalError>?
    let start = EventLoop.now()
    let operation = client.perform(
      .run(path: nil), endpoint: try EndpointID(parsing: path), body: Array("{}".utf8), options: options
    ) {
      result = $0
    }
    let deadline = start + 20
    while result == nil && EventLoop.now() < deadline { loop.runOnce(timeout: 0.1) }
    return Outcome(result: result, attempts: operation.attempts, elapsed: EventLoop.now() - start)
  }
}
