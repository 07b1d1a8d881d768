import CTransport

extension EventLoop {
  /// Starts a transfer whose whole body is collected; `completion` runs inside a later `runOnce`.
  @discardableResult
  public func send(
    _ request: HTTPRequest, completion: @escaping (Result<HTTPResponse, TransportError>) -> Void
  ) -> TransferID {
    start(request, onHead: nil, onChunk: nil, completion: completion)
  }

  // `onHead` gets the final status and headers once, then `onChunk` each piece of body as it
  // arrives (false aborts, and `completion` is then never called), then `completion` gets a
  // response with an empty body, or the error that ended the stream.
  /// Starts a streamed transfer whose body goes to `onChunk` as it arrives.
  @discardableResult
  public func send(
    _ request: HTTPRequest, onHead: @escaping (Int, HTTPHeaders) -> Void,
    onChunk: @escaping ([UInt8]) -> Bool,
    completion: @escaping (Result<HTTPResponse, TransportError>) -> Void
  ) -> TransferID {
    start(request, onHead: onHead, onChunk: onChunk, completion: completion)
  }

  /// Aborts a transfer (closing its connection if it is mid-response); its callbacks are never called again.
  public func cancel(_ id: TransferID) {
    if let timer = failing.removeValue(forKey: id) { return cancel(timer) }
    guard let transfer = transfers[id], !transfer.isCancelled else { return }
    transfer.isCancelled = true
    if isPerforming { discardAfterPerform.append(transfer) } else { discard(transfer) }
  }

  private func start(
    _ request: HTTPRequest, onHead: ((Int, HTTPHeaders) -> Void)?, onChunk: (([UInt8]) -> Bool)?,
    completion: @escaping (Result<HTTPResponse, TransportError>) -> Void
  ) -> TransferID {
    let id = TransferID(raw: makeID())
    if let error = startCurl() {
      failLater(id, error, completion)
      return id
    }
    guard let easy = handles.checkOut() else {
      let error = TransportError(
        kind: .other, message: "curl_easy_init failed", curlCode: Int(CURLE_OUT_OF_MEMORY.rawValue))
      failLater(id, error, completion)
      return id
    }
    let transfer = Transfer(
      id: id, easy: easy, request: request, onHead: onHead, onChunk: onChunk, completion: completion)
    if let error = transfer.configure(with: request, caBundle: caBundle, lastHeaders: &lastHeaders) {
      handles.checkIn(easy)
      failLater(id, error, completion)
      return id
    }
    transfers[id] = transfer
    if isPerforming { addAfterPerform.append(transfer) } else { add(transfer) }
    return id
  }

  /// Lets curl move every transfer forward, then applies what callbacks asked for meanwhile.
  func perform() {
    var running: Int32 = 0
    isPerforming = true
    curl_multi_perform(multi, &running)
    isPerforming = false
    applyDeferred()
  }

  /// Applies the multi-handle changes callbacks asked for while curl was running them.
  func applyDeferred() {
    let toDiscard = discardAfterPerform
    let toAdd = addAfterPerform
    discardAfterPerform = []
    addAfterPerform = []
    toDiscard.forEach(discard)
    toAdd.filter { !$0.isCancelled }.forEach(add)
  }

  // One message at a time, so a completion may start, cancel or even drive other transfers.
  /// Hands finished transfers to their completions.
  func finishDoneTransfers() {
    var left: Int32 = 0
    while let message = curl_multi_info_read(multi, &left) {
      guard message.pointee.msg == CURLMSG_DONE else { continue }
      let easy = message.pointee.easy_handle
      let code = message.pointee.data.result
      var context: UnsafeMutableRawPointer?
      falua_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &context)
      guard let context, let transfer = transfers[TransferID(raw: UInt64(UInt(bitPattern: context)))]
      else {
        if let context, let connected = connectOnlyHandlers.removeValue(forKey: UInt64(UInt(bitPattern: context))) {
          connected(code)
        }
        continue
      }
      // `result` reads the handle, so it comes before the handle goes back to the pool; it may run
      // a streamed request's onHead, which may cancel.
      let result = transfer.isCancelled ? nil : transfer.result(code)
      discard(transfer)
      if let result, !transfer.isCancelled { transfer.completion(result) }
    }
  }

  func add(_ transfer: Transfer) {
    let code = curl_multi_add_handle(multi, transfer.easy)
    guard code == CURLM_OK else {
      transfers[transfer.id] = nil
      handles.checkIn(transfer.easy)
      let error = TransportError(
        kind: .other, message: String(cString: curl_multi_strerror(code)), curlCode: Int(code.rawValue))
      return failLater(transfer.id, error, transfer.completion)
    }
    transfer.isAdded = true
  }

  /// Takes a transfer out of curl and the table and pools its handle; safe to call twice.
  func discard(_ transfer: Transfer) {
    guard transfers.removeValue(forKey: transfer.id) != nil else { return }
    if transfer.isAdded {
      curl_multi_remove_handle(multi, transfer.easy)
      transfer.isAdded = false
    }
    handles.checkIn(transfer.easy)
  }

  /// Reports a failure from a later turn: completions never run inside `send`.
  private func failLater(
    _ id: TransferID, _ error: TransportError,
    _ completion: @escaping (Result<HTTPResponse, TransportError>) -> Void
  ) {
    failing[id] = schedule(after: 0) { [unowned self] in
      self.failing[id] = nil
      completion(.failure(error))
    }
  }
}
