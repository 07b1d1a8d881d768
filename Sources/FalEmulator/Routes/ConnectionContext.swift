import Foundation
import Hummingbird
import NIOCore

/// The request context of the emulator's servers: Hummingbird's basic one plus the connection, so
/// an injected fault can reset it.
struct ConnectionContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  /// The client's connection.
  let channel: any Channel

  init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    channel = source.channel
  }

  // SO_LINGER 0: closing sends a TCP reset rather than a FIN, as a dropped proxy connection would.
  /// Resets the connection; whatever is written to it afterwards is dropped.
  func reset() {
    guard let socket = channel as? any SocketOptionProvider else { return channel.close(promise: nil) }
    socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { [channel] _ in
      channel.close(promise: nil)
    }
  }
}
