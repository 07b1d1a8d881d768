import CTransport
import Glibc

// curl connects (TCP, TLS, proxies: CURLOPT_CONNECT_ONLY), we write the upgrade and read the 101
// with curl_easy_send/recv, then wslay frames messages over the same calls (over recv/send on the
// socket when it is plain TCP to the server). The socket is one more fd in the loop's
// curl_multi_poll: readable always, writable only while something is queued.
/// A client WebSocket driven by an `EventLoop`; use it and its handlers on the loop's thread only.
public final class WebSocket {
  private enum State { case connecting, handshaking, open, closing, ended }

  /// Called for every message, inside the loop.
  public var onMessage: ((WebSocketMessage) -> Void)?
  /// Called once when the connection ends (after `close` too), inside the loop.
  public var onEnd: ((WebSocketEnd) -> Void)?

  // Unowned: the loop's watch and timers hold the socket while it is open, so a strong reference
  // back would keep a loop with open connections alive forever.
  private unowned let loop: EventLoop
  private let id: UInt64
  private let easy: UnsafeMutableRawPointer
  private let handshake: WebSocketHandshake
  private let maxMessageBytes: Int?
  private var completion: ((Result<WebSocket, WebSocketConnectError>) -> Void)?
  private var state = State.connecting
  private var session: OpaquePointer?
  private var socket: Int32 = -1
  private var watchID: WatchID?
  private var watchingWrites = false
  private var timer: TimerID?
  private var written = 0
  private var received: [UInt8] = []
  private var peerClose: (code: Int, reason: String)?
  /// True while wslay runs; a handler that ends the connection then must not free the handle under it.
  private var isPumping = false
  private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

  /// How long `close` waits for the peer's close frame before dropping the connection.
  public static let closeTimeout = 5.0

  private init(loop: EventLoop, easy: UnsafeMutableRawPointer, handshake: WebSocketHandshake, maxMessageBytes: Int?) {
    self.loop = loop
    self.id = loop.makeID()
    self.easy = easy
    self.handshake = handshake
    self.maxMessageBytes = maxMessageBytes
    errorBuffer.initialize(to: 0)
  }

  deinit {
    // Only a loop going away drops an unfinished socket; curl has let go of the handle by then.
    if state != .ended { curl_easy_cleanup(easy) }
    falua_ws_free(session)
    errorBuffer.deallocate()
  }

  // `completion` runs inside a later `runOnce` (never inside `connect`). `caBundle` overrides the
  // loop's CA bundle for this connection.
  /// Opens a connection to a `ws://` or `wss://` URL; `timeout` covers connecting and the handshake.
  /// A message longer than `maxMessageBytes` (nil: wslay's 2 GiB) ends the connection with
  /// `.messageTooLarge`.
  public static func connect(
    loop: EventLoop, url: String, headers: HTTPHeaders = [:], timeout: Double = 30, caBundle: String? = nil,
    maxMessageBytes: Int? = nil,
    completion: @escaping (Result<WebSocket, WebSocketConnectError>) -> Void
  ) {
    let handshake: WebSocketHandshake
    do { handshake = try WebSocketHandshake(url: url, headers: headers) } catch {
      _ = loop.schedule(after: 0) { completion(.failure(error)) }
      return
    }
    if let error = loop.startCurl() {
      _ = loop.schedule(after: 0) { completion(.failure(.transport(error))) }
      return
    }
    guard let easy = curl_easy_init() else {
      let error = TransportError(kind: .other, message: "curl_easy_init failed", curlCode: Int(CURLE_OUT_OF_MEMORY.rawValue))
      _ = loop.schedule(after: 0) { completion(.failure(.transport(error))) }
      return
    }
    let socket = WebSocket(loop: loop, easy: easy, handshake: handshake, maxMessageBytes: maxMessageBytes)
    socket.start(timeout: timeout, caBundle: caBundle ?? loop.caBundle, completion: completion)
  }

