import Foundation
import Transport

/// A CDN upload token (PROTOCOL.md §12.1), valid until `expiresAt`.
public struct StorageToken: Sendable {
  /// The upload `Authorization` value: `"{token_type} {token}"`.
  public var authorization: String
  /// `base_url` from the reply (multipart uploads start there).
  public var baseURL: String
  /// When the token stops working.
  public var expiresAt: Date

  /// Parses `{"token","token_type","base_url","expires_at"}`; nil when a field is missing.
  public init?(reply: [UInt8]) {
    guard let object = try? JSONSerialization.jsonObject(with: Data(reply)) as? [String: Any],
      let token = object["token"] as? String, let type = object["token_type"] as? String,
      let baseURL = object["base_url"] as? String, let expires = object["expires_at"] as? String,
      let date = Self.parseDate(expires)
    else { return nil }
    authorization = "\(type) \(token)"
    self.baseURL = baseURL
    expiresAt = date
  }

  /// ISO-8601 with an offset, with or without fractional seconds.
  static func parseDate(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text)
  }
}

// One fetch at a time: callers arriving while a token is being fetched wait for that fetch.
/// Fetches the CDN token and keeps it until it expires (the Python client: no leeway, no retry).
public final class StorageTokenCache {
  private let client: FalClient
  private var token: StorageToken?
  private var waiters: [Int: (Result<StorageToken, FalError>) -> Void] = [:]
  private var nextWaiter = 0
  private var fetch: FalOperation?

  /// A cache for `client`'s REST host.
  public init(client: FalClient) {
    self.client = client
  }

  /// Hands the token to `completion` from a later loop turn; returns a cancel function.
  @discardableResult
  public func token(completion: @escaping (Result<StorageToken, FalError>) -> Void) -> () -> Void {
    if let token, Date() < token.expiresAt {
      let timer = client.loop.schedule(after: 0) { completion(.success(token)) }
      return { [loop = client.loop] in loop.cancel(timer) }
    }
    let id = nextWaiter
    nextWaiter += 1
    waiters[id] = completion
    if fetch == nil { start() }
    return { [weak self] in
      guard let self else { return }
      waiters[id] = nil
      if waiters.isEmpty {
        fetch?.cancel()
        fetch = nil
      }
    }
  }

  private func start() {
    var headers = HTTPHeaders()
    headers.add(name: "Accept", value: "application/json")
    headers.add(name: "Content-Type", value: "application/json")
    let request = HTTPRequest(
      method: "POST", url: client.config.restURL + "/storage/auth/token?storage_type=fal-cdn-v3",
      headers: headers, body: Array("{}".utf8), timeout: 30)
    fetch = client.sendStorage(request, operation: "storage token", falAuth: true, retries: false) {
      [weak self] result in
      guard let self else { return }
      fetch = nil
      let outcome = result.flatMap { reply -> Result<StorageToken, FalError> in
        guard let token = StorageToken(reply: reply.body) else {
          return .failure(FalError(kind: .http, message: "malformed storage token reply", status: reply.status, retryable: false, endpoint: "storage", operation: "storage token"))
        }
        return .success(token)
      }
      if case .success(let token) = outcome { self.token = token }
      let waiting = waiters
      waiters = [:]
      waiting.keys.sorted().forEach { waiting[$0]?(outcome) }
    }
  }
}
