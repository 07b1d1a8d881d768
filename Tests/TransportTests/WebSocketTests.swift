import Foundation
import Testing

@testable import Transport

/// The WebSocket client (libcurl CONNECT_ONLY + our handshake + wslay) against Python's
/// `websockets` server (websocket_server.py next to this file), over ws and over wss with a CA
/// and server certificate made for the test.
@Suite(.serialized) struct WebSocketTests {
  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("websocket_server.py")

  /// A running websocket_server.py; stopped by closing its stdin.
  final class Server {
    let process = Process()
    let input = Pipe()
    let port: Int

    init(tls: (cert: String, key: String)? = nil) throws {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = ["python3", WebSocketTests.script.path] + (tls.map { [$0.cert, $0.key] } ?? [])
      let output = Pipe()
      process.standardOutput = output
      process.standardInput = input
      try process.run()
      var line = Data()
      while !line.contains(10) {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        line += chunk
      }
      let text = String(decoding: line, as: UTF8.self)
      guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
      else { throw WebSocketConnectError.handshake("test server did not start: \(text)") }
      self.port = port
    }

    deinit {
      try? input.fileHandleForWriting.close()
      process.waitUntilExit()
    }
  }

  /// A throw-away CA and a certificate for 127.0.0.1 signed by it, made with the openssl command.
  struct Certificates {
    let directory: URL
    var ca: String { directory.appendingPathComponent("ca.pem").path }
    var cert: String { directory.appendingPathComponent("server.pem").path }
    var key: String { directory.appendingPathComponent("server.key").path }

