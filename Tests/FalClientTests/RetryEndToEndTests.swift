import FalClient
import Testing
import Transport

@Suite struct RetryEndToEndTests {
  private func failure(_ outcome: Outcome) -> FalError? {
    guard case .failure(let error) = outcome.result else { return nil }
    return error
  }

  @Test func tooManyRequestsTwiceThenSuccess() async throws {
    let script = Script([Reply(status: 429), Reply(status: 429), Reply(status: 200, body: #"{"ok": true}"#)])
    let outcome = try await ScriptedServer.with(script) { port in
      try await performRun(port: port, policy: RetryPolicy(baseDelay: 0.05))
    }
    #expect(outcome.attempts == 3)
    #expect(script.hits == 3)
    #expect(try outcome.result?.get().body == Array(#"{"ok": true}"#.utf8))
    // Delays of 0.05 and 0.1 with the jitter pinned to 1.0x.
    #expect(outcome.elapsed >= 0.15)
  }

  @Test func ingress503IsRetried() async throws {
    let script = Script([Reply(status: 503, body: "<html>nginx</html>"), Reply(status: 200, body: "{}")])
    let outcome = try await ScriptedServer.with(script) { port in try await performRun(port: port) }
    #expect(outcome.attempts == 2 && script.hits == 2)
    #expect(try outcome.result?.get().status == 200)
  }

  @Test func fal503IsNotRetried() async throws {
    let script = Script([
      Reply(
        status: 503, headers: ["x-fal-request-id": "req-1", "x-fal-error-type": "runner_disconnected"],
        body: #"{"detail": "Runner disconnected"}"#),
      Reply(status: 200),
    ])
    let outcome = try await ScriptedServer.with(script) { port in try await performRun(port: port) }
    #expect(outcome.attempts == 1 && script.hits == 1)
    let error = try #require(failure(outcome))
    #expect(error.kind == .http && error.status == 503 && !error.retryable)
    #expect(error.errorType == "runner_disconnected" && error.requestID == "req-1")
    #expect(error.body == Array(#"{"detail": "Runner disconnected"}"#.utf8))
  }

  @Test func serverErrorIsNotRetried() async throws {
    let script = Script([
      Reply(status: 500, body: #"{"detail": "Internal Server Error"}"#), Reply(status: 200),
    ])
    let outcome = try await ScriptedServer.with(script) { port in try await performRun(port: port) }
    #expect(outcome.attempts == 1 && script.hits == 1)
    #expect(failure(outcome)?.kind == .http)
  }

  @Test func userTimeout504IsNotRetried() async throws {
    let script = Script([
      Reply(
        status: 504, headers: ["X-Fal-Request-Timeout-Type": "user", "x-fal-request-id": "req-2"],
        body: #"{"detail": "Request timed out", "error_type": "request_timeout"}"#),
      Reply(status: 200),
    ])
    let outcome = try await ScriptedServer.with(script) { port in
      try await performRun(port: port, options: RequestOptions(startTimeout: 5))
    }
    #expect(outcome.attempts == 1 && script.hits == 1)
    let error = try #require(failure(outcome))
    #expect(error.kind == .timeout && error.timeoutType == "user")
  }

  @Test func givesUpAfterMaxAttempts() async throws {
    let script = Script([Reply(status: 429, body: #"{"detail": "slow down"}"#)])
    let outcome = try await ScriptedServer.with(script) { port in try await performRun(port: port) }
    #expect(outcome.attempts == 10 && script.hits == 10)
    let error = try #require(failure(outcome))
    #expect(error.status == 429 && error.retryable && error.body == Array(#"{"detail": "slow down"}"#.utf8))
  }

  // Issue 8: a 0.3 s timeout used to be retried with the full backoff (49 s, ten billed runs).
  @Test func clientTimeoutIsAWholeCallDeadlineNeverRetried() async throws {
    let script = Script([Reply(status: 200)])
    let (plain, withDeadline) = try await ScriptedServer.with(script) { port in
      let plain = try await performRun(
        port: port, path: "me/slow", options: RequestOptions(timeout: 0.2),
        policy: RetryPolicy(maxAttempts: 2, baseDelay: 0.001))
      let withDeadline = try await performRun(
        port: port, path: "me/slow", options: RequestOptions(startTimeout: 5, timeout: 0.2),
        policy: RetryPolicy(maxAttempts: 2, baseDelay: 0.001))
      return (plain, withDeadline)
    }
    for outcome in [plain, withDeadline] {
      #expect(outcome.attempts == 1)
      let error = try #require(failure(outcome))
      #expect(error.kind == .timeout && error.retryable == false && error.attempts == 1)
      #expect((error.elapsed ?? 0) >= 0.19 && (error.elapsed ?? 9) < 0.5)
      #expect(error.message?.contains("timeout of 0.2 s") == true)
    }
  }

  // Backoff sleeps are cut to the deadline: 429s with a 0.3 s timeout end at 0.3 s as a timeout.
  @Test func backoffNeverOutlivesTheDeadline() async throws {
    let script = Script([Reply(status: 429, body: #"{"detail": "slow down"}"#)])
    let outcome = try await ScriptedServer.with(script) { port in
      try await performRun(
        port: port, options: RequestOptions(timeout: 0.3), policy: RetryPolicy(maxAttempts: 10, baseDelay: 0.25))
    }
    let error = try #require(failure(outcome))
    #expect(error.kind == .timeout && (error.elapsed ?? 9) < 0.5)
    #expect(error.message?.contains("HTTP 429") == true)
  }

  @Test func refusedConnectionsAreRetriedThenReportedAsNetwork() async throws {
    let outcome = try await performRun(port: 1, policy: RetryPolicy(maxAttempts: 3, baseDelay: 0.001))
    #expect(outcome.attempts == 3)
    let error = try #require(failure(outcome))
    #expect(
      error.kind == .network && error.retryable && error.operation == "run" && error.endpoint == "me/app")
  }

  // The Ctrl-C handler cancels in-flight requests with `{timeout = 5}`: the client used to replace
  // it with its 120 s default, so a server slow to answer the cancel held the interrupted program.
  @Test func aCancelGivesUpAfterTheCallersTimeout() async throws {
    let script = Script([Reply(status: 200)])
    let outcome = try await ScriptedServer.with(script) { port in
      try await onLoopThread { () -> Outcome in
        let loop = try EventLoop()
        var config = FalConfig(key: "k")
        config.queueURL = "http://127.0.0.1:\(port)"
        let client = FalClient(config: config, loop: loop)
        client.retryPolicy = RetryPolicy(maxAttempts: 1)
        var result: Result<HTTPResponse, FalError>?
        let start = EventLoop.now()
        let operation = client.perform(
          .cancel(requestID: "r1"), endpoint: try EndpointID(parsing: "me/slow"), body: nil,
          options: RequestOptions(timeout: 0.3)
        ) { result = $0 }
        while result == nil { loop.runOnce(timeout: 1) }
        return Outcome(result: result, attempts: operation.attempts, elapsed: EventLoop.now() - start)
      }
    }
    #expect(script.hits == 1)
    #expect(failure(outcome)?.kind == .timeout)
    #expect(outcome.elapsed < 2, "gave up after \(outcome.elapsed) s, not at the 0.3 s asked for")
  }

  @Test func missingCredentialsFailBeforeAnyIO() async throws {
    let outcome = try await onLoopThread { () -> Outcome in
      let loop = try EventLoop()
      let client = FalClient(config: FalConfig(), loop: loop)  // the real platform, no key
      var result: Result<HTTPResponse, FalError>?
      let operation = client.perform(
        .run(path: nil), endpoint: try EndpointID(parsing: "me/app"), body: nil, options: .init()
      ) { result = $0 }
      while result == nil { loop.runOnce(timeout: 1) }
      return Outcome(result: result, attempts: operation.attempts, elapsed: 0)
    }
    #expect(outcome.attempts == 0)
    let error = try #require(failure(outcome))
    #expect(error.kind == .usage && error.message?.hasPrefix("no credentials: set FAL_KEY") == true)
    #expect(error.operation == "run" && error.endpoint == "me/app")
  }

  @Test func keyNeverAppearsInErrors() async throws {
    let key = "sk-live-0123456789:topsecret"
    let script = Script([Reply(status: 200)])
    let outcome = try await ScriptedServer.with(script) { port in
      try await performRun(port: port, path: "me/echo-key", key: key)
    }
    let error = try #require(failure(outcome))
    #expect(error.status == 401)
    let body = String(decoding: error.body ?? [], as: UTF8.self)
    #expect(body.contains("Invalid credentials: Key <redacted>"))
    for text in [body, error.message ?? "", String(reflecting: error)] {
      #expect(!text.contains("topsecret") && !text.contains(key), "leaked in: \(text)")
    }
  }

  @Test func cancelDuringRetryWaitEndsSilently() async throws {
    let script = Script([Reply(status: 429)])
    let (called, idle, attempts) = try await ScriptedServer.with(script) { port in
      try await onLoopThread { () -> (Bool, Bool, Int) in
        let loop = try EventLoop()
        var config = FalConfig(key: "k")
        config.runURL = "http://127.0.0.1:\(port)"
        let client = FalClient(config: config, loop: loop)
        client.retryPolicy = RetryPolicy(baseDelay: 5)
        var called = false
        var retryScheduled = false
        // The jitter source is asked exactly when a retry gets scheduled.
        client.random = {
          retryScheduled = true
          return 0.5
        }
        let operation = client.perform(
          .run(path: nil), endpoint: try EndpointID(parsing: "me/app"), body: nil, options: .init()
        ) { _ in
          called = true
        }
        let deadline = EventLoop.now() + 10
        while !retryScheduled && EventLoop.now() < deadline { loop.runOnce(timeout: 0.1) }
        operation.cancel()
        return (called, loop.isIdle, operation.attempts)
      }
    }
    #expect(!called)
    #expect(idle)
    #expect(attempts == 1)
  }
}
