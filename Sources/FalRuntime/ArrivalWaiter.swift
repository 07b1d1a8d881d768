import FalClient
import LuaKit
import Transport

/// One task waiting for something to arrive (a stream event, a socket message), with an optional
/// timeout: the waiting half shared by the stream and realtime buffers.
final class ArrivalWaiter {
  private let core: Core
  private var pending: (op: Int, timer: TimerID?)?

  init(core: Core) { self.core = core }

  /// Starts the wait and returns its operation id. `ready`: something is there already, so it
  /// completes at once. After `timeout` seconds it fails with `timeoutError()`; `onCancel` runs when
  /// the waiting task is cancelled.
  func begin(
    ready: Bool, timeout: Double?, onCancel: @escaping () -> Void, timeoutError: @escaping () -> FalError
  ) -> Int {
    let op = core.begin { [weak self] in
      self?.drop()
      onCancel()
    }
    pending = (op, nil)
    if ready {
      wake()
    } else if let timeout {
      pending?.timer = core.loop.schedule(after: timeout) { [weak self] in
        guard let self, let pending = self.pending else { return }
        self.pending = nil
        core.complete(pending.op, .failure(timeoutError()))
      }
    }
    return op
  }

  /// Completes the wait: the task wakes and reads what arrived.
  func wake() {
    guard let pending else { return }
    drop()
    core.complete(pending.op, .custom { lua in
      lua.push(true)
      lua.rawSet(field: "ok", in: -2)
    })
  }

  /// Aborts the wait; the waiting task is not resumed by it.
  func cancel() {
    if let pending { core.cancel(pending.op) }
    drop()
  }

  private func drop() {
    if let timer = pending?.timer { core.loop.cancel(timer) }
    pending = nil
  }
}
