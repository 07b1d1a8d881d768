import Foundation
import LuaKit

/// A validated app file: its id, its runner count, and the source every runner loads.
struct AppSource: Sendable {
  /// `{ns/}{owner}/{alias}`.
  var id: String
  /// Where the source came from, as Lua error messages name it.
  var fileName: String
  var source: String
  var runners: Int
}

/// Loads the built-in apps and an optional folder of app files, checking each one in a scratch Lua
/// state so that a broken file fails at start-up with its name, not on the first request.
enum AppCatalog {
  /// The apps in load order; a later file with an existing id replaces the earlier one.
  static func load(directory: String?, defaultRunners: Int) throws -> [AppSource] {
    var files = EmbeddedLua.sources.filter { $0.key.hasPrefix("apps.") }.sorted { $0.key < $1.key }.map {
      ("stdlib/apps/\($0.key.dropFirst("apps.".count)).lua", $0.value)
    }
    if let directory { files += try readDirectory(directory) }
    var apps: [AppSource] = []
    for (fileName, source) in files {
      let app = try validate(source: source, fileName: fileName, defaultRunners: defaultRunners)
      apps.removeAll { $0.id == app.id }
      apps.append(app)
    }
    return apps
  }

  private static func readDirectory(_ directory: String) throws -> [(String, String)] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: directory)
    } catch {
      throw EmulatorError("cannot read apps directory \(directory): \(error.localizedDescription)")
    }
    return try names.filter { $0.hasSuffix(".lua") }.sorted().map { name in
      let path = (directory as NSString).appendingPathComponent(name)
      guard let data = FileManager.default.contents(atPath: path) else {
        throw EmulatorError("cannot read app file \(path)")
      }
      return (path, String(decoding: data, as: UTF8.self))
    }
  }

  /// Runs the file in a scratch state and checks the table it returns.
  static func validate(source: String, fileName: String, defaultRunners: Int) throws -> AppSource {
    let vm = LuaVM()
    let lua = vm.lua
    do {
      try lua.openJSONGlobal()
      try lua.loadApp(source, fileName: fileName)
    } catch let error as LuaError {
      throw EmulatorError("app file \(fileName) is broken: \(error.message.withoutTraceback)")
    }
    func invalid(_ reason: String) -> EmulatorError {
      EmulatorError("app file \(fileName) is invalid: \(reason)")
    }
    guard lua.type(at: -1) == .table else {
      throw invalid("it must return a table with id and run (it returned a \(lua.type(at: -1).name))")
    }
    lua.rawGet(field: "id", in: -1)
    guard let id = lua.string(at: -1), isAppID(id) else {
      throw invalid("id must be a string 'owner/alias' (or 'workflows/owner/alias')")
    }
    lua.pop()
    guard lua.rawGet(field: "run", in: -1) == .function else { throw invalid("run must be a function") }
    lua.pop()
    var runners = defaultRunners
    if lua.rawGet(field: "runners", in: -1) != .nil {
      guard let count = lua.integer(at: -1), (1...64).contains(count) else {
        throw invalid("runners must be an integer from 1 to 64")
      }
      runners = count
    }
    return AppSource(id: id, fileName: fileName, source: source, runners: runners)
  }

  /// True for `owner/alias` and `workflows|comfy/owner/alias` with URL-safe segments.
  static func isAppID(_ id: String) -> Bool {
    let parts = id.split(separator: "/", omittingEmptySubsequences: false)
    let safe = parts.allSatisfy { part in
      !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
    guard safe else { return false }
    return parts.count == 2 || (parts.count == 3 && ["workflows", "comfy"].contains(parts[0]))
  }
}
