import FalClient
import Transport

// Storage operations on the loop: requests to the REST/CDN hosts, the CDN token, and downloads
// streamed to disk. Each is a tracked operation, so tasks await them like any other.
extension Core {
  /// Starts a storage request (retried like the other calls unless `retries` is false).
  func storageRequest(_ request: HTTPRequest, operation: String, falAuth: Bool, retries: Bool) -> Int {
    track(Outcome.response) { completion in
      client.sendStorage(request, operation: operation, falAuth: falAuth, retries: retries, completion: completion)
        .cancel
    }
  }

  /// Gets the CDN upload token from `cache`.
  func storageToken(_ cache: StorageTokenCache) -> Int {
    track(Outcome.storageToken) { cache.token(completion: $0) }
  }

  /// Fetches `url` following redirects, into the file at `path` (streamed) or into memory when nil.
  func download(_ url: String, to path: String?, progress: Bool) throws -> Int {
    try track(Outcome.download) { try client.download(url, to: path, progress: progress, completion: $0) }
  }
}
