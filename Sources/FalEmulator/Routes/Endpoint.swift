/// The fal routes, as counted in the stats and targeted by injected faults.
enum RouteKind: String, CaseIterable, Sendable {
  case run, submit, status, result, cancel
}

/// A fal URL path taken apart per PROTOCOL §1.1: `{ns/}{owner}/{alias}[/{path}]` to invoke an app,
/// `.../requests/{id}[/status[/stream]|/cancel]` for a queued request.
struct Endpoint: Equatable {
  /// What the path asks for.
  enum Action: Equatable {
    case invoke(path: String)
    case status(requestID: String)
    case statusStream(requestID: String)
    case result(requestID: String)
    case cancel(requestID: String)
    /// `.../requests/...` with a shape no route has.
    case unknown
  }

  /// `{ns/}{owner}/{alias}`: the id apps register under.
  var appID: String
  var action: Action

  private static let namespaces: Set<Substring> = ["workflows", "comfy"]

  /// Parses a URL path (without query); nil when it names no app at all (fewer than two segments).
  init?(path: String) {
    var segments = path.split(separator: "/")
    // Legacy numeric ids (`123-myapp`): the Python client sends them unconverted.
    if let first = segments.first, let dash = first.firstIndex(of: "-"),
      !first[..<dash].isEmpty, first[..<dash].allSatisfy(\.isASCII), first[..<dash].allSatisfy(\.isNumber),
      first.index(after: dash) < first.endIndex
    {
      segments.replaceSubrange(0..<1, with: [first[..<dash], first[first.index(after: dash)...]])
    }
    let appLength = segments.first.map { Self.namespaces.contains($0) } == true ? 3 : 2
    guard segments.count >= appLength else { return nil }
    appID = segments[..<appLength].joined(separator: "/")
    let rest = Array(segments[appLength...])
    guard rest.first == "requests" else {
      action = .invoke(path: rest.joined(separator: "/"))
      return
    }
    let id = rest.count >= 2 ? String(rest[1]) : ""
    switch rest.dropFirst(2).map(String.init) {
    case _ where id.isEmpty: action = .unknown
    case []: action = .result(requestID: id)
    case ["status"]: action = .status(requestID: id)
    case ["status", "stream"]: action = .statusStream(requestID: id)
    case ["cancel"]: action = .cancel(requestID: id)
    default: action = .unknown
    }
  }

  /// The route this path counts as on the given server, for stats and faults.
  func route(onQueuePort: Bool) -> RouteKind? {
    switch action {
    case .invoke: return onQueuePort ? .submit : .run
    case .status, .statusStream: return .status
    case .result: return .result
    case .cancel: return .cancel
    case .unknown: return nil
    }
  }
}
