import Dispatch

/// Runs the servers' async work on a dispatch queue of its own, so a caller that blocks Swift's
/// cooperative pool (a synchronous `start()` from an async test, the CLI's Lua loop) cannot starve
/// the emulator. The queue is serial because serial queues overcommit (get a thread even when
/// every CPU's worker is blocked); concurrent ones waited about a second for a thread in that case.
/// Handlers never block, so one queue is plenty; sockets are served by NIO's own threads.
final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
  private let queue = DispatchQueue(label: "falua.emulator.http")

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
