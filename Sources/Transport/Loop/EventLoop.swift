import CTransport
import Glibc

// HTTP transfers, timers and watched fds, whose callbacks all run inside `runOnce`. Use it from
// one thread only; `wakeFD` is the one thing other threads and signal handlers may touch.
/// One libcurl multi handle driven by the calling thread.
public final class EventLoop {
  /// Write end of the self-pipe: writing a byte (also from a signal handler) wakes a blocked `runOnce`.
  public let wakeFD: Int32

  /// The multi handle, made with the first transfer: a loop that only runs timers and watches never
  /// opens libcurl (docs/design.md, "Start-up").
  private var multiHandle: UnsafeMutableRawPointer?
  /// The multi handle; only read once a transfer exists, so after `startCurl` succeeded.
  var multi: UnsafeMutableRawPointer { multiHandle! }
  let handles = EasyHandlePool()
  let caBundle: String?
  var transfers: [TransferID: Transfer] = [:]
  // curl forbids touching the multi handle inside its callbacks, so transfers started or
  // cancelled there are applied once `curl_multi_perform` returns.
  var addAfterPerform: [Transfer] = []
  var discardAfterPerform: [Transfer] = []
  /// Transfers that failed before reaching curl; their failure is delivered by a timer.
  var failing: [TransferID: TimerID] = [:]
  var isPerforming = false
  var timers = TimerHeap()
  var timerActions: [TimerID: () -> Void] = [:]
  var watches: [WatchID: Watch] = [:]
  /// The header list of the last transfer, for the next one that sends the same headers.
  var lastHeaders: HeaderList?
  /// Connect-only handles (WebSocket) by their CURLOPT_PRIVATE id: told when curl has connected.
  var connectOnlyHandlers: [UInt64: (CURLcode) -> Void] = [:]
  private let wakePipe: WakePipe
  private var lastID: UInt64 = 0

  private static let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

  /// Creates the self-pipe; libcurl waits for the first transfer.
  public convenience init() throws {
    // libcurl itself ignores these variables; the curl tool and OpenSSL users expect them honoured.
    try self.init(caBundle: Self.environment("CURL_CA_BUNDLE") ?? Self.environment("SSL_CERT_FILE"))
  }

  /// Creates a loop that verifies TLS peers against `caBundle` (nil: curl's built-in default).
  public init(caBundle: String?) throws {
    wakePipe = try WakePipe()
    wakeFD = wakePipe.writeFD
    self.caBundle = caBundle
  }

  /// Opens libcurl and makes the multi handle (HTTP/2 multiplexing on) if that is not done yet.
  func startCurl() -> TransportError? {
    if multiHandle != nil { return nil }
    guard Self.curlGlobalInit == CURLE_OK else {
      let missing = String(cString: falua_libcurl_error())
      if !missing.isEmpty { return TransportError(kind: .other, message: missing, curlCode: Int(CURLE_FAILED_INIT.rawValue)) }
      return TransportError(curlCode: Self.curlGlobalInit, errorBuffer: "")
    }
    guard let multi = curl_multi_init() else {
      return TransportError(kind: .other, message: "curl_multi_init failed", curlCode: Int(CURLE_OUT_OF_MEMORY.rawValue))
    }
    falua_multi_setopt_long(multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX)
    multiHandle = multi
    return nil
  }

  deinit {
    guard let multiHandle else { return }
    for transfer in transfers.values {
      if transfer.isAdded { curl_multi_remove_handle(multiHandle, transfer.easy) }
      curl_easy_cleanup(transfer.easy)
    }
    transfers.removeAll()
    curl_multi_cleanup(multiHandle)
  }

  /// True when no transfer is in flight and no timer is pending (watched fds do not count).
  public var isIdle: Bool { transfers.isEmpty && timerActions.isEmpty }

  /// Monotonic seconds, the clock timers use.
  public static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  // Waits in curl_multi_poll at most until the next timer or `timeout` (nil: until something
  // happens), lets curl work, then runs finished transfers' callbacks, ready watches' handlers
  // and due timers.
  /// One turn of the loop; every callback runs inside it.
  public func runOnce(timeout: Double?) {
    precondition(!isPerforming, "EventLoop.runOnce called from inside a transfer callback")
    let watched = Array(watches)
    // On the stack: a turn without watches (every turn of a plain script) allocates nothing here.
    withUnsafeTemporaryAllocation(of: curl_waitfd.self, capacity: watched.count + 1) { fds in
      fds[0] = curl_waitfd(fd: wakePipe.readFD, events: Int16(CURL_WAIT_POLLIN), revents: 0)
      for (index, watch) in watched.enumerated() {
        fds[index + 1] = curl_waitfd(fd: watch.value.fd, events: watch.value.events.rawValue, revents: 0)
      }
      if let multiHandle {
        curl_multi_poll(multiHandle, fds.baseAddress, UInt32(fds.count), pollMilliseconds(timeout), nil)
      } else {
        Self.poll(fds, milliseconds: pollMilliseconds(timeout))
      }
      if fds[0].revents != 0 { wakePipe.drain() }
      if multiHandle != nil {
        perform()
        finishDoneTransfers()
      }
      for (index, (id, watch)) in watched.enumerated() where fds[index + 1].revents != 0 {
        // An earlier handler may have removed this watch.
        guard watches[id] != nil else { continue }
        watch.handler(WatchEvents(rawValue: fds[index + 1].revents))
      }
    }
    runDueTimers()
  }

  /// curl_multi_poll's wait without curl: poll(2) on the same fds (CURL_WAIT_* are POLL* values).
  private static func poll(_ fds: UnsafeMutableBufferPointer<curl_waitfd>, milliseconds: Int32) {
    var pollfds = fds.map { pollfd(fd: $0.fd, events: $0.events, revents: 0) }
    if Glibc.poll(&pollfds, nfds_t(pollfds.count), milliseconds) <= 0 { return }
    for index in fds.indices { fds[index].revents = pollfds[index].revents }
  }

  private static func environment(_ name: String) -> String? {
    guard let value = getenv(name), value.pointee != 0 else { return nil }
    return String(cString: value)
  }

  func makeID() -> UInt64 {
    lastID += 1
    return lastID
  }

  /// The poll timeout in ms: rounded up so a turn never wakes just before its timer is due.
  private func pollMilliseconds(_ timeout: Double?) -> Int32 {
    var wait = timeout ?? .infinity
    if let deadline = nextTimerDeadline() { wait = min(wait, deadline - Self.now()) }
    return Int32(min(max(0, (wait * 1000).rounded(.up)), Double(Int32.max)))
  }
}
