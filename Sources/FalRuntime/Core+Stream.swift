import FalClient
import Foundation
import Transport

// Events wait here until the Lua consumer takes them. Past `highWater` waiting events the
// transfer is paused (the socket's bytes stay in the kernel and TCP slows the server down); it
// resumes once the consumer is back under `lowWater`. So a slow consumer costs bounded memory.
/// One `fal.stream` or status stream as the runtime sees it: buffered events, back-pressure, and
/// at most one waiting Lua task.
final class StreamSession {
  /// What the consumer takes next.
  enum Item {
    case event(SSEEvent)
    case end
    case failure(FalError)
  }

  static let highWater = 64
  static let lowWater = 16

  /// `x-fal-request-id` of the reply, once it opened.
  private(set) var requestID: String?
  private(set) var isOpen = false
  /// Times the transfer was paused because the consumer fell behind.
  private(set) var pauses = 0
  /// The most events ever waiting at once.
  private(set) var maxBuffered = 0

  private let core: Core
  private var stream: FalStream?
  private var events: [SSEEvent] = []
  private var consumed = 0
  private var ending: FalError??
  private var isPaused = false
  private lazy var waiter = ArrivalWaiter(core: core)

  init(core: Core) { self.core = core }

  /// Starts `call`; events buffer until `next` takes them.
  func start(_ call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions) {
    let handlers = FalStream.Handlers(
      onOpen: { [weak self] requestID in
        self?.isOpen = true
        self?.requestID = requestID
        self?.wake()
      },
      onEvents: { [weak self] events in self?.receive(events) },
      onEnd: { [weak self] error in
        self?.ending = .some(error)
        self?.stream = nil
        self?.wake()
      })
    stream = core.client.openStream(call, endpoint: endpoint, body: body, options: options, handlers: handlers)
  }

  /// How the reply began: open (with its request id), failed before opening, or not known yet.
  enum Head {
    case open(requestID: String?)
    case failed(FalError)
  }

  /// The reply's beginning, nil while it has not arrived.
  func head() -> Head? {
    if isOpen {
      openReported = true
      return .open(requestID: requestID)
    }
    switch ending {
    case .some(.some(let error)): return .failed(error)
    case .some(.none): return .failed(FalError(kind: .network, message: "the stream closed before it opened"))
    case .none: return nil
    }
  }

  /// The next event or the ending, nil when nothing has arrived yet.
  func next() -> Item? {
    if consumed < events.count {
      let event = events[consumed]
      consumed += 1
      if consumed == events.count || consumed > 1024 {
        events.removeFirst(consumed)
        consumed = 0
      }
      if isPaused, events.count - consumed <= Self.lowWater {
        isPaused = false
        stream?.resume()
      }
      return .event(event)
    }
    switch ending {
    case .some(.some(let error)): return .failure(error)
    case .some(.none): return .end
    case .none: return nil
    }
  }

  /// An operation that completes when something arrives, or fails after `timeout` seconds.
  func wait(timeout: Double?, endpoint: String, operation: String) -> Int {
    waiter.begin(
      ready: consumed < events.count || ending != nil || isOpen && !openReported, timeout: timeout,
      onCancel: {},
      timeoutError: { [requestID] in
        FalError(
          kind: .timeout, message: "no event for \(String(format: "%g", timeout ?? 0)) s", requestID: requestID,
          endpoint: endpoint, operation: operation)
      })
  }

  /// `head` reported the opening, so `wait` now waits for events only.
  private var openReported = false

  /// Aborts the transfer and any waiting task.
  func close() {
    stream?.cancel()
    stream = nil
    if ending == nil { ending = .some(nil) }
    events.removeAll()
    consumed = 0
    waiter.cancel()
  }

  private func receive(_ new: [SSEEvent]) {
    events.append(contentsOf: new)
    let waiting = events.count - consumed
    maxBuffered = max(maxBuffered, waiting)
    if waiting > Self.highWater, !isPaused, let stream {
      isPaused = true
      pauses += 1
      stream.pause()
    }
    wake()
  }

  private func wake() { waiter.wake() }
}