    init() throws {
      directory = FileManager.default.temporaryDirectory.appendingPathComponent("falua-tls-\(UUID().uuidString)")
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(
        to: directory.appendingPathComponent("san.ext"), atomically: true, encoding: .utf8)
      let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
      try Self.openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=falua test CA"], in: directory)
      try Self.openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], in: directory)
      try Self.openssl(
        ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "server.pem", "-days", "1", "-extfile", "san.ext"], in: directory)
    }

    private static func openssl(_ arguments: [String], in directory: URL) throws {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
      process.arguments = arguments
      process.currentDirectoryURL = directory
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      process.waitUntilExit()
      guard process.terminationStatus == 0 else {
        throw WebSocketConnectError.handshake("openssl \(arguments.first ?? "") failed")
      }
    }
  }

  /// What one connection saw.
  final class Session {
    var socket: WebSocket?
    var connectError: WebSocketConnectError?
    var messages: [WebSocketMessage] = []
    var end: WebSocketEnd?
  }

  /// Connects on `loop` and turns it until connected or failed.
  static func connect(_ loop: EventLoop, _ url: String, headers: HTTPHeaders = [:], caBundle: String? = nil) -> Session {
    let session = Session()
    WebSocket.connect(loop: loop, url: url, headers: headers, timeout: 10, caBundle: caBundle) { result in
      switch result {
      case .success(let socket):
        session.socket = socket
        socket.onMessage = { session.messages.append($0) }
        socket.onEnd = { session.end = $0 }
      case .failure(let error): session.connectError = error
      }
    }
    loop.run(until: { session.socket != nil || session.connectError != nil })
    return session
  }

  /// Text, binary (1 MiB, so writes and reads go in many pieces), fragmented, ping, server and
  /// client close, and handshake headers, against one server.
  static func exercise(base: String, caBundle: String?) throws {
    let loop = try EventLoop()
    let echo = connect(loop, base + "/echo", caBundle: caBundle)
    let socket = try #require(echo.socket, "\(String(describing: echo.connectError))")
    socket.send(text: "héllo")
    let big = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    socket.send(binary: big)
    socket.send(binary: [])
    loop.run(until: { echo.messages.count == 3 })
    #expect(echo.messages.first == .text("héllo"))
    #expect(echo.messages.dropFirst().first == .binary(big), "1 MiB binary echoed intact")
    #expect(echo.messages.last == .binary([]))
    socket.close(code: 1000, reason: "done")
    loop.run(until: { echo.end != nil })
    #expect(echo.end == .closed(code: 1000, reason: "done"), "the server echoes our close")
    #expect(!socket.isOpen)

    let fragmented = connect(loop, base + "/fragmented", caBundle: caBundle)
    fragmented.socket?.send(text: "one two three four")
    fragmented.socket?.send(binary: Array("abcdefghi".utf8))
    loop.run(until: { fragmented.messages.count == 2 })
    #expect(fragmented.messages == [.text("one two three four"), .binary(Array("abcdefghi".utf8))], "fragments joined")
    fragmented.socket?.close()
    loop.run(until: { fragmented.end != nil })

    let ping = connect(loop, base + "/ping", caBundle: caBundle)
    loop.run(until: { !ping.messages.isEmpty })
    #expect(ping.messages == [.text("pong received")], "wslay answered the server's ping")
    ping.socket?.close()
    loop.run(until: { ping.end != nil })

    let closing = connect(loop, base + "/close", caBundle: caBundle)
    loop.run(until: { closing.end != nil })
    #expect(closing.end == .closed(code: 4001, reason: "bye"), "the server's close code and reason")

    let headers = connect(loop, base + "/headers", headers: ["X-Test": "value 1"], caBundle: caBundle)
    loop.run(until: { !headers.messages.isEmpty })
    #expect(headers.messages == [.text("value 1")], "handshake headers reach the server")
    headers.socket?.close()
    loop.run(until: { headers.end != nil })
  }

  @Test func overPlainTCP() async throws {
    let server = try Server()
    try await onLoopThread { try Self.exercise(base: "ws://127.0.0.1:\(server.port)", caBundle: nil) }
  }

  @Test func overTLS() async throws {
    let certificates = try Certificates()
    defer { try? FileManager.default.removeItem(at: certificates.directory) }
    let server = try Server(tls: (certificates.cert, certificates.key))
    let ca = certificates.ca
    try await onLoopThread { try Self.exercise(base: "wss://127.0.0.1:\(server.port)", caBundle: ca) }
    // Without the test CA the certificate does not verify.
    let failure = try await onLoopThread { () -> String in
      let loop = try EventLoop()
      let session = Self.connect(loop, "wss://127.0.0.1:\(server.port)/echo", caBundle: "/dev/null")
      return String(describing: session.connectError)
    }
    #expect(failure.contains("tls"), "\(failure)")
  }

  @Test func droppingTheLoopFreesAnOpenSocket() async throws {
    let server = try Server()
    let socketGone = try await onLoopThread { () -> Bool in
      weak var socket: WebSocket?
      do {
        let loop = try EventLoop()
        let session = Self.connect(loop, "ws://127.0.0.1:\(server.port)/echo")
        socket = session.socket
        session.socket = nil
        #expect(socket?.isOpen == true)
      }
      return socket == nil
    }
    #expect(socketGone, "no reference cycle between the loop and its sockets")
  }

  @Test func refusalsAndBadURLs() async throws {
    let server = try Server()
    try await onLoopThread {
      let loop = try EventLoop()
      let http = Self.connect(loop, "http://127.0.0.1:\(server.port)/echo")
      #expect(String(describing: http.connectError).contains("ws:// or wss://"))
      let refused = Self.connect(loop, "ws://127.0.0.1:1/echo")
      guard case .transport(let error)? = refused.connectError else {
        Issue.record("expected a transport error, got \(String(describing: refused.connectError))")
        return
      }
      #expect(error.kind == .connect)
      let rejected = Self.connect(loop, "ws://127.0.0.1:\(server.port)/reject")
      guard case .rejected(let status, _, _)? = rejected.connectError else {
        Issue.record("expected a refusal, got \(String(describing: rejected.connectError))")
        return
      }
      #expect(status == 403)
      let injected = Self.connect(loop, "ws://127.0.0.1:\(server.port)/echo", headers: ["X-Bad": "a\r\nb"])
      #expect(String(describing: injected.connectError).contains("line break"))
    }
  }
}
