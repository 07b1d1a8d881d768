import CTransport

// curl's callbacks reach it through an unretained pointer; the loop's table keeps it alive until
// the handle has left the multi handle.
/// One request in flight: its easy handle, what curl reads while it runs, and what has arrived.
final class Transfer {
  let id: TransferID
  let easy: UnsafeMutableRawPointer
  let completion: (Result<HTTPResponse, TransportError>) -> Void
  /// Set by `cancel` or by `onChunk` returning false: callbacks abort, `completion` is never called.
  var isCancelled = false
  /// False while the transfer waits for `curl_multi_perform` to return before it can be added.
  var isAdded = false
  /// Receiving is paused (`EventLoop.pause`).
  var isPaused = false

  private let followsRedirects: Bool
  private let maxBodyBytes: Int?
  /// The body passed `maxBodyBytes`: the transfer was aborted for it.
  private var exceededLimit = false
  private var onHead: ((Int, HTTPHeaders) -> Void)?
  private let onChunk: (([UInt8]) -> Bool)?
  private var head = ResponseHeadParser()
  private var body: [UInt8] = []
  /// The header list curl reads, alive as long as curl may read it.
  var headers: HeaderList?
  /// The open file of a `bodyFile` request, alive as long as curl may read it.
  var bodyReader: BodyFileReader?
  let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

  init(
    id: TransferID, easy: UnsafeMutableRawPointer, request: HTTPRequest,
    onHead: ((Int, HTTPHeaders) -> Void)?, onChunk: (([UInt8]) -> Bool)?,
    completion: @escaping (Result<HTTPResponse, TransportError>) -> Void
  ) {
    self.id = id
    self.easy = easy
    self.followsRedirects = request.followRedirects
    self.maxBodyBytes = request.maxBodyBytes
    self.onHead = onHead
    self.onChunk = onChunk
    self.completion = completion
    errorBuffer.initialize(to: 0)
  }

  deinit {
    errorBuffer.deallocate()
  }

  /// Header callback: one line of a response head. Returns false to abort.
  func receive(headerLine: UnsafeRawBufferPointer) -> Bool {
    guard !isCancelled else { return false }
    if head.consume(headerLine), isFinalHead {
      if onChunk == nil, let length = Int(head.headers["content-length"] ?? ""), length > 0 {
        body.reserveCapacity(min(length, 1 << 26))
      }
      deliverHead(status: head.status)
    }
    return !isCancelled
  }

  /// Write callback: a piece of the body. Returns false to abort.
  func receive(bodyBytes: UnsafeRawBufferPointer) -> Bool {
    guard !isCancelled else { return false }
    guard let onChunk else {
      if let maxBodyBytes, body.count + bodyBytes.count > maxBodyBytes {
        exceededLimit = true
        return false
      }
      body.append(contentsOf: bodyBytes)
      return true
    }
    deliverHead(status: head.status)
    if !isCancelled, !onChunk(Array(bodyBytes)) { isCancelled = true }
    return !isCancelled
  }

  /// The outcome once curl reports the transfer done; call after it left the multi handle.
  func result(_ code: CURLcode) -> Result<HTTPResponse, TransportError> {
    if exceededLimit, let maxBodyBytes {
      return .failure(
        TransportError(
          kind: .limit, message: "response body larger than the limit of \(maxBodyBytes) bytes",
          curlCode: Int(code.rawValue)))
    }
    guard code == CURLE_OK else { return .failure(TransportError(curlCode: code, errorBuffer: errorBuffer)) }
    var status = 0
    var version = 0
    var connects = 0
    var url: UnsafeMutablePointer<CChar>?
    falua_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
    falua_easy_getinfo_long(easy, CURLINFO_HTTP_VERSION, &version)
    falua_easy_getinfo_long(easy, CURLINFO_NUM_CONNECTS, &connects)
    falua_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &url)
    deliverHead(status: status)
    return .success(
      HTTPResponse(
        status: status, headers: head.headers, body: body, httpVersion: HTTPVersion(curlInfo: version),
        effectiveURL: url.map { String(cString: $0) } ?? "", newConnections: connects))
  }

  /// A head is final unless it is a redirect curl is about to follow (1xx never end a block here).
  private var isFinalHead: Bool {
    head.status >= 200
      && !(followsRedirects && (300..<400).contains(head.status) && head.headers.contains(name: "location"))
  }

  /// Streaming only: hands the head over once, before the first chunk.
  private func deliverHead(status: Int) {
    guard let onHead else { return }
    self.onHead = nil
    onHead(status, head.headers)
  }
}

/// CURLOPT_WRITEFUNCTION: `context` is the unretained Transfer.
let transferWriteCallback: curl_write_callback = { data, size, count, context in
  let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
  let length = size * count
  return transfer.receive(bodyBytes: UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// CURLOPT_HEADERFUNCTION: `context` is the unretained Transfer.
let transferHeaderCallback: curl_write_callback = { data, size, count, context in
  let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
  let length = size * count
  return transfer.receive(headerLine: UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}
