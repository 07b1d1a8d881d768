import FalClient
import Foundation
import Transport

// Messages wait here until the Lua side takes them (`next`); a task with nothing to take awaits
// `wait`, which completes when a message or the ending arrives, or fails after its timeout.
/// One `fal.realtime` connection as the runtime sees it.
final class RealtimeConnection {
  /// What the consumer takes next.
  enum Item {
    case message(WebSocketMessage)
    case ended(WebSocketEnd)
  }

  private let core: Core
  private let endpoint: String
  private var socket: WebSocket?
  private var messages: [WebSocketMessage] = []
  private var consumed = 0
  private var ending: WebSocketEnd?
  private lazy var waiter = ArrivalWaiter(core: core)

  init(core: Core, endpoint: String) {
    self.core = core
    self.endpoint = endpoint
  }

  /// Connects; the returned operation completes `{ok = true}` once open, or with the error.
  func open(url: String, headers: HTTPHeaders, timeout: Double) -> Int {
    let op = core.begin { [weak self] in self?.close() }
    WebSocket.connect(loop: core.loop, url: url, headers: headers, timeout: timeout) { [weak self] result in
      guard let self else { return }
      switch result {
      case .success(let socket):
        // Closed while connecting (its task was cancelled): nobody will read this connection.
        guard ending == nil else { return socket.close() }
        self.socket = socket
        socket.onMessage = { [weak self] message in self?.receive(message) }
        socket.onEnd = { [weak self] end in self?.finish(end) }
        core.complete(op, .custom { lua in
          lua.push(true)
          lua.rawSet(field: "ok", in: -2)
        })
      case .failure(let error):
        ending = .failed(error.description)
        core.complete(op, .failure(connectError(error)))
      }
    }
    return op
  }

  private func connectError(_ error: WebSocketConnectError) -> FalError {
    switch error {
    case .rejected(let status, let headers, let body):
      return FalError(
        kind: status == 422 ? .validation : .http, message: "realtime connection refused",
        status: status, requestID: headers["x-fal-request-id"], body: body, endpoint: endpoint)
    case .transport(let transport):
      return FalError(kind: transport.kind == .timeout ? .timeout : .network, message: transport.description, endpoint: endpoint)
    case .handshake(let message):
      return FalError(kind: .realtime, message: message, endpoint: endpoint)
    }
  }

  /// The next message or the ending; nil while nothing has arrived.
  func next() -> Item? {
    if consumed < messages.count {
      let message = messages[consumed]
      consumed += 1
      if consumed == messages.count || consumed > 1024 {
        messages.removeFirst(consumed)
        consumed = 0
      }
      return .message(message)
    }
    return ending.map { .ended($0) }
  }

  /// An operation that completes when something arrives, or fails after `timeout` seconds.
  func wait(timeout: Double?, operation: String) -> Int {
    waiter.begin(
      ready: consumed < messages.count || ending != nil, timeout: timeout,
      // A cancelled task closes its connection.
      onCancel: { [weak self] in self?.close() },
      timeoutError: { [endpoint] in
        FalError(
          kind: .timeout, message: "no message for \(String(format: "%g", timeout ?? 0)) s", endpoint: endpoint,
          operation: operation)
      })
  }

  /// Sends a text or binary message; false once the connection is not open.
  func send(_ message: WebSocketMessage) -> Bool {
    guard let socket, socket.isOpen else { return false }
    switch message {
    case .text(let text): socket.send(text: text)
    case .binary(let bytes): socket.send(binary: bytes)
    }
    return true
  }

  /// Starts the close handshake (a no-op once closed); messages already received stay readable.
  func close() {
    socket?.close()
    if ending == nil { ending = .closed(code: 1000, reason: "") }
    wake()
  }

  private func receive(_ message: WebSocketMessage) {
    messages.append(message)
    wake()
  }

  private func finish(_ end: WebSocketEnd) {
    socket = nil
    if ending == nil { ending = end }
    wake()
  }

  private func wake() { waiter.wake() }
}