  private func start(
    timeout: Double, caBundle: String?, completion: @escaping (Result<WebSocket, WebSocketConnectError>) -> Void
  ) {
    self.completion = completion
    var code = CURLE_OK
    func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }
    set(falua_easy_setopt_string(easy, CURLOPT_URL, handshake.connectURL))
    set(falua_easy_setopt_long(easy, CURLOPT_CONNECT_ONLY, 1))
    // The ws(s) URL becomes http(s) for curl's connect; nothing else may be dialled.
    set(falua_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, Transfer.allowedProtocols.cString))
    // Over https curl would offer HTTP/2 in ALPN, and an upgrade needs HTTP/1.1.
    set(falua_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)))
    set(falua_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
    set(falua_easy_setopt_long(easy, CURLOPT_TCP_NODELAY, 1))
    set(falua_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, max(1, Int((timeout * 1000).rounded(.up)))))
    set(falua_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
    set(falua_easy_setopt_pointer(easy, CURLOPT_PRIVATE, UnsafeMutableRawPointer(bitPattern: UInt(id))))
    if let caBundle { set(falua_easy_setopt_string(easy, CURLOPT_CAINFO, caBundle)) }
    timer = loop.schedule(after: timeout) { [self] in
      timer = nil
      fail(
        .transport(
          TransportError(
            kind: .timeout, message: "WebSocket connect timed out after \(timeout) s",
            curlCode: Int(CURLE_OPERATION_TIMEDOUT.rawValue))))
    }
    guard code == CURLE_OK else {
      let error = TransportError(curlCode: code, errorBuffer: errorBuffer)
      _ = loop.schedule(after: 0) { [self] in fail(.transport(error)) }
      return
    }
    loop.addConnectOnly(easy, id: id) { [self] code in connected(code) }
  }

  private func connected(_ code: CURLcode) {
    guard state == .connecting else { return }
    guard code == CURLE_OK else { return fail(.transport(TransportError(curlCode: code, errorBuffer: errorBuffer))) }
    falua_easy_getinfo_socket(easy, CURLINFO_ACTIVESOCKET, &socket)
    state = .handshaking
    updateWatch(writes: true)
    exchangeHandshake()
  }

  /// Writes what is left of the request, then reads until the head is complete.
  private func exchangeHandshake() {
    while written < handshake.request.count {
      var sent = 0
      let code = handshake.request[written...].withUnsafeBytes { curl_easy_send(easy, $0.baseAddress, $0.count, &sent) }
      if code == CURLE_AGAIN { return }
      guard code == CURLE_OK else { return fail(.transport(TransportError(curlCode: code, errorBuffer: errorBuffer))) }
      written += sent
    }
    updateWatch(writes: false)
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      var count = 0
      let code = buffer.withUnsafeMutableBytes { curl_easy_recv(easy, $0.baseAddress, $0.count, &count) }
      if code == CURLE_AGAIN { return }
      guard code == CURLE_OK, count > 0 else {
        let error = code == CURLE_OK
          ? TransportError(
            kind: .receive, message: "connection closed during the WebSocket handshake",
            curlCode: Int(CURLE_GOT_NOTHING.rawValue))
          : TransportError(curlCode: code, errorBuffer: errorBuffer)
        return fail(.transport(error))
      }
      received += buffer[..<count]
      if let end = Self.headEnd(in: received) {
        return finishHandshake(head: Array(received[..<end]), extra: Array(received[(end + 4)...]))
      }
      if received.count > 65536 { return fail(.handshake("response head larger than 64 KiB")) }
    }
  }

  private static func headEnd(in bytes: [UInt8]) -> Int? {
    guard bytes.count >= 4 else { return nil }
    for index in 0...(bytes.count - 4)
    where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
      return index
    }
    return nil
  }

  private func finishHandshake(head: [UInt8], extra: [UInt8]) {
    do { try handshake.check(head: head, extra: extra) } catch { return fail(error) }
    let user = Unmanaged.passUnretained(self).toOpaque()
    let plainSocket = handshake.connectURL.hasPrefix("http://") && !Self.proxyConfigured() ? socket : -1
    session = extra.withUnsafeBufferPointer { pending in
      falua_ws_new(
        easy, plainSocket, pending.baseAddress, pending.count,
        { user, opcode, data, length in
          let socket = Unmanaged<WebSocket>.fromOpaque(user!).takeUnretainedValue()
          let bytes = Array(UnsafeBufferPointer(start: data, count: length))
          socket.onMessage?(opcode == 1 ? .text(String(decoding: bytes, as: UTF8.self)) : .binary(bytes))
        },
        { user, code, reason, length in
          let socket = Unmanaged<WebSocket>.fromOpaque(user!).takeUnretainedValue()
          socket.peerClose = (Int(code), String(decoding: UnsafeBufferPointer(start: reason, count: length), as: UTF8.self))
        }, user)
    }
    guard let session else { return fail(.handshake("out of memory")) }
    if let maxMessageBytes { falua_ws_limit_messages(session, UInt64(max(0, maxMessageBytes))) }
    if let timer { loop.cancel(timer) }
    timer = nil
    state = .open
    received = []
    let completion = self.completion
    self.completion = nil
    completion?(.success(self))
    // Frames that arrived with the 101 are waiting in the session already.
    if !extra.isEmpty { pump() }
  }

  // curl takes proxies from these variables only (nothing sets CURLOPT_PROXY): without any, a
  // ws:// connection is a bare TCP socket to the server.
  private static func proxyConfigured() -> Bool {
    let names: [String] = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "ws_proxy", "WS_PROXY"]
    return names.contains { name in getenv(name).map { $0.pointee != 0 } ?? false }
  }

  private func fail(_ error: WebSocketConnectError) {
    guard state == .connecting || state == .handshaking else { return }
    teardown()
    let completion = self.completion
    self.completion = nil
    completion?(.failure(error))
  }

  /// Runs wslay over the socket (`step`: read and write, or only write), then decides what to
  /// poll for next.
  private func pump(_ step: (OpaquePointer) -> Int32 = falua_ws_pump) {
    guard let session, state == .open || state == .closing else { return }
    isPumping = true
    let status = step(session)
    isPumping = false
    guard state != .ended else { return }
    if status != 0 || falua_ws_is_finished(session) != 0 {
      if let peerClose {
        return end(.closed(code: peerClose.code, reason: peerClose.reason))
      }
      if let maxMessageBytes, falua_ws_refused_long_message(session) != 0 {
        return end(.messageTooLarge(limit: maxMessageBytes))
      }
      let code = falua_ws_last_error(session)
      let detail = code == CURLE_OK
        ? "connection closed without a close frame"
        : TransportError(curlCode: code, errorBuffer: errorBuffer).description
      return end(.failed(detail))
    }
    updateWatch(writes: falua_ws_wants_write(session) != 0)
  }

  private func updateWatch(writes: Bool) {
    if watchID != nil && writes == watchingWrites { return }
    if let watchID { loop.unwatch(watchID) }
    watchingWrites = writes
    watchID = loop.watch(fd: socket, events: writes ? [.readable, .writable] : .readable) { [self] _ in
      if state == .handshaking { exchangeHandshake() } else { pump() }
    }
  }

  /// Queues a text message.
  public func send(text: String) {
    var text = text
    text.withUTF8 { send(UnsafeRawBufferPointer($0), binary: false) }
  }

  /// Queues a binary message.
  public func send(binary: [UInt8]) { binary.withUnsafeBytes { send($0, binary: true) } }

  // wslay copies the payload; it is written at once when the socket takes it.
  /// Queues a binary message, or a text one (`bytes` are its UTF-8), from bytes the caller keeps.
  public func send(_ bytes: UnsafeRawBufferPointer, binary: Bool) {
    guard let session, state == .open else { return }
    _ = falua_ws_queue(session, binary ? 2 : 1, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
    pump(falua_ws_write)
  }

  /// Starts the close handshake; `onEnd` runs when the peer answers (or after `closeTimeout`).
  public func close(code: Int = 1000, reason: String = "") {
    guard let session, state == .open else { return }
    state = .closing
    let bytes = Array(reason.utf8.prefix(123))
    _ = bytes.withUnsafeBufferPointer { falua_ws_queue_close(session, Int32(code), $0.baseAddress, $0.count) }
    timer = loop.schedule(after: Self.closeTimeout) { [self] in
      timer = nil
      end(.failed("the peer did not answer the close frame"))
    }
    pump(falua_ws_write)
  }

  /// True until the connection has ended.
  public var isOpen: Bool { state == .open }

  private func end(_ how: WebSocketEnd) {
    guard state == .open || state == .closing else { return }
    teardown()
    onEnd?(how)
    onMessage = nil
    onEnd = nil
  }

  /// Drops the connection at once, without a close handshake and without calling `onEnd`.
  public func abort() {
    guard state != .ended else { return }
    teardown()
    completion = nil
    onMessage = nil
    onEnd = nil
  }

  private func teardown() {
    state = .ended
    if let timer { loop.cancel(timer) }
    timer = nil
    if let watchID { loop.unwatch(watchID) }
    watchID = nil
    if isPumping {
      _ = loop.schedule(after: 0) { [loop, easy, id] in loop.removeConnectOnly(easy, id: id) }
    } else {
      loop.removeConnectOnly(easy, id: id)
    }
  }
}
