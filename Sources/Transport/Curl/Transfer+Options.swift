import CTransport

extension Transfer {
  /// Sets every easy option for `request` on a fresh (or reset) handle. Returns the first failure.
  /// `lastHeaders` is used when it holds the request's headers, and replaced when it does not.
  func configure(with request: HTTPRequest, caBundle: String?, lastHeaders: inout HeaderList?)
    -> TransportError?
  {
    let context = Unmanaged.passUnretained(self).toOpaque()
    var code = CURLE_OK
    func set(_ result: CURLcode) { if code == CURLE_OK { code = result } }

    // withCString: an implicit String-to-pointer conversion copies the string into a new array.
    set(request.url.withCString { falua_easy_setopt_string(easy, CURLOPT_URL, $0) })
    // Only http(s), redirects included: never file://, ftp://, gopher://... whatever a config,
    // result or redirect names (issue 8: file:///etc/hostname was read, gopher:// hung).
    set(falua_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, Self.allowedProtocols.cString))
    set(falua_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, Self.allowedProtocols.cString))
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
      || (request.httpVersion == .automatic && ASCII.hasPrefix(request.url, lowercase: "https://"))
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
    if let size = request.receiveBufferSize { set(falua_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, size)) }
    if let caBundle { set(caBundle.withCString { falua_easy_setopt_string(easy, CURLOPT_CAINFO, $0) }) }
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

    if let last = lastHeaders, last.matches(request.headers, sendsBody: sendsBody) {
      headers = last
    } else {
      do throws(TransportError) {
        headers = try HeaderList(request.headers, sendsBody: sendsBody)
      } catch {
        return error
      }
      lastHeaders = headers
    }
    set(falua_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, headers?.list))

    return code == CURLE_OK ? nil : TransportError(curlCode: code, errorBuffer: errorBuffer)
  }

  /// The schemes curl may use, for requests and redirects alike.
  static let allowedProtocols: StaticString = "http,https"

  private static func milliseconds(_ seconds: Double) -> Int {
    seconds <= 0 ? 1 : Int(min((seconds * 1000).rounded(.up), Double(Int32.max)))
  }
}
