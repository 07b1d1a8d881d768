import FalEmulator
import Foundation
import Testing

/// The embedding example (Examples/EmbedPipeline): a built host runs the user's pipeline.lua, which
/// can change between runs without rebuilding the host.
@Suite struct EmbedPipelineTests {
  static var executable: URL { Falua.executable.deletingLastPathComponent().appendingPathComponent("EmbedPipeline") }

  static func run(_ arguments: [String], emulator: Emulator, directory: URL) throws -> Falua.Result {
    let environment = [
      "FAL_KEY": "test-key", "FALUA_RUN_URL": emulator.runURL, "FALUA_QUEUE_URL": emulator.queueURL,
      "FALUA_REST_URL": emulator.restURL, "FALUA_CDN_URL": emulator.cdnURL,
    ]
    let (process, out, err) = try Falua.start(arguments, environment: environment, directory: directory, program: executable)
    return Falua.collect(process, out, err)
  }

  static func pipeline(version: Int) -> String {
    """
    local host = require("host")
    function main(input)
      local out = fal.subscribe("fal-ai/echo", { word = input.word, logs = 1 })
      local row = host.save({ word = out.word, version = \(version) })
      return { version = \(version), word = out.word:upper(), row = row }
    end
    """
  }

  @Test func changingThePipelineNeedsNoRebuild() throws {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    defer { emulator.stop() }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pipeline.lua")
    let built = try FileManager.default.attributesOfItem(atPath: Self.executable.path)[.modificationDate] as? Date

    try Self.pipeline(version: 1).write(to: file, atomically: true, encoding: .utf8)
    let first = try Self.run([file.path, #"{"word": "fox"}"#, "--db", "db.jsonl"], emulator: emulator, directory: directory)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout == #"{"row":1,"version":1,"word":"FOX"}"# + "\n")
    #expect(first.stderr.contains("[fal-ai/echo] log line 1/1"), "\(first.stderr)")

    try Self.pipeline(version: 2).write(to: file, atomically: true, encoding: .utf8)
    let second = try Self.run([file.path, #"{"word": "owl"}"#, "--db", "db.jsonl"], emulator: emulator, directory: directory)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stdout == #"{"row":2,"version":2,"word":"OWL"}"# + "\n")

    let rows = try String(contentsOf: directory.appendingPathComponent("db.jsonl"), encoding: .utf8)
    #expect(rows == #"{"version":1,"word":"fox"}"# + "\n" + #"{"version":2,"word":"owl"}"# + "\n")
    #expect(try FileManager.default.attributesOfItem(atPath: Self.executable.path)[.modificationDate] as? Date == built)
  }

  @Test func thePipelineIsSandboxedAndErrorsAreReported() throws {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    defer { emulator.stop() }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embed-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("pipeline.lua")
    try "function main(input) os.execute('touch /tmp/escaped') end".write(to: file, atomically: true, encoding: .utf8)
    let escape = try Self.run([file.path, "{}"], emulator: emulator, directory: directory)
    #expect(escape.status == 1)
    #expect(escape.stderr == "EmbedPipeline: sandbox: os.execute is not allowed (rule: no-process)\n")
    try "function main(input) return require('host').save('not a record') end".write(to: file, atomically: true, encoding: .utf8)
    let misuse = try Self.run([file.path, "{}"], emulator: emulator, directory: directory)
    #expect(misuse.stderr == "EmbedPipeline: host.save: expected a record (a table with string keys)\n", "\(misuse.stderr)")
  }
}
