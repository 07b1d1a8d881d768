import Glibc

// FileHandle's writes without Foundation: a short write or EINTR must not cut a line or a file.
/// Writes whole buffers to file descriptors.
package enum FileOutput {
  /// Writes all of `bytes` to `fd`; false when the descriptor fails.
  package static func write(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return false
      }
      offset += written
    }
    return true
  }

  /// Writes `text` to stderr at once, unbuffered (a notice or a progress line).
  package static func writeToStandardError(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(UnsafeRawBufferPointer($0), to: 2) }
  }
}
