import Foundation
import Hummingbird

extension EmulatorRoutes {
  /// `/_emulator/...`: stats, fault injection and request records for tests. No key needed.
  func control(_ request: inout Request, path: String) async throws -> Response {
    let parts = path.split(separator: "/").dropFirst().map(String.init)
    switch (request.method, parts) {
    case (.get, ["stats"]):
      let counts = store.counts()
      return Reply.json(
        200, stats.snapshot(inQueue: counts.inQueue, inProgress: counts.inProgress),
        requestID: Reply.newRequestID())
    case (.post, ["faults"]):
      let rule = try faultRule(from: try await body(of: &request))
      faults.add(rule)
      return Reply.json(
        200,
        [
          "status": rule.fault.status, "count": rule.remaining, "route": rule.route?.rawValue ?? "any",
          "ingress": rule.fault.ingress,
        ], requestID: Reply.newRequestID())
    case (.get, let parts) where parts.count == 2 && parts[0] == "requests":
      guard let snapshot = store.snapshot(id: parts[1]) else {
        return Reply.error(404, "Request \(parts[1]) not found", requestID: Reply.newRequestID())
      }
      return Reply.json(200, recordObject(snapshot), requestID: Reply.newRequestID())
    default:
      return Reply.error(404, "Path \(path) not found", requestID: Reply.newRequestID())
    }
  }

  /// `GET /files/{name}`: bytes stored by `ctx.store`.
  func file(named name: String) -> Response {
    guard let file = files.file(named: name) else {
      return Reply.error(404, "File \(name) not found", requestID: Reply.newRequestID())
    }
    return Reply.bytes(200, file.bytes, contentType: file.contentType, requestID: Reply.newRequestID())
  }

  /// `{"status": 429, "count": 2, "route": "submit", "ingress": false}`; count, route, ingress optional.
  /// With `"body": "..."` the reply carries that text verbatim (any status from 200).
  private func faultRule(from body: Data) throws -> FaultInjector.Rule {
    func invalid(_ reason: String) -> ReplyError {
      ReplyError(
        response: Reply.error(
          400, "Invalid fault rule: \(reason)", errorType: "bad_request", requestID: Reply.newRequestID()))
    }
    guard let object = JSONBody.decode(body) as? [String: Any] else {
      throw invalid("expected a JSON object")
    }
    let body = object["body"] as? String
    guard let status = object["status"] as? Int, (body == nil ? 400...599 : 200...599).contains(status) else {
      throw invalid("status must be an HTTP error status (400-599), or 200-599 with a body")
    }
    let count = object["count"] as? Int ?? 1
    guard count >= 1 else { throw invalid("count must be at least 1") }
    var route: RouteKind?
    switch object["route"] {
    case nil, "any" as String: route = nil
    case let name as String:
      guard let kind = RouteKind(rawValue: name) else {
        throw invalid("route must be run, submit, status, result, cancel or any")
      }
      route = kind
    default: throw invalid("route must be a string")
    }
    let ingress = object["ingress"] as? Bool ?? false
    return FaultInjector.Rule(
      fault: Fault(status: status, ingress: ingress, body: body), remaining: count, route: route)
  }

  /// The full server-side record: state, timing, cancellation and delivery, never the input or headers.
  private func recordObject(_ snapshot: RecordSnapshot) -> [String: Any] {
    let record = snapshot.record
    func time(_ date: Date?) -> Any { date.map(Timestamp.iso8601) ?? NSNull() }
    var object: [String: Any] = [
      "request_id": record.id,
      "app_id": record.appID,
      "path": record.path,
      "route": record.route.rawValue,
      "state": snapshot.state.rawValue,
      "queue_position": snapshot.queuePosition as Any? ?? NSNull(),
      "cancel_requested": snapshot.cancelRequested,
      "attempts": snapshot.attempts,
      "priority": record.priority.rawValue,
      "hint": record.hint as Any? ?? NSNull(),
      "start_timeout": record.startTimeout as Any? ?? NSNull(),
      "webhook_url": record.webhookURL as Any? ?? NSNull(),
      "webhook_delivery": snapshot.webhookDelivery as Any? ?? NSNull(),
      "created_at": time(record.createdAt),
      "started_at": time(snapshot.startedAt),
      "completed_at": time(snapshot.completedAt),
      "log_count": snapshot.logs.count,
      "input_bytes": record.body.count,
    ]
    if let outcome = snapshot.outcome {
      object["result"] = [
        "status": outcome.status, "error": outcome.error as Any? ?? NSNull(),
        "error_type": outcome.statusErrorType as Any? ?? NSNull(),
      ]
    } else {
      object["result"] = NSNull()
    }
    return object
  }
}
