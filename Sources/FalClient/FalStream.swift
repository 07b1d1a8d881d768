import Transport

// No retries: once events have been delivered a second attempt would replay them. The transfer
// is driven by the loop; this object keeps the parser and turns the reply into events or a
// `FalError`, and lets the consumer pause the transfer when it falls behind.
/// One server-sent-event call in progress (`FalClient.openStream`).
public final class FalStream {
  /// What the consumer hears, always from inside a loop turn.
  public struct Handlers {
    /// The reply is a 2xx event stream; `requestID` is its `x-fal-request-id`.
    public var onOpen: (_ requestID: String?) -> Void
    /// Events parsed from one chunk, in order.
    public var onEvents: ([SSEEvent]) -> Void
    /// The stream ended: cleanly, or with the error that ended it. Called once, never after `cancel`.
    public var onEnd: (FalError?) -> Void

    /// Handlers for each stage.
    public init(
      onOpen: @escaping (String?) -> Void, onEvents: @escaping ([SSEEvent]) -> Void,
      onEnd: @escaping (FalError?) -> Void
    ) {
      self.onOpen = onOpen
      self.onEvents = onEvents
      self.onEnd = onEnd
    }
  }

  /// Error bodies are read whole, up to this size (a `detail` is never near it).
  static let maxErrorBody = 1 << 20

  private weak var loop: EventLoop?
  let context: FalOperation.Context
  private var handlers: Handlers?
  private var transfer: TransferID?
  private var parser = SSEParser()
  private var status = 0
  private var headers = HTTPHeaders()
  private var errorBody: [UInt8] = []
  private var isOpen = false

  init(loop: EventLoop, context: FalOperation.Context, handlers: Handlers) {
    self.loop = loop
    self.context = context
    self.handlers = handlers
    parser.maxEventBytes = context.limits.maxEventBytes
  }

  /// True once the stream ended or was cancelled.
  public var isFinished: Bool { handlers == nil }

  /// Aborts the transfer; no handler runs afterwards.
  public func cancel() {
    if let transfer { loop?.cancel(transfer) }
    transfer = nil
    handlers = nil
  }

  /// Stops reading from the socket until `resume` (the server is slowed by TCP flow control).
  public func pause() {
    if let transfer { loop?.pause(transfer) }
  }

  /// Reads again after `pause`; held-back events may be delivered before this returns.
  public func resume() {
    if let transfer { loop?.resume(transfer) }
  }

  func start(_ request: HTTPRequest) {
    guard let loop else { return }
    transfer = loop.send(
      request,
      onHead: { [self] status, headers in
        self.status = status
        self.headers = headers
        if (200..<300).contains(status) { open() }
      },
      onChunk: { [self] bytes in receive(bytes) },
      completion: { [self] outcome in
        transfer = nil
        finish(outcome)
      })
  }

  /// Reports an error found before any I/O, from the next loop turn.
  func fail(_ error: FalError) {
    guard let loop else { return }
    _ = loop.schedule(after: 0) { [self] in end(error) }
  }

  private func open() {
    guard !isOpen, handlers != nil else { return }
    let contentType = headers["content-type"] ?? ""
    guard contentType.lowercased().hasPrefix("text/event-stream") else {
      let shown = contentType.isEmpty ? "none" : contentType
      end(error(.http, "expected a text/event-stream reply, got Content-Type \(shown)", status: status))
      return
    }
    isOpen = true
    handlers?.onOpen(headers["x-fal-request-id"])
  }

  private func receive(_ bytes: [UInt8]) -> Bool {
    guard handlers != nil else { return false }
    guard (200..<300).contains(status) else {
      errorBody.append(contentsOf: bytes.prefix(Self.maxErrorBody - errorBody.count))
      return true
    }
    let events = parser.feed(bytes)
    if !events.isEmpty { handlers?.onEvents(events) }
    if parser.exceededLimit, let limit = parser.maxEventBytes {
      end(error(.limit, Limits.exceeded("server-sent event", limit: limit, option: "max_event_bytes")))
      return false
    }
    return handlers != nil
  }

  private func finish(_ outcome: Result<HTTPResponse, TransportError>) {
    switch outcome {
    case .failure(let failure):
      var error = FalError(
        transport: failure, retryable: false, endpoint: context.endpoint, operation: context.operation)
      if isOpen, error.kind == .network, let message = error.message { error.message = "the stream broke: \(message)" }
      end(error)
    case .success(let reply) where !(200..<300).contains(reply.status):
      var full = reply
      full.body = errorBody
      end(FalError(reply: full, retryable: false, endpoint: context.endpoint, operation: context.operation))
    case .success:
      open()
      guard handlers != nil else { return }
      end(parser.isMidEvent ? error(.network, "stream ended in the middle of an event") : nil)
    }
  }

  private func error(_ kind: FalError.Kind, _ message: String, status: Int? = nil) -> FalError {
    FalError(
      kind: kind, message: message, status: status, requestID: headers["x-fal-request-id"],
      endpoint: context.endpoint, operation: context.operation)
  }

  private func end(_ error: FalError?) {
    guard let handlers else { return }
    if let transfer { loop?.cancel(transfer) }
    transfer = nil
    self.handlers = nil
    handlers.onEnd(error?.redacting(context.key))
  }
}
