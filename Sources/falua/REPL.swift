import CEditLine
import FalClient
import FalRuntime
import FoundationEssentials
import Glibc

/// The interactive loop: libedit line editing, history (~/.falua_history) and completion; lua.c's
/// continuation rules through `FalRuntime.evaluate`. Each entry runs as a task; tasks it spawns run
/// on while the user types. Ctrl-C clears the line (or the pending chunk), Ctrl-D exits.
struct REPL {
  let session: Session
  private let historyFile = (Environment["HOME"] ?? ".") + "/.falua_history"

  /// The banner: version, where requests go (never the key) and one hint.
  func banner() -> String {
    let calls = LuaCalls(session.runtime)
    let example = session.isLocal
      ? #"fal.run("fal-ai/echo", {x = 1})"# : #"fal.subscribe("fal-ai/flux/schnell", {prompt = "a red fox"})"#
    return """
      \(Version.text)
      \(calls.hosts(emulator: session.isLocal))
      Try \(example). Tab completes, Ctrl-C clears the line, Ctrl-D exits.
      """
  }

  func loop() {
    let calls = LuaCalls(session.runtime)
    calls.setColour(Terminal.isTerminal(STDOUT_FILENO) && Environment["NO_COLOR"] == nil)
    LineEditor.install(calls)
    _ = read_history(historyFile)
    defer { _ = write_history(historyFile) }
    var pending = ""
    var lastEntry = ""
    while true {
      let raw = LineEditor.read(pending: pending)
      if LineEditor.takeInterrupt() {
        // Ctrl-C at the prompt: drop the line and the pending chunk, keep the session.
        print("^C")
        pending = ""
        continue
      }
      guard let line = raw else {
        print()
        return
      }
      pending = pending.isEmpty ? line : pending + "\n" + line
      switch session.runtime.evaluate(pending) {
      case .incomplete:
        continue
      case .output(let text):
        if !text.isEmpty { print(text) }
      case .failure(let text):
        fflush(stdout)
        // After Ctrl-C the terminal has echoed "^C": the message goes on the next line.
        Terminal.error((text.hasPrefix("interrupted") ? "\n" : "") + text + "\n")
      }
      fflush(stdout)
      // One history item per entry, however many lines; an entry repeated is kept once.
      if pending.contains(where: { !$0.isWhitespace }) && pending != lastEntry {
        add_history(pending)
        lastEntry = pending
      }
      pending = ""
    }
  }
}
