import CTransport
import Foundation

// Raw sockets rather than an HTTP framework: the point is to send what no framework would (a body
// cut short, a 200 KB header, a reply that never comes), so every byte is written by hand.
/// A loopback HTTP/1.1 server whose replies misbehave, chosen by the first path segment.
final class MisbehavingServer: @unchecked Sendable {
  let port: Int
  private let listener: Int32
  private let lock = NSLock()
  private var connections: [Int32] = []
  private var stopped = false
  /// Every request head received, for tests that check what reached the server.
  private(set) var heads: [String] = []

  init() throws {
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.listener = listener
    var one: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(listener, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    self.port = Int(UInt16(bigEndian: address.sin_port))
    Thread.detachNewThread { [self] in acceptLoop() }
  }

  var url: String { "http://127.0.0.1:\(port)" }

  /// Closes the listener and every connection (the hanging ones too).
  func stop() {
    lock.lock()
    stopped = true
    let open = connections
    connections = []
    lock.unlock()
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
    for fd in open {
      shutdown(fd, Int32(SHUT_RDWR))
      close(fd)
    }
  }

  private func acceptLoop() {
    while true {
      let fd = accept(listener, nil, nil)
      if fd < 0 { return }
      lock.lock()
      if stopped {
        lock.unlock()
        close(fd)
        return
      }
      connections.append(fd)
      lock.unlock()
      Thread.detachNewThread { [self] in serve(fd) }
    }
  }

  private func serve(_ fd: Int32) {
    var data = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while !data.containsHeadEnd {
      let n = read(fd, &buffer, buffer.count)
      if n <= 0 { return }
      data += buffer[0..<n]
    }
    let head = String(decoding: data, as: UTF8.self)
    lock.lock()
    heads.append(head)
    lock.unlock()
    let requestLine = head.split(separator: "\r\n").first.map(String.init) ?? ""
    let parts = requestLine.split(separator: " ")
    let method = parts.first.map(String.init) ?? ""
    let path = parts.count > 1 ? String(parts[1]) : "/"
    if path.hasPrefix("/endless/") { return endless(fd) }
    guard let reply = Self.reply(method: method, path: path, head: head) else { return }  // hang: hold it open
    var bytes = reply
    bytes.withUnsafeMutableBytes { raw in
      var offset = 0
      while offset < raw.count {
        let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
        if n <= 0 { break }
        offset += n
      }
    }
    // A WebSocket stays open after its frames, as a server would while the rest comes.
    if path.hasPrefix("/bigws/") { return }
    lock.lock()
    let open = connections.contains(fd)
    connections.removeAll { $0 == fd }
    lock.unlock()
    if open {
      shutdown(fd, Int32(SHUT_RDWR))
      close(fd)
    }
  }

  /// A 200 without a length whose body never ends, until the client hangs up.
  private func endless(_ fd: Int32) {
    var bytes = Array("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
    let chunk = [UInt8](repeating: 0x78, count: 65536)
    while bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) > 0 { bytes = chunk }
  }

  static func response(
    _ status: Int, _ reason: String = "OK", type: String? = "application/json", headers: [String] = [],
    body: String, length: Int? = nil
  ) -> [UInt8] {
    var lines = ["HTTP/1.1 \(status) \(reason)", "Connection: close"]
    if let type { lines.append("Content-Type: \(type)") }
    lines.append("Content-Length: \(length ?? body.utf8.count)")
    lines += headers
    return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
  }

  /// The reply for a request; nil means never answer.
  static func reply(method: String, path: String, head: String) -> [UInt8]? {
    let segments = path.split(separator: "?")[0].split(separator: "/").map(String.init)
    let behaviour = segments.first ?? ""
    let key = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("authorization:") }
      .map { String($0.dropFirst("authorization: key ".count)) } ?? ""
    let isStatus = segments.last == "status", isCancel = segments.last == "cancel"
    switch behaviour {
    case "hang":
      return nil
    case "truncated":
      return response(200, body: #"{"images": [{"url": "#, length: 500)
    case "badjson":
      return response(200, body: #"{"images": [1, 2"#)
    case "html":
      return response(500, "Internal Server Error", type: "text/html", body: "<html><body><h1>500 Internal Server Error</h1></body></html>")
    case "text":
      return response(200, type: "text/plain", body: "all good")
    case "bigheader":
      return response(200, headers: ["X-Big: " + String(repeating: "a", count: 300_000)], body: "{}")
    case "deep":
      return response(200, body: String(repeating: "[", count: 2000) + String(repeating: "]", count: 2000))
    case "huge":
      return response(200, body: "\"" + String(repeating: "x", count: 100_000) + "\"")
    case "busy":
      return response(429, "Too Many Requests", body: #"{"detail": "slow down"}"#)
    case "echo":
      // A server that quotes the key back everywhere it can: detail, field errors, a header.
      let escaped = key.replacingOccurrences(of: "\"", with: "\\\"")
      return response(
        422, "Unprocessable Entity", headers: ["X-Echo: \(key)", "x-fal-request-id: req-\(key)"],
        body: #"{"detail": [{"loc": ["body", "\#(escaped)"], "msg": "bad key \#(escaped)", "type": "value_error"}], "echo": {"auth": "\#(escaped)"}}"#)
    case "echo401":
      return response(401, "Unauthorized", body: #"{"detail": "invalid key \#(key)"}"#)
    case "redirect":
      return response(302, "Found", headers: ["Location: \(path)"], body: "")
    case "redirectfile":
      return response(302, "Found", headers: ["Location: file:///etc/hostname"], body: "")
    case "status":
      // An unknown status code with no reason phrase, and a body that is not JSON.
      return Array("HTTP/1.1 299 \r\nConnection: close\r\nContent-Length: 2\r\n\r\nok".utf8)
    case "pending", "nocancel":
      // A queue whose request never completes; `nocancel` never answers a cancel.
      if isCancel { return behaviour == "nocancel" ? nil : response(202, body: #"{"status": "CANCELLATION_REQUESTED"}"#) }
      if isStatus { return response(200, body: #"{"status": "IN_PROGRESS", "queue_position": 0}"#) }
      if method == "POST" {
        let id = "req-\(behaviour)-\(UInt32.random(in: 0...UInt32.max))"
        return response(200, body: #"{"request_id": "\#(id)", "status": "IN_QUEUE"}"#)
      }
      return response(200, body: #"{"status": "IN_PROGRESS"}"#)
    case "already":
      if isCancel { return response(400, "Bad Request", body: #"{"status": "ALREADY_COMPLETED"}"#) }
      return response(200, body: #"{"request_id": "req-done", "status": "IN_QUEUE"}"#)
    case "bigerror":
      return response(500, "Internal Server Error", type: "text/plain", body: String(repeating: "e", count: 100_000))
    case "bigws":
      // The upgrade, then a binary frame announcing 100 MiB (over the 64 MiB default) and only
      // its first bytes: a client that believes the header allocates 100 MiB and waits.
      let key = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-key:") }
        .map { $0.dropFirst("sec-websocket-key:".count).trimmingCharacters(in: .whitespaces) } ?? ""
      var accept = [CChar](repeating: 0, count: 29)
      falua_ws_expected_accept(key, &accept)
      let upgrade = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: \(String(cString: accept))\r\n\r\n"
      let length = UInt64(100 << 20)
      return Array(upgrade.utf8) + [0x82, 127] + (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> ($0 * 8)) }
        + [UInt8](repeating: 0x61, count: 1024)
    case "sse":
      return response(200, type: "text/event-stream", body: "data: " + String(repeating: "y", count: 5000) + "\n\n")
    default:
      // Anything else quotes the key back too: the leak test points every URL here.
      return reply(method: method, path: "/echo" + path, head: head)
    }
  }
}

extension Array where Element == UInt8 {
  fileprivate var containsHeadEnd: Bool {
    guard count >= 4 else { return false }
    for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 {
      return true
    }
    return false
  }
}
