import FalEmulator
import Foundation
import Testing

/// The official Python client against the emulator: `python/conformance.py` drives every public
/// method of `fal-client` 1.0.3 (sync and async) through an emulator with a key and a test app, and
/// its retry paths through a second emulator that injects faults.
@Suite struct OfficialClientTests {
  @Test(.timeLimit(.minutes(5))) func everyPublicMethodWorksAgainstTheEmulator() throws {
    let python = try OfficialClientEnvironment.python()
    let folder = Self.here.appendingPathComponent("python/apps").path
    let key = "conformance-key:conformance-secret"
    var options = EmulatorOptions()
    options.key = key
    options.appsDirectory = folder
    let emulator = try Emulator(options: options)
    try emulator.start()
    defer { emulator.stop() }
    var faulty = EmulatorOptions()
    faulty.key = key
    faulty.faults = try FaultPlan(parsing: "retry429=0.15,ingress503=0.15,ingress502=0.05", seed: 7)
    let faultyEmulator = try Emulator(options: faulty)
    try faultyEmulator.start()
    defer { faultyEmulator.stop() }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [Self.here.appendingPathComponent("python/conformance.py").path]
    var environment = ProcessInfo.processInfo.environment
    environment["EMULATOR_RUN_URL"] = emulator.runURL
    environment["EMULATOR_QUEUE_URL"] = emulator.queueURL
    environment["FAULTY_RUN_URL"] = faultyEmulator.runURL
    environment["FAULTY_QUEUE_URL"] = faultyEmulator.queueURL
    environment["FAL_KEY"] = key
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "\(text)")
    #expect(text.contains("checks passed"), "\(text)")
    #expect(!text.contains("conformance-secret"), "the key leaked: \(text)")
  }

  static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
}

// Python 3.10 when available: before 3.11 `datetime.fromisoformat` rejects a trailing `Z`, which is
// where the CDN token's `expires_at` format matters (PROTOCOL.md §12.1).
/// A virtual environment under `.build/` with `fal-client==1.0.3`, made on first use.
enum OfficialClientEnvironment {
  static let version = "1.0.3"
  private static let lock = NSLock()

  /// The environment's python, creating the environment if needed.
  static func python() throws -> String {
    try lock.withLock {
      let root = OfficialClientTests.here.deletingLastPathComponent().deletingLastPathComponent()
      let venv = root.appendingPathComponent(".build/fal-client-venv")
      let python = venv.appendingPathComponent("bin/python").path
      if (try? run(python, ["-c", "import fal_client; assert fal_client.__version__ == '\(version)'"])) != nil {
        return python
      }
      let base = basePython()
      try? FileManager.default.removeItem(at: venv)
      try run(base, ["-m", "venv", venv.path])
      try run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "fal-client==\(version)"])
      return python
    }
  }

  /// `FAL_CLIENT_PYTHON`, else a pyenv Python 3.10, else the system's python3.
  private static func basePython() -> String {
    let environment = ProcessInfo.processInfo.environment
    if let chosen = environment["FAL_CLIENT_PYTHON"] { return chosen }
    let versions = (environment["PYENV_ROOT"] ?? NSHomeDirectory() + "/.pyenv") + "/versions"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: versions)) ?? []
    for name in names.sorted() where name.hasPrefix("3.10") {
      let candidate = "\(versions)/\(name)/bin/python3"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return "/usr/bin/python3"
  }

  @discardableResult private static func run(_ executable: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw OfficialClientError(message: "\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
    }
    return text
  }
}

struct OfficialClientError: Error, CustomStringConvertible {
  var message: String
  var description: String { message }
}
