import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// An in-process Hummingbird 2 server on 127.0.0.1 and an ephemeral port, for tests that need a
/// real peer over loopback.
public enum LoopbackServer {
  /// Starts `router` on a free port, runs `body` with the port, then shuts the server down.
  public static func with<Context: RequestContext, T: Sendable>(
    _ router: Router<Context>, label: String, _ body: @Sendable (Int) async throws -> T
  ) async throws -> T where Context: InitializableFromSource<ApplicationRequestContextSource> {
    let (ports, portSink) = AsyncStream<(Int, any Channel)>.makeStream()
    var logger = Logger(label: label)
    logger.logLevel = .critical
    let app = Application(
      router: router,
      configuration: .init(address: .hostname("127.0.0.1", port: 0)),
      onServerRunning: { channel in portSink.yield((channel.localAddress?.port ?? 0, channel)) },
      logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
      // Connection tasks inherit the preference, so handlers never wait for a pool thread.
      group.addTask(executorPreference: ServerExecutor.shared) {
        try await app.runService(gracefulShutdownSignals: [])
      }
      var iterator = ports.makeAsyncIterator()
      guard let (port, listener) = await iterator.next() else { throw CancellationError() }
      defer {
        // As Emulator.stop: stop accepting and let half-made connections finish their set-up
        // before the server is cancelled, or NIO traps on the one dropped half-made.
        try? listener.setOption(ChannelOptions.autoRead, value: false).wait()
        for _ in 0..<3 {
          for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() { try? loop.submit {}.wait() }
        }
        group.cancelAll()
      }
      return try await body(port)
    }
  }
}
