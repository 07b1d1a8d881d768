import Foundation
import HTTPTypes
import Hummingbird

// PROTOCOL.md §12 on the run server (which is also the REST and CDN host): the CDN token, simple
// and multipart uploads, the legacy initiate path, and stored files. Bodies stream to disk.
extension EmulatorRoutes {
  private static let fileNameHeader = HTTPField.Name("X-Fal-File-Name")!
  private static let lifecycleHeader = HTTPField.Name("X-Fal-Object-Lifecycle-Preference")!
  private static let lifecycleFallbackHeader = HTTPField.Name("X-Fal-Object-Lifecycle")!

  /// The storage routes; nil when `path` is not one of them.
  func storage(_ request: inout Request, path: String, on port: ServerPort) async throws -> Response? {
    guard port == .run else { return nil }
    let uploads = files.uploads
    switch (request.method, path) {
    case (.post, "/_emulator/storage/fail-parts"):
      // {"count": N}: the next N part PUTs get an ingress 503, to exercise the client's part retries.
      let object = JSONBody.decode(try await body(of: &request)) as? [String: Any]
      uploads.failParts(object?["count"] as? Int ?? 1)
      return Reply.json(200, ["pending": uploads.pendingPartFailures], requestID: Reply.newRequestID())
    case (.get, "/_emulator/storage/fail-parts"):
      return Reply.json(200, ["pending": uploads.pendingPartFailures], requestID: Reply.newRequestID())
    case (.post, "/storage/auth/token"):
      try checkKey(request)
      let expiry = Date().addingTimeInterval(3600)
      return Reply.json(
        200,
        [
          "token": uploads.issueToken(), "token_type": "Bearer", "base_url": urls.url(.run),
          "expires_at": Timestamp.iso8601WithOffset(expiry),
        ], requestID: Reply.newRequestID())
    case (.post, "/files/upload"):
      try checkToken(request)
      let expiry = try expiresAt(request)
      let stored = uploads.newPath()
      try await writeBody(of: request, to: stored)
      let name = uploads.add(
        path: stored, contentType: contentType(request), expiresAt: expiry,
        fileName: request.headers[Self.fileNameHeader])
      return Reply.json(200, ["access_url": fileURL(name)], requestID: Reply.newRequestID())
    case (.post, "/files/upload/multipart"):
      try checkToken(request)
      let session = uploads.startSession(
        contentType: contentType(request), expiresAt: try expiresAt(request),
        fileName: request.headers[Self.fileNameHeader])
      return Reply.json(
        200, ["access_url": fileURL(session.name), "uploadId": session.id], requestID: Reply.newRequestID())
    case (.post, "/storage/upload/initiate"):
      try checkKey(request)
      let object = JSONBody.decode(try await body(of: &request)) as? [String: Any] ?? [:]
      let started = uploads.startPending(
        contentType: object["content_type"] as? String ?? "application/octet-stream", expiresAt: try expiresAt(request),
        fileName: object["file_name"] as? String)
      return Reply.json(
        200,
        [
          "upload_url": "\(urls.url(.run))/storage/upload/\(started.token)", "file_url": fileURL(started.name),
        ], requestID: Reply.newRequestID())
    case (.put, _) where path.hasPrefix("/storage/upload/"):
      guard let pending = uploads.takePending(String(path.dropFirst("/storage/upload/".count))) else {
        return Reply.error(404, "Unknown upload URL", requestID: Reply.newRequestID())
      }
      let stored = uploads.newPath()
      try await writeBody(of: request, to: stored)
      uploads.publish(name: pending.name, path: stored, contentType: pending.contentType, expiresAt: pending.expiresAt)
      return Reply.json(200, [:] as [String: Any], requestID: Reply.newRequestID())
    case (_, _) where path.hasPrefix("/files/") && path.contains("/multipart/"):
      return try await multipartStep(request, path: path)
    case (.get, _) where path.hasPrefix("/files/"):
      return serveFile(named: String(path.dropFirst("/files/".count)))
    default:
      return nil
    }
  }

  /// `PUT {access_url}/multipart/{id}/{n}` stores a part and answers its ETag;
  /// `POST {access_url}/multipart/{id}/complete` joins the listed parts.
  private func multipartStep(_ request: Request, path: String) async throws -> Response {
    let uploads = files.uploads
    let split = path.dropFirst("/files/".count).components(separatedBy: "/multipart/")
    let steps = split.count == 2 ? split[1].split(separator: "/").map(String.init) : []
    guard steps.count == 2, let session = uploads.session(steps[0], name: split[0]) else {
      return Reply.error(404, "Unknown multipart upload", requestID: Reply.newRequestID())
    }
    // fal's CDN wants the upload token on every step, like on the initial POST (PROTOCOL.md §12.3).
    try checkToken(request)
    if request.method == .put, let number = Int(steps[1]), number >= 1 {
      if uploads.takePartFailure() { return Reply.fault(Fault(status: 503, ingress: true)) }
      let stored = uploads.newPath()
      try await writeBody(of: request, to: stored)
      uploads.addPart(number, path: stored, to: steps[0])
      var headers = HTTPFields()
      headers[.eTag] = "\"\(stored.split(separator: "/").last ?? "")\""
      return Reply.bytes(200, Data(), contentType: "text/plain", requestID: Reply.newRequestID(), headers: headers)
    }
    guard request.method == .post, steps[1] == "complete" else {
      return Reply.error(405, "Method Not Allowed", requestID: Reply.newRequestID())
    }
    var request = request
    let listed = (JSONBody.decode(try await body(of: &request)) as? [String: Any])?["parts"] as? [[String: Any]]
    // Parts go up concurrently, so clients list them in completion order: assemble by number.
    let numbers = (listed ?? []).compactMap { $0["partNumber"] as? Int }
    if let problem = Self.partListProblem(numbers, uploaded: Set(session.parts.keys)) {
      return Reply.error(400, problem, requestID: Reply.newRequestID())
    }
    guard let ended = uploads.endSession(steps[0]) else {
      return Reply.error(404, "Unknown multipart upload", requestID: Reply.newRequestID())
    }
    let joined = uploads.newPath()
    try join(numbers.sorted().compactMap { ended.parts[$0] }, into: joined)
    uploads.publish(name: ended.name, path: joined, contentType: ended.contentType, expiresAt: ended.expiresAt)
    return Reply.json(200, ["access_url": fileURL(ended.name)], requestID: Reply.newRequestID())
  }

