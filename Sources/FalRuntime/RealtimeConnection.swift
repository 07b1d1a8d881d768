import FalClient
import Transport

// Messages wait in the inbox until the Lua side takes them (`next`); a task with nothing to take
// awaits `wait`, which completes when a message or the ending arrives, or fails after its timeout.
/// One `fal.realtime` connection as the runtime sees it.
final class RealtimeConnection {
  private let core: Core
  private let endpoint: String
  private var socket: WebSocket?
  private let inbox: Inbox<WebSocketMessage, WebSocketEnd>

  init(core: Core, endpoint: String) {
    self.core = core
    self.endpoint = endpoint
    inbox = Inbox(core: core)
  }

  /// Connects (FalClient adds the identity headers); the returned operation completes once open,
  /// or with the error.
  func open(url: String, headers: HTTPHeaders, withKey: Bool, timeout: Double) -> Int {
    let op = core.begin { [weak self] in self?.close() }
    core.client.connectRealtime(url: url, endpoint: endpoint, headers: headers, withKey: withKey, timeout: timeout) {
      [weak self] result in
      guard let self else { return }
      switch result {
      case .success(let socket):
        // Closed while connecting (its task was cancelled): nobody will read this connection.
        guard inbox.ending == nil else { return socket.close() }
        self.socket = socket
        socket.onMessage = { [weak self] message in self?.inbox.append(contentsOf: CollectionOfOne(message)) }
        socket.onEnd = { [weak self] end in
          self?.socket = nil
          self?.inbox.end(end)
        }
        core.complete(op, .done)
      case .failure(let error):
        inbox.end(.failed(error.message ?? "realtime connection failed"))
        core.complete(op, .failure(error))
      }
    }
    return op
  }

  /// The next message or the ending; nil while nothing has arrived.
  func next() -> Inbox<WebSocketMessage, WebSocketEnd>.Item? { inbox.next() }

  /// An operation that completes when something arrives, or fails after `timeout` seconds.
  func wait(timeout: Double?, operation: String) -> Int {
    inbox.wait(
      timeout: timeout,
      // A cancelled task closes its connection.
      onCancel: { [weak self] in self?.close() },
      timeoutError: { [endpoint] in
        FalError(
          kind: .timeout, message: "no message for \(String(printf: "%g", timeout ?? 0)) s", endpoint: endpoint,
          operation: operation)
      })
  }

  /// Sends a binary message, or a text one (invalid UTF-8 repaired); false once the connection is
  /// not open.
  func send(_ data: UnsafeRawBufferPointer, binary: Bool) -> Bool {
    guard let socket, socket.isOpen else { return false }
    if binary { socket.send(data, binary: true) } else { socket.send(text: String(decoding: data, as: UTF8.self)) }
    return true
  }

  /// Starts the close handshake (a no-op once closed); messages already received stay readable.
  func close() {
    socket?.close()
    inbox.end(.closed(code: 1000, reason: ""))
  }
}
