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
    /// The whole call's deadline (the user's `timeout` or a default); nil: none (streams).
    var deadline: Deadline? = nil
    /// Told about each retry before its backoff.
    var onRetry: ((RetryNotice) -> Void)? = nil
    /// The client's size caps (a stream's event size).
    var limits = Limits()
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
  private let started = EventLoop.now()
  private var completion: ((Result<HTTPResponse, FalError>) -> Void)?
  private var pending: Pending?
  /// The last attempt's failure, named in a deadline error.
  private var lastFailure: String?

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
    if let deadline = context.deadline, deadline.isExpired { return finish(.failure(deadlineError())) }
    attempts += 1
    let request = request
    var attempt = bounded(request)
    let backup = BackupHost.request(for: attempt, hosts: context.backupHosts)
    if backup != nil { attempt.connectTimeout = min(attempt.connectTimeout ?? BackupHost.connectTimeout, BackupHost.connectTimeout) }
    pending = .transfer(
      loop.send(attempt) { [self] outcome in
        pending = nil
        if let backup, case .failure(let failure) = outcome, BackupHost.isConnectFailure(failure) {
          return tryBackup(bounded(backup), for: request, primary: outcome)
        }
        finishAttempt(request, outcome)
      })
  }

  /// `request` with its timeouts cut to what is left of the call's deadline.
  private func bounded(_ request: HTTPRequest) -> HTTPRequest {
    guard let deadline = context.deadline else { return request }
    var request = request
    let left = deadline.remaining()
    request.timeout = min(request.timeout ?? left, left)
    request.connectTimeout = min(request.connectTimeout ?? DefaultTimeouts.connect, left)
    return request
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
    let elapsed = EventLoop.now() - started
    if let deadline = context.deadline, deadline.isExpired, case .failure(let failure) = outcome,
      failure.kind == .timeout
    {
      lastFailure = nil
      return finish(.failure(deadlineError()))
    }
    let transient = RetryPolicy.isTransient(
      outcome, sentRequestTimeout: request.headers.contains(name: "X-Fal-Request-Timeout"))
    var delay = context.policy.delay(beforeRetry: attempts, random: context.random())
    // Refused or unresolved for seconds: the host is down, not busy; say so soon.
    let connectBudgetLeft =
      if case .failure(let failure) = outcome, RetryPolicy.isConnectPhase(failure) {
        elapsed + delay <= context.policy.connectBudget
      } else { true }
    if transient, connectBudgetLeft, attempts < context.policy.maxAttempts, let loop {
      if let deadline = context.deadline { delay = min(delay, deadline.remaining()) }
      lastFailure = Self.reason(outcome)
      context.onRetry?(
        RetryNotice(
          endpoint: context.endpoint, operation: context.operation, reason: lastFailure ?? "error",
          attempt: attempts, maxAttempts: context.policy.maxAttempts, delay: delay))
      pending = .timer(
        loop.schedule(after: delay) { [self] in
          pending = nil
          start(request)
        })
      return
    }
    finish(.failure(FalError(outcome, retryable: transient, endpoint: context.endpoint, operation: context.operation)))
  }

  /// The call's deadline passed: a timeout naming it, the attempts and the last failure.
  private func deadlineError() -> FalError {
    let deadline = context.deadline ?? Deadline(seconds: 0, isUser: false)
    let whose = deadline.isUser ? "timeout" : "default timeout"
    var message = "no reply within the \(whose) of \(Self.seconds(deadline.seconds)) s"
    if let lastFailure { message += " (last attempt: \(lastFailure))" }
    if !deadline.isUser { message += "; pass `timeout` to wait longer" }
    return FalError(kind: .timeout, message: message, endpoint: context.endpoint, operation: context.operation)
  }

  /// One attempt's failure in a few words, for a retry line or a deadline error.
  static func reason(_ outcome: Result<HTTPResponse, TransportError>) -> String {
    switch outcome {
    case .success(let reply): return "HTTP \(reply.status)"
    case .failure(let error): return error.message
    }
  }

  static func seconds(_ value: Double) -> String {
    value >= 10 ? String(printf: "%.0f", value) : String(printf: "%.3g", value)
  }

  private func finish(_ result: Result<HTTPResponse, FalError>) {
    let completion = self.completion
    self.completion = nil
    completion?(
      result.mapError { error in
        var error = error
        if attempts > 0 {
          error.attempts = error.attempts ?? attempts
          error.elapsed = error.elapsed ?? EventLoop.now() - started
        }
        return error.redacting(context.key)
      })
  }
}
