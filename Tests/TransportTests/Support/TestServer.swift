import TestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// Records the client port of every request, so tests can count the connections the client used.
struct PeerContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  let peerPort: Int?

  init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    peerPort = source.channel.remoteAddress?.port
  }
}

/// What the loopback server saw, shared between its handlers and the test.
final class ServerLog: Sendable {
  private let state = Mutex<(ports: Set<Int>, slowStarted: Int, gateOpen: Bool)>(([], 0, false))

  var distinctPorts: Int { state.withLock { $0.ports.count } }
  var slowStarted: Int { state.withLock { $0.slowStarted } }
  var isGateOpen: Bool { state.withLock { $0.gateOpen } }

  func saw(_ context: PeerContext) {
    if let port = context.peerPort { state.withLock { _ = $0.ports.insert(port) } }
  }

  func startedSlow() { state.withLock { $0.slowStarted += 1 } }

  /// Lets a waiting `/gated` response finish.
  func openGate() { state.withLock { $0.gateOpen = true } }
}

/// An in-process Hummingbird 2 server on 127.0.0.1 with the routes the transport tests need.
enum TestServer {
  /// Starts the server on an ephemeral port, runs `body` with the port, then shuts it down.
  static func with<T: Sendable>(_ body: @Sendable (Int, ServerLog) async throws -> T) async throws -> T {
    let log = ServerLog()
    return try await LoopbackServer.with(router(log), label: "transport-tests") { port in try await body(port, log) }
  }

  private static func router(_ log: ServerLog) -> Router<PeerContext> {
    let router = Router(context: PeerContext.self)
    // Echoes the body, and what the request looked like in x-echo-* headers.
    for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
      router.on("/echo", method: method) { request, context in
        log.saw(context)
        var request = request
        let body = try await request.collectBody(upTo: 16 << 20)
        var headers = HTTPFields()
        headers[HTTPField.Name("x-echo-method")!] = request.method.rawValue
        headers[HTTPField.Name("x-echo-test")!] = request.headers[HTTPField.Name("x-test")!] ?? "none"
        headers[HTTPField.Name("x-echo-content-type")!] = request.headers[.contentType] ?? "none"
        headers[HTTPField.Name("x-echo-expect")!] = request.headers[.expect] ?? "none"
        headers[HTTPField.Name("x-echo-query")!] = request.uri.query ?? ""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
      }
    }
    // Answers after `ms` milliseconds: the delay is what timeout and cancel tests exercise.
    router.get("/slow") { request, context in
      log.saw(context)
      log.startedSlow()
      let ms = request.uri.queryParameters["ms"].flatMap { Int($0) } ?? 1000
      try await Task.sleep(for: .milliseconds(ms))
      return "done"
    }
    // Sends one chunk, then holds the response open until the client opens the gate (or 5 s pass).
    router.get("/gated") { _, context in
      log.saw(context)
      return Response(
        status: .ok,
        body: ResponseBody { writer in
          try await writer.write(ByteBuffer(string: "first;"))
          var waited = 0
          while !log.isGateOpen && waited < 500 {
            try await Task.sleep(for: .milliseconds(10))
            waited += 1
          }
          try await writer.write(ByteBuffer(string: log.isGateOpen ? "gated" : "timeout"))
          try await writer.finish(nil)
        })
    }
    router.get("/status/{code}") { _, context in
      Response(status: .init(code: context.parameters.get("code", as: Int.self) ?? 500))
    }
    router.get("/redirect") { _, _ in
      Response(status: .found, headers: [.location: "/echo?from=redirect"])
    }
    return router
  }
}
