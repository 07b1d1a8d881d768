import Testing

@testable import Transport

@Suite struct EventLoopHTTPTests {
  @Test(arguments: ["GET", "POST", "PUT", "PATCH", "DELETE"])
  func methodsBodiesAndHeadersRoundTrip(method: String) async throws {
    try await TestServer.with { port, _ in
      let body: [UInt8]? = method == "GET" ? nil : Array("payload \(method) ✓".utf8)
      let request = HTTPRequest(
        method: method, url: "http://127.0.0.1:\(port)/echo?a=1&b=%2F",
        headers: ["X-Test": "hello world", "Content-Type": "application/json"], body: body)
      let reply = try #require(try await roundTrip(request)).get()
      #expect(reply.status == 200)
      #expect(reply.headers["X-Echo-Method"] == method)
      #expect(reply.headers["x-echo-test"] == "hello world")
      #expect(reply.headers["x-echo-content-type"] == "application/json")
      #expect(reply.headers["x-echo-query"] == "a=1&b=%2F")
      #expect(reply.body == (body ?? []))
      #expect(reply.httpVersion == .http1_1)
      #expect(reply.effectiveURL.hasSuffix("/echo?a=1&b=%2F"))
    }
  }

  @Test func largeBodyGoesWithoutExpectOrInventedContentType() async throws {
    try await TestServer.with { port, _ in
      let body = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
      let request = HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/echo", body: body)
      let reply = try #require(try await roundTrip(request)).get()
      #expect(reply.body == body)
      #expect(reply.headers["x-echo-expect"] == "none")
      #expect(reply.headers["x-echo-content-type"] == "none")
    }
  }

  @Test func putWithoutBodySendsAnEmptyOne() async throws {
    try await TestServer.with { port, _ in
      let reply = try #require(
        try await roundTrip(HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(port)/echo"))
      ).get()
      #expect(reply.status == 200)
      #expect(reply.headers["x-echo-method"] == "PUT")
      #expect(reply.body.isEmpty)
    }
  }

  @Test func nonSuccessStatusIsAResponseNotAnError() async throws {
    try await TestServer.with { port, _ in
      let reply = try #require(try await roundTrip(HTTPRequest(url: "http://127.0.0.1:\(port)/status/503")))
        .get()
      #expect(reply.status == 503)
    }
  }

  @Test func redirectsAreFollowedOnlyWhenAsked() async throws {
    try await TestServer.with { port, _ in
      var request = HTTPRequest(url: "http://127.0.0.1:\(port)/redirect")
      let unfollowed = try #require(try await roundTrip(request)).get()
      #expect(unfollowed.status == 302)
      #expect(unfollowed.headers["location"] == "/echo?from=redirect")
      request.followRedirects = true
      let followed = try #require(try await roundTrip(request)).get()
      #expect(followed.status == 200)
      #expect(followed.headers["location"] == nil)
      #expect(followed.headers["x-echo-query"] == "from=redirect")
      #expect(followed.effectiveURL == "http://127.0.0.1:\(port)/echo?from=redirect")
    }
  }

  @Test func hundredConcurrentRequestsOnOneLoopComplete() async throws {
    try await TestServer.with { port, _ in
      let statuses = try await onLoopThread { () -> [Int] in
        let loop = try EventLoop()
        var statuses: [Int] = []
        for index in 0..<100 {
          let request = HTTPRequest(
            method: "POST", url: "http://127.0.0.1:\(port)/echo", body: Array("\(index)".utf8))
          loop.send(request) { outcome in
            let reply = try? outcome.get()
            statuses.append(
              reply.map { String(decoding: $0.body, as: UTF8.self) == "\(index)" ? $0.status : -1 } ?? -2)
          }
        }
        loop.run(until: { statuses.count == 100 }, limit: 30)
        #expect(loop.isIdle)
        return statuses
      }
      #expect(statuses == Array(repeating: 200, count: 100))
    }
  }

  @Test func sequentialRequestsReuseOneConnection() async throws {
    try await TestServer.with { port, log in
      let connects = try await onLoopThread { () -> [Int] in
        let loop = try EventLoop()
        var connects: [Int] = []
        for _ in 0..<5 {
          let before = connects.count
          loop.send(HTTPRequest(url: "http://127.0.0.1:\(port)/echo")) {
            connects.append((try? $0.get().newConnections) ?? -1)
          }
          loop.run(until: { connects.count > before })
        }
        return connects
      }
      #expect(connects == [1, 0, 0, 0, 0])
      #expect(log.distinctPorts == 1)
    }
  }

