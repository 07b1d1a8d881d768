import CFalua
import FalClient
import Foundation
import LuaKit
import Transport

/// The Swift primitives behind the Lua API (`require("fal.core")`): each starts an operation on
/// the loop and returns its id at once; `poll` reports finished operations so the Lua scheduler can
/// resume the tasks waiting for them. Nothing here blocks except `poll`.
final class Core {
  let client: FalClient
  let loop: EventLoop
  private var nextID = 1
  private var inFlight: [Int: Cancel] = [:]
  private var finished: [(id: Int, outcome: Outcome)] = []

  private enum Cancel {
    case operation(FalOperation)
    case timer(TimerID)
    case custom(() -> Void)
  }

  /// How an operation ended; `custom` pushes its own fields into the completion table.
  enum Outcome {
    case response(HTTPResponse)
    case failure(FalError)
    case timer
    case custom((Lua) -> Void)
  }

  init(client: FalClient, loop: EventLoop) {
    self.client = client
    self.loop = loop
  }

  private func start() -> Int {
    defer { nextID += 1 }
    return nextID
  }

  private func finish(_ id: Int, _ outcome: Outcome) {
    guard inFlight.removeValue(forKey: id) != nil else { return }
    finished.append((id, outcome))
  }

  /// Registers an operation a feature started itself (a stream, a socket read...); `cancel` aborts
  /// it. The feature reports it with `complete`.
  func begin(cancel: @escaping () -> Void) -> Int {
    let id = start()
    inFlight[id] = .custom(cancel)
    return id
  }

  /// Reports an operation started with `begin`.
  func complete(_ id: Int, _ outcome: Outcome) { finish(id, outcome) }

  /// Starts a fal call; returns its operation id.
  func request(_ call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions) throws -> Int {
    try Credentials.check(client.config, url: client.url(for: call, endpoint: endpoint, options: options))
    let id = start()
    inFlight[id] = .operation(
      client.perform(call, endpoint: endpoint, body: body, options: options) { [unowned self] result in
        switch result {
        case .success(let response): finish(id, .response(response))
        case .failure(let error): finish(id, .failure(error))
        }
      })
    return id
  }

  /// Starts a timer; returns its operation id.
  func sleep(_ seconds: Double) -> Int {
    let id = start()
    inFlight[id] = .timer(loop.schedule(after: seconds) { [unowned self] in finish(id, .timer) })
    return id
  }

  /// Aborts an operation; it will not be reported.
  func cancel(_ id: Int) {
    switch inFlight.removeValue(forKey: id) {
    case .operation(let operation)?: operation.cancel()
    case .timer(let timer)?: loop.cancel(timer)
    case .custom(let cancel)?: cancel()
    case nil: finished.removeAll { $0.id == id }
    }
  }

  /// Operations started and not yet reported.
  var pending: Int { inFlight.count + finished.count }

  /// Runs the loop once (waiting at most `timeout` seconds, nil = until something happens) and
  /// returns what finished.
  func poll(timeout: Double?) -> [(id: Int, outcome: Outcome)] {
    if finished.isEmpty && !falua_interrupted_bool {
      loop.runOnce(timeout: inFlight.isEmpty ? 0 : timeout)
    }
    defer { finished.removeAll(keepingCapacity: true) }
    return finished
  }

  /// Clears a handled Ctrl-C so the next one interrupts again.
  func resetInterrupt() {
    falua_clear_interrupt()
    Interrupt.reset()
  }

  private var falua_interrupted_bool: Bool { falua_interrupted() != 0 }
}
