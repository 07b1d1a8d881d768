import ArgumentParser
import FalClient
import FalEmulator
import FalRuntime
import Foundation

/// The flags every Lua-running command shares: where requests go and what is shown on stderr.
struct SessionOptions: ParsableArguments {
  @Flag(name: .customLong("local"), help: "Start the fal emulator in-process and send every request to it.")
  var local = false

  @Flag(name: [.customShort("q"), .long], help: "Show no progress line on stderr.")
  var quiet = false

  @Flag(name: [.customShort("v"), .long], help: "Log every request on stderr: method, endpoint, status, time.")
  var verbose = false

  @OptionGroup var sandbox: SandboxOptions
}

/// A runtime ready to use: the configuration from the environment (or pointing at an in-process
/// emulator with `--local`), Ctrl-C handled, progress and request logs set up. The one place the
/// command uses the client's configuration type.
final class Session {
  let runtime: FalRuntime
  let options: SessionOptions
  private var emulator: Emulator?

  init(_ options: SessionOptions) throws {
    self.options = options
    // Threads started from here on (the emulator's) inherit a blocked SIGINT, so Ctrl-C always lands
    // on the main thread, the one waiting for keys or for the loop; the runtime unblocks it there.
    var interrupt = sigset_t()
    sigemptyset(&interrupt)
    sigaddset(&interrupt, SIGINT)
    pthread_sigmask(SIG_BLOCK, &interrupt, nil)
    var config = FalConfig.fromEnvironment()
    if options.local {
      var emulatorOptions = EmulatorOptions()
      emulatorOptions.runners = 8  // the platform scales out: let parallel examples run in parallel
      let started = try Emulator(options: emulatorOptions)
      try started.start()
      config.runURL = started.runURL
      config.queueURL = started.queueURL
      config.restURL = started.restURL
      config.cdnURL = started.cdnURL
      emulator = started
    }
    var configuration = FalRuntime.Configuration.fromEnvironment()
    configuration.client = config
    configuration.sandbox = try options.sandbox.policy()
    runtime = try FalRuntime(configuration: configuration)
    runtime.installInterruptHandler()
    let lua = LuaCalls(runtime)
    lua.setProgress(enabled: !options.quiet && Terminal.isTerminal(STDERR_FILENO), width: Terminal.columns)
    if options.verbose { lua.setVerbose() }
  }

  /// Whether requests go to an in-process emulator.
  var isLocal: Bool { emulator != nil }

  deinit { emulator?.stop() }

  /// Stops the in-process emulator now (before `exit`, which skips deinitialisers).
  func close() {
    emulator?.stop()
    emulator = nil
  }
}
