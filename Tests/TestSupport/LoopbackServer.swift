import Hummingbird
import Logging

/// An in-process Hummingbird 2 server on 127.0.0.1 and an ephemeral port, for tests that need a
/// real peer over loopback.
public enum LoopbackServer {
  /// Starts `router` on a free port, runs `body` with the port, then shuts the server down.
  public static func with<Context: RequestContext, T: Sendable>(
    _ router: Router<Context>, label: String, _ body: @Sendable (Int) async throws -> T
  ) async throws -> T where Context: InitializableFromSource<ApplicationRequestContextSource> {
    let (ports, portSink) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: label)
    logger.logLevel = .critical
    let app = Application(
      router: router,
      configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { channel in portSink.yield(channel.localAddress?.port ?? 0) },
      logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
      // Connection tasks inherit the preference, so handlers never wait for a pool thread.
      group.addTask(executorPreference: ServerExecutor.shared) {
        try await app.runService(gracefulShutdownSignals: [])
      }
      var iterator = ports.makeAsyncIterator()
      guard let port = await iterator.next() else { throw CancellationError() }
      defer { group.cancelAll() }
      return try await body(port)
    }
  }
}
