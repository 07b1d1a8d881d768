import FalClient
import Testing
import Transport

@Suite struct RetryPolicyTests {
  struct Case: Sendable, CustomTestStringConvertible {
    let name: String
    let outcome: Result<HTTPResponse, TransportError>
    let sentRequestTimeout: Bool
    let retry: Bool
    var testDescription: String { name }

    static func reply(_ status: Int, _ headers: HTTPHeaders = [:], sent: Bool = false, retry: Bool) -> Case {
      Case(
        name: "\(status) \(headers.map { $0.name })\(sent ? " +timeout header" : "")",
        outcome: .success(HTTPResponse(status: status, headers: headers)), sentRequestTimeout: sent,
        retry: retry)
    }

    static func failure(
      _ kind: TransportError.Kind, _ message: String = "", curlCode: Int = 0, sent: Bool = false, retry: Bool
    ) -> Case {
      Case(
        name: "\(kind) \(message) \(curlCode)\(sent ? " +timeout header" : "")",
        outcome: .failure(TransportError(kind: kind, message: message, curlCode: curlCode)), sentRequestTimeout: sent,
        retry: retry)
    }
  }

  static let table: [Case] = [
    .reply(200, retry: false),
    .reply(400, retry: false),
    .reply(404, retry: false),
    .reply(408, retry: true),
    .reply(409, retry: true),
    .reply(422, retry: false),
    .reply(429, retry: true),
    .reply(429, ["x-fal-request-id": "r"], retry: true),
    .reply(500, retry: false),
    .reply(502, retry: true),
    .reply(503, retry: true),
    .reply(504, retry: true),
    .reply(502, ["x-fal-request-id": "r"], retry: false),
    .reply(503, ["X-Fal-Request-Id": "r"], retry: false),
    .reply(504, ["x-fal-request-id": "r"], retry: false),
    .reply(504, ["X-Fal-Request-Timeout-Type": "user"], retry: false),
    .reply(504, ["X-Fal-Request-Timeout-Type": "user"], sent: true, retry: false),
    .failure(.connect, retry: true),
    .failure(.resolve, retry: true),
    .failure(.send, retry: true),
    .failure(.receive, retry: true),
    .failure(.receive, sent: true, retry: true),
    // A reply cut short (CURLE_PARTIAL_FILE 18) or garbled (CURLE_WEIRD_SERVER_REPLY 8): the server ran it.
    .failure(.receive, "transfer closed with 480 bytes remaining to read", curlCode: 18, retry: false),
    .failure(.receive, "Unsupported HTTP version in response", curlCode: 8, retry: false),
    // Only a connect-phase timeout: any other is a deadline (issue 8: a retried run bills again).
    .failure(.timeout, "Operation timed out after 300 milliseconds", retry: false),
    .failure(.timeout, "Connection timed out after 10001 milliseconds", retry: true),
    .failure(.timeout, "Resolving timed out after 10001 milliseconds", retry: true),
    .failure(.timeout, sent: true, retry: false),
    .failure(.tls, retry: false),
    .failure(.other, retry: false),
  ]

  @Test(arguments: table)
  func decisions(_ item: Case) {
    #expect(RetryPolicy.isTransient(item.outcome, sentRequestTimeout: item.sentRequestTimeout) == item.retry)
  }

  @Test func defaultsAreThePythonClients() {
    let policy = RetryPolicy()
    #expect(policy.maxAttempts == 10 && policy.baseDelay == 0.1 && policy.maxDelay == 30)
  }

  @Test func backoffDoublesWithinJitterBoundsAndIsCapped() {
    let policy = RetryPolicy()
    for retry in 1...9 {
      let nominal = min(0.1 * Double(1 << (retry - 1)), 30)
      let low = policy.delay(beforeRetry: retry, random: 0)
      let middle = policy.delay(beforeRetry: retry, random: 0.5)
      let high = policy.delay(beforeRetry: retry, random: 0.999_999)
      #expect(abs(low - nominal * 0.5) < 1e-9)
      #expect(abs(middle - nominal) < 1e-9)
      #expect(abs(high - min(nominal * 1.5, 30)) < 1e-4)
      #expect(low <= middle && middle <= high && high <= 30)
    }
    #expect(abs(policy.delay(beforeRetry: 1, random: 0.5) - 0.1) < 1e-12)
    #expect(abs(policy.delay(beforeRetry: 9, random: 0) - 12.8) < 1e-9)
    #expect(policy.delay(beforeRetry: 9, random: 0.9) == 30)
    #expect(policy.delay(beforeRetry: 40, random: 0) == 15)
  }
}
