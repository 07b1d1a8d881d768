import Foundation

/// Bytes apps stored with `ctx.store`, served at `GET /files/{name}` like fal's CDN.
final class FileStore: @unchecked Sendable {
  /// A stored file.
  struct File {
    var bytes: Data
    var contentType: String
  }

  /// Files uploaded through the storage routes (on disk).
  let uploads = UploadStore()
  private let lock = NSLock()
  private var files: [String: File] = [:]

  /// Stores bytes and returns the new file's name (a random id with an extension from the type).
  func put(_ bytes: Data, contentType: String) -> String {
    let name = UUID().uuidString.lowercased() + Self.fileExtension(for: contentType)
    lock.withLock { files[name] = File(bytes: bytes, contentType: contentType) }
    return name
  }

  /// The file called `name`, if stored.
  func file(named name: String) -> File? { lock.withLock { files[name] } }

  private static func fileExtension(for contentType: String) -> String {
    let known = [
      "image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif",
      "application/json": ".json", "text/plain": ".txt", "audio/wav": ".wav", "audio/mpeg": ".mp3",
      "video/mp4": ".mp4",
    ]
    let essence = contentType.split(separator: ";").first.map {
      $0.trimmingCharacters(in: .whitespaces).lowercased()
    }
    return essence.flatMap { known[$0] } ?? ""
  }
}
