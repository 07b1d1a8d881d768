import Transport

extension FalClient {
  // Queue follow-ups are rebuilt from the endpoint id, never taken from a reply's `status_url` or
  // `response_url`: a reply naming another host must not receive our Authorization header.
  /// The URL of `call` (PROTOCOL.md §5, §6); it never contains the key.
  public func url(for call: FalCall, endpoint: EndpointID, options: RequestOptions) -> String {
    switch call {
    case .run(let path):
      return Self.join(
        config.runURL, [PercentEncoding.path(endpoint.fullPath), path.map(PercentEncoding.path)])
    case .submit(let path):
      let url = Self.join(
        config.queueURL, [PercentEncoding.path(endpoint.fullPath), path.map(PercentEncoding.path)])
      guard let webhook = options.webhookURL else { return url }
      return url + "?fal_webhook=" + PercentEncoding.queryValue(webhook)
    case .status(let requestID, let logs):
      return Self.join(
        config.queueURL,
        [
          PercentEncoding.path(endpoint.appPath), "requests", PercentEncoding.pathSegment(requestID),
          "status",
        ])
        + "?logs=" + (logs ? "1" : "0")
    case .result(let requestID):
      return Self.join(
        config.queueURL,
        [PercentEncoding.path(endpoint.appPath), "requests", PercentEncoding.pathSegment(requestID)])
    case .cancel(let requestID):
      return Self.join(
        config.queueURL,
        [
          PercentEncoding.path(endpoint.appPath), "requests", PercentEncoding.pathSegment(requestID),
          "cancel",
        ])
    case .stream(let path):
      return Self.join(
        config.runURL, [PercentEncoding.path(endpoint.fullPath), PercentEncoding.path(path ?? "/stream")])
    case .statusStream(let requestID, let logs):
      return Self.join(
        config.queueURL,
        [
          PercentEncoding.path(endpoint.appPath), "requests", PercentEncoding.pathSegment(requestID),
          "status", "stream",
        ])
        + "?logs=" + (logs ? "1" : "0")
    case .realtimeToken:
      return Self.join(config.restURL, ["tokens"]) + "/"
    }
  }

  /// `base/part/part…` from encoded parts, skipping empty ones and a trailing `/` on the base.
  private static func join(_ base: String, _ parts: [String?]) -> String {
    var url = base.utf8[...]
    while url.last == UInt8(ascii: "/") { url.removeLast() }
    var joined = String(Substring(url))
    for case let part? in parts where !part.isEmpty {
      joined += "/"
      joined += part
    }
    return joined
  }
}
