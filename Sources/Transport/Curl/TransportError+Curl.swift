import CTransport

extension TransportError {
  /// Wraps a failed transfer's code and the text curl left in its error buffer.
  init(curlCode code: CURLcode, errorBuffer: UnsafePointer<CChar>) {
    let detail = String(cString: errorBuffer)
    self.init(
      kind: Self.kind(of: code),
      message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail,
      curlCode: Int(code.rawValue))
  }

  /// A reply had begun to arrive and was cut short or garbled: the server got and handled the
  /// request, so sending it again could run (and bill) it twice.
  public var isPartialReply: Bool {
    curlCode == Int(CURLE_PARTIAL_FILE.rawValue) || curlCode == Int(CURLE_WEIRD_SERVER_REPLY.rawValue)
  }

  /// Groups curl codes by what a caller would do about them (retry, report, give up).
  static func kind(of code: CURLcode) -> Kind {
    switch code {
    case CURLE_OPERATION_TIMEDOUT:
      return .timeout
    case CURLE_COULDNT_CONNECT:
      return .connect
    case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
      return .resolve
    case CURLE_SEND_ERROR:
      return .send
    case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2, CURLE_HTTP2_STREAM,
      CURLE_WEIRD_SERVER_REPLY:
      return .receive
    case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
      CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
      CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE,
      CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS,
      CURLE_SSL_CLIENTCERT:
      return .tls
    default:
      return .other
    }
  }
}
