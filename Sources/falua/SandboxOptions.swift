import ArgumentParser
import FalRuntime

/// `--sandbox` and its limits (docs/sandbox.md): the script runs as untrusted code.
struct SandboxOptions: ParsableArguments {
  @Flag(name: .customLong("sandbox"), help: "Run the script as untrusted code: no processes, files only under --allow-read/--allow-write, only the fal hosts.")
  var enabled = false

  @Option(name: .customLong("allow-read"), help: ArgumentHelp("With --sandbox: a folder the script may read (repeatable).", valueName: "dir"))
  var allowRead: [String] = []

  @Option(name: .customLong("allow-write"), help: ArgumentHelp("With --sandbox: a folder the script may write and read (repeatable).", valueName: "dir"))
  var allowWrite: [String] = []

  @Option(name: .customLong("max-memory"), help: ArgumentHelp("With --sandbox: the most memory Lua may hold, e.g. 64M.", valueName: "size"))
  var maxMemory: String?

  @Option(name: .customLong("max-time"), help: ArgumentHelp("With --sandbox: the most seconds the script may run.", valueName: "seconds"))
  var maxTime: Double?

  func validate() throws {
    if !enabled && (!allowRead.isEmpty || !allowWrite.isEmpty || maxMemory != nil || maxTime != nil) {
      throw ValidationError("--allow-read, --allow-write, --max-memory and --max-time need --sandbox")
    }
    if let maxMemory, FalRuntime.Sandbox.parseSize(maxMemory) == nil {
      throw ValidationError("--max-memory: expected a size like 64M, 512K or 1G, got \(maxMemory)")
    }
    if let maxTime, !(maxTime > 0 && maxTime.isFinite) {
      throw ValidationError("--max-time: expected a positive number of seconds, got \(maxTime)")
    }
  }

  /// The sandbox to run under, nil without --sandbox.
  func policy() throws -> FalRuntime.Sandbox? {
    guard enabled else { return nil }
    return FalRuntime.Sandbox(
      allowRead: allowRead, allowWrite: allowWrite, maxMemory: maxMemory.flatMap(FalRuntime.Sandbox.parseSize),
      maxTime: maxTime)
  }
}
