import Hummingbird

extension EmulatorRoutes {
  /// `POST /{app}[/{path}]` on the run server: waits its turn in the app's queue like any other
  /// request, then answers with the app's output or error.
  func run(_ request: inout Request, app: AppSource, path: String) async throws -> Response {
    let options = try RequestOptions(headers: request.headers)
    let record = RequestRecord(
      appID: app.id, path: path, body: try await body(of: &request), hint: options.hint,
      priority: options.priority,
      startTimeout: options.startTimeout, webhookURL: nil, route: .run)
    store.enqueue(record)
    return Reply.outcome(await store.outcome(of: record), requestID: record.id)
  }
}
