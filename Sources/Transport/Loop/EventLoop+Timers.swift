extension EventLoop {
  /// Runs `action` inside the first `runOnce` at least `seconds` from now; equal deadlines run in order.
  @discardableResult
  public func schedule(after seconds: Double, _ action: @escaping () -> Void) -> TimerID {
    let id = TimerID(raw: makeID())
    timerActions[id] = action
    timers.insert(.init(deadline: Self.now() + max(0, seconds), id: id))
    return id
  }

  /// Drops a pending timer; a no-op once it ran or was cancelled.
  public func cancel(_ id: TimerID) {
    guard timerActions.removeValue(forKey: id) != nil else { return }
    // Cancelled entries stay in the heap until due; rebuild when they dominate it.
    if timers.count > 64, timers.count > 2 * timerActions.count {
      timers.compact { timerActions[$0] != nil }
    }
  }

  /// The earliest live deadline, dropping cancelled entries from the top.
  func nextTimerDeadline() -> Double? {
    while let first = timers.first {
      if timerActions[first.id] != nil { return first.deadline }
      timers.removeFirst()
    }
    return nil
  }

  /// Runs the timers due now; ones they schedule wait for a later turn even with a zero delay.
  func runDueTimers() {
    let now = Self.now()
    var due: [TimerID] = []
    while let first = timers.first, first.deadline <= now {
      timers.removeFirst()
      due.append(first.id)
    }
    for id in due {
      // Looked up at run time: an earlier action may have cancelled this one.
      timerActions.removeValue(forKey: id)?()
    }
  }
}
