import TestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// One canned reply of the scripted server.
struct Reply: Sendable {
  var status: Int
  var headers: [String: String] = [:]
  var body = ""
}

/// Replies in order (the last one repeats) and counts the attempts that reached the server.
final class Script: Sendable {
  private let state: Mutex<(replies: [Reply], hits: Int)>

  init(_ replies: [Reply]) {
    state = Mutex((replies, 0))
  }

  var hits: Int { state.withLock { $0.hits } }

  func next() -> Reply {
    state.withLock { state in
      state.hits += 1
      return state.replies.count > 1 ? state.replies.removeFirst() : state.replies[0]
    }
  }
}

/// A Hummingbird 2 server on 127.0.0.1 playing fal: `POST /me/app` answers from the script,
/// `POST /me/slow` answers after `ms` ms, `POST /me/echo-key` refuses the key and quotes it back,
/// `PUT /me/slow/requests/{id}/cancel` answers after 3 s.
enum ScriptedServer {
  static func with<T: Sendable>(_ script: Script, _ body: @Sendable (Int) async throws -> T) async throws -> T
  {
    return try await LoopbackServer.with(router(script), label: "falclient-tests") { port in try await body(port) }
  }

  private static func router(_ script: Script) -> Router<BasicRequestContext> {
    let router = Router()
    router.post("/me/app") { _, _ in
      let reply = script.next()
      var headers = HTTPFields()
      for (name, value) in reply.headers { headers[HTTPField.Name(name)!] = value }
      headers[.contentType] = "application/json"
      return Response(
        status: .init(code: reply.status), headers: headers,
        body: .init(byteBuffer: ByteBuffer(string: reply.body)))
    }
    router.post("/me/slow") { request, _ in
      _ = script.next()
      let ms = request.uri.queryParameters["ms"].flatMap { Int($0) } ?? 2000
      try await Task.sleep(for: .milliseconds(ms))
      return "{}"
    }
    router.put("/me/slow/requests/:id/cancel") { _, _ in
      _ = script.next()
      try await Task.sleep(for: .seconds(3))
      return "{}"
    }
    router.post("/me/echo-key") { request, _ in
      _ = script.next()
      let authorization = request.headers[.authorization] ?? ""
      let body = #"{"detail": "Invalid credentials: \#(authorization)"}"#
      return Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
    return router
  }
}
