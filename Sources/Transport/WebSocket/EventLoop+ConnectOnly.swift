import CTransport

// A CONNECT_ONLY handle must stay in the multi handle while it is used: removing it makes curl
// close the connection. curl reports it done once TCP (and TLS) are up.
extension EventLoop {
  /// Adds a configured connect-only easy handle; `connected` runs inside a later `runOnce` with
  /// curl's result. Its CURLOPT_PRIVATE must be `id`.
  func addConnectOnly(_ easy: UnsafeMutableRawPointer, id: UInt64, connected: @escaping (CURLcode) -> Void) {
    if isPerforming {
      _ = schedule(after: 0) { [unowned self] in addConnectOnly(easy, id: id, connected: connected) }
      return
    }
    let code = curl_multi_add_handle(multi, easy)
    guard code == CURLM_OK else {
      _ = schedule(after: 0) { connected(CURLE_FAILED_INIT) }
      return
    }
    connectOnlyHandlers[id] = connected
  }

  /// Takes a connect-only handle out of the multi handle (closing its connection) and frees it.
  func removeConnectOnly(_ easy: UnsafeMutableRawPointer, id: UInt64) {
    if isPerforming {
      _ = schedule(after: 0) { [unowned self] in removeConnectOnly(easy, id: id) }
      return
    }
    connectOnlyHandlers[id] = nil
    curl_multi_remove_handle(multi, easy)
    curl_easy_cleanup(easy)
  }
}
