/// One whole WebSocket message (fragments already joined).
public enum WebSocketMessage: Sendable, Equatable {
  /// A text frame's payload.
  case text(String)
  /// A binary frame's payload.
  case binary([UInt8])
}

/// How a WebSocket connection ended.
public enum WebSocketEnd: Sendable, Equatable {
  /// The close handshake happened: the peer's code (1005 when it sent none) and reason.
  case closed(code: Int, reason: String)
  /// The connection broke (or the close handshake timed out).
  case failed(String)
  /// The peer sent a message longer than the limit: the client closed with 1009 without reading it.
  case messageTooLarge(limit: Int)
}

/// Why `WebSocket.connect` failed.
public enum WebSocketConnectError: Error, Sendable, CustomStringConvertible {
  /// No connection: curl's error (refused, TLS, timeout...).
  case transport(TransportError)
  /// The server answered the upgrade with another status; the head and whatever body came with it.
  case rejected(status: Int, headers: HTTPHeaders, body: [UInt8])
  /// The server's answer broke the WebSocket handshake rules (bad accept key, no upgrade...).
  case handshake(String)

  /// A one-line explanation.
  public var description: String {
    switch self {
    case .transport(let error): return error.description
    case .rejected(let status, _, let body):
      let text = String(decoding: body.prefix(300), as: UTF8.self)
      return "WebSocket upgrade refused: HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
    case .handshake(let message): return "WebSocket handshake failed: \(message)"
    }
  }
}
