import FoundationEssentials
import Transport

/// A CDN upload token (PROTOCOL.md §12.1), valid until `expiresAt`.
public struct StorageToken: Sendable {
  /// The upload `Authorization` value: `"{token_type} {token}"`.
  public var authorization: String
  /// `base_url` from the reply (multipart uploads start there).
  public var baseURL: String
  /// When the token stops working.
  public var expiresAt: Date

  /// The reply's fields, all strings; others are ignored.
  private struct Reply: Decodable {
    var token, tokenType, baseURL, expiresAt: String

    enum CodingKeys: String, CodingKey {
      case token, tokenType = "token_type", baseURL = "base_url", expiresAt = "expires_at"
    }
  }

  /// Parses `{"token","token_type","base_url","expires_at"}`; nil when a field is missing.
  public init?(reply: [UInt8]) {
    guard let fields = try? JSONDecoder().decode(Reply.self, from: Data(reply)),
      let date = Self.parseDate(fields.expiresAt)
    else { return nil }
    authorization = "\(fields.tokenType) \(fields.token)"
    baseURL = fields.baseURL
    expiresAt = date
  }

  /// ISO-8601 with an offset, with or without fractional seconds.
  static func parseDate(_ text: String) -> Date? {
    if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
    return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
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
