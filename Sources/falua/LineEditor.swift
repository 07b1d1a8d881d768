import CEditLine
import FoundationEssentials
import Glibc

/// libedit set up for the REPL: keys are read here so spawned tasks keep running while the user
/// types, Ctrl-C at the prompt ends `readline` instead of the process, and Tab asks the stdlib's
/// completion (`fal.completion`).
enum LineEditor {
  nonisolated(unsafe) static var calls: LuaCalls?
  /// Spawned tasks running: while there are some, waiting for a key also turns the loop.
  nonisolated(unsafe) static var running = 0
  nonisolated(unsafe) private static var interrupted: sig_atomic_t = 0
  nonisolated(unsafe) private static var runtimeHandler = sigaction()

  // Another thread may take the signal: the handler writes here so the wait for a key wakes.
  nonisolated(unsafe) private static var wakePipe: [Int32] = [-1, -1]

  static func install(_ calls: LuaCalls) {
    self.calls = calls
    _ = pipe(&wakePipe)
    for fd in wakePipe { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    rl_readline_name = UnsafePointer(strdup("falua")!)
    rl_catch_signals = 0
    rl_getc_function = { _ in LineEditor.readKey() }
    rl_attempted_completion_function = { text, _, _ in LineEditor.complete(text) }
    rl_completion_word_break_hook = { LineEditor.wordBreaks() }
    rl_basic_word_break_characters = luaBreaksC
    rl_completion_append_character = 0
  }

  /// "> " (">> " inside a pending chunk), after the number of spawned tasks running, if any.
  static func prompt(continuation: Bool) -> String {
    (running > 0 ? "[\(running) task\(running == 1 ? "" : "s")] " : "") + (continuation ? ">> " : "> ")
  }

  nonisolated(unsafe) private static var continuation = false
  nonisolated(unsafe) private static var pending = ""

  /// One line, or nil at end of input or after Ctrl-C (see `takeInterrupt`). `pending`: the earlier
  /// lines of an unfinished entry.
  static func read(pending: String) -> String? {
    self.pending = pending
    continuation = !pending.isEmpty
    running = calls?.running() ?? 0
    // At the prompt Ctrl-C only interrupts the wait for a key; the runtime's handler is back while
    // an entry runs.
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in
      LineEditor.interrupted = 1
      var byte: UInt8 = 1
      _ = write(LineEditor.wakePipe[1], &byte, 1)
    }
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0  // no SA_RESTART: the wait for a key returns EINTR
    sigaction(SIGINT, &action, &runtimeHandler)
    defer { sigaction(SIGINT, &runtimeHandler, nil) }
    guard let raw = readline(prompt(continuation: continuation)) else { return nil }
    defer { free(raw) }
    return String(cString: raw)
  }

  /// Whether Ctrl-C ended the last `read`; clears it.
  static func takeInterrupt() -> Bool {
    defer { interrupted = 0 }
    return interrupted != 0
  }

  // Reads one character (UTF-8 decoded: libedit takes the value as a wide character). While tasks
  // run, the loop turns between checks for a key.
  private static func readKey() -> Int32 {
    guard let lead = readByte() else { return EOF }
    let count = lead < 0x80 ? 0 : lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3
    var scalar = count == 0 ? UInt32(lead) : UInt32(lead) & (0x3F >> UInt32(count))
    for _ in 0..<count {
      guard let next = readByte() else { return EOF }
      scalar = scalar << 6 | UInt32(next & 0x3F)
    }
    return Int32(bitPattern: scalar)
  }

  private static func readByte() -> UInt8? {
    while interrupted == 0 {
      var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
        pollfd(fd: wakePipe[0], events: Int16(POLLIN), revents: 0)]
      let ready = poll(&fds, 2, running > 0 ? 0 : -1)
      if ready < 0 {
        if errno == EINTR { continue }
        return nil
      }
      if interrupted != 0 { return nil }
      if fds[1].revents != 0 {
        var drain = [UInt8](repeating: 0, count: 16)
        while Glibc.read(wakePipe[0], &drain, drain.count) > 0 {}
        continue
      }
      if ready == 0 {
        let turn = calls?.idle(timeout: 0.02) ?? (running: 0, printed: false)
        let changed = turn.running != running
        running = turn.running
        if changed { rl_set_prompt(prompt(continuation: continuation)) }
        if turn.printed || changed { rl_forced_update_display() }
        continue
      }
      var byte: UInt8 = 0
      let n = Glibc.read(STDIN_FILENO, &byte, 1)
      if n == 1 { return byte }
      if n < 0 && errno == EINTR { continue }
      return nil
    }
    return nil
  }

  private static let luaBreaks = " \t\n\"'()[]{},;=+-*/%^#<>~&|"

  // Inside a string the word is everything after the quote (a path may hold spaces and slashes).
  private static func wordBreaks() -> UnsafeMutablePointer<CChar>? {
    let breaks = insideString(lineBeforeCursor()) ? "\"'" : luaBreaks
    return UnsafeMutablePointer(mutating: (breaks == luaBreaks ? luaBreaksC : quotesC))
  }

  nonisolated(unsafe) private static let luaBreaksC = UnsafePointer(strdup(luaBreaks)!)
  nonisolated(unsafe) private static let quotesC = UnsafePointer(strdup("\"'")!)

  private static func lineBeforeCursor() -> String {
    guard let buffer = rl_line_buffer else { return "" }
    let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(max(0, rl_point)))
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func insideString(_ line: String) -> Bool {
    var quote: Character?
    var escaped = false
    for c in line {
      if let q = quote {
        if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == q { quote = nil }
      } else if c == "\"" || c == "'" {
        quote = c
      }
    }
    return quote != nil
  }

  private static func complete(_ text: UnsafePointer<CChar>?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1
    let word = text.map { String(cString: $0) } ?? ""
    guard let calls else { return nil }
    var (candidates, files) = calls.complete(line: lineBeforeCursor(), word: word, pending: pending)
    if files { candidates = fileCandidates(word) }
    guard !candidates.isEmpty else { return nil }
    let list = candidates.count == 1 ? candidates : [commonPrefix(candidates)] + candidates
    let matches = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: list.count + 1)
    for (i, candidate) in list.enumerated() { matches[i] = strdup(candidate) }
    matches[list.count] = nil
    return matches
  }

  /// File names starting with `prefix` (a path typed inside a string); folders end with "/".
  static func fileCandidates(_ prefix: String) -> [String] {
    let slash = prefix.lastIndex(of: "/")
    let directory = slash.map { String(prefix[...$0]) } ?? ""
    let base = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
    let listed = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
    return listed.filter { $0.hasPrefix(base) && (base.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
      var isDirectory = false
      let path = directory + name
      _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      return isDirectory ? path + "/" : path
    }
  }

  private static func commonPrefix(_ strings: [String]) -> String {
    guard var prefix = strings.first.map({ Array($0.utf8) }) else { return "" }
    for s in strings.dropFirst() {
      let bytes = Array(s.utf8)
      var n = 0
      while n < min(prefix.count, bytes.count) && prefix[n] == bytes[n] { n += 1 }
      prefix = Array(prefix[..<n])
    }
    return String(decoding: prefix, as: UTF8.self)
  }
}
