import Foundation

/// The apps being served, by id. An `--apps` file edited while the emulator runs replaces its app:
/// the generation changes, and each runner reloads its Lua state before its next request.
final class AppTable: @unchecked Sendable {
  private let lock = NSLock()
  private var apps: [String: AppSource]
  private var generations: [String: Int] = [:]

  init(_ list: [AppSource]) {
    apps = Dictionary(list.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
  }

  /// The app `id` as currently loaded.
  subscript(id: String) -> AppSource? { lock.withLock { apps[id] } }

  /// The app `id` and how many times it was replaced.
  func current(_ id: String) -> (source: AppSource, generation: Int)? {
    lock.withLock { apps[id].map { ($0, generations[id, default: 0]) } }
  }

  /// Replaces an app already served (its runner count stays); false for an id not served.
  func replace(_ app: AppSource) -> Bool {
    lock.withLock {
      guard let old = apps[app.id] else { return false }
      var replacement = app
      replacement.runners = old.runners
      apps[app.id] = replacement
      generations[app.id, default: 0] += 1
      return true
    }
  }
}
