import FalClient
import Foundation
import HTTPTypes
import Hummingbird
import TestSupport
import Testing
import Transport

/// `FalClient.openStream` against a server sending exact bytes: what it sends, and how each kind
/// of reply ends the stream.
@Suite struct StreamCallTests {
  /// What one stream produced.
  struct Ending: Sendable {
    var requestID: String?
    var opened = false
    var events: [SSEEvent] = []
    var error: FalError?
  }

  /// `POST /me/app/<name>/stream` replies with `status`, `contentType` and `body` as given.
  private static func router(_ replies: [String: (Int, String, String)]) -> Router<BasicRequestContext> {
    let router = Router()
    router.post("/me/app/:name/stream") { _, context in
      let name = context.parameters.get("name") ?? ""
      let (status, contentType, body) = replies[name] ?? (404, "application/json", #"{"detail": "no"}"#)
      var headers = HTTPFields()
      headers[.contentType] = contentType
      headers[HTTPField.Name("x-fal-request-id")!] = "req-\(name)"
      return Response(
        status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
    return router
  }

  private static func stream(_ name: String, port: Int) async throws -> Ending {
    try await onLoopThread {
      let loop = try EventLoop()
      var config = FalConfig(key: "test-key")
      config.runURL = "http://127.0.0.1:\(port)"
      let client = FalClient(config: config, loop: loop)
      var ending = Ending()
      var done = false
      client.openStream(
        .stream(path: "\(name)/stream"), endpoint: try EndpointID(parsing: "me/app"), body: Array("{}".utf8),
        options: RequestOptions(),
        handlers: FalStream.Handlers(
          onOpen: { ending.opened = true; ending.requestID = $0 },
          onEvents: { ending.events += $0 },
          onEnd: { ending.error = $0; done = true }))
      let deadline = EventLoop.now() + 10
      while !done && EventLoop.now() < deadline { loop.runOnce(timeout: 0.1) }
      return ending
    }
  }

  private static let replies: [String: (Int, String, String)] = [
    "ok": (200, "text/event-stream; charset=utf-8", "data: {\"a\":1}\r\n\r\n: ping\n\ndata: {\"a\":2}\n\n"),
    "cut": (200, "text/event-stream", "data: {\"a\":1}\n\ndata: {\"a\""),
    "json": (200, "application/json", "{\"a\":1}"),
    "invalid": (422, "application/json", #"{"detail": [{"loc": ["body", "prompt"], "msg": "field required"}]}"#),
    "busy": (503, "application/json", #"{"detail": "Runner disconnected"}"#),
  ]

  @Test func eventsArriveAndTheStreamEndsCleanly() async throws {
    let ending = try await LoopbackServer.with(Self.router(Self.replies), label: "stream") { port in
      try await Self.stream("ok", port: port)
    }
    #expect(ending.opened && ending.requestID == "req-ok")
    #expect(ending.events.map(\.data) == [#"{"a":1}"#, #"{"a":2}"#])
    #expect(ending.error == nil)
  }

  @Test func aReplyEndingMidEventIsANetworkError() async throws {
    let ending = try await LoopbackServer.with(Self.router(Self.replies), label: "stream") { port in
      try await Self.stream("cut", port: port)
    }
    #expect(ending.events.map(\.data) == [#"{"a":1}"#])
    #expect(ending.error?.kind == .network)
    #expect(ending.error?.message == "stream ended in the middle of an event")
  }

  @Test func aNonEventStreamReplyIsRefused() async throws {
    let ending = try await LoopbackServer.with(Self.router(Self.replies), label: "stream") { port in
      try await Self.stream("json", port: port)
    }
    #expect(!ending.opened && ending.events.isEmpty)
    #expect(ending.error?.message == "expected a text/event-stream reply, got Content-Type application/json")
  }

  @Test func errorRepliesCarryTheServersDetailAndAreNotRetried() async throws {
    let (invalid, busy) = try await LoopbackServer.with(Self.router(Self.replies), label: "stream") { port in
      (try await Self.stream("invalid", port: port), try await Self.stream("busy", port: port))
    }
    #expect(invalid.error?.kind == .validation && invalid.error?.status == 422)
    #expect(invalid.error?.body == Array(Self.replies["invalid"]!.2.utf8))
    #expect(busy.error?.kind == .http && busy.error?.status == 503)
    #expect(busy.error?.body == Array(Self.replies["busy"]!.2.utf8))
    #expect(busy.error?.requestID == "req-busy")
  }

  @Test func streamRequestsAskForEventsAndNoCaching() throws {
    let client = FalClient(config: FalConfig(key: "k"), loop: try EventLoop())
    let endpoint = try EndpointID(parsing: "fal-ai/any-llm")
    let request = client.request(for: .stream(path: nil), endpoint: endpoint, body: [], options: RequestOptions())
    #expect(request.method == "POST")
    #expect(request.url == "https://fal.run/fal-ai/any-llm/stream")
    #expect(request.headers["Accept"] == "text/event-stream")
    #expect(request.headers["Cache-Control"] == "no-store")
    #expect(request.timeout == nil)
    let custom = client.url(for: .stream(path: "/v2/events"), endpoint: endpoint, options: RequestOptions())
    #expect(custom == "https://fal.run/fal-ai/any-llm/v2/events")
    let status = client.request(
      for: .statusStream(requestID: "r 1", logs: true), endpoint: try EndpointID(parsing: "fal-ai/flux/dev"),
      body: nil, options: RequestOptions())
    #expect(status.method == "GET")
    #expect(status.url == "https://queue.fal.run/fal-ai/flux/requests/r%201/status/stream?logs=1")
    #expect(status.headers["Accept"] == "text/event-stream")
  }
}
