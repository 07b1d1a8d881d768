import ArgumentParser
import FalRuntime
import FoundationEssentials

/// `falua journal FILE`: list a request journal's entries, cancel the unfinished ones, export the
/// results (stdlib/fal/journal_command.lua does the work).
struct JournalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "journal",
    abstract: "List, cancel or export the requests of a request journal.",
    discussion: """
      Each line: state, endpoint, request id, age, input digest; then totals.

      Examples:
        falua journal run.journal                  every entry
        falua journal run.journal --pending        submitted, not finished
        falua journal run.journal --cancel-pending cancel those on the server
        falua journal out.jsonl.journal --export > results.jsonl
      """
  )

  @Argument(help: "The journal file.")
  var file: String

  @Flag(help: "Only the unfinished requests (intent or submitted).")
  var pending = false

  @Flag(help: "Only the failed requests.")
  var failed = false

  @Flag(name: .customLong("cancel-pending"), help: "Cancel the unfinished requests on the server.")
  var cancelPending = false

  @Flag(help: "Write the finished requests' results (or errors) as JSON lines on stdout.")
  var export = false

  @OptionGroup var shared: SessionOptions

  func validate() throws {
    if [pending, failed, cancelPending, export].filter({ $0 }).count > 1 {
      throw ValidationError("choose one of --pending, --failed, --cancel-pending, --export")
    }
  }

  func run() throws {
    guard FileManager.default.fileExists(atPath: file) else {
      throw ValidationError("no journal at \(file)")
    }
    let mode = pending ? "pending" : failed ? "failed" : cancelPending ? "cancel" : export ? "export" : "list"
    let session = try Session(shared)
    defer { session.close() }
    do {
      try session.runtime.run(code: "require('fal.journal_command')(...)", name: "=falua journal", arguments: [file, mode])
    } catch let error as FalRuntimeError {
      Terminal.error("falua journal: \(error.message)\n")
      throw ExitCode(1)
    }
  }
}
