import FalClient
import Testing
import Transport

@Suite struct RequestBuildingTests {
  private let loop = try! EventLoop()

  private func client(key: String? = "secret-key", configure: (inout FalConfig) -> Void = { _ in })
    -> FalClient
  {
    var config = FalConfig(key: key)
    configure(&config)
    return FalClient(config: config, loop: loop)
  }

  private func url(_ call: FalCall, _ id: String, _ options: RequestOptions = .init()) throws -> String {
    client().url(for: call, endpoint: try EndpointID(parsing: id), options: options)
  }

  @Test func runAndSubmitUseTheFullPath() throws {
    #expect(try url(.run(path: nil), "fal-ai/flux/schnell") == "https://fal.run/fal-ai/flux/schnell")
    #expect(try url(.run(path: "/v1/x"), "fal-ai/flux/schnell") == "https://fal.run/fal-ai/flux/schnell/v1/x")
    #expect(
      try url(.submit(path: nil), "fal-ai/flux/dev/image-to-image")
        == "https://queue.fal.run/fal-ai/flux/dev/image-to-image")
    #expect(try url(.submit(path: "sub"), "workflows/me/wf") == "https://queue.fal.run/workflows/me/wf/sub")
    #expect(try url(.run(path: nil), "123-myapp") == "https://fal.run/123/myapp")
  }

  @Test func followUpsUseTheAppPathOnly() throws {
    let id = "fal-ai/flux/dev/image-to-image"
    #expect(
      try url(.status(requestID: "abc-123", logs: true), id)
        == "https://queue.fal.run/fal-ai/flux/requests/abc-123/status?logs=1")
    #expect(
      try url(.status(requestID: "abc-123", logs: false), id)
        == "https://queue.fal.run/fal-ai/flux/requests/abc-123/status?logs=0")
    #expect(
      try url(.result(requestID: "abc-123"), id) == "https://queue.fal.run/fal-ai/flux/requests/abc-123")
    #expect(
      try url(.cancel(requestID: "abc-123"), id)
        == "https://queue.fal.run/fal-ai/flux/requests/abc-123/cancel")
    #expect(
      try url(.result(requestID: "r"), "workflows/me/wf/sub/path")
        == "https://queue.fal.run/workflows/me/wf/requests/r")
    #expect(try url(.result(requestID: "r"), "comfy/me/wf") == "https://queue.fal.run/comfy/me/wf/requests/r")
  }

  @Test func webhookAndOddCharactersArePercentEncoded() throws {
    let options = RequestOptions(webhookURL: "https://example.com/hook?a=1&b=two words/ü")
    #expect(
      try url(.submit(path: nil), "fal-ai/flux/schnell", options)
        == "https://queue.fal.run/fal-ai/flux/schnell?fal_webhook=https%3A%2F%2Fexample.com%2Fhook%3Fa%3D1%26b%3Dtwo%20words%2F%C3%BC"
    )
    #expect(try url(.run(path: nil), "fal-ai/flux/schnell", options) == "https://fal.run/fal-ai/flux/schnell")
    #expect(
      try url(.result(requestID: "a/b c?#"), "me/app")
        == "https://queue.fal.run/me/app/requests/a%2Fb%20c%3F%23")
    #expect(try url(.run(path: "x y/z%"), "me/app") == "https://fal.run/me/app/x%20y/z%25")
  }

  @Test func baseURLsMayCarryATrailingSlash() throws {
    let local = client {
      $0.runURL = "http://127.0.0.1:8080/"
      $0.queueURL = "http://127.0.0.1:8081//"
    }
    let endpoint = try EndpointID(parsing: "me/app")
    #expect(
      local.url(for: .run(path: nil), endpoint: endpoint, options: .init()) == "http://127.0.0.1:8080/me/app")
    #expect(
      local.url(for: .result(requestID: "r"), endpoint: endpoint, options: .init())
        == "http://127.0.0.1:8081/me/app/requests/r")
  }

  @Test func defaultHeadersAndBodyContentType() {
    let withKey = client().headers(for: .run(path: nil), hasBody: true, options: .init())
    #expect(Array(withKey.map(\.name)) == ["Authorization", "User-Agent", "Accept", "Content-Type"])
    #expect(withKey["authorization"] == "Key secret-key")
    #expect(withKey["user-agent"] == "falua/0.1")
    #expect(withKey["accept"] == "application/json")
    #expect(withKey["content-type"] == "application/json")
    let anonymous = client(key: nil).headers(
      for: .status(requestID: "r", logs: false), hasBody: false, options: .init())
    #expect(!anonymous.contains(name: "Authorization"))
    #expect(!anonymous.contains(name: "Content-Type"))
  }

  @Test func userHeadersThenOptionsOverwrite() {
    let options = RequestOptions(
      headers: [
        "Accept": "text/event-stream", "x-fal-request-timeout": "99", "X-Custom": "1",
        "X-Fal-Queue-Priority": "normal",
      ],
      startTimeout: 30, hint: "runner-7", priority: .low)
    let submit = client().headers(for: .submit(path: nil), hasBody: true, options: options)
    #expect(submit["Accept"] == "text/event-stream")
    #expect(submit["X-Custom"] == "1")
    #expect(submit.values(for: "X-Fal-Request-Timeout") == ["30.0"])
    #expect(submit["X-Fal-Runner-Hint"] == "runner-7")
    #expect(submit.values(for: "X-Fal-Queue-Priority") == ["low"])
    let run = client().headers(for: .run(path: nil), hasBody: true, options: options)
    #expect(run["X-Fal-Runner-Hint"] == "runner-7")
    #expect(run["X-Fal-Queue-Priority"] == "normal")  // priority is a queue option: the user's header stays
    let status = client().headers(for: .status(requestID: "r", logs: true), hasBody: false, options: options)
    #expect(status["X-Fal-Request-Timeout"] == "99")
    #expect(status["X-Fal-Runner-Hint"] == nil)
  }

  @Test(arguments: [
    (30.0, "30.0"), (1.01, "1.01"), (2.5, "2.5"), (1e15, "1000000000000000.0"), (1e16, "1e+16"),
    (120.25, "120.25"),
  ])
  func startTimeoutIsFormattedLikePythonFloat(value: Double, expected: String) {
    let headers = client().headers(for: .run(path: nil), hasBody: false, options: .init(startTimeout: value))
    #expect(headers["X-Fal-Request-Timeout"] == expected)
  }

  // The Ctrl-C handler cancels in-flight requests with `{timeout = 5}` (stdlib/fal/queue.lua): the
  // client used to replace that with its 120 s default, so an unresponsive server held Ctrl-C.
  @Test func followUpsHonourTheCallersTimeout() throws {
    let endpoint = try EndpointID(parsing: "me/app")
    for call in [
      FalCall.cancel(requestID: "r"), .status(requestID: "r", logs: false), .result(requestID: "r"),
    ] {
      let request = client().request(for: call, endpoint: endpoint, body: nil, options: .init(timeout: 5))
      #expect(request.timeout == 5 && request.connectTimeout == 10, "\(call)")
    }
  }

  @Test func timeoutsPerCall() throws {
    let endpoint = try EndpointID(parsing: "me/app")
    let fal = client()
    let run = fal.request(for: .run(path: nil), endpoint: endpoint, body: [1], options: .init(timeout: 12))
    #expect(run.method == "POST" && run.timeout == 12 && run.connectTimeout == 10 && run.body == [1])
    let unbounded = fal.request(for: .run(path: nil), endpoint: endpoint, body: nil, options: .init())
    #expect(unbounded.timeout == 120)  // the default deadline: nothing waits forever
    let submit = fal.request(
      for: .submit(path: nil), endpoint: endpoint, body: [1], options: .init(timeout: 12))
    #expect(submit.method == "POST" && submit.timeout == 12 && submit.connectTimeout == 10)
    for call in [
      FalCall.status(requestID: "r", logs: false), .result(requestID: "r"), .cancel(requestID: "r"),
    ] {
      let request = fal.request(for: call, endpoint: endpoint, body: nil, options: .init())
      #expect(request.timeout == 120 && request.connectTimeout == 10)
    }
    #expect(
      fal.request(for: .cancel(requestID: "r"), endpoint: endpoint, body: nil, options: .init()).method
        == "PUT")
    #expect(
      fal.request(for: .status(requestID: "r", logs: true), endpoint: endpoint, body: nil, options: .init())
        .method == "GET")
  }

  // Control replies get a small receive buffer (a waiting subscribe holds its status stream's);
  // outputs keep curl's default.
  @Test func receiveBufferPerCall() throws {
    let endpoint = try EndpointID(parsing: "me/app")
    let fal = client()
    let small: [FalCall] = [
      .submit(path: nil), .status(requestID: "r", logs: true), .statusStream(requestID: "r", logs: false),
      .cancel(requestID: "r"), .realtimeToken,
    ]
    for call in small {
      #expect(fal.request(for: call, endpoint: endpoint, body: nil, options: .init()).receiveBufferSize == 2048)
    }
    for call in [FalCall.run(path: nil), .stream(path: nil), .result(requestID: "r")] {
      #expect(fal.request(for: call, endpoint: endpoint, body: nil, options: .init()).receiveBufferSize == nil)
    }
  }

  @Test func urlsNeverCarryTheKey() throws {
    let endpoint = try EndpointID(parsing: "me/app")
    let fal = client(key: "sk-live-abc")
    let calls: [FalCall] = [
      .run(path: nil), .submit(path: nil), .status(requestID: "r", logs: true), .result(requestID: "r"),
      .cancel(requestID: "r"),
    ]
    for call in calls {
      #expect(
        !fal.url(for: call, endpoint: endpoint, options: .init(webhookURL: "https://h")).contains(
          "sk-live-abc"))
    }
  }
}
