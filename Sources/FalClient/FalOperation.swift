import Foundation
import Transport

// Holds the current attempt's transfer or the timer before the next one; the loop's callbacks
// keep it alive until it finishes or is cancelled, so callers need not retain it.
/// One `FalClient.perform` in progress.
public final class FalOperation {
  /// What every attempt of one call shares.
  struct Context {
    let endpoint: String
    let operation: String
    /// Only to scrub it from errors: a server might echo it into a message or body.
    let key: String?
    let policy: RetryPolicy
    let random: () -> Double
    /// `FalConfig.backupHosts` for calls that may fail over (run and queue calls).
    var backupHosts: [String: String] = [:]
  }

  private enum Pending {
    case transfer(TransferID)
    case timer(TimerID)
  }

  /// Attempts started so far (1 plus the retries).
  public private(set) var attempts = 0
  /// True once the completion ran or the operation was cancelled.
  public var isFinished: Bool { completion == nil }

  private weak var loop: EventLoop?
  let context: Context
  private var completion: ((Result<HTTPResponse, FalError>) -> Void)?
  private var pending: Pending?

  init(loop: EventLoop, context: Context, completion: @escaping (Result<HTTPResponse, FalError>) -> Void) {
    self.loop = loop
    self.context = context
    self.completion = completion
  }

  /// Aborts the transfer in flight or the retry waiting; the completion is never called afterwards.
  public func cancel() {
    switch pending {
    case .transfer(let id): loop?.cancel(id)
    case .timer(let id): loop?.cancel(id)
    case nil: break
    }
    pending = nil
    completion = nil
  }

  func start(_ request: HTTPRequest) {
    guard let loop, completion != nil else { return }
    attempts += 1
    var request = request
    let backup = BackupHost.request(for: request, hosts: context.backupHosts)
    if backup != nil { request.connectTimeout = min(request.connectTimeout ?? BackupHost.connectTimeout, BackupHost.connectTimeout) }
    pending = .transfer(
      loop.send(request) { [self] outcome in
        pending = nil
        if let backup, case .failure(let failure) = outcome, BackupHost.isConnectFailure(failure) {
          return tryBackup(backup, for: request, primary: outcome)
        }
        finishAttempt(request, outcome)
      })
  }

  /// The primary host could not be reached: the same request once on the backup host; if that
  /// cannot be reached either, the attempt ends with the primary's error.
  private func tryBackup(
    _ backup: HTTPRequest, for request: HTTPRequest, primary: Result<HTTPResponse, TransportError>
  ) {
    guard let loop, completion != nil else { return }
    pending = .transfer(
      loop.send(backup) { [self] outcome in
        pending = nil
        if case .failure(let failure) = outcome, BackupHost.isConnectFailure(failure) {
          return finishAttempt(request, primary)
        }
        finishAttempt(request, outcome)
      })
  }

  /// Reports an error found before any I/O, from the next loop turn like every other outcome.
  func fail(_ error: FalError) {
    guard let loop else { return }
    pending = .timer(
      loop.schedule(after: 0) { [self] in
        pending = nil
        finish(.failure(error))
      })
  }

  private func finishAttempt(_ request: HTTPRequest, _ outcome: Result<HTTPResponse, TransportError>) {
    if case .success(let reply) = outcome, (200..<300).contains(reply.status) {
      return finish(.success(reply))
    }
    let transient = RetryPolicy.isTransient(
      outcome, sentRequestTimeout: request.headers.contains(name: "X-Fal-Request-Timeout"))
    if transient, attempts < context.policy.maxAttempts, let loop {
      let delay = context.policy.delay(beforeRetry: attempts, random: context.random())
      pending = .timer(
        loop.schedule(after: delay) { [self] in
          pending = nil
          start(request)
        })
      return
    }
    let error = FalError(outcome, retryable: transient, endpoint: context.endpoint, operation: context.operation)
    finish(.failure(error.redacting(context.key)))
  }

  private func finish(_ result: Result<HTTPResponse, FalError>) {
    let completion = self.completion
    self.completion = nil
    completion?(result)
  }
}
