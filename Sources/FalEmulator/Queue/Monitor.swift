import Foundation

/// One mutex and condition variables that all wait on it. NSCondition pairs each condition with
/// its own lock, so the runners of different apps and the sleeping requests could only share the
/// store's state through one condition, and every new request woke every runner thread of every
/// app (five apps of 64 runners: a sequential `run` took 1.8 ms; one woken runner makes it 0.28).
final class Monitor: @unchecked Sendable {
  /// A condition variable of this monitor; wait on it through `Monitor.wait`, lock held.
  final class Condition: @unchecked Sendable {
    fileprivate let variable: UnsafeMutablePointer<pthread_cond_t>

    init() {
      variable = .allocate(capacity: 1)
      pthread_cond_init(variable, nil)
    }

    deinit {
      pthread_cond_destroy(variable)
      variable.deallocate()
    }

    /// Wakes one waiter.
    func signal() { pthread_cond_signal(variable) }

    /// Wakes every waiter.
    func broadcast() { pthread_cond_broadcast(variable) }
  }

  private let mutex: UnsafeMutablePointer<pthread_mutex_t>

  init() {
    mutex = .allocate(capacity: 1)
    pthread_mutex_init(mutex, nil)
  }

  deinit {
    pthread_mutex_destroy(mutex)
    mutex.deallocate()
  }

  func locked<T>(_ body: () -> T) -> T {
    pthread_mutex_lock(mutex)
    defer { pthread_mutex_unlock(mutex) }
    return body()
  }

  /// Releases the lock until `condition` is signalled (callers recheck what they wait for).
  func wait(_ condition: Condition) {
    pthread_cond_wait(condition.variable, mutex)
  }

  /// `wait`, at most until `deadline`.
  func wait(_ condition: Condition, until deadline: Date) {
    let seconds = deadline.timeIntervalSince1970
    var time = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
    pthread_cond_timedwait(condition.variable, mutex, &time)
  }
}
