import Glibc

// A byte written to `writeFD` (async-signal-safe, from any thread) makes the read end readable,
// which interrupts the loop's poll. Both ends are non-blocking, so a full pipe never blocks a
// signal handler and draining never blocks the loop.
/// The loop's self-pipe.
final class WakePipe {
  let readFD: Int32
  let writeFD: Int32

  init() throws {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else {
      throw TransportError(kind: .other, message: "pipe failed: errno \(errno)", curlCode: 0)
    }
    readFD = fds[0]
    writeFD = fds[1]
    for fd in fds {
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
  }

  /// Reads every pending byte so the next poll blocks again.
  func drain() {
    var buffer = [UInt8](repeating: 0, count: 64)
    while buffer.withUnsafeMutableBytes({ read(readFD, $0.baseAddress, $0.count) }) > 0 {}
  }

  deinit {
    close(readFD)
    close(writeFD)
  }
}
