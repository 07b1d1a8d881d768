import ArgumentParser
import FalEmulator
import Foundation

/// `falua serve`: the fal emulator as a server on loopback.
struct Serve: ParsableCommand {
  static let configuration = CommandConfiguration(
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
    let emulator = try Emulator(options: options)
    try emulator.start()
    print("falua serve: run \(emulator.runURL) queue \(emulator.queueURL) apps \(emulator.appIDs.joined(separator: ","))")
    fflush(stdout)
    // Serve until SIGINT or SIGTERM.
    let stop = DispatchSemaphore(value: 0)
    for signo in [SIGINT, SIGTERM] {
      signal(signo, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
      source.setEventHandler { stop.signal() }
      source.resume()
      sources.append(source)
    }
    stop.wait()
    emulator.stop()
  }
}

nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []
