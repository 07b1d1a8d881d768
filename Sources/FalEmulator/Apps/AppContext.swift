import Foundation
import LuaKit

/// The Swift half of an app's `ctx`: primitives bound to the request its runner is serving
/// (stdlib/emulator/runner.lua wraps them into the `ctx` table). Used only on the runner's thread.
final class AppContext {
  private static let levels: Set<String> = ["STDERR", "STDOUT", "ERROR", "INFO", "WARN", "DEBUG"]
  /// Big enough for any demo image, small enough that a typo cannot exhaust memory.
  private static let maxImageSide = 8192

  private let store: QueueStore
  private let files: FileStore
  private let fileURL: @Sendable (String) -> String
  /// The request being served; set by the runner around each call.
  var current: RequestRecord?

  init(store: QueueStore, files: FileStore, fileURL: @escaping @Sendable (String) -> String) {
    self.store = store
    self.files = files
    self.fileURL = fileURL
  }

  /// Pushes `{log, sleep, cancelled, store, png}`.
  func pushPrimitives(onto lua: Lua) {
    lua.newTable(record: 5)
    lua.register([
      "log": { lua in try self.log(lua) },
      "sleep": { lua in try self.sleep(lua) },
      "cancelled": { lua in
        lua.push(self.store.isCancelRequested(try self.request("cancelled")))
        return 1
      },
      "store": { lua in try self.storeFile(lua) },
      "png": { lua in try PNGPrimitive.gradient(lua, maxSide: Self.maxImageSide) },
      "emit": { lua in try self.emit(lua) },
      "fetch": { lua in try self.fetch(lua) },
    ])
  }

  private func request(_ function: String) throws -> RequestRecord {
    guard let current else { throw LuaError(message: "ctx.\(function): called outside a request") }
    return current
  }

  /// `ctx.log(message, level = "INFO")`.
  private func log(_ lua: Lua) throws -> Int32 {
    let record = try request("log")
    let message = lua.string(at: 1) ?? ""
    var level = "INFO"
    if !lua.isNoneOrNil(2) {
      guard let name = lua.string(at: 2)?.uppercased(), Self.levels.contains(name) else {
        throw LuaError(
          message: "ctx.log: level must be one of \(Self.levels.sorted().joined(separator: ", "))")
      }
      level = name
    }
    store.log(LogEntry(message: message, level: level, timestamp: Timestamp.iso8601(Date())), to: record)
    return 0
  }

  /// `ctx.sleep(seconds)` primitive: returns true when woken by a cancellation.
  private func sleep(_ lua: Lua) throws -> Int32 {
    let record = try request("sleep")
    guard let seconds = lua.number(at: 1), seconds >= 0, seconds.isFinite else {
      throw LuaError(message: "ctx.sleep: seconds must be a non-negative number")
    }
    lua.push(store.sleep(seconds, for: record))
    return 1
  }

  /// `ctx.store(bytes, content_type = "application/octet-stream") -> url`.
  private func storeFile(_ lua: Lua) throws -> Int32 {
    _ = try request("store")
    guard let bytes = lua.bytes(at: 1) else { throw LuaError(message: "ctx.store: bytes must be a string") }
    var contentType = "application/octet-stream"
    if !lua.isNoneOrNil(2) {
      guard let text = lua.string(at: 2), !text.isEmpty else {
        throw LuaError(message: "ctx.store: content_type must be a non-empty string")
      }
      contentType = text
    }
    lua.push(fileURL(files.put(Data(bytes), contentType: contentType)))
    return 1
  }

  /// `ctx.fetch(url) -> bytes, content_type`: a file from this emulator's own file store (apps never
  /// reach the network).
  private func fetch(_ lua: Lua) throws -> Int32 {
    let prefix = fileURL("")
    guard let url = lua.string(at: 1), url.hasPrefix(prefix) else {
      throw LuaError(message: "ctx.fetch: only URLs under \(prefix) can be fetched")
    }
    let name = String(url.dropFirst(prefix.count))
    if let upload = files.uploads.file(named: name) {
      let size = (try? FileManager.default.attributesOfItem(atPath: upload.path))?[.size] as? Int ?? 0
      // An app holds what it fetches in memory; uploads can be far larger than any demo input.
      guard size <= EmulatorRoutes.maxBodySize, let data = FileManager.default.contents(atPath: upload.path) else {
        throw LuaError(message: "ctx.fetch: \(url) is larger than \(EmulatorRoutes.maxBodySize >> 20) MiB")
      }
      lua.push(bytes: Array(data))
      lua.push(upload.contentType)
    } else if let file = files.file(named: name) {
      lua.push(bytes: Array(file.bytes))
      lua.push(file.contentType)
    } else {
      throw LuaError(message: "ctx.fetch: no file at \(url)")
    }
    return 2
  }

  /// `ctx.emit` primitive: sends one encoded event to the streaming client; false once it left.
  private func emit(_ lua: Lua) throws -> Int32 {
    let record = try request("emit")
    guard let channel = StreamChannel.open.channel(for: record.id) else {
      throw LuaError(message: "ctx.emit: only a stream handler (POST .../stream) can emit events")
    }
    lua.push(channel.emit(Data(lua.bytes(at: 1) ?? [])))
    return 1
  }
}
