extension EventLoop {
  struct Watch {
    let fd: Int32
    let events: WatchEvents
    let handler: (WatchEvents) -> Void
  }

  /// Polls `fd` for `events` alongside curl's sockets; `handler` runs inside `runOnce` when it is ready.
  public func watch(fd: Int32, events: WatchEvents, handler: @escaping (WatchEvents) -> Void) -> WatchID {
    let id = WatchID(raw: makeID())
    watches[id] = Watch(fd: fd, events: events, handler: handler)
    return id
  }

  /// Stops polling a watched fd (the fd itself stays open).
  public func unwatch(_ id: WatchID) {
    watches[id] = nil
  }
}
