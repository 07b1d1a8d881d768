import FalClient
import Transport

// Events wait in the inbox until the Lua consumer takes them. Past `highWater` waiting events the
// transfer is paused (the socket's bytes stay in the kernel and TCP slows the server down); it
// resumes once the consumer is back under `lowWater`. So a slow consumer costs bounded memory.
/// One `fal.stream` or status stream as the runtime sees it: buffered events, back-pressure, and
/// at most one waiting Lua task.
final class StreamSession {
  static let highWater = 64
  static let lowWater = 16

  /// `x-fal-request-id` of the reply, once it opened.
  private(set) var requestID: String?
  private(set) var isOpen = false
  /// Times the transfer was paused because the consumer fell behind.
  private(set) var pauses = 0
  /// The most events ever waiting at once.
  private(set) var maxBuffered = 0

  private var stream: FalStream?
  /// Events, then the ending: nil for a clean end, else the error.
  private let inbox: Inbox<SSEEvent, FalError?>
  private var isPaused = false
  /// `head` reported the opening, so `wait` now waits for events only.
  private var openReported = false

  init(core: Core) { inbox = Inbox(core: core) }

  /// Starts `call`; events buffer until `next` takes them.
  func start(_ call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions, client: FalClient) {
    let handlers = FalStream.Handlers(
      onOpen: { [weak self] requestID in
        self?.isOpen = true
        self?.requestID = requestID
        self?.inbox.wake()
      },
      onEvents: { [weak self] events in self?.receive(events) },
      onEnd: { [weak self] error in
        self?.stream = nil
        self?.inbox.end(error)
      })
    stream = client.openStream(call, endpoint: endpoint, body: body, options: options, handlers: handlers)
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
    switch inbox.ending {
    case .some(.some(let error)): return .failed(error)
    case .some(.none): return .failed(FalError(kind: .network, message: "the stream closed before it opened"))
    case .none: return nil
    }
  }

  /// The next event or the ending (nil: clean), nil when nothing has arrived yet.
  func next() -> Inbox<SSEEvent, FalError?>.Item? {
    let item = inbox.next()
    if isPaused, inbox.count <= Self.lowWater {
      isPaused = false
      stream?.resume()
    }
    return item
  }

  /// An operation that completes when something arrives, or fails after `timeout` seconds.
  func wait(timeout: Double?, endpoint: String, operation: String) -> Int {
    inbox.wait(
      ready: isOpen && !openReported, timeout: timeout,
      timeoutError: { [requestID] in
        FalError(
          kind: .timeout, message: "no event for \(String(printf: "%g", timeout ?? 0)) s", requestID: requestID,
          endpoint: endpoint, operation: operation)
      })
  }

  /// Aborts the transfer and any waiting task.
  func close() {
    stream?.cancel()
    stream = nil
    inbox.removeAll()
    inbox.cancelWait()
    inbox.end(nil)
  }

  private func receive(_ events: [SSEEvent]) {
    let waiting = inbox.count + events.count
    maxBuffered = max(maxBuffered, waiting)
    if waiting > Self.highWater, !isPaused, let stream {
      isPaused = true
      pauses += 1
      stream.pause()
    }
    inbox.append(contentsOf: events)
  }
}
