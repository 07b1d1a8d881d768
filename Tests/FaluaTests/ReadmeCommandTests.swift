import Foundation
import Testing

extension SerialCommandTests {
  /// Every `falua call` line of the README's shell snippets runs (with `--local` added) and succeeds.
  @Suite struct ReadmeCommandTests {
    static var commands: [String] {
      guard let readme = try? String(contentsOf: Falua.root.appendingPathComponent("README.md"), encoding: .utf8)
      else { return [] }
      var inShell = false
      var found: [String] = []
      for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
        if line == "```sh" { inShell = true } else if line == "```" { inShell = false } else if inShell,
          line.hasPrefix("falua call ")
        {
          found.append(String(line))
        }
      }
      return found
    }

    /// Runs `command` with /bin/sh in `folder`, falua first on the PATH; returns status, stdout, stderr.
    static func shell(_ command: String, in folder: URL) throws -> (Int32, Data, Data) {
      let process = Process()
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", command]
      process.currentDirectoryURL = folder
      var env = ProcessInfo.processInfo.environment
      for key in env.keys where key.hasPrefix("FAL") { env[key] = nil }
      env["PATH"] = Falua.executable.deletingLastPathComponent().path + ":/usr/bin:/bin"
      process.environment = env
      let out = Pipe()
      let err = Pipe()
      process.standardOutput = out
      process.standardError = err
      process.standardInput = FileHandle.nullDevice
      try process.run()
      nonisolated(unsafe) var errors = Data()
      let done = DispatchSemaphore(value: 0)
      DispatchQueue.global().async {
        errors = err.fileHandleForReading.readDataToEndOfFile()
        done.signal()
      }
      let output = out.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      done.wait()
      return (process.terminationStatus, output, errors)
    }

    @Test func readmeHasCallExamples() { #expect(Self.commands.count >= 3) }

    @Test(arguments: commands)
    func readmeCommand(_ command: String) async throws {
      let folder = FileManager.default.temporaryDirectory.appendingPathComponent("falua-readme-\(UUID())")
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      defer { try? FileManager.default.removeItem(at: folder) }
      let (status, output, errors) = try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {  // off the cooperative pool while the child runs
          continuation.resume(with: Result { try Self.shell(command + " --local", in: folder) })
        }
      }
      #expect(status == 0, "\(command)\n\(String(decoding: errors, as: UTF8.self))")
      #expect(!output.isEmpty, "\(command) printed nothing")
      if command.contains("--save out") {
        let saved = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path)
        #expect(saved.count == 1, "\(saved)")
      }
    }
  }
}
