import Foundation

/// `falua` in a real terminal: a tmux session of its own (a private tmux server), driven with
/// send-keys and read with capture-pane. Waits poll the pane for the expected text until a deadline.
final class TerminalSession {
  private let socket = "falua-test-\(UUID().uuidString.prefix(8))"
  let home: URL

  struct Timeout: Error, CustomStringConvertible {
    var description: String
  }

  /// Starts `falua arguments` in a 120x40 terminal with a clean environment plus `environment`.
  init(_ arguments: [String], environment: [String: String] = [:], width: Int = 120, height: Int = 40) throws {
    home = FileManager.default.temporaryDirectory.appendingPathComponent("falua-home-\(UUID())")
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    var env = ["HOME": home.path, "PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "LANG": "C.UTF-8"]
    for (key, value) in environment { env[key] = value }
    let assignments = env.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quote($0.value))" }
    let command = (["cd", Self.quote(Falua.root.path), "&&", "exec", "env", "-i"] + assignments
      + [Self.quote(Falua.executable.path)] + arguments.map(Self.quote)).joined(separator: " ")
    try tmux(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", command])
    // Keep the pane after the program exits, so its last words can still be read.
    try tmux(["set-option", "-g", "remain-on-exit", "on"])
  }

  deinit {
    _ = try? tmux(["kill-server"])
    try? FileManager.default.removeItem(at: home)
  }

  private static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

  // posix_spawn rather than Process: the tmux server `new-session` starts must inherit neither a
  // pipe (it would hold it open) nor the test runner's blocked signals (SIGTERM must still work).
  @discardableResult
  private func tmux(_ arguments: [String], readsOutput: Bool = false) throws -> String {
    let argv = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments
    var fds: [Int32] = [-1, -1]
    if readsOutput { guard pipe(&fds) == 0 else { throw Timeout(description: "pipe failed") } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    if readsOutput {
      posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
      posix_spawn_file_actions_addclose(&actions, fds[0])
      posix_spawn_file_actions_addclose(&actions, fds[1])
    } else {
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
    let cArguments = argv.map { strdup($0) } + [nil]
    defer { cArguments.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, argv[0], &actions, &attributes, cArguments, environ)
    if readsOutput { close(fds[1]) }
    guard spawned == 0 else {
      if readsOutput { close(fds[0]) }
      throw Timeout(description: "cannot start tmux: \(String(cString: strerror(spawned)))")
    }
    var output = Data()
    if readsOutput {
      var buffer = [UInt8](repeating: 0, count: 65536)
      while true {
        let n = read(fds[0], &buffer, buffer.count)
        if n <= 0 { break }
        output.append(contentsOf: buffer[0..<n])
      }
      close(fds[0])
    }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return String(decoding: output, as: UTF8.self)
  }

  /// Types `text` literally.
  func type(_ text: String) throws { try tmux(["send-keys", "-t", "0", "-l", text]) }

  /// Presses keys by name: "Enter", "Tab", "C-c", "C-d", "Up".
  func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "0"] + keys) }

  /// Types `line` and presses Enter.
  func enter(_ line: String) throws {
    try type(line)
    try press("Enter")
  }

  /// What the terminal shows now (with colour codes when `escapes`).
  func screen(escapes: Bool = false) throws -> String {
    try tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", "0"] + (escapes ? ["-e"] : []), readsOutput: true)
  }

  /// Whether the program in the pane has exited.
  func exited() throws -> Bool { try tmux(["display-message", "-p", "-t", "0", "#{pane_dead}"], readsOutput: true).hasPrefix("1") }

  /// Polls the screen until `condition` holds; throws with the screen after `seconds`.
  @discardableResult
  func wait(_ what: String, seconds: Double = 15, escapes: Bool = false, until condition: (String) -> Bool)
    async throws -> String
  {
    let deadline = Date().addingTimeInterval(seconds)
    var last = ""
    while Date() < deadline {
      last = try screen(escapes: escapes)
      if condition(last) { return last }
      try await Task.sleep(nanoseconds: 20_000_000)  // yields the thread to other tests
    }
    throw Timeout(description: "no \(what) after \(seconds) s; the screen:\n\(last)")
  }

  /// Polls until the screen shows `text` `count` times.
  @discardableResult
  func wait(for text: String, count: Int = 1, seconds: Double = 15) async throws -> String {
    try await wait("'\(text)' (\(count)x)", seconds: seconds) { $0.components(separatedBy: text).count - 1 >= count }
  }

  /// Polls until the last non-blank line is an empty prompt: keys typed before the line editor is
  /// back would be echoed by the terminal instead of edited.
  func waitForPrompt(seconds: Double = 15) async throws {
    try await wait("an empty prompt", seconds: seconds) { screen in
      screen.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }?.allSatisfy { $0 == ">" || $0 == " " } == true
        && screen.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) }?.contains(">") == true
    }
  }

  /// The screens seen while polling until `done` shows up: for asserting what appeared on the way.
  func screens(until done: String, seconds: Double = 15) async throws -> [String] {
    var seen: [String] = []
    try await wait("'\(done)'", seconds: seconds) { screen in
      seen.append(screen)
      return screen.contains(done)
    }
    return seen
  }
}
