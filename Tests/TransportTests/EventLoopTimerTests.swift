import Foundation
import Testing
import Transport

@Suite struct EventLoopTimerTests {
  @Test func timersRunInDeadlineOrderAndCancelledOnesNever() async throws {
    let (order, early) = try await onLoopThread { () -> ([String], [String]) in
      let loop = try EventLoop()
      var order: [String] = []
      var early: [String] = []
      let start = EventLoop.now()
      func timer(_ name: String, _ delay: Double) -> TimerID {
        loop.schedule(after: delay) {
          order.append(name)
          if EventLoop.now() - start < delay { early.append(name) }
        }
      }
      _ = timer("c", 0.2)
      _ = timer("b1", 0.1)
      let cancelled = timer("x", 0.05)
      _ = timer("b2", 0.1)
      _ = timer("a", 0)
      loop.cancel(cancelled)
      loop.run(until: { loop.isIdle })
      return (order, early)
    }
    #expect(order == ["a", "b1", "b2", "c"])
    #expect(early.isEmpty)
  }

  @Test func timerScheduledByATimerWaitsForTheNextTurn() async throws {
    let turns = try await onLoopThread { () -> [Int] in
      let loop = try EventLoop()
      var turn = 0
      var turns: [Int] = []
      loop.schedule(after: 0) {
        turns.append(turn)
        loop.schedule(after: 0) { turns.append(turn) }
      }
      while !loop.isIdle {
        turn += 1
        loop.runOnce(timeout: 1)
      }
      return turns
    }
    #expect(turns == [1, 2])
  }

  @Test func cancellingManyTimersKeepsTheLoopCorrect() async throws {
    let fired = try await onLoopThread { () -> [Int] in
      let loop = try EventLoop()
      var fired: [Int] = []
      let ids = (0..<500).map { index in
        loop.schedule(after: 0.01 + Double(index) / 100_000) { fired.append(index) }
      }
      for (index, id) in ids.enumerated() where index % 10 != 0 { loop.cancel(id) }
      loop.run(until: { loop.isIdle })
      return fired
    }
    #expect(fired == Array(stride(from: 0, to: 500, by: 10)))
  }

  @Test func wakeFDWakesABlockedRunOnceAndIsDrained() async throws {
    let (returned, secondWait) = try await onLoopThread { () -> (Bool, Double) in
      let loop = try EventLoop()
      let fd = loop.wakeFD
      Thread {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
      }.start()
      loop.runOnce(timeout: nil)  // idle loop: only the wake byte can end this
      let start = EventLoop.now()
      loop.runOnce(timeout: 0.2)  // returns at once if the byte was left in the pipe
      return (true, EventLoop.now() - start)
    }
    #expect(returned)
    #expect(secondWait >= 0.15)
  }

  @Test func watchedFDReportsReadable() async throws {
    let events = try await onLoopThread { () -> [Int16] in
      let loop = try EventLoop()
      var fds: [Int32] = [0, 0]
      guard pipe(&fds) == 0 else { return [] }
      defer { fds.forEach { close($0) } }
      var events: [Int16] = []
      let id = loop.watch(fd: fds[0], events: .readable) { events.append($0.rawValue) }
      var byte: UInt8 = 7
      _ = write(fds[1], &byte, 1)
      loop.runOnce(timeout: 5)
      loop.unwatch(id)
      loop.runOnce(timeout: 0)
      return events
    }
    #expect(events == [WatchEvents.readable.rawValue])
  }
}
