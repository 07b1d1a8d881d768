import Foundation
import Hummingbird

extension EmulatorRoutes {
  /// `POST /{app}[/{path}][?fal_webhook=url]` on the queue server.
  func submit(_ request: inout Request, app: AppSource, path: String) async throws -> Response {
    let options = try RequestOptions(headers: request.headers)
    let webhook = request.uri.queryParameters["fal_webhook"].map(String.init)
    let record = RequestRecord(
      appID: app.id, path: path, body: try await body(of: &request), hint: options.hint,
      priority: options.priority,
      startTimeout: options.startTimeout, webhookURL: webhook, route: .submit)
    let position = store.enqueue(record)
    stats.countSubmit(appID: app.id, path: path, body: record.body)
    var object = links(app: app, id: record.id)
    object["status"] = RequestRecord.State.queued.rawValue
    object["gateway_request_id"] = record.id
    object["queue_position"] = position
    return Reply.json(200, object, requestID: record.id)
  }

  /// `GET .../requests/{id}/status?logs=1|0|true|false`: 202 while queued or running, 200 once completed.
  func status(_ request: Request, app: AppSource, id: String) -> Response {
    guard let snapshot = store.snapshot(id: id, appID: app.id) else { return notFound(id) }
    let code = snapshot.state == .completed ? 200 : 202
    return Reply.json(code, statusObject(snapshot, app: app, withLogs: wantsLogs(request)), requestID: id)
  }

  /// `GET .../requests/{id}/status/stream`: the status as server-sent events, one `data:` line per
  /// change, closed after COMPLETED, with a comment every 15 s to keep proxies from timing out.
  func statusStream(_ request: Request, app: AppSource, id: String) -> Response {
    guard let first = store.snapshot(id: id, appID: app.id) else { return notFound(id) }
    let withLogs = wantsLogs(request)
    let body = ResponseBody { writer in
      let (events, sink) = AsyncStream<Bool>.makeStream()  // true: the record changed; false: keep-alive
      sink.yield(true)  // the current status first
      store.observe(first.record) { completed in
        sink.yield(true)
        if completed { sink.finish() }
      }
      let timer = DispatchSource.makeTimerSource()
      timer.schedule(deadline: .now() + 15, repeating: 15)
      timer.setEventHandler { sink.yield(false) }
      timer.resume()
      defer { timer.cancel() }
      var last = Data()
      for await changed in events {
        guard changed else {
          try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
          continue
        }
        guard let snapshot = store.snapshot(id: id, appID: app.id) else { break }
        let data = JSONBody.encode(statusObject(snapshot, app: app, withLogs: withLogs))
        if data != last {
          try await writer.write(ByteBuffer(bytes: Data("data: ".utf8) + data + Data("\n\n".utf8)))
          last = data
        }
        if snapshot.state == .completed { break }
      }
      try await writer.finish(nil)
    }
    var headers = HTTPFields()
    headers[.contentType] = "text/event-stream"
    headers[.cacheControl] = "no-cache"
    headers[Reply.requestIDHeader] = id
    return Response(status: .ok, headers: headers, body: body)
  }

  /// `GET .../requests/{id}`: the app's reply once completed.
  func result(app: AppSource, id: String) -> Response {
    guard let snapshot = store.snapshot(id: id, appID: app.id) else { return notFound(id) }
    guard let outcome = snapshot.outcome else {
      return Reply.error(400, "Request is still in progress", requestID: id)
    }
    return Reply.outcome(outcome, requestID: id)
  }

  /// `PUT .../requests/{id}/cancel`.
  func cancel(app: AppSource, id: String) -> Response {
    switch store.cancel(id: id, appID: app.id) {
    case .requested: return Reply.json(202, ["status": "CANCELLATION_REQUESTED"], requestID: id)
    case .alreadyCompleted: return Reply.json(400, ["status": "ALREADY_COMPLETED"], requestID: id)
    case .notFound: return Reply.json(404, ["status": "NOT_FOUND"], requestID: id)
    }
  }

  /// The status body: the keys each state must carry for the official clients (PROTOCOL §6.2).
  private func statusObject(_ snapshot: RecordSnapshot, app: AppSource, withLogs: Bool) -> [String: Any] {
    var object = links(app: app, id: snapshot.record.id)
    object["status"] = snapshot.state.rawValue
    switch snapshot.state {
    case .queued:
      object["queue_position"] = snapshot.queuePosition ?? 0
    case .inProgress:
      object["logs"] = withLogs ? snapshot.logs.map(\.json) : NSNull()
    case .completed:
      object["logs"] = withLogs ? snapshot.logs.map(\.json) : NSNull()
      if let inferenceTime = snapshot.inferenceTime { object["metrics"] = ["inference_time": inferenceTime] }
      object["error"] = snapshot.outcome?.error
      object["error_type"] = snapshot.outcome?.statusErrorType
    }
    return object
  }

  /// `request_id` and the absolute follow-up URLs, built from owner/alias only (path dropped).
  private func links(app: AppSource, id: String) -> [String: Any] {
    let base = "\(urls.url(.queue))/\(app.id)/requests/\(id)"
    return [
      "request_id": id, "response_url": base, "status_url": base + "/status", "cancel_url": base + "/cancel",
    ]
  }

  /// `logs=1|true` (JS and Python spellings); anything else, or no parameter, means no logs.
  private func wantsLogs(_ request: Request) -> Bool {
    guard let value = request.uri.queryParameters["logs"] else { return false }
    return ["1", "true", "yes"].contains(value.lowercased())
  }

  private func notFound(_ id: String) -> Response {
    Reply.error(404, "Request \(id) not found", requestID: id)
  }
}
