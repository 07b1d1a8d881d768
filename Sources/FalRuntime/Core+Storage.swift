import FalClient
import Foundation
import Transport

// Storage operations on the loop: requests to the REST/CDN hosts, the CDN token, and downloads
// streamed to disk. Each is a `begin`/`complete` operation, so tasks await them like any other.
extension Core {
  /// Starts a storage request (retried like the other calls unless `retries` is false).
  func storageRequest(_ request: HTTPRequest, operation: String, falAuth: Bool, retries: Bool) throws -> Int {
    if falAuth { try Credentials.check(client.config, url: request.url) }
    var pending: FalOperation?
    let id = begin { pending?.cancel() }
    pending = client.sendStorage(request, operation: operation, falAuth: falAuth, retries: retries) {
      [unowned self] result in
      switch result {
      case .success(let response): complete(id, .response(response))
      case .failure(let error): complete(id, .failure(error))
      }
    }
    return id
  }

  /// Gets the CDN upload token from `cache`; the completion carries `authorization` and `base_url`.
  func storageToken(_ cache: StorageTokenCache) throws -> Int {
    try Credentials.check(client.config, url: client.config.restURL)
    var cancel: (() -> Void)?
    let id = begin { cancel?() }
    cancel = cache.token { [unowned self] result in
      switch result {
      case .success(let token):
        complete(
          id,
          .custom { lua in
            lua.push(true)
            lua.rawSet(field: "ok", in: -2)
            lua.push(token.authorization)
            lua.rawSet(field: "authorization", in: -2)
            lua.push(token.baseURL)
            lua.rawSet(field: "base_url", in: -2)
          })
      case .failure(let error): complete(id, .failure(error))
      }
    }
    return id
  }

  /// Fetches `url` following redirects, into the file at `path` (streamed) or into memory when nil.
  func download(_ url: String, to path: String?, progress: Bool) throws -> Int {
    let sink: DownloadSink
    do {
      sink = try DownloadSink(url: url, path: path, progress: progress)
    } catch {
      throw FalError.usage("fal.download: cannot write \(path ?? "")")
    }
    var request = HTTPRequest(url: url, connectTimeout: 30)
    request.followRedirects = true
    request.headers.add(name: "User-Agent", value: client.config.userAgent)
    var transfer: TransferID?
    let id = begin { [loop] in
      if let transfer { loop.cancel(transfer) }
      sink.abandon()
    }
    transfer = loop.send(
      request, onHead: { status, headers in sink.head(status: status, headers: headers) },
      onChunk: { sink.write($0) },
      completion: { [unowned self] result in
        switch sink.finish(result) {
        case .success(let body):
          complete(
            id,
            .custom { lua in
              lua.push(true)
              lua.rawSet(field: "ok", in: -2)
              lua.push(sink.received)
              lua.rawSet(field: "size", in: -2)
              if let body {
                lua.push(bytes: body)
                lua.rawSet(field: "body", in: -2)
              }
              lua.push(sink.contentType)
              lua.rawSet(field: "content_type", in: -2)
            })
        case .failure(let error): complete(id, .failure(error))
        }
      })
    return id
  }
}
