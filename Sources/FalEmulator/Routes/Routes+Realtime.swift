import Foundation

// `GET /{app}[/{path}]/realtime` with an upgrade (PROTOCOL §10): binary msgpack frames in and out,
// JSON text frames for meta messages. A refused upgrade could only be a bare 400, so a refusal (bad
// token, unknown app) upgrades and closes at once with code 4000 + the HTTP status and the reason
// ("Unauthorized: token expired"), which the client raises.
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

  /// The handler of an upgraded connection (RealtimeChannel): it serves the app, or closes at once
  /// with the refusal.
  func realtimeHandler(path: String, authorization: String?) -> RealtimeFrameHandler {
    stats.countRequest(route: nil, appID: Endpoint(path: String(path.prefix(while: { $0 != "?" })))?.appID)
    return RealtimeFrameHandler(admitRealtime(path: path, authorization: authorization))
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
