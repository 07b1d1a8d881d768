import FalEmulator
import FalRuntime
import Testing

/// The Swift embedding API: run code and files, the REPL's evaluation rules, structured failures.
@Suite struct EmbeddingTests {
  static func localRuntime() throws -> (FalRuntime, Emulator) {
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    var config = FalConfig()
    config.runURL = emulator.runURL
    config.queueURL = emulator.queueURL
    return (try FalRuntime(config: config), emulator)
  }

  @Test func runsCodeAgainstTheEmulator() throws {
    let (runtime, emulator) = try Self.localRuntime()
    defer { emulator.stop() }
    try runtime.run(code: #"result = fal.run("fal-ai/echo", {x = 1}).x"#)
    runtime.lua.getGlobal("result")
    #expect(runtime.lua.integer(at: -1) == 1)
  }

  @Test func failuresCarryKindMessageAndTraceback() throws {
    let (runtime, emulator) = try Self.localRuntime()
    defer { emulator.stop() }
    do {
      try runtime.run(code: #"fal.run("fal-ai/flux/schnell", {})"#, name: "=flow")
      Issue.record("expected a failure")
    } catch let error as FalRuntimeError {
      #expect(error.kind == "validation")
      #expect(error.message.hasPrefix("fal.run: HTTP 422 from fal-ai/flux/schnell: prompt: field required"))
      #expect(error.traceback?.contains("flow:1") == true, "\(error.traceback ?? "")")
    }
  }

  @Test func evaluateFollowsLuaCsREPLRules() throws {
    let runtime = try FalRuntime(config: FalConfig())
    #expect(runtime.evaluate("1 + 1") == .output("2"))
    #expect(runtime.evaluate("x = 5") == .output(""))
    #expect(runtime.evaluate("x, 'a'") == .output("5\t\"a\""))
    #expect(runtime.evaluate("function f()") == .incomplete)
    #expect(runtime.evaluate("function f() return {b = 1, 2} end") == .output(""))
    #expect(runtime.evaluate("f()") == .output("{ 2, b = 1 }"))
    guard case .failure(let text) = runtime.evaluate("error('nope')") else {
      Issue.record("expected a failure")
      return
    }
    #expect(text.contains("nope"))
    #expect(runtime.evaluate("fal.sleep(0.01); return 'slept'") == .output("\"slept\""))
  }

  @Test func configurationNeverShowsTheKey() throws {
    var config = FalConfig()
    config.key = "very-secret"
    let runtime = try FalRuntime(config: config)
    guard case .output(let text) = runtime.evaluate("fal.config()") else {
      Issue.record("expected output")
      return
    }
    #expect(text.contains("has_key = true"))
    #expect(!text.contains("very-secret"))
    var dumped = ""
    dump(config, to: &dumped)
    for printed in [String(describing: config), String(reflecting: config), dumped] {
      #expect(!printed.contains("very-secret") && printed.contains("<redacted>"), "\(printed)")
    }
    #expect(runtime.config.key == "very-secret")
  }
}
