import CTransport

/// The HTTP version to ask for, or the one a response came over.
public enum HTTPVersion: Sendable, Equatable {
  /// HTTP/2 over TLS when the server offers it, HTTP/1.1 on cleartext.
  case automatic
  /// HTTP/1.0 (only ever reported for responses from old servers).
  case http1_0
  /// HTTP/1.1 only (needed for a WebSocket upgrade).
  case http1_1
  /// HTTP/2; on cleartext `http://` URLs with prior knowledge (no Upgrade dance).
  case http2

  /// The CURLOPT_HTTP_VERSION value for a request to `url`.
  func curlValue(for url: String) -> Int {
    switch self {
    case .automatic: return CURL_HTTP_VERSION_2TLS
    case .http1_0: return CURL_HTTP_VERSION_1_0
    case .http1_1: return CURL_HTTP_VERSION_1_1
    case .http2:
      return ASCII.hasPrefix(url, lowercase: "http://")
        ? CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE : CURL_HTTP_VERSION_2_0
    }
  }

  /// Maps CURLINFO_HTTP_VERSION; `.automatic` stands for "unknown" (no response was read).
  init(curlInfo value: Int) {
    switch value {
    case CURL_HTTP_VERSION_1_0: self = .http1_0
    case CURL_HTTP_VERSION_1_1: self = .http1_1
    case CURL_HTTP_VERSION_2_0: self = .http2
    default: self = .automatic
    }
  }
}
