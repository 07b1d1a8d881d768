import FalClient
import Foundation

/// Requests to the real platform need a key; the emulator on loopback does not. Saying so before
/// any I/O beats a 401 from the server.
enum Credentials {
  static func check(_ config: FalConfig, url: String) throws {
    guard config.key == nil, let host = URLComponents(string: url)?.host, !isLoopback(host) else { return }
    throw FalError.usage(
      "no credentials: set FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET), or call fal.config{key = ...}")
  }

  static func isLoopback(_ host: String) -> Bool {
    host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
  }
}
