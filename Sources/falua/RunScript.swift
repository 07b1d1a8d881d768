import ArgumentParser
import FalEmulator
import FalRuntime
import Foundation

/// `falua [options] [script [args...]]`, with lua.c's flags.
struct RunScript: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a Lua script (`-` for standard input), -e code, or the REPL."
  )

  @Option(name: .customShort("e"), help: "Execute a string of Lua (repeatable).")
  var execute: [String] = []

  @Option(name: .customShort("l"), help: "Require a module into a global of its name (repeatable).")
  var library: [String] = []

  @Flag(name: .customShort("i"), help: "Enter the REPL after running the script.")
  var interactive = false

  @Flag(name: .customShort("v"), help: "Print version information.")
  var showVersion = false

  @Flag(name: .customLong("local"), help: "Start the fal emulator in-process and send every request to it.")
  var local = false

  @Argument(parsing: .captureForPassthrough, help: "The script and its arguments (`arg`, `...`).")
  var script: [String] = []

  func run() throws {
    if showVersion { print(Version.text) }
    var config = FalConfig.fromEnvironment()
    var emulator: Emulator?
    if local {
      var options = EmulatorOptions()
      options.runners = 8  // the platform scales out: let parallel examples run in parallel
      let started = try Emulator(options: options)
      try started.start()
      config = config.pointing(at: started)
      emulator = started
    }
    defer { emulator?.stop() }

    let runtime = try FalRuntime(config: config)
    runtime.installInterruptHandler()
    let scriptArguments = script.first == "--" ? Array(script.dropFirst()) : script
    do {
      for module in library { try runtime.require(module) }
      for code in execute { try runtime.run(code: code) }
      if let path = scriptArguments.first {
        try runtime.run(file: path, arguments: Array(scriptArguments.dropFirst()))
      } else if execute.isEmpty && !showVersion && isatty(STDIN_FILENO) == 0 {
        try runtime.run(file: "-")
      }
    } catch let error as FalRuntimeError {
      report(error)
      throw ExitCode(error.kind == "interrupted" ? 130 : 1)
    }
    let nothingRan = scriptArguments.isEmpty && execute.isEmpty
    if interactive || (nothingRan && isatty(STDIN_FILENO) != 0) {
      if !showVersion { print(Version.text) }
      REPL(runtime: runtime).loop()
    }
  }

  private func report(_ error: FalRuntimeError) {
    var text = "falua: \(error.message)\n"
    if let traceback = error.traceback, error.kind != "interrupted" { text += traceback + "\n" }
    FileHandle.standardError.write(Data(text.utf8))
  }
}

extension FalConfig {
  /// This configuration with every URL pointing at an emulator.
  func pointing(at emulator: Emulator) -> FalConfig {
    var config = self
    config.runURL = emulator.runURL
    config.queueURL = emulator.queueURL
    config.restURL = emulator.restURL
    config.cdnURL = emulator.cdnURL
    return config
  }
}
