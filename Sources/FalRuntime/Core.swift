import CFalua
import FalClient
import Transport

/// The Swift primitives behind the Lua API (`require("fal.core")`): each starts an operation on
/// the loop and returns its id at once; `poll` reports finished operations so the Lua scheduler can
/// resume the tasks waiting for them. Nothing here blocks except `poll`, and nothing here knows
/// Lua: the bindings (`CoreBindings`) turn outcomes into completion tables.
final class Core {
  let client: FalClient
  let loop: EventLoop
  /// Open `fal.stream` and status streams, by the id Lua holds.
  let streams = HandleTable<StreamSession>(noun: "stream")
  /// Open `fal.realtime` connections, by the id Lua holds.
  let realtimeConnections = HandleTable<RealtimeConnection>(noun: "realtime connection")
  private var nextID = 1
  private var inFlight: [Int: () -> Void] = [:]
  private var finished: [(id: Int, outcome: Outcome)] = []
  /// This runtime's interrupt state (Ctrl-C, a stop from another thread, a sandbox violation).
  let interrupt: InterruptControl

  /// How an operation ended.
  enum Outcome {
    /// It happened (a timer fired, a connection opened, something arrived).
    case done
    /// A fal or storage call's 2xx reply.
    case response(HTTPResponse)
    /// The CDN upload token.
    case storageToken(StorageToken)
    /// A finished download.
    case download(FalDownload)
    /// It failed.
    case failure(FalError)
  }

  init(client: FalClient, loop: EventLoop) {
    self.client = client
    self.loop = loop
    interrupt = InterruptControl(wakeFD: loop.wakeFD)
  }

  deinit { interrupt.close() }

  private func makeID() -> Int {
    defer { nextID += 1 }
    return nextID
  }

  /// Registers an operation a feature drives itself (a stream wait, a socket read...); `cancel`
  /// aborts it. The feature reports it with `complete`.
  func begin(cancel: @escaping () -> Void) -> Int {
    let id = makeID()
    inFlight[id] = cancel
    return id
  }

  /// Reports an operation started with `begin`; ignored once it was cancelled or reported.
  func complete(_ id: Int, _ outcome: Outcome) {
    guard inFlight.removeValue(forKey: id) != nil else { return }
    finished.append((id, outcome))
  }

  // Every client operation completes in a later loop turn, never inside `start`, so registering
  // its cancel after starting it is safe.
  /// Starts a client operation that reports a `Result`: `start` gets the completion and returns
  /// the function that cancels; `outcome` names the success.
  func track<Value>(
    _ outcome: @escaping (Value) -> Outcome,
    start: (@escaping (Result<Value, FalError>) -> Void) throws -> () -> Void
  ) rethrows -> Int {
    let id = makeID()
    inFlight[id] = try start { [unowned self] result in
      switch result {
      case .success(let value): complete(id, outcome(value))
      case .failure(let error): complete(id, .failure(error))
      }
    }
    return id
  }

  /// Starts a fal call; returns its operation id.
  func request(_ call: FalCall, endpoint: EndpointID, body: [UInt8]?, options: RequestOptions) -> Int {
    track(Outcome.response) { completion in
      client.perform(call, endpoint: endpoint, body: body, options: options, completion: completion).cancel
    }
  }

  /// Starts a timer; returns its operation id.
  func sleep(_ seconds: Double) -> Int {
    var timer: TimerID?
    let id = begin { [loop] in if let timer { loop.cancel(timer) } }
    timer = loop.schedule(after: seconds) { [unowned self] in complete(id, .done) }
    return id
  }

  /// Aborts an operation; it will not be reported.
  func cancel(_ id: Int) {
    if let cancel = inFlight.removeValue(forKey: id) {
      cancel()
    } else {
      finished.removeAll { $0.id == id }
    }
  }

  /// Operations started and not yet reported.
  var pending: Int { inFlight.count + finished.count }

  // Without a timeout the caller has nothing to do until something finishes, so turns that end
  // with nothing (a request sent, its reply not in yet) do not go back to Lua (issue 10).
  /// Runs the loop (for one turn of at most `timeout` seconds; nil = turns until something
  /// finishes) and returns what finished.
  func poll(timeout: Double?) -> [(id: Int, outcome: Outcome)] {
    repeat {
      if !finished.isEmpty || isInterrupted { break }
      loop.runOnce(timeout: inFlight.isEmpty ? 0 : timeout)
    } while timeout == nil && !inFlight.isEmpty
    defer { finished.removeAll(keepingCapacity: true) }
    return finished
  }

  /// Whether Ctrl-C was pressed and not yet handled.
  var isInterrupted: Bool { falua_control_interrupted(interrupt.pointer) != 0 }

  /// Clears a handled Ctrl-C so the next one interrupts again.
  func resetInterrupt() {
    falua_control_clear(interrupt.pointer)
    Interrupt.reset()
  }
}
