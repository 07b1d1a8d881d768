/// Names one transfer started by `EventLoop.send`, for `cancel`.
public struct TransferID: Hashable, Sendable {
  let raw: UInt64
}

/// Names one timer started by `EventLoop.schedule`, for `cancel`.
public struct TimerID: Hashable, Sendable {
  let raw: UInt64
}

/// Names one file descriptor registered with `EventLoop.watch`, for `unwatch`.
public struct WatchID: Hashable, Sendable {
  let raw: UInt64
}
