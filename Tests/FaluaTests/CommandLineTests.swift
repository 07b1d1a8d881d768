import FalEmulator
import Foundation
import Testing

/// The `falua` command's flags, errors and exit statuses (lua.c's conventions).
@Suite struct CommandLineTests {
  @Test func executesStrings() throws {
    let result = try Falua.run(["--local", "-e", "print(fal.run('fal-ai/echo', {x = 1}).x)"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "1\n")
  }

  @Test func passesScriptArguments() throws {
    let script = FileManager.default.temporaryDirectory.appendingPathComponent("falua-args-\(UUID()).lua")
    try "print(arg[0] == ..., select('#', ...), arg[1], arg[2], ...)".write(to: script, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: script) }
    let result = try Falua.run([script.path, "a", "-b"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout == "false\t2\ta\t-b\ta\t-b\n")
  }

  @Test func readsTheScriptFromStandardInput() throws {
    let result = try Falua.run(["-", "x"], input: "print('stdin', ...)")
    #expect(result.stdout == "stdin\tx\n", "\(result.stderr)")
  }

  @Test func doubleDashEndsTheOptions() throws {
    let result = try Falua.run(["--", "-", "-e"], input: "print(...)")
    #expect(result.stdout == "-e\n", "\(result.stderr)")
  }

  @Test func errorsPrintTheMessageAndATraceback() throws {
    let result = try Falua.run(["-e", "local function f() error('broken') end f()"])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("falua: (command line):1: broken\n"), "\(result.stderr)")
    #expect(result.stderr.contains("stack traceback"))
  }

  @Test func structuredErrorsPrintOneLine() throws {
    let result = try Falua.run(["--local", "-e", "fal.run('fal-ai/flux/schnell', {})"])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("falua: fal.run: HTTP 422 from fal-ai/flux/schnell: prompt: field required (request "), "\(result.stderr)")
  }

  @Test func syntaxErrorsFail() throws {
    let result = try Falua.run(["-e", "x ="])
    #expect(result.status == 1)
    #expect(result.stderr.contains("unexpected symbol") || result.stderr.contains("<eof>"), "\(result.stderr)")
  }

  @Test func printsTheVersion() throws {
    let result = try Falua.run(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("falua 0.1.0 (Lua 5.4"), "\(result.stdout)")
  }

  @Test func requiresLibraries() throws {
    let result = try Falua.run(["-l", "fal.inspect", "-e", "print(inspect({1, a = 2}))"])
    #expect(result.stdout == "{ 1, a = 2 }\n", "\(result.stderr)")
  }

  @Test func missingCredentialsAreAUsageError() throws {
    let result = try Falua.run(["-e", "fal.run('fal-ai/echo', {})"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("no credentials: set FAL_KEY"), "\(result.stderr)")
  }

  @Test func theKeyNeverAppearsInOutput() throws {
    var options = EmulatorOptions()
    options.key = "the-right-key"
    let emulator = try Emulator(options: options)
    try emulator.start()
    defer { emulator.stop() }
    let key = "secret-key-id:secret-key-value"
    let result = try Falua.run(
      ["-e", "print(require('fal.inspect')(fal.config())); fal.subscribe('fal-ai/echo', {})"],
      environment: ["FAL_KEY": key, "FALUA_RUN_URL": emulator.runURL, "FALUA_QUEUE_URL": emulator.queueURL])
    #expect(result.status == 1)
    #expect(result.stdout.contains("has_key = true"), "\(result.stdout)")
    #expect(result.stderr.contains("HTTP 401"), "\(result.stderr)")
    #expect(!(result.stdout + result.stderr).contains("secret"), "\(result.stdout) \(result.stderr)")
  }
}
