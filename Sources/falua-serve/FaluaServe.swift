import ArgumentParser
import FalEmulator
import Foundation

/// `falua serve` (which replaces itself with this program) and `falua --local` (which starts it as a
/// child): the fal emulator as a server on loopback. A program of its own so that `falua` itself
/// links none of the emulator's server stack and starts in a few milliseconds (docs/design.md,
/// "Start-up").
@main
struct FaluaServe: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "falua serve",
    abstract: "Run the local fal emulator (run and queue servers, apps written in Lua)."
  )

  @Option(help: "Port of the run server (0: any free port).") var port = 8080
  @Option(help: "Port of the queue server (0: any free port; default: port + 1).") var queuePort: Int?
  @Option(help: "Address to listen on.") var host = "127.0.0.1"
  @Option(help: "A folder of app files (*.lua) loaded after the built-ins, reloaded when edited (none unless given).")
  var apps: String?
  @Option(help: "Require `Authorization: Key <key>` on every request.") var key: String?
  @Option(help: "Runner threads per app.") var runners = 2
  @Option(help: "Injected faults, e.g. ingress503=0.2,retry429=0.1,slow=0.1:2") var faults: String?
  @Option(help: "Seed of the fault injection.") var seed: UInt64 = 1
  @Flag(help: .hidden) var stopAtEndOfInput = false

  func validate() throws {
    for (name, value) in [("--port", port), ("--queue-port", queuePort ?? port + 1)] where !(0...65535).contains(value) {
      throw ValidationError("\(name) \(value) is not a port (0 to 65535)")
    }
  }

  func run() throws {
    var options = EmulatorOptions()
    options.host = host
    options.runPort = port
    options.queuePort = queuePort ?? (port == 0 ? 0 : port + 1)
    options.runners = runners
    options.key = key
    options.appsDirectory = apps
    options.report = { FileHandle.standardError.write(Data("falua serve: \($0)\n".utf8)) }
    if let faults { options.faults = try FaultPlan(parsing: faults, seed: seed) }
    // Serve until SIGINT or SIGTERM. The handlers are installed (synchronously, unlike a dispatch
    // source, which registers later) before the ready line: a parent that signals as soon as it
    // reads that line must find them in place.
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw EmulatorError("cannot create a pipe: \(String(cString: strerror(errno)))") }
    stopWriteFD = fds[1]
    // A parent may start us with these signals blocked (masks survive exec; a thread of Swift's
    // pool blocks nearly all): a blocked SIGTERM would stay pending and the server never stop.
    var stopSignals = sigset_t()
    sigemptyset(&stopSignals)
    for signo in [SIGINT, SIGTERM] {
      sigaddset(&stopSignals, signo)
      signal(signo) { _ in
        var byte: UInt8 = 1
        _ = write(stopWriteFD, &byte, 1)
      }
    }
    pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
    // Started by `falua --local`, whose pipe is our standard input: its end means the parent has
    // gone, however it ended (even SIGKILL), and the emulator must not outlive it.
    if stopAtEndOfInput {
      Thread.detachNewThread {
        var byte: UInt8 = 0
        while true {
          let count = read(STDIN_FILENO, &byte, 1)
          if count == 0 || (count < 0 && errno != EINTR) { break }
        }
        _ = write(stopWriteFD, &byte, 1)
      }
    }
    let emulator = try Emulator(options: options)
    try emulator.start()
    print("falua serve: run \(emulator.runURL) queue \(emulator.queueURL) apps \(emulator.appIDs.joined(separator: ","))")
    fflush(stdout)
    var byte: UInt8 = 0
    while read(fds[0], &byte, 1) < 0 && errno == EINTR {}
    emulator.stop()
  }
}

/// Written by the signal handler (async-signal-safe: one write to a pipe).
nonisolated(unsafe) private var stopWriteFD: Int32 = -1
