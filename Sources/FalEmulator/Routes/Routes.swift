import Foundation
import Hummingbird

/// Which server a request arrived on: the same URL shapes serve both, but a POST runs the app on
/// the run server and queues it on the queue server.
enum ServerPort: Sendable {
  case run, queue
}

/// The servers' absolute base URLs, known once they listen.
final class ServerURLs: @unchecked Sendable {
  private let lock = NSLock()
  private var urls: [ServerPort: String] = [:]

  func set(_ url: String, for port: ServerPort) { lock.withLock { urls[port] = url } }
  func url(_ port: ServerPort) -> String { lock.withLock { urls[port] ?? "" } }
}

/// Every HTTP route of the emulator. One catch-all responder per server calls `respond`, which
/// parses the path itself (PROTOCOL §1.1 ids do not fit a fixed route pattern).
struct EmulatorRoutes: Sendable {
  /// Request bodies larger than this are refused (413).
  static let maxBodySize = 64 << 20

  let apps: AppTable
  let store: QueueStore
  let files: FileStore
  let stats: Stats
  let faults: FaultInjector
  let key: String?
  let urls: ServerURLs
  let webhookKey: WebhookKey
  let webhookSink: WebhookSink
  /// Signs and checks realtime JWTs (`POST /tokens/`, `fal_jwt_token`).
  let tokens = RealtimeTokens()

  /// Answers one request; never throws (every failure is a reply, or an injected reset).
  func respond(to request: Request, on port: ServerPort, connection: ConnectionContext) async -> Response {
    do {
      return try await dispatch(request, on: port, connection: connection)
    } catch let reply as ReplyError {
      return reply.response
    } catch {
      // Every expected failure is a ReplyError; anything else is a bug worth seeing in the reply.
      return Reply.error(500, "\(error)", errorType: "internal_error", requestID: Reply.newRequestID())
    }
  }

  private func dispatch(_ request: Request, on port: ServerPort, connection: ConnectionContext) async throws
    -> Response
  {
    var request = request
    let path = request.uri.path
    // Control and file routes: no key, no faults, not counted.
    if let reply = try await webhooks(&request, path: path) { return reply }
    if let reply = try await storage(&request, path: path, on: port) { return reply }
    if path.hasPrefix("/_emulator/") { return try await control(&request, path: path) }
    if path.hasPrefix("/files/") { return file(named: String(path.dropFirst("/files/".count))) }
    if path == "/tokens/" || path == "/tokens" { return try await issueToken(&request) }

    let endpoint = Endpoint(path: path)
    let route = endpoint?.route(onQueuePort: port == .queue)
    stats.countRequest(route: route, appID: endpoint?.appID)
    if let route {
      switch faults.decide(route: route) {
      case .proceed: break
      case .fail(let fault):
        stats.countFault(route: route)
        return Reply.fault(fault)
      case .delay(let seconds):
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
      case .reset(let afterHandling):
        stats.countFault(route: route)
        if afterHandling, !Self.isStream(endpoint) {
          // The request is handled (a submit is queued), but its reply never arrives. (A stream's
          // body never runs, so a stream is reset before it starts instead.)
          _ = try? await invoke(&request, endpoint: endpoint, port: port, path: path)
        }
        connection.reset()
        return Reply.error(500, "connection reset", requestID: nil)
      }
    }
    return try await invoke(&request, endpoint: endpoint, port: port, path: path)
  }

  private static func isStream(_ endpoint: Endpoint?) -> Bool {
    guard case .invoke(let subPath) = endpoint?.action else { return false }
    return isStream(subPath)
  }

  /// The key check, the app lookup and the route's work.
  private func invoke(_ request: inout Request, endpoint: Endpoint?, port: ServerPort, path: String) async throws
    -> Response
  {
    if let key, request.headers[.authorization] != "Key \(key)" {
      return Reply.error(401, "Unauthorized", requestID: Reply.newRequestID())
    }
    let appID = endpoint?.appID ?? path.split(separator: "/").joined(separator: "/")
    guard let endpoint, let app = apps[appID] else {
      return Reply.error(404, "Application '\(appID)' not found", requestID: Reply.newRequestID())
    }
    switch (endpoint.action, request.method) {
    case (.invoke(let subPath), .post) where port == .run && Self.isStream(subPath):
      return try await stream(&request, app: app, subPath: subPath)
    case (.invoke(let subPath), .post):
      return port == .run
        ? try await run(&request, app: app, path: subPath)
        : try await submit(&request, app: app, path: subPath)
    case (.status(let id), .get): return status(request, app: app, id: id)
    case (.statusStream(let id), .get): return statusStream(request, app: app, id: id)
    case (.result(let id), .get): return result(app: app, id: id)
    case (.cancel(let id), .put): return cancel(app: app, id: id)
    case (.unknown, _): return Reply.error(404, "Path \(path) not found", requestID: Reply.newRequestID())
    default: return Reply.error(405, "Method Not Allowed", requestID: Reply.newRequestID())
    }
  }

  /// The request body, at most `maxBodySize` bytes.
  func body(of request: inout Request) async throws -> Data {
    do {
      return Data(try await request.collectBody(upTo: Self.maxBodySize).readableBytesView)
    } catch {
      throw ReplyError(response: Reply.error(413, "Request body too large", requestID: Reply.newRequestID()))
    }
  }
}
