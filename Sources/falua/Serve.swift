import ArgumentParser

/// `falua serve ...`: becomes `falua-serve ...`, the emulator's own program, which answers its help,
/// checks its options and serves.
struct Serve: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the local fal emulator (run and queue servers, apps written in Lua); see `falua serve --help`.",
    helpNames: []
  )

  @Argument(parsing: .captureForPassthrough, help: "The emulator's options (`falua serve --help`).")
  var arguments: [String] = []

  func run() throws {
    do {
      try EmulatorProgram.exec(arguments)
    } catch {
      throw ValidationError("\(error)")
    }
  }
}
