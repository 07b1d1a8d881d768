import Foundation

/// Runs the built `falua` executable (it sits beside the test bundle in the build folder).
struct Falua {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static var executable: URL {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    // The test bundle may be a directory (…/falua-packageTests.xctest/…) or a binary.
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("falua").path),
      directory.path != "/"
    {
      directory.deleteLastPathComponent()
    }
    return directory.appendingPathComponent("falua")
  }

  /// Seconds a child may run before it is killed (far above any test's need).
  static let childDeadline: Double = 180

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Starts `falua arguments` (or another built `program`) in `directory` with `environment` added
  /// and the caller's `FAL*` variables removed; stdin from `input`.
  static func start(
    _ arguments: [String], environment: [String: String] = [:], input: String? = nil, directory: URL = root,
    program: URL = executable
  ) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    process.executableURL = program
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var env = ProcessInfo.processInfo.environment
    for key in env.keys where key.hasPrefix("FAL") { env[key] = nil }
    env["HOME"] = FileManager.default.temporaryDirectory.path
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    let stdin = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = stdin
    try process.run()
    // No child outlives this bound: a test waiting on a stuck child fails (killed, status 9)
    // instead of stalling the whole suite.
    let pid = process.processIdentifier
    DispatchQueue.global().asyncAfter(deadline: .now() + childDeadline) { [weak process] in
      if let process, process.isRunning { kill(pid, SIGKILL) }
    }
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    return (process, out, err)
  }

  /// `run` on a thread of its own: a test that waits seconds for a child must not hold one of the
  /// few threads of Swift's cooperative pool, which the async tests (the emulator's) need.
  static func running(_ arguments: [String], environment: [String: String] = [:], input: String? = nil)
    async throws -> Result
  {
    try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async {
        continuation.resume(with: Swift.Result { try run(arguments, environment: environment, input: input) })
      }
    }
  }

  /// Runs `falua arguments` to the end.
  static func run(
    _ arguments: [String], environment: [String: String] = [:], input: String? = nil, directory: URL = root
  ) throws -> Result {
    let (process, out, err) = try start(arguments, environment: environment, input: input, directory: directory)
    return collect(process, out, err)
  }

  /// Waits for a started child and returns what it wrote. Both pipes are read to the end before
  /// waiting, so a chatty child never blocks on a full pipe.
  static func collect(_ process: Process, _ out: Pipe, _ err: Pipe) -> Result {
    nonisolated(unsafe) var errData = Data()
    let errRead = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      errRead.signal()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    errRead.wait()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}