  /// Why a `/complete` part list cannot be assembled, or nil when it lists each uploaded part
  /// `1...n` exactly once, in any order.
  static func partListProblem(_ numbers: [Int], uploaded: Set<Int>) -> String? {
    if numbers.isEmpty { return "parts must list the uploaded parts" }
    var seen = Set<Int>()
    for number in numbers where !seen.insert(number).inserted { return "part \(number) is listed twice" }
    for number in 1...numbers.count where !seen.contains(number) { return "part \(number) is missing" }
    if let absent = numbers.sorted().first(where: { !uploaded.contains($0) }) {
      return "part \(absent) was never uploaded"
    }
    return nil
  }

  /// `GET /files/{name}`: an upload (streamed from disk) or bytes an app stored.
  private func serveFile(named name: String) -> Response {
    guard let upload = files.uploads.file(named: name) else { return file(named: name) }
    let size = (try? FileManager.default.attributesOfItem(atPath: upload.path))?[.size] as? Int ?? 0
    var headers = HTTPFields()
    headers[.contentType] = upload.contentType
    headers[Reply.requestIDHeader] = Reply.newRequestID()
    let path = upload.path
    return Response(
      status: .ok, headers: headers,
      body: ResponseBody(contentLength: size) { writer in
        guard let handle = FileHandle(forReadingAtPath: path) else { throw EmulatorError("file vanished") }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
          try await writer.write(ByteBuffer(bytes: chunk))
        }
        try await writer.finish(nil)
      })
  }

  private func fileURL(_ name: String) -> String { "\(urls.url(.run))/files/\(name)" }

  private func contentType(_ request: Request) -> String {
    request.headers[.contentType] ?? "application/octet-stream"
  }

  private func checkKey(_ request: Request) throws {
    if let key, request.headers[.authorization] != "Key \(key)" {
      throw ReplyError(response: Reply.error(401, "Unauthorized", requestID: Reply.newRequestID()))
    }
  }

  private func checkToken(_ request: Request) throws {
    guard files.uploads.accepts(authorization: request.headers[.authorization]) else {
      throw ReplyError(response: Reply.error(401, "Invalid or missing CDN token", requestID: Reply.newRequestID()))
    }
  }

  /// The expiry a lifecycle header asks for (`expiration_duration_seconds`); a malformed one is a 400.
  private func expiresAt(_ request: Request) throws -> Date? {
    guard let text = request.headers[Self.lifecycleHeader] ?? request.headers[Self.lifecycleFallbackHeader] else {
      return nil
    }
    guard let object = JSONBody.decode(Data(text.utf8)) as? [String: Any] else {
      throw ReplyError(response: Reply.error(400, "Invalid lifecycle header", requestID: Reply.newRequestID()))
    }
    guard let seconds = object["expiration_duration_seconds"] else { return nil }
    guard let value = seconds as? Int, value > 0 else {
      throw ReplyError(
        response: Reply.error(
          400, "expiration_duration_seconds must be a positive integer", requestID: Reply.newRequestID()))
    }
    return Date().addingTimeInterval(Double(value))
  }

  /// Streams the request body into a new file at `path`.
  private func writeBody(of request: Request, to path: String) async throws {
    guard FileManager.default.createFile(atPath: path, contents: nil),
      let handle = FileHandle(forWritingAtPath: path)
    else { throw EmulatorError("cannot create \(path)") }
    defer { try? handle.close() }
    for try await buffer in request.body {
      try handle.write(contentsOf: Data(buffer.readableBytesView))
    }
  }

  /// Concatenates part files into `path` and deletes them.
  private func join(_ parts: [String], into path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil),
      let output = FileHandle(forWritingAtPath: path)
    else { throw EmulatorError("cannot create \(path)") }
    defer { try? output.close() }
    for part in parts {
      guard let input = FileHandle(forReadingAtPath: part) else { throw EmulatorError("part \(part) vanished") }
      while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try output.write(contentsOf: chunk) }
      try? input.close()
      try? FileManager.default.removeItem(atPath: part)
    }
  }
}
