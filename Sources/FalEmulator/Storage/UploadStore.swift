import Foundation

// Uploaded bytes live in a temporary directory, never in memory, so a multi-GiB upload costs the
// emulator disk, not RAM. Expired files answer 404 like fal's CDN.
/// Files uploaded through the storage routes, multipart sessions in progress, and CDN tokens.
final class UploadStore: @unchecked Sendable {
  /// A stored upload.
  struct File {
    var path: String
    var contentType: String
    var expiresAt: Date?
  }

  /// A multipart upload whose parts are arriving.
  struct Session {
    var name: String
    var contentType: String
    var expiresAt: Date?
    var parts: [Int: String] = [:]
  }

  /// A legacy upload URL handed out and not yet used.
  struct Pending {
    var name: String
    var contentType: String
    var expiresAt: Date?
  }

  let directory: URL
  private let lock = NSLock()
  private var files: [String: File] = [:]
  private var sessions: [String: Session] = [:]
  private var pending: [String: Pending] = [:]
  private var tokens: Set<String> = []
  private var partFailures = 0

  init() {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(
      "falua-emulator-" + UUID().uuidString.lowercased())
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: directory) }

  /// A fresh path in the store's directory.
  func newPath() -> String { directory.appendingPathComponent(UUID().uuidString.lowercased()).path }

  /// A new token for `Authorization: Bearer {token}`.
  func issueToken() -> String {
    let token = UUID().uuidString.lowercased()
    lock.withLock { _ = tokens.insert(token) }
    return token
  }

  /// Whether `authorization` carries a token issued here.
  func accepts(authorization: String?) -> Bool {
    guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
    let token = String(authorization.dropFirst("Bearer ".count))
    return lock.withLock { tokens.contains(token) }
  }

  /// Registers the file at `path` (already written) under a new name; returns the name.
  func add(path: String, contentType: String, expiresAt: Date?, fileName: String?) -> String {
    let name = Self.newName(fileName: fileName)
    lock.withLock { files[name] = File(path: path, contentType: contentType, expiresAt: expiresAt) }
    return name
  }

  /// The live file called `name`; an expired one is deleted and reported missing.
  func file(named name: String) -> File? {
    lock.withLock {
      guard let file = files[name] else { return nil }
      if let expiry = file.expiresAt, expiry <= Date() {
        files[name] = nil
        try? FileManager.default.removeItem(atPath: file.path)
        return nil
      }
      return file
    }
  }

  /// Starts a multipart upload; returns the file name its URL will have and the upload id.
  func startSession(contentType: String, expiresAt: Date?, fileName: String?) -> (name: String, id: String) {
    let name = Self.newName(fileName: fileName)
    let id = UUID().uuidString.lowercased()
    lock.withLock { sessions[id] = Session(name: name, contentType: contentType, expiresAt: expiresAt) }
    return (name, id)
  }

  /// The session `id` of file `name`, if open.
  func session(_ id: String, name: String) -> Session? {
    lock.withLock { sessions[id].flatMap { $0.name == name ? $0 : nil } }
  }

  /// Records part `number` written at `path`.
  func addPart(_ number: Int, path: String, to id: String) {
    lock.withLock {
      if let old = sessions[id]?.parts[number] { try? FileManager.default.removeItem(atPath: old) }
      sessions[id]?.parts[number] = path
    }
  }

  /// Ends session `id`, returning it (its parts are the caller's to join and delete).
  func endSession(_ id: String) -> Session? { lock.withLock { sessions.removeValue(forKey: id) } }

  /// Publishes a joined multipart file under its session's name.
  func publish(name: String, path: String, contentType: String, expiresAt: Date?) {
    lock.withLock { files[name] = File(path: path, contentType: contentType, expiresAt: expiresAt) }
  }

  /// A legacy upload URL's token.
  func startPending(contentType: String, expiresAt: Date?, fileName: String?) -> (token: String, name: String) {
    let token = UUID().uuidString.lowercased()
    let name = Self.newName(fileName: fileName)
    lock.withLock { pending[token] = Pending(name: name, contentType: contentType, expiresAt: expiresAt) }
    return (token, name)
  }

  /// Takes a legacy upload URL's record (each URL works once).
  func takePending(_ token: String) -> Pending? { lock.withLock { pending.removeValue(forKey: token) } }

  /// Makes the next `count` part uploads fail (a test hook).
  func failParts(_ count: Int) { lock.withLock { partFailures = max(0, count) } }

  /// Part failures still to inject.
  var pendingPartFailures: Int { lock.withLock { partFailures } }

  /// Whether this part upload must fail (consumes one pending failure).
  func takePartFailure() -> Bool {
    lock.withLock {
      guard partFailures > 0 else { return false }
      partFailures -= 1
      return true
    }
  }

  /// A unique name keeping the uploaded file's extension (`{id}/{file name}` like fal's CDN).
  private static func newName(fileName: String?) -> String {
    let id = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    let safe = (fileName ?? "upload.bin").split(separator: "/").last.map(String.init) ?? "upload.bin"
    let cleaned = safe.unicodeScalars.map {
      CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) ? String($0) : "_"
    }.joined()
    return "\(id.prefix(16))/\(cleaned.isEmpty ? "upload.bin" : cleaned)"
  }
}
