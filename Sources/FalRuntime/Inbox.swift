import FalClient
import Transport

// Shared by stream sessions and realtime connections: the source appends as things arrive inside
// loop turns, the Lua consumer takes them with `next`, and when there is nothing to take its task
// awaits `wait`, an operation that completes on the next arrival or fails after a timeout. A wait
// that ends early leaves its timer running for the next one (a `recv(10)` loop keeps one timer,
// not a schedule and a cancel per message); when it fires too early for the current wait's
// deadline it is set again.
/// What arrived and waits for the Lua consumer, then how the source ended; at most one task waits.
final class Inbox<Element, Ending> {
  /// What the consumer takes next.
  enum Item {
    case element(Element)
    case ended(Ending)
  }

  private let core: Core
  private var elements: [Element] = []
  private var consumed = 0
  /// How the source ended, once it did.
  private(set) var ending: Ending?
  private var pending: (op: Int, deadline: Double?, timeoutError: () -> FalError)?
  private var timer: (id: TimerID, due: Double)?

  init(core: Core) { self.core = core }

  deinit { if let timer { core.loop.cancel(timer.id) } }

  /// Elements waiting to be taken.
  var count: Int { elements.count - consumed }

  /// Adds what arrived and wakes the waiting task.
  func append(contentsOf new: some Sequence<Element>) {
    elements.append(contentsOf: new)
    wake()
  }

  /// Records the ending (the first one counts) and wakes the waiting task.
  func end(_ ending: Ending) {
    if self.ending == nil { self.ending = ending }
    wake()
  }

  /// The next element, else the ending, else nil.
  func next() -> Item? {
    guard consumed < elements.count else { return ending.map { .ended($0) } }
    let element = elements[consumed]
    consumed += 1
    // Drop taken elements in batches, so taking one is O(1) amortised.
    if consumed == elements.count || consumed > 1024 {
      elements.removeFirst(consumed)
      consumed = 0
    }
    return .element(element)
  }

  /// Forgets what is waiting (a closed source).
  func removeAll() {
    elements.removeAll()
    consumed = 0
  }

  /// Starts a wait and returns its operation id. It completes at once when something is there
  /// or `ready`, else on the next arrival; after `timeout` seconds it fails with `timeoutError()`.
  /// `onCancel` runs when the waiting task is cancelled.
  func wait(
    ready: Bool = false, timeout: Double?, onCancel: @escaping () -> Void = {},
    timeoutError: @escaping () -> FalError
  ) -> Int {
    let op = core.begin { [weak self] in
      self?.pending = nil
      onCancel()
    }
    if ready || count > 0 || ending != nil {
      pending = (op, nil, timeoutError)
      wake()
      return op
    }
    let deadline = timeout.map { EventLoop.now() + $0 }
    pending = (op, deadline, timeoutError)
    if let deadline, (timer?.due ?? .infinity) > deadline { setTimer(due: deadline) }
    return op
  }

  /// Completes the waiting task's wait, if any: it wakes and reads what arrived.
  func wake() {
    guard let pending else { return }
    self.pending = nil
    core.complete(pending.op, .done)
  }

  /// Aborts the wait; the waiting task is not resumed by it.
  func cancelWait() {
    if let pending { core.cancel(pending.op) }
    pending = nil
  }

  private func setTimer(due: Double) {
    if let timer { core.loop.cancel(timer.id) }
    let id = core.loop.schedule(after: due - EventLoop.now()) { [weak self] in self?.timerFired() }
    timer = (id, due)
  }

  private func timerFired() {
    timer = nil
    guard let pending, let deadline = pending.deadline else { return }
    if deadline > EventLoop.now() { return setTimer(due: deadline) }
    self.pending = nil
    core.complete(pending.op, .failure(pending.timeoutError()))
  }
}
