import Foundation

// The runner thread produces, the HTTP response task consumes. At most `capacity` events wait
// unsent: `emit` blocks the runner beyond that, so a slow client slows the app (through TCP and the
// response writer) instead of filling the emulator's memory.
/// The events of one `POST .../stream` request, from `ctx.emit` to the response body.
final class StreamChannel: @unchecked Sendable {
  /// What the response reads next.
  enum Item {
    case event(Data)
    case end(Outcome)
  }

  /// Channels of the requests being streamed, by request id (ids are UUIDs, unique per process).
  static let open = Registry()

  /// Events allowed to wait unsent.
  static let capacity = 256

  private let lock = NSLock()
  private var items: [Item] = []
  private var waiter: CheckedContinuation<[Item], Never>?
  private var isAbandoned = false
  /// Guards `unsent` and `isClosed`; the runner waits on it for room.
  private let room = NSCondition()
  private var unsent = 0
  private var isClosed = false

  /// Runner thread: queues an event, waiting while `capacity` are unsent. False once the client left.
  func emit(_ json: Data) -> Bool {
    room.lock()
    while unsent >= Self.capacity && !isClosed { room.wait() }
    let accepted = !isClosed
    if accepted { unsent += 1 }
    room.unlock()
    if accepted { put(.event(json)) }
    return accepted
  }

  /// The request ended; nothing is emitted after this.
  func finish(_ outcome: Outcome) { put(.end(outcome)) }

  /// Response task: `count` events were written, so the runner may queue as many more.
  func sent(_ count: Int) {
    room.lock()
    unsent -= count
    room.broadcast()
    room.unlock()
  }

  /// The client went away: a waiting or later `emit` returns false at once.
  func close() {
    room.lock()
    isClosed = true
    room.broadcast()
    room.unlock()
  }

  // Everything queued at once, so a fast app costs one socket write per batch, not per event. A
  // cancelled response task (the server stopping) gets `.cancelled` and the runner is released.
  /// Response task: every queued item, waiting for the runner if none is queued.
  func next() async -> [Item] {
    await withTaskCancellationHandler {
      await withCheckedContinuation { continuation in
        lock.lock()
        if isAbandoned {
          lock.unlock()
          continuation.resume(returning: [.end(.cancelled)])
        } else if items.isEmpty {
          waiter = continuation
          lock.unlock()
        } else {
          let batch = items
          items.removeAll(keepingCapacity: true)
          lock.unlock()
          continuation.resume(returning: batch)
        }
      }
    } onCancel: {
      abandon()
    }
  }

  /// The response task was cancelled: release the runner and the waiting reader.
  private func abandon() {
    lock.lock()
    isAbandoned = true
    let waiting = waiter
    waiter = nil
    lock.unlock()
    close()
    waiting?.resume(returning: [.end(.cancelled)])
  }

  private func put(_ item: Item) {
    lock.lock()
    if let waiter {
      self.waiter = nil
      lock.unlock()
      waiter.resume(returning: [item])
    } else {
      items.append(item)
      lock.unlock()
    }
  }

  /// Request id -> channel, for the runner to find where `ctx.emit` goes.
  final class Registry: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [String: StreamChannel] = [:]

    func add(_ channel: StreamChannel, for id: String) { lock.withLock { channels[id] = channel } }
    func remove(_ id: String) { lock.withLock { channels[id] = nil } }
    func channel(for id: String) -> StreamChannel? { lock.withLock { channels[id] } }
  }
}
