import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOWebSocket

// Hummingbird's WebSocket channel hands frames to an async handler: each message crossed from the
// event loop to a task executor and back, and the echo cost ~80 µs of server time. This channel
// keeps the frames on the event loop (RealtimeFrameHandler); HTTP requests are served as
// Hummingbird's HTTP1Channel serves them.
/// The run server's connections: HTTP/1.1, or a realtime WebSocket when the request upgrades.
struct RealtimeChannel: ServerChildChannel, HTTPChannelHandler {
  enum Negotiated: Sendable {
    case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
    case realtime
  }

  struct Value: ServerChildChannelValue {
    let negotiated: EventLoopFuture<Negotiated>
    let channel: any Channel
  }

  let responder: HTTPChannelHandler.Responder
  /// Makes the handler of an upgraded connection from the request target and `Authorization`.
  let realtimeHandler: @Sendable (_ path: String, _ authorization: String?) -> RealtimeFrameHandler

  init(
    responder: @escaping HTTPChannelHandler.Responder,
    realtimeHandler: @escaping @Sendable (_ path: String, _ authorization: String?) -> RealtimeFrameHandler
  ) {
    self.responder = Self.redirectingLateUpgrades(responder)
    self.realtimeHandler = realtimeHandler
  }

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
    channel.eventLoop.makeCompletedFuture {
      let upgrader = NIOTypedWebSocketServerUpgrader<Negotiated>(
        maxFrameSize: EmulatorRoutes.maxRealtimeMessage,
        // Every upgrade is accepted: a refusal is a close frame (Routes+Realtime.swift).
        shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
        upgradePipelineHandler: { [realtimeHandler] channel, head in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandlers(
              NIOWebSocketFrameAggregator(
                minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: Int.max,
                maxAccumulatedFrameSize: EmulatorRoutes.maxRealtimeMessage),
              realtimeHandler(head.uri, head.headers.first(name: "authorization")))
            return .realtime
          }
        })
      let upgrades = NIOTypedHTTPServerUpgradeConfiguration<Negotiated>(
        upgraders: [upgrader],
        notUpgradingCompletionHandler: { channel in
          channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(HTTPConnectionStateHandler(logger: logger))
            return .http(
              try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)))
          }
        })
      var configuration = NIOUpgradableHTTPServerPipelineConfiguration(upgradeConfiguration: upgrades)
      // As HTTP1Channel: NIOAsyncChannel pipelines, Hummingbird handles errors and checks headers,
      // and the same header limits.
      configuration.enablePipelining = false
      configuration.enableErrorHandling = false
      configuration.enableResponseHeaderValidation = false
      let limits = HTTP1Channel.Configuration().httpDecoder
      configuration.decoderConfiguration.maxHeaderFieldSize = limits.maxHeaderFieldSize
      configuration.decoderConfiguration.maxHeaderListSize = limits.maxHeaderListSize
      configuration.decoderConfiguration.maxHeaderFieldCount = limits.maxHeaderFieldCount
      let negotiated = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: configuration)
      return Value(negotiated: negotiated, channel: channel)
    }
  }

  func handle(value: Value, logger: Logger) async {
    switch try? await value.negotiated.get() {
    case .http(let channel)?: await handleHTTP(asyncChannel: channel, logger: logger)
    // The frame handler serves the connection until it closes; a stopping server closes it.
    case .realtime?:
      await withTaskCancellationHandler {
        try? await value.channel.closeFuture.get()
      } onCancel: {
        value.channel.close(promise: nil)
      }
    case nil: break
    }
  }

  // NIO looks for an upgrade in a connection's first request only; a later one is sent to a new
  // connection, as Hummingbird's WebSocket channel does.
  private static func redirectingLateUpgrades(_ responder: @escaping HTTPChannelHandler.Responder) -> HTTPChannelHandler.Responder {
    struct RedirectedUpgrade: Error {}
    return { request, writer, channel in
      guard request.headers[.upgrade] == "websocket" else { return try await responder(request, writer, channel) }
      var location = request.uri.path
      if let query = request.uri.query { location += "?\(query)" }
      try await writer.writeResponse(HTTPResponse(status: .temporaryRedirect, headerFields: [.connection: "close", .location: location]))
      throw RedirectedUpgrade()
    }
  }
}
