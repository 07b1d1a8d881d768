import CTransport

// A reset handle keeps its DNS and TLS session caches, and reuse spares an allocation per request.
/// Idle easy handles kept for reuse.
final class EasyHandlePool {
  private var idle: [UnsafeMutableRawPointer] = []
  private let limit: Int

  init(limit: Int = 64) {
    self.limit = limit
  }

  /// An idle handle, or a new one (nil only when curl cannot allocate).
  func checkOut() -> UnsafeMutableRawPointer? {
    idle.popLast() ?? curl_easy_init()
  }

  /// Takes back a handle that is no longer in the multi handle.
  func checkIn(_ easy: UnsafeMutableRawPointer) {
    guard idle.count < limit else { return curl_easy_cleanup(easy) }
    curl_easy_reset(easy)
    idle.append(easy)
  }

  deinit {
    idle.forEach { curl_easy_cleanup($0) }
  }
}
