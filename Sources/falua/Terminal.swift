import FoundationEssentials
import Glibc

/// What the command needs to know about the terminal.
enum Terminal {
  static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }

  /// The width of the terminal on stderr, 80 when unknown.
  static var columns: Int {
    var size = winsize()
    if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
  }

  /// Writes `text` to stderr as is.
  static func error(_ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else { return }
      bytes = bytes.dropFirst(written)
    }
  }
}
