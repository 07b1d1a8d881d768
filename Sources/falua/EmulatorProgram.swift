import Glibc

/// `falua-serve`, the emulator's own program, installed next to `falua`: `falua serve` becomes it,
/// and `--local` runs it as a child. Keeping the emulator's server stack out of `falua` is what lets
/// `falua` start in a few milliseconds (docs/design.md, "Start-up").
enum EmulatorProgram {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  /// The path of `falua-serve` beside this executable.
  static var path: String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    let executable = count > 0 ? String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    let directory = executable.lastIndex(of: "/").map { String(executable[..<$0]) } ?? "."
    return directory + "/falua-serve"
  }

  /// Replaces this process with `falua-serve arguments...`; returns only by throwing.
  static func exec(_ arguments: [String]) throws -> Never {
    let program = path
    withCStrings([program] + arguments) { argv in _ = execv(program, argv) }
    throw Failure(description: "cannot run \(program): \(String(cString: strerror(errno)))")
  }

  /// Runs `falua-serve arguments...` with our pipe as its standard input (it stops when the pipe
  /// closes, so it never outlives us) and its own process group (Ctrl-C on the terminal reaches us,
  /// which still need the emulator to cancel what is in flight); returns once it printed its ready
  /// line.
  static func spawn(_ arguments: [String]) throws -> Child {
    let program = path
    var input: [Int32] = [-1, -1]
    var output: [Int32] = [-1, -1]
    // Close-on-exec: the child gets only the ends dup'ed to its standard input and output.
    guard pipe(&input) == 0, pipe(&output) == 0 else {
      throw Failure(description: "cannot create a pipe for the emulator: \(String(cString: strerror(errno)))")
    }
    for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, input[0], STDIN_FILENO)
    posix_spawn_file_actions_adddup2(&actions, output[1], STDOUT_FILENO)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))
    var pid: pid_t = 0
    let status = withCStrings([program] + arguments) { argv in
      posix_spawn(&pid, program, &actions, &attributes, argv, environ)
    }
    close(input[0])
    close(output[1])
    guard status == 0 else {
      close(input[1])
      close(output[0])
      let hint = status == ENOENT ? " (falua-serve is installed beside falua)" : ""
      throw Failure(description: "cannot run \(program): \(String(cString: strerror(status)))\(hint)")
    }
    let line = readLine(output[0])
    close(output[0])
    guard let line, let urls = Child.URLs(readyLine: line) else {
      Child.stop(pid: pid, input: input[1])
      throw Failure(description: "the emulator (\(program)) did not start")
    }
    return Child(pid: pid, input: input[1], urls: urls)
  }

  /// One line from `fd`, without its newline; nil at the end of input before any newline.
  private static func readLine(_ fd: Int32) -> String? {
    var bytes: [UInt8] = []
    var byte: UInt8 = 0
    while true {
      let count = read(fd, &byte, 1)
      if count < 0 && errno == EINTR { continue }
      guard count == 1 else { return nil }
      if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
      bytes.append(byte)
    }
  }

  private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return body(pointers + [nil])
  }

  /// A running `falua-serve`.
  final class Child {
    struct URLs {
      var run = ""
      var queue = ""

      /// From `falua serve: run URL queue URL apps ...`.
      init?(readyLine: String) {
        let words = readyLine.split(separator: " ").map(String.init)
        guard let run = words.firstIndex(of: "run"), let queue = words.firstIndex(of: "queue"),
              run + 1 < words.count, queue + 1 < words.count else { return nil }
        self.run = words[run + 1]
        self.queue = words[queue + 1]
      }
    }

    let urls: URLs
    private let pid: pid_t
    private var input: Int32

    fileprivate init(pid: pid_t, input: Int32, urls: URLs) {
      self.pid = pid
      self.input = input
      self.urls = urls
    }

    /// Closes its input, which stops it, and waits for it to exit.
    func stop() {
      guard input >= 0 else { return }
      Self.stop(pid: pid, input: input)
      input = -1
    }

    fileprivate static func stop(pid: pid_t, input: Int32) {
      close(input)
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    deinit { stop() }
  }
}
