import ArgumentParser

/// `falua`: run Lua workflows against fal, a REPL, and the local emulator (`falua serve`).
@main
struct Falua: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "falua",
    abstract: "Run Lua workflows that call the fal.ai platform.",
    version: Version.text,
    subcommands: [RunScript.self, Serve.self],
    defaultSubcommand: RunScript.self
  )
}
