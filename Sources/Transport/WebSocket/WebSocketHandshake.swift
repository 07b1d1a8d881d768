import CTransport

// RFC 6455 §4.1: the client's upgrade request and the checks on the server's answer.
/// The opening handshake of one client connection.
struct WebSocketHandshake {
  /// Where curl connects (`http(s)://authority/`).
  let connectURL: String
  /// The request bytes to write once connected.
  let request: [UInt8]
  private let expectedAccept: String

  /// Builds the handshake for a `ws://` or `wss://` URL; throws when the URL or a header is unusable.
  init(url: String, headers: HTTPHeaders) throws(WebSocketConnectError) {
    let lower = url.lowercased()
    let scheme: String
    if lower.hasPrefix("ws://") { scheme = "http" } else if lower.hasPrefix("wss://") { scheme = "https" } else {
      throw .handshake("URL must start with ws:// or wss://")
    }
    let rest = url.drop(while: { $0 != ":" }).dropFirst(3)
    let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
    var authority = String(rest[..<authorityEnd])
    if let at = authority.lastIndex(of: "@") { authority = String(authority[authority.index(after: at)...]) }
    guard !authority.isEmpty else { throw .handshake("URL has no host") }
    var target = String(rest[authorityEnd...].prefix(while: { $0 != "#" }))
    if !target.hasPrefix("/") { target = "/" + target }
    for (name, value) in headers where Self.breaksLine(name) || Self.breaksLine(value) {
      throw .handshake("header \(name) contains a line break")
    }
    if Self.breaksLine(target) || target.utf8.contains(UInt8(ascii: " ")) {
      throw .handshake("URL path contains a space or line break")
    }

    var key = [CChar](repeating: 0, count: 25)
    guard falua_ws_make_key(&key) == 0 else { throw .handshake("no randomness for Sec-WebSocket-Key") }
    var accept = [CChar](repeating: 0, count: 29)
    falua_ws_expected_accept(key, &accept)
    let keyText = String(cString: key)
    expectedAccept = String(cString: accept)
    connectURL = "\(scheme)://\(authority)/"

    var lines = [
      "GET \(target) HTTP/1.1", "Host: \(authority)", "Upgrade: websocket", "Connection: Upgrade",
      "Sec-WebSocket-Key: \(keyText)", "Sec-WebSocket-Version: 13",
    ]
    for (name, value) in headers { lines.append("\(name): \(value)") }
    request = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
  }

  // Bytes, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
  private static func breaksLine(_ text: String) -> Bool {
    text.utf8.contains { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
  }

  /// Checks the server's head (everything before the blank line).
  func check(head: [UInt8], extra: [UInt8]) throws(WebSocketConnectError) {
    var parser = ResponseHeadParser()
    for line in String(decoding: head, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false) {
      _ = parser.consume(line + "\r\n")
    }
    guard parser.status == 101 else {
      throw .rejected(status: parser.status, headers: parser.headers, body: extra)
    }
    guard parser.headers["upgrade"]?.lowercased() == "websocket" else {
      throw .handshake("101 response without Upgrade: websocket")
    }
    guard parser.headers["connection"]?.lowercased().contains("upgrade") == true else {
      throw .handshake("101 response without Connection: upgrade")
    }
    guard parser.headers["sec-websocket-accept"] == expectedAccept else {
      throw .handshake("Sec-WebSocket-Accept does not match the key")
    }
  }
}
