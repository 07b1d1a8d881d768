import CTransport

// A paused transfer leaves its bytes in the kernel's socket buffer, so TCP flow control slows the
// sender down instead of this process buffering without bound.
extension EventLoop {
  /// Stops receiving on a streamed transfer until `resume`; may be called from its `onChunk`.
  public func pause(_ id: TransferID) {
    guard let transfer = transfers[id], !transfer.isCancelled, !transfer.isPaused else { return }
    transfer.isPaused = true
    curl_easy_pause(transfer.easy, CURLPAUSE_RECV)
  }

  // curl delivers what it held back from inside `curl_easy_pause`, so the callbacks that run then
  // must defer touching the multi handle as they do inside `perform`.
  /// Receives again on a transfer paused with `pause`.
  public func resume(_ id: TransferID) {
    guard let transfer = transfers[id], !transfer.isCancelled, transfer.isPaused else { return }
    transfer.isPaused = false
    let wasPerforming = isPerforming
    isPerforming = true
    curl_easy_pause(transfer.easy, Int32(CURLPAUSE_RECV_CONT | CURLPAUSE_SEND_CONT))
    isPerforming = wasPerforming
    if !wasPerforming { applyDeferred() }
  }

  /// Whether a transfer is paused (false once it ended).
  public func isPaused(_ id: TransferID) -> Bool { transfers[id]?.isPaused ?? false }
}
