import CTransport

extension Transfer {
  /// Sets every easy option for `request` on a fresh (or reset) handle. Returns the first failure.
  func configure(with request: HTTPRequest, caBundle: String?) -> TransportError? {
    if let bad = request.headers.first(where: { Self.breaksLine($0.name) || Self.breaksLine($0.value) }) {
      // A CR or LF would let a value smuggle extra header lines or a second request.
      return TransportError(
        kind: .other, message: "header \(bad.name) contains a line break",
        curlCode: Int(CURLE_BAD_FUNCTION_ARGUMENT.rawValue))
    }
    let context = Unmanaged.passUnretained(self).toOpaque()
    var code = CURLE_OK
    func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }

    set(falua_easy_setopt_string(easy, CURLOPT_URL, request.url))
    // Only http(s), redirects included: never file://, ftp://, gopher://... whatever a config,
    // result or redirect names (issue 8: file:///etc/hostname was read, gopher:// hung).
    set(falua_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, Self.allowedProtocols))
    set(falua_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, Self.allowedProtocols))
    // The id, not the object, so a stale completion message can never reach freed memory.
    set(falua_easy_setopt_pointer(easy, CURLOPT_PRIVATE, UnsafeMutableRawPointer(bitPattern: UInt(id.raw))))
    set(falua_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
    set(falua_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
    set(falua_easy_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1))
    set(falua_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
    set(falua_easy_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, transferWriteCallback))
    set(falua_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
    set(falua_easy_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, transferHeaderCallback))
    set(falua_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
    set(falua_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, request.httpVersion.curlValue(for: request.url)))
    if request.httpVersion == .http2
      || (request.httpVersion == .automatic && request.url.lowercased().hasPrefix("https://"))
    {
      // Concurrent requests wait for the first connection's ALPN answer and share it if it is
      // HTTP/2. Not on cleartext 1.1: curl would only learn from the response head, and a slow
      // response would hold every other request back.
      set(falua_easy_setopt_long(easy, CURLOPT_PIPEWAIT, 1))
    }
    if let timeout = request.timeout {
      set(falua_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(timeout)))
    }
    if let connectTimeout = request.connectTimeout {
      set(falua_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout)))
    }
    if let caBundle { set(falua_easy_setopt_string(easy, CURLOPT_CAINFO, caBundle)) }
    if request.followRedirects {
      set(falua_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1))
      set(falua_easy_setopt_long(easy, CURLOPT_MAXREDIRS, 10))
    }

    let method = request.method.uppercased()
    let sendsBody = request.body != nil || request.bodyFile != nil || ["POST", "PUT", "PATCH"].contains(method)
    if let region = request.bodyFile {
      set(configureBody(from: region))
      if method != "POST" { set(falua_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method)) }
    } else if sendsBody {
      let bytes = request.body ?? []
      set(falua_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)))
      // curl copies the bytes now, so the array need not outlive this call; [0] gives an empty
      // body a valid address.
      (bytes.isEmpty ? [0] : bytes).withUnsafeBytes {
        set(
          falua_easy_setopt_pointer(
            easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)))
      }
      if method != "POST" { set(falua_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method)) }
    } else if method == "HEAD" {
      set(falua_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
    } else {
      set(falua_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
      if method != "GET" { set(falua_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method)) }
    }

    for (name, value) in request.headers {
      // "Name;" is curl's spelling of a header with an empty value.
      headerList = curl_slist_append(headerList, value.isEmpty ? "\(name);" : "\(name): \(value)")
    }
    // No 100-continue round trip; and no form-urlencoded Content-Type curl would invent for a body.
    if !request.headers.contains(name: "Expect") { headerList = curl_slist_append(headerList, "Expect:") }
    if sendsBody && !request.headers.contains(name: "Content-Type") {
      headerList = curl_slist_append(headerList, "Content-Type:")
    }
    set(falua_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, headerList))

    return code == CURLE_OK ? nil : TransportError(curlCode: code, errorBuffer: errorBuffer)
  }

  /// The schemes curl may use, for requests and redirects alike.
  static let allowedProtocols = "http,https"

  private static func milliseconds(_ seconds: Double) -> Int {
    seconds <= 0 ? 1 : Int(min((seconds * 1000).rounded(.up), Double(Int32.max)))
  }

  private static func breaksLine(_ text: String) -> Bool {
    text.utf8.contains { $0 == 0x0A || $0 == 0x0D }
  }
}
