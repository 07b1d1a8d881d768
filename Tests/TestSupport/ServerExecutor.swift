import Foundation

/// Runs the test servers' tasks on a thread of their own, so a busy cooperative pool cannot starve them.
public final class ServerExecutor: TaskExecutor, @unchecked Sendable {
  /// The one executor every test server shares.
  public static let shared = ServerExecutor()

  // Guarded by `condition`.
  private var jobs: [UnownedJob] = []
  private let condition = NSCondition()

  private init() {
    Thread { self.drain() }.start()
  }

  public func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.lock()
    jobs.append(job)
    condition.signal()
    condition.unlock()
  }

  private func drain() {
    while true {
      condition.lock()
      while jobs.isEmpty { condition.wait() }
      let job = jobs.removeFirst()
      condition.unlock()
      job.runSynchronously(on: asUnownedTaskExecutor())
    }
  }
}
