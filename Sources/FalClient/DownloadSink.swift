import Glibc
import Transport

// Error replies are kept in memory so they can become a FalError; success bodies go straight to
// the file, or to memory only when the caller asked for a string. Whatever is kept in memory is
// capped (a server decides how long a body is); a file is not (it streams to disk).
/// Where a download's body goes: a file written piece by piece, or memory.
final class DownloadSink {
  private let url: String
  private let path: String?
  private let maxMemoryBytes: Int
  private var file: Int32?
  private let showsProgress: Bool
  private var status = 0
  private var headers = HTTPHeaders()
  private var memory: [UInt8] = []
  private var expected: Int?
  private var lastProgress = 0.0
  private let started = EventLoop.now()
  /// Body bytes received so far.
  private(set) var received = 0
  /// The reply's Content-Type.
  var contentType: String? { headers["content-type"] }

  init(url: String, path: String?, maxMemoryBytes: Int, progress: Bool) throws {
    self.url = url
    self.path = path
    self.maxMemoryBytes = maxMemoryBytes
    if let path {
      let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
      guard fd >= 0 else { throw SinkError(reason: String(cString: strerror(errno))) }
      file = fd
    } else {
      file = nil
    }
    showsProgress = progress && isatty(2) != 0
  }

  deinit { closeFile() }

  func head(status: Int, headers: HTTPHeaders) {
    self.status = status
    self.headers = headers
    expected = Int(headers["content-length"] ?? "")
  }

  /// Stores a piece; returns why the transfer must stop instead: the file cannot be written, or
  /// the body kept in memory would pass the limit (checked before it grows, and against the
  /// Content-Length from the first piece on, so an oversized body stops at once).
  func write(_ bytes: [UInt8]) -> FalError? {
    received += bytes.count
    let isSuccess = (200..<300).contains(status)
    guard isSuccess, let file else {
      if memory.count + bytes.count > maxMemoryBytes || (expected ?? 0) > maxMemoryBytes {
        var message = Limits.exceeded("response body", limit: maxMemoryBytes, option: "max_response_bytes")
        if isSuccess { message += "; pass a path to stream it to a file" }
        return FalError(kind: .limit, message: message, endpoint: url, operation: "fal.download")
      }
      memory.append(contentsOf: bytes)
      return nil
    }
    guard bytes.withUnsafeBytes({ FileOutput.write($0, to: file) }) else {
      return FalError(
        kind: .usage, message: "cannot write \(path ?? ""): \(String(cString: strerror(errno)))", endpoint: url,
        operation: "fal.download")
    }
    report(done: false)
    return nil
  }

  /// Closes the file; returns the in-memory body (nil when written to a file) or the failure.
  func finish(_ result: Result<HTTPResponse, TransportError>) -> Result<[UInt8]?, FalError> {
    closeFile()
    switch result {
    case .failure(let error):
      removeFile()
      return .failure(FalError(.failure(error), retryable: false, endpoint: url, operation: "fal.download"))
    case .success(let response) where !(200..<300).contains(response.status):
      removeFile()
      var reply = response
      reply.body = memory
      return .failure(FalError(.success(reply), retryable: false, endpoint: url, operation: "fal.download"))
    case .success:
      report(done: true)
      return .success(path == nil ? memory : nil)
    }
  }

  /// The transfer was cancelled or stopped: close and remove the partial file.
  func abandon() {
    closeFile()
    removeFile()
  }

  private func closeFile() {
    if let file { close(file) }
    file = nil
  }

  private func removeFile() {
    if let path { unlink(path) }
  }

  /// A progress line on stderr (a terminal only) once the download takes longer than half a second,
  /// at most ten times a second; erased when done.
  private func report(done: Bool) {
    guard showsProgress else { return }
    let now = EventLoop.now()
    guard now - started >= 0.5 else { return }
    if done {
      if lastProgress > 0 { FileOutput.writeToStandardError("\r\u{1B}[K") }
      return
    }
    guard now - lastProgress >= 0.1 else { return }
    lastProgress = now
    let mib = { (bytes: Double) in String(printf: "%.1f MiB", bytes / 1_048_576) }
    let name = path.flatMap { $0.split(separator: "/").last.map(String.init) } ?? "download"
    var line = "\r\u{1B}[K\(name): \(mib(Double(received)))"
    if let expected { line += " / \(mib(Double(expected)))" }
    line += ", \(mib(Double(received) / (now - started)))/s\r"
    FileOutput.writeToStandardError(line)
  }
}

/// Why the download's file could not be opened (strerror's words).
struct SinkError: Error {
  let reason: String
}
