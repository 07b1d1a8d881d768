import ArgumentParser
import FalClient
import FalRuntime
import FoundationEssentials
import Glibc

/// What `falua [options] [script [args...]]` runs, as plain values: from the parsed RunScript, or
/// from the fast path, which reads the common command lines without the argument parser (its
/// reflection is half of a start-up; docs/design.md, "Start-up").
struct ScriptRun {
  var execute: [String] = []
  var libraries: [String] = []
  var interactive = false
  var ignoreEnvironment = false
  var journal: String?
  var retryFailed = false
  var settings = Session.Settings()
  /// The script and its arguments (`arg`, `...`).
  var script: [String] = []

  func run() throws {
    if let name = script.first, name != "-", !FileManager.default.fileExists(atPath: name),
      let command = Suggestion.closest(to: name, in: ["call", "serve", "completions", "journal", "batch", "help"])
    {
      throw ValidationError(command == name
        ? "'\(name)' is a command: put it first (falua \(name) ...), its options after it"
        : "cannot open \(name); did you mean the command 'falua \(command)'?")
    }
    let session = try Session(settings)
    defer { session.close() }
    let runtime = session.runtime
    let calls = LuaCalls(runtime)
    if let path = journal ?? Environment["FALUA_JOURNAL"].flatMap({ $0.isEmpty ? nil : $0 }) {
      if let message = calls.openJournal(path, retryFailed: retryFailed) {
        Terminal.error("falua: \(message)\n")
        throw ExitCode(1)
      }
    } else if retryFailed {
      calls.openJournal(nil, retryFailed: true)
    }
    // One line at the end: what the journal saved (also when the script failed).
    defer { if let line = calls.journalSummary() { Terminal.error("falua: \(line)\n") } }
    do {
      if !ignoreEnvironment, let initCode = Environment["FALUA_INIT"], !initCode.isEmpty {
        if initCode.hasPrefix("@") {
          try runtime.run(file: String(initCode.dropFirst()))
        } else {
          try runtime.run(code: initCode, name: "=FALUA_INIT")
        }
      }
      for module in libraries { try runtime.require(module) }
      for code in execute { try runtime.run(code: code) }
      if let path = script.first {
        try runtime.run(file: path, arguments: Array(script.dropFirst()))
      } else if execute.isEmpty && !Terminal.isTerminal(STDIN_FILENO) {
        try runtime.run(file: "-")
      }
    } catch let error as FalRuntimeError {
      report(error)
      throw ExitCode(error.kind == "interrupted" ? 130 : 1)
    }
    let nothingRan = script.isEmpty && execute.isEmpty
    if interactive || (nothingRan && Terminal.isTerminal(STDIN_FILENO)) {
      let repl = REPL(session: session)
      print(repl.banner())
      repl.loop()
    }
  }

  private func report(_ error: FalRuntimeError) {
    var text = "falua: \(error.message)\n"
    if let traceback = error.traceback, error.kind != "interrupted" { text += traceback + "\n" }
    Terminal.error(text)
  }
}

extension ScriptRun {
  /// The fast path: `falua [-e code]... [-E] [-q] [-v] [--local] [script [args...]]`, read the way
  /// lua.c reads its command line; nil for anything else (other flags, help, a command, a
  /// sandbox), which goes through the argument parser.
  init?(fastPath words: [String]) {
    var index = 0
    while index < words.count {
      switch words[index] {
      case "-e":
        guard index + 1 < words.count else { return nil }
        execute.append(words[index + 1])
        index += 1
      case "-E": ignoreEnvironment = true
      case "-q", "--quiet": settings.quiet = true
      case "-v", "--verbose": settings.verbose = true
      case "--local": settings.local = true
      case let word:
        guard word == "-" || !word.hasPrefix("-"), !Falua.commandNames.contains(word) else { return nil }
        script = Array(words[index...])
        return
      }
      index += 1
    }
  }
}
