import Testing
import Transport

@Suite struct EventLoopCancelTimeoutTests {
  @Test func wholeTransferTimeoutFires() async throws {
    try await TestServer.with { port, _ in
      let (outcome, elapsed) = try await onLoopThread {
        () -> (Result<HTTPResponse, TransportError>?, Double) in
        let loop = try EventLoop()
        var outcome: Result<HTTPResponse, TransportError>?
        let start = EventLoop.now()
        loop.send(HTTPRequest(url: "http://127.0.0.1:\(port)/slow?ms=5000", timeout: 0.3)) { outcome = $0 }
        loop.run(until: { outcome != nil })
        return (outcome, EventLoop.now() - start)
      }
      guard case .failure(let error) = try #require(outcome) else {
        Issue.record("expected a timeout")
        return
      }
      #expect(error.kind == .timeout)
      #expect(error.curlCode == 28)
      // About the timeout: curl's timer may fire a few milliseconds before our stopwatch reads 0.3.
      #expect(elapsed >= 0.25 && elapsed < 4)
    }
  }

  @Test func cancelledTransferNeverCompletesAndLeavesTheLoopIdle() async throws {
    try await TestServer.with { port, log in
      let (completed, idleAfterCancel, later) = try await onLoopThread { () -> (Bool, Bool, Int?) in
        let loop = try EventLoop()
        var completed = false
        let id = loop.send(HTTPRequest(url: "http://127.0.0.1:\(port)/slow?ms=1500")) { _ in completed = true
        }
        loop.run(until: { log.slowStarted > 0 })
        loop.cancel(id)
        let idleAfterCancel = loop.isIdle
        // The same loop still works, and the slow reply's time passes without a completion.
        var later: Int?
        loop.send(HTTPRequest(url: "http://127.0.0.1:\(port)/slow?ms=1700")) { later = try? $0.get().status }
        loop.run(until: { later != nil })
        return (completed, idleAfterCancel, later)
      }
      #expect(!completed)
      #expect(idleAfterCancel)
      #expect(later == 200)
    }
  }

  @Test func cancelFromAnotherCompletionStopsThatTransfer() async throws {
    try await TestServer.with { port, _ in
      let (slowCompleted, fastStatus) = try await onLoopThread { () -> (Bool, Int?) in
        let loop = try EventLoop()
        var slowCompleted = false
        var fastStatus: Int?
        let slow = loop.send(HTTPRequest(url: "http://127.0.0.1:\(port)/slow?ms=800")) { _ in
          slowCompleted = true
        }
        loop.send(HTTPRequest(url: "http://127.0.0.1:\(port)/echo")) { outcome in
          fastStatus = try? outcome.get().status
          loop.cancel(slow)
        }
        loop.run(until: { loop.isIdle })
        return (slowCompleted, fastStatus)
      }
      #expect(fastStatus == 200)
      #expect(!slowCompleted)
    }
  }

  @Test func callbacksAreReleasedOnceCompletedOrCancelled() async throws {
    final class Token {}
    try await TestServer.with { port, log in
      let released = try await onLoopThread { () -> [Bool] in
        let loop = try EventLoop()
        weak var completedToken: Token?
        weak var cancelledToken: Token?
        weak var abortedToken: Token?
        var done = false
        do {
          let completed = Token(), cancelled = Token(), aborted = Token()
          (completedToken, cancelledToken, abortedToken) = (completed, cancelled, aborted)
          loop.send(HTTPRequest(url: "http://127.0.0.1:\(port)/echo")) { _ in
            _ = completed
            done = true
          }
          let id = loop.send(HTTPRequest(url: "http://127.0.0.1:\(port)/slow?ms=1000")) { _ in _ = cancelled }
          loop.send(
            HTTPRequest(url: "http://127.0.0.1:\(port)/gated"), onHead: { _, _ in _ = aborted },
            onChunk: { _ in false }, completion: { _ in _ = aborted })
          loop.run(until: { done && log.slowStarted > 0 })
          loop.cancel(id)
          loop.run(until: { loop.isIdle })
        }
        return [completedToken == nil, cancelledToken == nil, abortedToken == nil]
      }
      #expect(released == [true, true, true])
    }
  }
}
