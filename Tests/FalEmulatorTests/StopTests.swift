import FalEmulator
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Stopping an emulator drains it and never crashes the process (issue 9, item 8).
@Suite struct StopTests {
  /// Opens connections to `port` in a tight loop, each sending a request, until `stop` is set.
  final class Hammer: @unchecked Sendable {
    private let port: UInt16
    private let lock = NSLock()
    private var stopping = false
    private let done = DispatchSemaphore(value: 0)
    private let warm = DispatchSemaphore(value: 0)
    private var connections = 0
    private let threads: Int

    init(port: UInt16, threads: Int) {
      self.port = port
      self.threads = threads
    }

    /// Connections made so far.
    var count: Int { lock.withLock { connections } }

    /// Starts the threads; returns once they have made `warmUp` connections between them.
    func start(warmUp: Int) {
      for _ in 0..<threads { spawn(warmUp: warmUp) }
      _ = warm.wait(timeout: .now() + 10)
    }

    private func spawn(warmUp: Int) {
      let thread = Thread { [self] in
        let request = Array("POST /fal-ai/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}".utf8)
        while !lock.withLock({ stopping }) {
          let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
          var address = sockaddr_in()
          address.sin_family = sa_family_t(AF_INET)
          address.sin_port = port.bigEndian
          address.sin_addr.s_addr = inet_addr("127.0.0.1")
          let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
              connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
          }
          guard connected == 0 else {
            // Refused: the listener is closed, the instant that matters is over. (Stopping here
            // also keeps a refused-connect spin from starving the tests running beside this one.)
            close(fd)
            break
          }
          if lock.withLock({ connections += 1; return connections == warmUp }) { warm.signal() }
          _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
          close(fd)
        }
        done.signal()
      }
      thread.start()
    }

    /// Stops the threads (once warmed up) and waits for them.
    func finish() {
      lock.withLock { stopping = true }
      for _ in 0..<threads { done.wait() }
    }
  }

  @Test(.timeLimit(.minutes(3))) func stoppingWhileClientsConnectNeverCrashes() throws {
    var connections = 0
    for _ in 0..<25 {
      let emulator = try Emulator(options: EmulatorOptions())
      try emulator.start()
      let port = try #require(UInt16(emulator.runURL.split(separator: ":").last ?? ""))
      let queuePort = try #require(UInt16(emulator.queueURL.split(separator: ":").last ?? ""))
      let hammer = Hammer(port: port, threads: 2)
      let queueHammer = Hammer(port: queuePort, threads: 2)
      queueHammer.start(warmUp: 20)
      // Stop while connections are arriving as fast as four threads can open them.
      hammer.start(warmUp: 50)
      emulator.stop()
      hammer.finish()
      queueHammer.finish()
      connections += hammer.count + queueHammer.count
    }
    // The process is still here; and clients did reach the servers while they stopped.
    #expect(connections > 0)
  }

  @Test func stoppingFailsQueuedRequestsAndCancelsRunningOnes() async throws {
    let harness = try Harness { $0.runners = 1 }
    let running = try await harness.submitID("fal-ai/echo", ["sleep": 30])
    try await harness.waitUntilRunning("fal-ai/echo", running)
    // A direct run waits in the queue behind it; stopping answers it before the server goes.
    async let queued = harness.run("fal-ai/echo", ["x": 1])
    while (try await harness.stats()["in_queue"] as? Int ?? 0) < 1 {
      try await Task.sleep(nanoseconds: 5_000_000)
    }
    harness.emulator.stop()
    let reply = try await queued
    #expect(reply.status == 503)
    #expect(reply.object["error_type"] as? String == "runner_scheduling_failure")
  }
}
