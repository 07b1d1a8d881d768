import ArgumentParser

/// `falua`: run Lua workflows against fal, a REPL, one-shot calls, and the local emulator.
@main
struct Falua: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "falua",
    abstract: "Run Lua workflows that call the fal.ai platform.",
    discussion: """
      Without a command, falua runs a script, -e code or the REPL (the `run` command).

      Examples:
        falua                          the REPL
        falua --local                  the REPL against an emulator of its own
        falua script.lua a b           a script with arguments (arg, ...)
        falua -e 'print(fal.run("fal-ai/echo", {x = 1}))' --local
        falua call fal-ai/flux/schnell prompt='a red fox'
        falua serve --port 8080        the emulator as a server
        falua completions zsh          a shell completion script

      Environment: FAL_KEY (or FAL_KEY_ID and FAL_KEY_SECRET); FALUA_RUN_URL and FALUA_QUEUE_URL (another host, such as `falua serve`); FALUA_INIT (Lua run first, `@file` for a file).
      """,
    // No `version:` here: the argument parser would build the text at every start, and its libcurl
    // version opens libcurl. `falua --version` reaches RunScript, which answers it.
    subcommands: [RunScript.self, Call.self, Serve.self, Completions.self, JournalCommand.self, BatchCommand.self],
    defaultSubcommand: RunScript.self
  )

  /// The words that name a command rather than a script.
  static let commandNames = Set(configuration.subcommands.map { $0._commandName } + ["help"])

  static func main() {
    guard let run = ScriptRun(fastPath: Array(CommandLine.arguments.dropFirst())) else { return main(nil) }
    do {
      try run.run()
    } catch {
      exit(withError: error)
    }
  }
}
