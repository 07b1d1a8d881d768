import FalClient
import Transport

// Shared by stream sessions and realtime connections: the source appends as things arrive inside
// loop turns, the Lua consumer takes them with `next`, and when there is nothing to take its task
// awaits `wait`, an operation that completes on the next arrival or fails after a timeout.
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
  private var pending: (op: Int, timer: TimerID?)?

  init(core: Core) { self.core = core }

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
      self?.dropWait()
      onCancel()
    }
    pending = (op, nil)
    if ready || count > 0 || ending != nil {
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

  /// Completes the waiting task's wait, if any: it wakes and reads what arrived.
  func wake() {
    guard let pending else { return }
    dropWait()
    core.complete(pending.op, .done)
  }

  /// Aborts the wait; the waiting task is not resumed by it.
  func cancelWait() {
    if let pending { core.cancel(pending.op) }
    dropWait()
  }

  private func dropWait() {
    if let timer = pending?.timer { core.loop.cancel(timer) }
    pending = nil
  }
}
