import CEditLine
import FalRuntime
import Foundation

/// The interactive loop: libedit line editing and history (~/.falua_history), lua.c's
/// continuation rules through `FalRuntime.evaluate`.
struct REPL {
  let runtime: FalRuntime
  private let historyFile = (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.falua_history"

  func loop() {
    _ = read_history(historyFile)
    defer { _ = write_history(historyFile) }
    var pending = ""
    while true {
      guard let raw = readline(pending.isEmpty ? "> " : ">> ") else {
        print()
        return
      }
      let line = String(cString: raw)
      free(raw)
      pending = pending.isEmpty ? line : pending + "\n" + line
      switch runtime.evaluate(pending) {
      case .incomplete:
        continue
      case .output(let text):
        if !text.isEmpty { print(text) }
      case .failure(let text):
        FileHandle.standardError.write(Data((text + "\n").utf8))
      }
      if !pending.trimmingCharacters(in: .whitespaces).isEmpty { add_history(pending) }
      pending = ""
    }
  }
}
