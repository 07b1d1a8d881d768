import FalEmulator
import Foundation
@testable import FalRuntime
import LuaKit
import Transport

/// Runs a Lua test script from `Tests/lua` in a fresh runtime pointed at a fresh in-process
/// emulator (over real loopback sockets). A script's `--! key=value` first lines set emulator
/// options (`runners`, `key`, `retention`). The global `emulator` gives scripts the emulator's
/// control routes: `emulator.get(path)`, `emulator.post(path, body)`.
enum LuaScriptHarness {
  static let directory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lua")

  static var scripts: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
      .filter { $0.hasSuffix("_test.lua") }.sorted()
  }

  static func emulatorOptions(for source: String) -> EmulatorOptions {
    var options = EmulatorOptions()
    for line in source.split(separator: "\n") where line.hasPrefix("--! ") {
      for setting in line.dropFirst(4).split(separator: " ") {
        let parts = setting.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { continue }
        switch parts[0] {
        case "runners": options.runners = Int(parts[1]) ?? options.runners
        case "key": options.key = parts[1]
        case "retention": options.resultRetention = Double(parts[1]) ?? options.resultRetention
        default: break
        }
      }
    }
    return options
  }

  /// Runs `name`; throws the script's error (message and traceback).
  static func run(_ name: String) throws {
    let path = directory.appendingPathComponent(name).path
    let source = try String(contentsOfFile: path, encoding: .utf8)
    let emulator = try Emulator(options: emulatorOptions(for: source))
    try emulator.start()
    defer { emulator.stop() }
    var config = FalConfig()
    config.runURL = emulator.runURL
    config.queueURL = emulator.queueURL
    config.restURL = emulator.restURL
    config.cdnURL = emulator.cdnURL
    let runtime = try FalRuntime(config: config)
    install(emulator: emulator, in: runtime.lua)
    try installTestPrimitives(in: runtime)
    try runtime.run(code: "package.path = '\(directory.path)/?.lua;' .. package.path", name: "=harness")
    try runtime.run(file: path)
  }

  private static func install(emulator: Emulator, in lua: Lua) {
    lua.newTable()
    lua.push(function: { lua in
      let (status, body) = try control("GET", emulator.runURL + (lua.string(at: 1) ?? "/"), body: nil)
      guard status < 300 else { throw LuaError(message: "emulator control: HTTP \(status)") }
      lua.push(bytes: body)
      return 1
    })
    lua.rawSet(field: "get", in: -2)
    lua.push(function: { lua in
      let (status, body) = try control("POST", emulator.runURL + (lua.string(at: 1) ?? "/"), body: lua.bytes(at: 2))
      guard status < 300 else { throw LuaError(message: "emulator control: HTTP \(status)") }
      lua.push(bytes: body)
      return 1
    })
    lua.rawSet(field: "post", in: -2)
    lua.push(emulator.runURL)
    lua.rawSet(field: "url", in: -2)
    lua.setGlobal("emulator")
  }

  // Test-only, so not in the shipped `fal.core`: `stream_stats()` without an id counts the open
  // stream sessions, so scripts can check that every way out of a stream closed it.
  private static func installTestPrimitives(in runtime: FalRuntime) throws {
    let streams = runtime.core.streams
    runtime.lua.push(function: { lua in
      lua.push(streams.count)
      return 1
    })
    runtime.lua.setGlobal("_open_streams")
    try runtime.run(
      code: """
        local core, open_streams = require("fal.core"), _open_streams
        _open_streams = nil
        local stats = core.stream_stats
        core.stream_stats = function(id)
          if id == nil then return open_streams() end
          return stats(id)
        end
        """, name: "=harness")
  }

  /// A blocking request on a private loop: the emulator serves it on its own threads.
  static func control(_ method: String, _ url: String, body: [UInt8]?) throws -> (Int, [UInt8]) {
    let loop = try EventLoop()
    var headers = HTTPHeaders()
    if body != nil { headers.add(name: "Content-Type", value: "application/json") }
    var outcome: Result<HTTPResponse, TransportError>?
    loop.send(HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: 10, connectTimeout: 5)) {
      outcome = $0
    }
    while outcome == nil { loop.runOnce(timeout: 1) }
    let response = try outcome!.get()
    return (response.status, response.body)
  }
}
