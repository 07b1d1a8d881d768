import Foundation
import Hummingbird

// Errors before the first event are ordinary JSON replies (422 and so on), since the status line
// is not sent yet. An error after events were sent does what fal's app stack (a FastAPI
// StreamingResponse) does: the connection closes without the chunked body's last chunk, so every
// client sees a broken transfer instead of an ordinary last event (docs/streaming-errors.md).
extension EmulatorRoutes {
  /// `POST /{app}[/{path}]/stream` on the run server: runs the app's `stream(input, ctx)` handler
  /// and sends each `ctx.emit(table)` as `data: <json>\n\n` as soon as it is emitted.
  func stream(_ request: inout Request, app: AppSource, subPath: String) async throws -> Response {
    var path = subPath.dropLast("stream".count)
    while path.hasSuffix("/") { path.removeLast() }
    let options = try RequestOptions(headers: request.headers)
    let record = RequestRecord(
      appID: app.id, path: String(path), body: try await body(of: &request), hint: options.hint,
      priority: options.priority, startTimeout: options.startTimeout, webhookURL: nil, route: .run)
    let channel = StreamChannel()
    StreamChannel.open.add(channel, for: record.id)
    store.enqueue(record)
    // A callback, not a task awaiting the outcome: tasks on a starved cooperative pool would hold
    // the stream (and the server's shutdown) back.
    store.observe(record) { [store] completed in
      guard completed else { return }
      StreamChannel.open.remove(record.id)
      channel.finish(store.snapshot(id: record.id)?.outcome ?? .stopped)
    }
    let first = await channel.next()
    if case .end(let outcome) = first[0] {
      // Ended before any event: an error is an ordinary reply, a success an empty stream.
      guard outcome.status == 200 else { return Reply.outcome(outcome, requestID: record.id) }
      return eventStream(requestID: record.id, body: ResponseBody())
    }
    let queue = store
    let body = ResponseBody { writer in
      var batch = first
      var failure: Outcome?
      do {
        while true {
          var bytes = Data()
          var events = 0
          var ending: Outcome?
          for item in batch {
            switch item {
            case .event(let json):
              bytes += Data("data: ".utf8) + json + Data("\n\n".utf8)
              events += 1
            case .end(let outcome):
              ending = outcome
            }
          }
          if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
          channel.sent(events)
          if let ending, ending.status != 200 {
            failure = ending
            break
          }
          if ending != nil {
            try await writer.finish(nil)
            return
          }
          batch = await channel.next()
        }
      } catch {
        // The client went away: stop the app at its next emit or sleep.
        channel.close()
        _ = queue.cancel(id: record.id, appID: nil)
        throw error
      }
      throw StreamFailed(outcome: failure ?? .stopped)
    }
    return eventStream(requestID: record.id, body: body)
  }

  /// True for an invoke path whose last segment is `stream`.
  static func isStream(_ subPath: String) -> Bool {
    subPath == "stream" || subPath.hasSuffix("/stream")
  }

  private func eventStream(requestID: String, body: ResponseBody) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "text/event-stream"
    headers[.cacheControl] = "no-cache"
    headers[Reply.requestIDHeader] = requestID
    return Response(status: .ok, headers: headers, body: body)
  }
}

/// Thrown out of a stream's body to drop the connection mid-response (the server logs it).
struct StreamFailed: Error, CustomStringConvertible {
  var outcome: Outcome
  var description: String {
    let detail = (JSONBody.decode(outcome.body) as? [String: Any])?["detail"].map { "\($0)" } ?? ""
    return "the app failed mid-stream (HTTP \(outcome.status)): \(detail)"
  }
}
