import FoundationEssentials

// Requests to the real platform need a key; the emulator on loopback does not. Saying so before
// any I/O beats a 401 from the server. FalClient applies it to every request that would carry
// the key: fal calls, storage calls with `falAuth`, realtime connections with the key header.
extension FalConfig {
  /// Throws a usage error when `url` names a non-loopback host and there is no key.
  func checkCredentials(for url: String) throws(FalError) {
    guard key == nil, let host = URLComponents(string: url)?.host, !Self.isLoopback(host) else { return }
    throw FalError.usage(
      "no credentials: set FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET), or call fal.config{key = ...}")
  }

  static func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
  }
}
