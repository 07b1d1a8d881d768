import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Posts the completion notice of a request submitted with `?fal_webhook=` (PROTOCOL §13).
/// One attempt, unsigned: the emulator has no signing key to publish.
final class WebhookSender: @unchecked Sendable {
  private let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 15
    return URLSession(configuration: configuration)
  }()

  /// Sends the notice for a completed request; `report` gets "HTTP <code>" or the failure.
  func deliver(_ record: RequestRecord, outcome: Outcome, report: @escaping @Sendable (String) -> Void) {
    guard let text = record.webhookURL, let url = URL(string: text),
      ["http", "https"].contains(url.scheme ?? "")
    else {
      report("not sent: invalid webhook URL")
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
    var request = URLRequest(url: url)
    request.httpMethod = "POST"
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.setValue(record.id, forHTTPHeaderField: "X-Fal-Webhook-Request-Id")
    request.httpBody = JSONBody.encode(object)
    session.dataTask(with: request) { _, response, error in
      if let status = (response as? HTTPURLResponse)?.statusCode {
        report("HTTP \(status)")
      } else {
        report("failed: \(error.map { $0.localizedDescription } ?? "no response")")
      }
    }.resume()
  }
}
