import NIOCore
import NIOWebSocket

// Behind NIO's frame decoder and fragment aggregator. A refused connection (bad token, unknown
// app) gets the close 4000 + status at once. Whoever sends the first close frame, the server
// closes the TCP connection once both were exchanged (or `closeTimeout` after its own).
/// A realtime connection on its event loop: data frames go to the session as they arrive (its app
/// runs right here while it is cheap), replies are written back; ping and close are answered here.
final class RealtimeFrameHandler: ChannelInboundHandler {
  typealias InboundIn = WebSocketFrame
  typealias OutboundOut = WebSocketFrame

  /// How long a close frame the server sent waits for the client's.
  static let closeTimeout = TimeAmount.seconds(10)

  private let admission: Result<EmulatorRoutes.RealtimeRequest, EmulatorRoutes.RealtimeRefusal>
  private var session: RealtimeSession?
  /// `closing` once the server sent its close frame; `closed` once the channel is gone (a late
  /// output from the session's thread is dropped).
  private var state = State.open
  private var closeTimer: Scheduled<Void>?

  private enum State { case open, closing, closed }

  init(_ admission: Result<EmulatorRoutes.RealtimeRequest, EmulatorRoutes.RealtimeRefusal>) {
    self.admission = admission
  }

  func handlerAdded(context: ChannelHandlerContext) {
    switch admission {
    case .failure(let refusal):
      sendClose(context, code: 4000 + refusal.status, reason: String(refusal.detail.utf8.prefix(120)) ?? "")
    case .success(let request):
      let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
      let loop = context.eventLoop
      let session = RealtimeSession(app: request.app, path: request.path, maxBuffering: request.maxBuffering) {
        output in
        // In place the app runs inside `channelRead`, which flushes; a thread's output hops here.
        if loop.inEventLoop {
          bound.value.0.write(output, bound.value.1)
        } else {
          loop.execute {
            bound.value.0.write(output, bound.value.1)
            bound.value.1.flush()
          }
        }
      }
      self.session = session
      session.open()
      context.flush()
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let frame = unwrapInboundIn(data)
    switch frame.opcode {
    case .binary, .text:
      guard let session, state == .open else { return }
      var payload = frame.unmaskedData
      if frame.opcode == .binary {
        session.receive(.binary(payload))
      } else {
        session.receive(.text(payload.readString(length: payload.readableBytes) ?? ""))
      }
      context.flush()
    case .ping:
      context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
    case .connectionClose:
      stopSession()
      if state != .open { return context.close(promise: nil) }
      // The answer echoes the client's code.
      var data = frame.unmaskedData
      sendClose(context, code: data.readInteger(as: UInt16.self).map(Int.init) ?? 1000, reason: "", thenDisconnect: true)
    default:
      break
    }
  }

  func errorCaught(context: ChannelHandlerContext, error: Error) {
    stopSession()
    // NIO's protocol error handler answers its own errors with a close frame and disconnects.
    guard !(error is NIOWebSocketError) else { return }
    let tooLarge = (error as? NIOWebSocketFrameAggregator.Error) == .accumulatedFrameSizeIsTooLarge
    sendClose(context, code: tooLarge ? 1009 : 1002, reason: "", thenDisconnect: true)
  }

  func channelInactive(context: ChannelHandlerContext) {
    state = .closed
    stopSession()
    closeTimer?.cancel()
    context.fireChannelInactive()
  }

  private func stopSession() {
    session?.stop()
    session = nil
  }

  private func write(_ output: RealtimeSession.Output, _ context: ChannelHandlerContext) {
    guard state == .open else { return }
    switch output {
    case .reply(let bytes):
      write(.binary, bytes, context)
    case .text(let text):
      write(.text, ByteBuffer(string: text), context)
    case .close(let code, let reason):
      stopSession()
      sendClose(context, code: code, reason: reason)
    case .failure(let message):
      stopSession()
      let frame: [String: Any] = ["type": "x-fal-error", "error": "INTERNAL_ERROR", "reason": message]
      write(.text, ByteBuffer(bytes: JSONBody.encode(frame)), context)
      sendClose(context, code: 1000, reason: "")
    }
  }

  private func write(_ opcode: WebSocketOpcode, _ data: ByteBuffer, _ context: ChannelHandlerContext) {
    context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: opcode, data: data)), promise: nil)
  }

  /// Sends a close frame, then disconnects once it is written, or when the client's close
  /// arrives (within `closeTimeout`).
  private func sendClose(_ context: ChannelHandlerContext, code: Int, reason: String, thenDisconnect: Bool = false) {
    guard state == .open else { return }
    state = .closing
    var data = context.channel.allocator.buffer(capacity: 2 + reason.utf8.count)
    data.writeInteger(UInt16(truncatingIfNeeded: code))
    data.writeString(reason)
    let written = context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)))
    let bound = context.loopBound
    if thenDisconnect {
      written.whenComplete { _ in bound.value.close(promise: nil) }
    } else {
      closeTimer = context.eventLoop.scheduleTask(in: Self.closeTimeout) { bound.value.close(promise: nil) }
    }
  }
}
