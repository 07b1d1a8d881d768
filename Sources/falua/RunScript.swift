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
        falua --local script.lua      against an emulator of its own
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
    try ScriptRun(
      execute: execute, libraries: library, interactive: interactive, ignoreEnvironment: ignoreEnvironment,
      journal: journal, retryFailed: retryFailed,
      settings: Session.Settings(local: shared.local, quiet: shared.quiet, verbose: shared.verbose,
        sandbox: try shared.sandbox.policy()),
      script: script.first == "--" ? Array(script.dropFirst()) : script
    ).run()
  }
}
