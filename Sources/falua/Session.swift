import ArgumentParser
import FalClient
import FalRuntime
import FoundationEssentials
import Glibc

/// The flags every Lua-running command shares: where requests go and what is shown on stderr.
struct SessionOptions: ParsableArguments {
  @Flag(name: .customLong("local"), help: "Start the fal emulator (falua serve) and send every request to it.")
  var local = false

  @Flag(name: [.customShort("q"), .long], help: "Show no progress line on stderr.")
  var quiet = false

  @Flag(name: [.customShort("v"), .long], help: "Log every request on stderr: method, endpoint, status, time.")
  var verbose = false

  @OptionGroup var sandbox: SandboxOptions
}

/// A runtime ready to use: the configuration from the environment (or pointing at an emulator of
/// its own with `--local`), Ctrl-C handled, progress and request logs set up. The one place the
/// command uses the client's configuration type.
final class Session {
  /// What the shared flags ask for, as plain values (the fast path sets them without the parser).
  struct Settings {
    var local = false
    var quiet = false
    var verbose = false
    var sandbox: FalRuntime.Sandbox?
  }

  let runtime: FalRuntime
  private var emulator: EmulatorProgram.Child?

  convenience init(_ options: SessionOptions) throws {
    try self.init(Settings(local: options.local, quiet: options.quiet, verbose: options.verbose,
      sandbox: try options.sandbox.policy()))
  }

  init(_ options: Settings) throws {
    // Threads started from here on inherit a blocked SIGINT, so Ctrl-C always lands on the main
    // thread, the one waiting for keys or for the loop; the runtime unblocks it there.
    var interrupt = sigset_t()
    sigemptyset(&interrupt)
    sigaddset(&interrupt, SIGINT)
    pthread_sigmask(SIG_BLOCK, &interrupt, nil)
    var configuration = FalRuntime.Configuration.fromEnvironment()
    if options.local {
      // --runners 8: the platform scales out, so parallel examples run in parallel.
      let started = try EmulatorProgram.spawn(["--port", "0", "--queue-port", "0", "--runners", "8", "--stop-at-end-of-input"])
      configuration.client.runURL = started.urls.run
      configuration.client.queueURL = started.urls.queue
      // The emulator answers the REST and CDN hosts on its run port.
      configuration.client.restURL = started.urls.run
      configuration.client.cdnURL = started.urls.run
      emulator = started
    }
    configuration.sandbox = options.sandbox
    runtime = try FalRuntime(configuration: configuration)
    runtime.installInterruptHandler()
    let lua = LuaCalls(runtime)
    lua.setProgress(enabled: !options.quiet && Terminal.isTerminal(STDERR_FILENO), width: Terminal.columns)
    if options.verbose { lua.setVerbose() }
  }

  /// Whether requests go to an emulator of our own.
  var isLocal: Bool { emulator != nil }

  deinit { emulator?.stop() }

  /// Stops our emulator now (before `exit`, which skips deinitialisers).
  func close() {
    emulator?.stop()
    emulator = nil
  }
}
