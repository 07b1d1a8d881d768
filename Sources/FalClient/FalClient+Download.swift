import Transport

/// A finished download: bytes received, the body when it was kept in memory, the Content-Type.
public struct FalDownload: Sendable {
  /// Body bytes received.
  public var size: Int
  /// The body, when no file was given; nil when it went to the file.
  public var body: [UInt8]?
  /// The reply's Content-Type.
  public var contentType: String?
}

extension FalClient {
  // A download is a plain GET of any URL (a result's file), following redirects, without the key:
  // the URL may name any host. Not retried: a file may be large and partly written.
  /// Fetches `url` into the file at `path` (streamed, removed on failure) or into memory when nil
  /// (at most `limits.maxResponseBytes`, as every body kept in memory);
  /// `progress` draws a progress line on a terminal's stderr. `completion` runs in a later loop
  /// turn. Returns a function that cancels (and removes the partial file).
  public func download(
    _ url: String, to path: String?, progress: Bool, completion: @escaping (Result<FalDownload, FalError>) -> Void
  ) throws(FalError) -> () -> Void {
    try URLPolicy.check(url, what: "url")
    let sink: DownloadSink
    do {
      sink = try DownloadSink(url: url, path: path, maxMemoryBytes: limits.maxResponseBytes, progress: progress)
    } catch {
      throw FalError.usage("fal.download: cannot write \(path ?? ""): \((error as? SinkError)?.reason ?? String(describing: error))")
    }
    var request = HTTPRequest(url: url, timeout: DefaultTimeouts.download, connectTimeout: DefaultTimeouts.connect)
    request.followRedirects = true
    request.headers.add(name: "User-Agent", value: config.userAgent)
    let transfer = loop.send(
      request, onHead: { status, headers in sink.head(status: status, headers: headers) },
      onChunk: { bytes in
        guard let failure = sink.write(bytes) else { return true }
        // Returning false aborts the transfer, whose completion then never runs: this is the ending.
        sink.abandon()
        completion(.failure(failure))
        return false
      },
      completion: { result in
        completion(
          sink.finish(result).map { FalDownload(size: sink.received, body: $0, contentType: sink.contentType) })
      })
    return { [loop] in
      loop.cancel(transfer)
      sink.abandon()
    }
  }
}
