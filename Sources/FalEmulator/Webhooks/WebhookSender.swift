import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

// Unlike fal (10 attempts over 2 hours), the emulator retries a few times within seconds: tests
// and examples wait for the outcome. It delivers only to loopback URLs, so a script run against
// the emulator can never make it post to the internet.
/// Posts the signed completion notice of a request submitted with `?fal_webhook=` (PROTOCOL §13),
/// retrying failed deliveries: 4 attempts, 0.2 s doubling between them.
final class WebhookSender: @unchecked Sendable {
  static let attempts = 4
  static let firstDelay = 0.2
  /// The `X-Fal-Webhook-User-Id` of every delivery.
  static let userID = "usr_emulator"

  private let key: WebhookKey
  private let lock = NSLock()
  private var stopped = false
  private let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 15
    return URLSession(configuration: configuration)
  }()

  init(key: WebhookKey) {
    self.key = key
  }

  /// Drops pending retries and aborts deliveries in flight: once the emulator stops, nothing may
  /// connect to its servers any more (its own webhook sink among them).
  func stop() {
    lock.withLock { stopped = true }
    session.invalidateAndCancel()
  }

  /// Sends the notice for a completed request; `report` gets "HTTP <code>" (with "after N attempts"
  /// when retried) or the last failure.
  func deliver(_ record: RequestRecord, outcome: Outcome, report: @escaping @Sendable (_ text: String, _ delivered: Bool) -> Void) {
    guard let text = record.webhookURL, let url = URL(string: text),
      ["http", "https"].contains(url.scheme ?? "")
    else {
      report("not sent: invalid webhook URL", false)
      return
    }
    guard let host = url.host, ["localhost", "::1", "[::1]"].contains(host) || host.hasPrefix("127.") else {
      report("not sent: the emulator delivers to loopback URLs only", false)
      return
    }
    let succeeded = (200..<300).contains(outcome.status)
    var object: [String: Any] = [
      "request_id": record.id, "gateway_request_id": record.id, "status": succeeded ? "OK" : "ERROR",
    ]
    if let payload = JSONBody.decode(outcome.body) {
      object["payload"] = payload
    } else {
      object["payload"] = NSNull()
      object["payload_error"] = "Response payload is not JSON serializable"
    }
    if !succeeded { object["error"] = "Invalid status code: \(outcome.status)" }
    let body = JSONBody.encode(object)
    attempt(1, url: url, body: body, requestID: record.id, report: report)
  }

  private func attempt(
    _ number: Int, url: URL, body: Data, requestID: String, report: @escaping @Sendable (_ text: String, _ delivered: Bool) -> Void
  ) {
    guard !lock.withLock({ stopped }) else { return report("not sent: the emulator stopped", false) }
    var request = URLRequest(url: url)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    // Signed at each attempt: a retry carries a fresh timestamp, as a receiver's tolerance expects.
    for (name, value) in key.headers(requestID: requestID, userID: Self.userID, body: body) {
      request.setValue(value, forHTTPHeaderField: name)
    }
    request.httpBody = body
    session.dataTask(with: request) { [self] _, response, error in
      let status = (response as? HTTPURLResponse)?.statusCode
      if let status, (200..<300).contains(status) {
        return report(number == 1 ? "HTTP \(status)" : "HTTP \(status) after \(number) attempts", true)
      }
      let failure = status.map { "HTTP \($0)" } ?? "failed: \(error.map { $0.localizedDescription } ?? "no response")"
      guard number < Self.attempts else {
        return report("\(failure) after \(number) attempts", false)
      }
      let delay = Self.firstDelay * Double(1 << (number - 1))
      DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
        self.attempt(number + 1, url: url, body: body, requestID: requestID, report: report)
      }
    }.resume()
  }
}