  // Pooled handles are reset between requests: a large body must arrive whole whatever receive
  // buffer the handle had before (curl's smallest, its default, a small one again).
  @Test func receiveBufferSizesAlternateOnReusedHandles() async throws {
    try await TestServer.with { port, _ in
      let body = (0..<(300 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
      let sizes: [Int?] = [1024, nil, 2048, nil, 1024, 65536]
      let received = try await onLoopThread { () -> [[UInt8]] in
        let loop = try EventLoop()
        var received: [[UInt8]] = []
        for size in sizes {
          let before = received.count
          var request = HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/echo", body: body)
          request.receiveBufferSize = size
          loop.send(request) { received.append((try? $0.get().body) ?? []) }
          loop.run(until: { received.count > before })
        }
        return received
      }
      #expect(received.count == sizes.count)
      #expect(received.allSatisfy { $0 == body })
    }
  }

  // A loop reuses the last header list for identical headers (HeaderList): each request must
  // still send its own.
  @Test func eachSequentialRequestSendsItsOwnHeaders() async throws {
    try await TestServer.with { port, _ in
      let sent: [(String, HTTPHeaders)] = [
        ("GET", ["X-Test": "one"]), ("GET", ["X-Test": "one"]), ("GET", ["X-Test": "two"]),
        ("POST", ["X-Test": "two"]), ("POST", ["X-Test": "two", "Content-Type": "text/plain"]),
        ("GET", ["X-Test": "a\r\nInjected: 1"]), ("GET", ["X-Test": "one"]),
      ]
      let echoes = try await onLoopThread { () -> [String] in
        let loop = try EventLoop()
        var echoes: [String] = []
        for (method, headers) in sent {
          let before = echoes.count
          loop.send(HTTPRequest(method: method, url: "http://127.0.0.1:\(port)/echo", headers: headers)) {
            let reply = try? $0.get()
            echoes.append(
              reply.map { "\($0.headers["x-echo-test"] ?? "") \($0.headers["x-echo-content-type"] ?? "")" }
                ?? "failed")
          }
          loop.run(until: { echoes.count > before })
        }
        return echoes
      }
      #expect(
        echoes == ["one none", "one none", "two none", "two none", "two text/plain", "failed", "one none"])
    }
  }

  @Test func refusedConnectionMapsToConnect() async throws {
    // Port 1 on loopback: nothing listens there, so the kernel refuses at once.
    let outcome = try #require(try await roundTrip(HTTPRequest(url: "http://127.0.0.1:1/", timeout: 5)))
    guard case .failure(let error) = outcome else {
      Issue.record("expected a failure")
      return
    }
    #expect(error.kind == .connect)
    #expect(!error.message.isEmpty)
    #expect(error.curlCode == 7)
  }

  @Test func tlsToAPlainServerMapsToTLS() async throws {
    try await TestServer.with { port, _ in
      let outcome = try #require(
        try await roundTrip(HTTPRequest(url: "https://127.0.0.1:\(port)/echo", timeout: 5)))
      guard case .failure(let error) = outcome else {
        Issue.record("expected a failure")
        return
      }
      #expect(error.kind == .tls)
    }
  }

  @Test func caBundleIsUsedForTLS() async throws {
    try await TestServer.with { port, _ in
      let outcome = try await onLoopThread { () -> Result<HTTPResponse, TransportError>? in
        let loop = try EventLoop(caBundle: "/nonexistent/ca-bundle.pem")
        var outcome: Result<HTTPResponse, TransportError>?
        loop.send(HTTPRequest(url: "https://127.0.0.1:\(port)/echo", timeout: 5)) { outcome = $0 }
        loop.run(until: { outcome != nil })
        return outcome
      }
      guard case .failure(let error) = try #require(outcome) else {
        Issue.record("expected a failure")
        return
      }
      #expect(error.kind == .tls)
      #expect(error.curlCode == 77)  // CURLE_SSL_CACERT_BADFILE: the bundle was the one tried
    }
  }

  @Test func malformedURLFailsAsOther() async throws {
    let outcome = try #require(try await roundTrip(HTTPRequest(url: "nope://x")))
    guard case .failure(let error) = outcome else {
      Issue.record("expected a failure")
      return
    }
    #expect(error.kind == .other)
  }

  @Test func headerWithLineBreakFailsLaterNotInsideSend() async throws {
    let (failedInside, outcome) = try await onLoopThread {
      () -> (Bool, Result<HTTPResponse, TransportError>?) in
      let loop = try EventLoop()
      var outcome: Result<HTTPResponse, TransportError>?
      loop.send(HTTPRequest(url: "http://127.0.0.1:1/", headers: ["X-Bad": "a\r\nInjected: 1"])) {
        outcome = $0
      }
      let failedInside = outcome != nil
      loop.run(until: { outcome != nil })
      return (failedInside, outcome)
    }
    #expect(!failedInside)
    guard case .failure(let error) = try #require(outcome) else {
      Issue.record("expected a failure")
      return
    }
    #expect(error.kind == .other)
    #expect(error.message.contains("X-Bad"))
  }
}
