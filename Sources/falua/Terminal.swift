import FalClient
import FoundationEssentials
import Glibc

/// What the command needs to know about the terminal.
enum Terminal {
  static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }

  /// The width of the terminal on stderr, 80 when unknown.
  static var columns: Int {
    var size = winsize()
    if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return Int(Environment["COLUMNS"] ?? "") ?? 80
  }

  /// Writes `text` to stderr as is.
  static func error(_ text: String) { FileOutput.writeToStandardError(text) }
}
