import Foundation

/// The thread an app's Lua state lives on: a state is not thread-safe, so each runner and each
/// realtime session owns one thread, with a stack deep enough for apps that recurse.
enum AppThread {
  static func start(name: String, _ body: @escaping @Sendable () -> Void) {
    let thread = Thread(block: body)
    thread.name = name
    thread.stackSize = 16 << 20
    thread.start()
  }
}
