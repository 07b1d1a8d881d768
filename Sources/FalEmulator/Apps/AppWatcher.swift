import Foundation

// Polling, not inotify: portable, and a quarter second is quick enough for an edit-and-retry loop.
/// Watches an `--apps` folder and reloads an app file when it changes (issue 9).
final class AppWatcher: @unchecked Sendable {
  private let directory: String
  private let table: AppTable
  private let defaultRunners: Int
  private let report: @Sendable (String) -> Void
  private let timer: DispatchSourceTimer
  private var seen: [String: Date] = [:]

  /// Starts watching `directory`; `report` hears each reload or refusal.
  init(directory: String, table: AppTable, defaultRunners: Int, report: @escaping @Sendable (String) -> Void) {
    self.directory = directory
    self.table = table
    self.defaultRunners = defaultRunners
    self.report = report
    timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "falua.emulator.apps"))
    seen = modificationDates()
    timer.schedule(deadline: .now() + Self.interval, repeating: Self.interval)
    timer.setEventHandler { [weak self] in self?.check() }
    timer.resume()
  }

  static let interval = 0.25

  func stop() { timer.cancel() }

  private func modificationDates() -> [String: Date] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    var dates: [String: Date] = [:]
    for name in names where name.hasSuffix(".lua") {
      let path = (directory as NSString).appendingPathComponent(name)
      dates[path] = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
    return dates
  }

  private func check() {
    let now = modificationDates()
    for (path, date) in now where seen[path] != date {
      reload(path)
    }
    seen = now
  }

  private func reload(_ path: String) {
    guard let data = FileManager.default.contents(atPath: path) else { return }
    do {
      let app = try AppCatalog.validate(
        source: String(decoding: data, as: UTF8.self), fileName: path, defaultRunners: defaultRunners)
      if table.replace(app) {
        report("reloaded \(app.id) from \(path)")
      } else {
        report("\(path) defines \(app.id), which is not served; restart to add it")
      }
    } catch {
      report("\(error); keeping the previous version")
    }
  }
}
