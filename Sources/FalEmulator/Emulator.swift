import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix

/// A local fal platform: a run server and a queue server on loopback, serving Lua apps on runner
/// threads with the wire protocol of PROTOCOL.md.
public final class Emulator: @unchecked Sendable {
  private enum Phase {
    case created, running, stopped
  }

  /// The servers' listening sockets, closed first when the emulator stops.
  private final class Listeners: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [any Channel] = []

    func add(_ channel: any Channel) { lock.withLock { channels.append(channel) } }
    var all: [any Channel] { lock.withLock { channels } }
  }

  /// Collects the servers' start-up reports for the synchronous `start()`.
  private final class Startup: @unchecked Sendable {
    private let lock = NSLock()
    private let reported = DispatchSemaphore(value: 0)
    private var errors: [Error] = []

    func report(_ error: Error?) {
      if let error { lock.withLock { errors.append(error) } }
      reported.signal()
    }

    /// Waits for `count` reports; returns the first error, or a timeout.
    func wait(count: Int) -> Error? {
      for _ in 0..<count where reported.wait(timeout: .now() + 30) == .timedOut {
        return EmulatorError("timed out waiting for the servers to listen")
      }
      return lock.withLock { errors.first }
    }
  }

  private let options: EmulatorOptions
  private let apps: [AppSource]
  private let table: AppTable
  private var watcher: AppWatcher?
  private let stats = Stats()
  private let files = FileStore()
  private let webhookKey: WebhookKey
  private let webhookSender: WebhookSender
  private let webhookSink = WebhookSink()
  private let store: QueueStore
  private let urls = ServerURLs()
  private let executor = DispatchTaskExecutor()
  private let serversDone = DispatchGroup()
  private let lock = NSLock()
  private var phase = Phase.created
  private var servers: [Task<Void, Never>] = []
  private let listeners = Listeners()
  private let faults: FaultInjector
  private var runners: [AppRunner] = []

  /// Loads and validates the built-in apps and `options.appsDirectory`; a broken app file throws
  /// an `EmulatorError` naming it.
  public init(options: EmulatorOptions) throws {
    guard options.runners >= 1 else { throw EmulatorError("runners must be at least 1") }
    guard options.resultRetention >= 0, options.resultRetention.isFinite else {
      throw EmulatorError("resultRetention must be a non-negative number of seconds")
    }
    self.options = options
    faults = FaultInjector(plan: options.faults)
    apps = try AppCatalog.load(directory: options.appsDirectory, defaultRunners: options.runners)
    table = AppTable(apps)
    let store = QueueStore(retention: options.resultRetention, stats: stats)
    let key = WebhookKey()
    webhookKey = key
    let webhooks = WebhookSender(key: key)
    webhookSender = webhooks
    store.onComplete = { [weak store, stats] record, outcome in
      guard record.webhookURL != nil, let store else { return }
      webhooks.deliver(record, outcome: outcome) { text, delivered in
        store.setWebhookDelivery(text, of: record)
        stats.countWebhook(delivered: delivered)
      }
    }
    self.store = store
  }

  deinit { stop() }

  /// The run server (`POST` runs an app and waits), e.g. `http://127.0.0.1:PORT`.
  public var runURL: String { urls.url(.run) }
  /// The queue server (`POST` submits).
  public var queueURL: String { urls.url(.queue) }
  /// Where REST routes live (the run server for now).
  public var restURL: String { runURL }
  /// Where stored files are served (the run server for now).
  public var cdnURL: String { runURL }
  /// The ids of the loaded apps, sorted.
  public var appIDs: [String] { apps.map(\.id).sorted() }

  /// Starts both servers and the runners; returns once both ports listen. It blocks briefly, which
  /// is safe even on Swift's cooperative pool: the servers run on an executor of their own.
  public func start() throws {
    try lock.withLock {
      guard phase == .created else { throw EmulatorError("an emulator can be started only once") }
      phase = .running
    }
    let routes = EmulatorRoutes(
      apps: table, store: store, files: files,
      stats: stats, faults: faults, key: options.key, urls: urls,
      webhookKey: webhookKey, webhookSink: webhookSink)
    let startup = Startup()
    var logger = Logger(label: "falua.emulator")
    // Quiet: a cancelled server logs its closing connections as errors.
    logger.logLevel = .critical
    let host = Self.urlHost(options.host)
    var started: [Task<Void, Never>] = []
    for (port, number) in [(ServerPort.run, options.runPort), (.queue, options.queuePort)] {
      let application = Application(
        responder: CallbackResponder<ConnectionContext> { request, context in
          await routes.respond(to: request, on: port, connection: context)
        },
        server: port == .run
          ? HTTPServerBuilder { responder in
            RealtimeChannel(responder: responder) { routes.realtimeHandler(path: $0, authorization: $1) }
          }
          : .http1(),
        // Hummingbird's default backlog (256) overflowed when 1000 clients connected at once: the
        // kernel dropped their SYNs and each retried a second later.
        configuration: ApplicationConfiguration(
          address: .hostname(options.host, port: number), backlog: Self.listenBacklog),
        onServerRunning: { [urls, listeners] channel in
          listeners.add(channel)
          urls.set("http://\(host):\(channel.localAddress?.port ?? number)", for: port)
          startup.report(nil)
        },
        logger: logger)
      // `run()` rather than `runService()`: no signal handlers, the host (falua's Ctrl-C) owns SIGINT.
      serversDone.enter()
      started.append(
        Task(executorPreference: executor) { [serversDone] in
          defer { serversDone.leave() }
          do { try await application.run() } catch {
            startup.report(EmulatorError("cannot listen on \(host):\(number): \(Self.reason(error))"))
          }
        })
    }
    lock.withLock { servers = started }
    if let error = startup.wait(count: 2) {
      stop()
      throw error
    }
    let appRunners = apps.flatMap { app in
      (0..<app.runners).map { index in
        AppRunner(
          app: app, table: table, index: index, store: store, faults: faults,
          context: AppContext(store: store, files: files) { [urls] name in "\(urls.url(.run))/files/\(name)" }
        )
      }
    }
    lock.withLock { runners = appRunners }
    appRunners.forEach { $0.start() }
    if let directory = options.appsDirectory {
      let report = options.report
      let watching = AppWatcher(
        directory: directory, table: table, defaultRunners: options.runners, report: { report?($0) })
      lock.withLock { watcher = watching }
    }
  }

  // A connection NIO accepted hands its async channel to the server's accept loop only once its
  // set-up (on its own event loop) completes; if the listener closes or the server is cancelled in
  // between, that channel's writer is dropped unfinished, a precondition failure that ends the
  // process. So the listeners first stop accepting (clients wait in the kernel's backlog), the
  // set-ups in flight get a moment to reach the accept loop, and only then do the listeners close
  // (refusing the backlog) and the servers end.
  /// Fails queued requests, cancels running ones, and shuts both servers down. Idempotent.
  public func stop() {
    let (servers, runners): ([Task<Void, Never>], [AppRunner]) = lock.withLock {
      defer { phase = .stopped }
      return phase == .running ? (self.servers, self.runners) : ([], [])
    }
    guard !servers.isEmpty || !runners.isEmpty else { return }
    lock.withLock { watcher }?.stop()
    store.stop()
    webhookSender.stop()
    let open = listeners.all
    // Stop accepting, then let every connection already accepted finish its set-up before the
    // listeners close: a connection set up after its listener's stream has ended is dropped
    // half-made, and NIO traps on that ("Deinited NIOAsyncWriter without calling finish()").
    // Set-up is a short chain of tasks on the event loops, so a few rounds of empty tasks on every
    // loop flush it whatever the machine's load.
    for listener in open { try? listener.setOption(ChannelOptions.autoRead, value: false).wait() }
    for _ in 0..<3 {
      for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() { try? loop.submit {}.wait() }
    }
    Thread.sleep(forTimeInterval: Self.drainTime)
    for listener in open { try? listener.close().wait() }
    // Servers with no open connection end by themselves; the rest are cancelled.
    if serversDone.wait(timeout: .now() + Self.drainTime) == .timedOut {
      servers.forEach { $0.cancel() }
      _ = serversDone.wait(timeout: .now() + 5)
    }
    // A runner stuck in a busy Lua loop cannot be interrupted; after a while it is left behind.
    let deadline = DispatchTime.now() + 5
    for runner in runners { runner.waitUntilExited(before: deadline) }
  }

  /// How long accepted connections get to reach their servers, and open ones to finish their
  /// replies, before the servers are cancelled.
  static let drainTime = 0.1

  /// Connections waiting to be accepted (the kernel caps it at net.core.somaxconn, 4096 here).
  static let listenBacklog = 4096

  /// A listening failure in words: NIO's `bind(descriptor:ptr:bytes:): Address already in use
  /// (errno: 98)` becomes `address already in use`.
  private static func reason(_ error: Error) -> String {
    if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
    return "\(error)"
  }

  /// The host to put in URLs: a wildcard bind address is reached through loopback.
  private static func urlHost(_ host: String) -> String {
    switch host {
    case "", "0.0.0.0": return "127.0.0.1"
    case "::": return "[::1]"
    default: return host.contains(":") ? "[\(host)]" : host
    }
  }
}
