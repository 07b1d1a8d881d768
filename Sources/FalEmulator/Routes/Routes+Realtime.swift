import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import NIOCore

// `GET /{app}[/{path}]/realtime` with an upgrade (PROTOCOL §10): binary msgpack frames in and out,
// JSON text frames for meta messages. Hummingbird answers a refused upgrade with a bare 400, so a
// refusal (bad token, unknown app) upgrades and closes at once with code 4000 + the HTTP status
// and the reason ("Unauthorized: token expired"), which the client raises.
extension EmulatorRoutes {
  /// Largest realtime message accepted.
  static let maxRealtimeMessage = 16 << 20

  /// What an admitted upgrade request asks for.
  struct RealtimeRequest {
    var app: AppSource
    var path: String
    var maxBuffering: Int?
  }

  /// Why an upgrade request is refused: an HTTP status and the detail.
  struct RealtimeRefusal: Error {
    var status: Int
    var detail: String
  }

  /// The app and options of an upgrade request, or why it is refused.
  func admitRealtime(path fullPath: String, authorization: String?) -> Result<RealtimeRequest, RealtimeRefusal> {
    let pathPart = String(fullPath.prefix(while: { $0 != "?" }))
    let query = Self.queryItems(fullPath)
    guard let endpoint = Endpoint(path: pathPart), case .invoke(let subPath) = endpoint.action else {
      return .failure(RealtimeRefusal(status: 404, detail: "Path \(pathPart) not found"))
    }
    guard let app = apps[endpoint.appID] else {
      return .failure(RealtimeRefusal(status: 404, detail: "Application '\(endpoint.appID)' not found"))
    }
    var maxBuffering: Int?
    if let text = query["max_buffering"] {
      guard let value = Int(text), (1...60).contains(value) else {
        return .failure(RealtimeRefusal(status: 422, detail: "max_buffering must be between 1 and 60 (inclusive)"))
      }
      maxBuffering = value
    }
    let alias = String(endpoint.appID.split(separator: "/").last ?? "")
    if let token = query["fal_jwt_token"] {
      if let problem = tokens.refusal(of: token, alias: alias) {
        return .failure(RealtimeRefusal(status: 401, detail: "Unauthorized: \(problem)"))
      }
    } else if let key, authorization != "Key \(key)" {
      return .failure(RealtimeRefusal(status: 401, detail: "Unauthorized"))
    }
    return .success(RealtimeRequest(app: app, path: subPath, maxBuffering: maxBuffering))
  }

  /// Hummingbird's upgrade decision for the run server: always upgrade, then serve or refuse.
  func realtimeUpgrade(_ head: HTTPRequest) -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
    let admission = admitRealtime(path: head.path ?? "/", authorization: head.headerFields[.authorization])
    let endpoint = Endpoint(path: String((head.path ?? "/").prefix(while: { $0 != "?" })))
    stats.countRequest(route: nil, appID: endpoint?.appID)
    return .upgrade([:]) { inbound, outbound, _ in
      switch admission {
      case .success(let admitted):
        try await Self.serveRealtime(admitted, inbound: inbound, outbound: outbound)
      case .failure(let refusal):
        try await outbound.close(.init(codeNumber: 4000 + refusal.status), reason: String(refusal.detail.utf8.prefix(120)) ?? "")
      }
    }
  }

  // The reader is a child task, so it runs on the server's executor like the handler (an
  // unstructured task would need the global pool, which blocked tests may starve).
  private static func serveRealtime(
    _ request: RealtimeRequest, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter
  ) async throws {
    let session = RealtimeSession(app: request.app, path: request.path, maxBuffering: request.maxBuffering)
    session.start()
    defer { session.stop() }
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        defer { session.endInput() }
        for try await message in inbound.messages(maxSize: maxRealtimeMessage) {
          switch message {
          case .binary(let buffer): session.enqueue(.binary(Array(buffer.readableBytesView)))
          case .text(let text): session.enqueue(.text(text))
          }
        }
      }
      defer { group.cancelAll() }
      for await output in session.outputs {
        switch output {
        case .reply(let bytes):
          try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
        case .text(let text):
          try await outbound.write(.text(text))
        case .close(let code, let reason):
          try await outbound.close(.init(codeNumber: code), reason: reason)
          return
        case .failure(let message):
          let frame: [String: Any] = ["type": "x-fal-error", "error": "INTERNAL_ERROR", "reason": message]
          try await outbound.write(.text(String(decoding: JSONBody.encode(frame), as: UTF8.self)))
          try await outbound.close(.normalClosure, reason: nil)
          return
        }
      }
    }
  }

  private static func queryItems(_ path: String) -> [String: String] {
    guard let start = path.firstIndex(of: "?") else { return [:] }
    var items: [String: String] = [:]
    for pair in path[path.index(after: start)...].split(separator: "&") {
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let name = String(parts[0]).removingPercentEncoding ?? String(parts[0])
      let value = parts.count > 1
        ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
      items[name] = value
    }
    return items
  }
}
