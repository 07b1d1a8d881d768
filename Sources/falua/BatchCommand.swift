import ArgumentParser
import FalRuntime
import FoundationEssentials
import Glibc

/// `falua batch ENDPOINT INPUTS.jsonl -o OUTPUTS.jsonl`: one queue request per input line, resumable
/// through a journal next to the output (stdlib/fal/batch.lua does the work).
struct BatchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "batch",
    abstract: "Run one request per line of a JSON-lines file, resumably.",
    discussion: """
      Output lines: {"index": LINE, "request_id": ..., "output": ...} or
      {"index": LINE, "error": ...}, LINE being the input's line number (from 1).
      A journal (OUTPUT.journal unless --journal) records every request: rerun
      the same command after an interruption and it resumes the unfinished
      requests and replays the finished ones, without paying twice.

      Examples:
        falua batch fal-ai/flux/schnell in.jsonl -o out.jsonl --concurrency 16
        falua batch fal-ai/flux/schnell in.jsonl -o b.jsonl --shard 2/3 --save img
      """
  )

  @Argument(help: "The endpoint id, e.g. fal-ai/flux/schnell.")
  var endpoint: String

  @Argument(help: "The inputs: one JSON object per line.")
  var inputs: String

  @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the results (JSON lines).", valueName: "file"))
  var output: String

  @Option(help: ArgumentHelp("The most requests in flight at once.", valueName: "n"))
  var concurrency = 8

  @Option(help: ArgumentHelp("Also download every file of each result into this directory.", valueName: "dir"))
  var save: String?

  @Option(help: ArgumentHelp("Take only every n-th line, starting at line i (1 <= i <= n).", valueName: "i/n"))
  var shard: String?

  @Option(help: ArgumentHelp("The journal [default: OUTPUT.journal].", valueName: "file"))
  var journal: String?

  @Flag(name: .customLong("no-journal"), help: "Keep no journal (a rerun starts over).")
  var noJournal = false

  @Flag(name: .customLong("retry-failed"), help: "Send again the inputs the journal recorded as failed.")
  var retryFailed = false

  @Option(help: ArgumentHelp("Time between status polls.", valueName: "seconds"))
  var interval = 0.1

  @OptionGroup var shared: SessionOptions

  func validate() throws {
    if concurrency < 1 { throw ValidationError("--concurrency must be 1 or more, got \(concurrency)") }
    if let save {
      var isDirectory = false
      guard FileManager.default.fileExists(atPath: save, isDirectory: &isDirectory), isDirectory else {
        throw ValidationError("--save \(save): not a directory")
      }
    }
    _ = try shardNumbers()
  }

  /// `--shard i/n` as (i, n); (1, 1) without it.
  func shardNumbers() throws -> (Int, Int) {
    guard let shard else { return (1, 1) }
    let parts = shard.split(separator: "/")
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else {
      throw ValidationError("--shard must be i/n with 1 <= i <= n, got \(shard)")
    }
    return (i, n)
  }

  func run() throws {
    let (shardIndex, shards) = try shardNumbers()
    let session = try Session(shared)
    defer { session.close() }
    let calls = LuaCalls(session.runtime)
    defer { if let line = calls.journalSummary() { Terminal.error("falua: \(line)\n") } }
    let journalPath = noJournal ? "" : (journal ?? output + ".journal")
    let code = """
      local endpoint, inputs, output, concurrency, save, shard, shards, journal, retry, tty, interval = ...
      local failed = require('fal.batch').run(endpoint, inputs, output, {
        concurrency = math.tointeger(tonumber(concurrency)), save = save ~= '' and save or nil,
        shard = math.tointeger(tonumber(shard)), shards = math.tointeger(tonumber(shards)), journal = journal,
        retry_failed = retry == 'true', tty = tty == 'true', interval = tonumber(interval) })
      if failed > 0 then error(('%d of the inputs failed (see their error lines in %s)'):format(failed, output), 0) end
      """
    do {
      try session.runtime.run(code: code, name: "=falua batch", arguments: [
        endpoint, inputs, output, String(concurrency), save ?? "", String(shardIndex), String(shards), journalPath,
        String(retryFailed), String(!shared.quiet && Terminal.isTerminal(STDERR_FILENO)), String(interval),
      ])
    } catch let error as FalRuntimeError {
      Terminal.error("falua batch: \(error.message)\n")
      throw ExitCode(error.kind == "interrupted" ? 130 : 1)
    }
  }
}
