import ArgumentParser
import FalRuntime
import FoundationEssentials
import Glibc

/// `falua [options] [script [args...]]`, with lua.c's flags; the REPL when nothing else runs.
struct RunScript: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a Lua script (`-` for standard input), -e code, or the REPL.",
    discussion: """
      Options go before the script name; what follows it is the script's (arg, ...).

      Examples:
        falua script.lua a b          arg[1] = "a", arg[2] = "b"
        falua --local script.lua      against an in-process emulator
        falua --local -e 'print(fal.run("fal-ai/echo", {x = 1}).x)'
        falua -l fal.inspect -i       require a module, then the REPL
        echo 'print(1)' | falua       a script on standard input
        falua -v script.lua           log every request on stderr

      FALUA_INIT runs first (Lua code, or `@file`), unless -E is given.
      """
  )

  @Option(name: .customShort("e"), help: "Execute a string of Lua (repeatable).")
  var execute: [String] = []

  @Option(name: .customShort("l"), help: "Require a module into a global of its name (repeatable).")
  var library: [String] = []

  @Flag(name: .customShort("i"), help: "Enter the REPL after running the script.")
  var interactive = false

  @Flag(name: .customShort("E"), help: "Ignore FALUA_INIT.")
  var ignoreEnvironment = false

  @Option(name: .customLong("journal"), help: ArgumentHelp(
    "Record every request in this journal (SQLite) and resume from it on a rerun (also FALUA_JOURNAL).",
    valueName: "file"))
  var journal: String?

  @Flag(name: .customLong("retry-failed"), help: "With a journal, send again the requests it recorded as failed.")
  var retryFailed = false

  @OptionGroup var shared: SessionOptions

  @Argument(parsing: .captureForPassthrough, help: "The script and its arguments (`arg`, `...`).")
  var script: [String] = []

  static let flags = ["-e", "-l", "-i", "-E", "--local", "-q", "--quiet", "-v", "--verbose", "--version", "-h", "--help",
    "--journal", "--retry-failed"]

  // Everything from the first unknown word on is captured for the script, so a flag falua does not
  // know lands here: help and version are answered, other flags named with a suggestion.
  func validate() throws {
    guard let first = script.first, first.hasPrefix("-"), first != "-", first != "--" else { return }
    if first == "-h" || first == "--help" { throw CleanExit.helpRequest(self) }
    if first == "--version" { throw CleanExit.message(Version.text) }
    throw ValidationError(Suggestion.unknown("option", first, in: Self.flags))
  }

  func run() throws {
    let scriptArguments = script.first == "--" ? Array(script.dropFirst()) : script
    if let name = scriptArguments.first, name != "-", !FileManager.default.fileExists(atPath: name),
      let command = Suggestion.closest(to: name, in: ["call", "serve", "completions", "journal", "batch", "help"])
    {
      throw ValidationError(command == name
        ? "'\(name)' is a command: put it first (falua \(name) ...), its options after it"
        : "cannot open \(name); did you mean the command 'falua \(command)'?")
    }
    let session = try Session(shared)
    defer { session.close() }
    let runtime = session.runtime
    let calls = LuaCalls(runtime)
    let environment = ProcessInfo.processInfo.environment
    if let path = journal ?? environment["FALUA_JOURNAL"].flatMap({ $0.isEmpty ? nil : $0 }) {
      if let message = calls.openJournal(path, retryFailed: retryFailed) {
        Terminal.error("falua: \(message)\n")
        throw ExitCode(1)
      }
    } else if retryFailed {
      calls.openJournal(nil, retryFailed: true)
    }
    // One line at the end: what the journal saved (also when the script failed).
    defer { if let line = calls.journalSummary() { Terminal.error("falua: \(line)\n") } }
    do {
      if !ignoreEnvironment, let initCode = ProcessInfo.processInfo.environment["FALUA_INIT"], !initCode.isEmpty {
        if initCode.hasPrefix("@") {
          try runtime.run(file: String(initCode.dropFirst()))
        } else {
          try runtime.run(code: initCode, name: "=FALUA_INIT")
        }
      }
      for module in library { try runtime.require(module) }
      for code in execute { try runtime.run(code: code) }
      if let path = scriptArguments.first {
        try runtime.run(file: path, arguments: Array(scriptArguments.dropFirst()))
      } else if execute.isEmpty && !Terminal.isTerminal(STDIN_FILENO) {
        try runtime.run(file: "-")
      }
    } catch let error as FalRuntimeError {
      report(error)
      throw ExitCode(error.kind == "interrupted" ? 130 : 1)
    }
    let nothingRan = scriptArguments.isEmpty && execute.isEmpty
    if interactive || (nothingRan && Terminal.isTerminal(STDIN_FILENO)) {
      let repl = REPL(session: session)
      print(repl.banner())
      repl.loop()
    }
  }

  private func report(_ error: FalRuntimeError) {
    var text = "falua: \(error.message)\n"
    if let traceback = error.traceback, error.kind != "interrupted" { text += traceback + "\n" }
    Terminal.error(text)
  }
}
