import FalEmulator
import Foundation
import Testing

/// The request journal (issue 12) end to end: falua processes killed with SIGKILL at random points
/// and rerun against one `falua serve`, whose counters show what was paid for.
@Suite struct JournalTests {
  /// `falua serve` on free ports: the process and its run and queue URLs.
  static func serve(_ extra: [String] = []) throws -> (Process, String, String) {
    let (server, out, _) = try Falua.start(["serve", "--port", "0", "--queue-port", "0", "--runners", "8"] + extra)
    let line = ServeAndInterruptTests.firstLine(of: out)
    guard let match = line.firstMatch(of: #/run (http://127\.0\.0\.1:\d+) queue (http://127\.0\.0\.1:\d+)/#) else {
      server.terminate()
      throw CancellationError()
    }
    return (server, String(match.output.1), String(match.output.2))
  }

  static func stats(_ run: String) throws -> [String: Any] {
    let (_, body) = try ServeAndInterruptTests.get(run + "/_emulator/stats")
    return try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
  }

  static func temporary(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("falua-\(name)-\(UUID().uuidString)").path
  }

  /// Starts `falua arguments`, reads its stdout until `lines` lines containing `marker` were
  /// printed (0: not at all), then sends it `signal` (SIGKILL) and waits for it to end; returns
  /// how many it had printed.
  static func kill(_ arguments: [String], environment: [String: String], after lines: Int, marker: String,
    signal: Int32 = SIGKILL) throws -> Int
  {
    let (process, out, err) = try Falua.start(arguments, environment: environment)
    DispatchQueue.global().async { _ = err.fileHandleForReading.readDataToEndOfFile() }
    var seen = 0
    var pending = Data()
    while seen < lines {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      pending.append(chunk)
      while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        if String(decoding: pending[..<newline], as: UTF8.self).contains(marker) { seen += 1 }
        pending.removeSubrange(...newline)
      }
    }
    Foundation.kill(process.processIdentifier, signal)
    process.waitUntilExit()
    return seen
  }

  /// The totals line of `falua journal FILE`.
  static func totals(_ journal: String) throws -> String {
    let listing = try Falua.run(["journal", journal])
    return listing.stdout.split(separator: "\n").last.map(String.init) ?? ""
  }

  static func number(_ name: String, in text: String) -> Int {
    guard let match = text.firstMatch(of: try! Regex("\(name) (\\d+)")) else { return -1 }
    return Int(match.output[1].substring ?? "") ?? -1
  }

  @Test(.timeLimit(.minutes(5))) func killedWorkflowRerunsPayOnceForEveryInput() throws {
    let (server, run, queue) = try Self.serve()
    defer {
      server.terminate()
      server.waitUntilExit()
    }
    let journal = Self.temporary("journal") + ".db"
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
    let script = Falua.root.appendingPathComponent("Tests/FaluaTests/scripts/journal_workflow.lua").path
    let environment = ["FALUA_RUN_URL": run, "FALUA_QUEUE_URL": queue, "FAL_KEY": "any", "FALUA_JOURNAL": journal]
    let n = 200
    // Kill points: at once (before any submit), then after a random number more results each time
    // (requests are then queued, submitted, polled and completed across the 16 workers), and
    // last after every result (the work is done, the process not yet ended).
    var done = try Self.kill([script], environment: environment, after: 0, marker: "result ")
    var kills = [done]
    for _ in 0..<4 {
      done = try Self.kill([script], environment: environment, after: min(n - 1, done + Int.random(in: 5...45)),
        marker: "result ")
      kills.append(done)
    }
    kills.append(try Self.kill([script], environment: environment, after: n, marker: "result "))
    let beforeFinal = try Self.stats(run)

    let final = try Falua.run([script], environment: environment)
    #expect(final.status == 0, "\(final.stderr)")
    #expect(final.stdout.contains("results \(n)"), "\(final.stdout)")
    // The run killed after its last result had paid for everything: this one pays for nothing.
    #expect(final.stderr.contains("from journal \(n), submitted 0, resubmitted 0"), "\(final.stderr)")

    let stats = try Self.stats(run)
    let submits = stats["submits"] as? Int ?? -1
    let duplicates = stats["duplicate_submits"] as? Int ?? -1
    let totals = try Self.totals(journal)
    let reported = Self.number("possible duplicates", in: totals)
    #expect(Self.number("completed", in: totals) == n, "\(totals)")
    #expect(submits == n + duplicates, "every submit is an input's or a duplicate: \(stats)")
    #expect(duplicates <= reported, "every duplicate submit was reported (\(duplicates) > \(reported)): \(totals)")
    // 16 workers, each writing its next intent as soon as it printed a result: the kills land
    // between intents and replies.
    #expect(reported > 0, "no kill landed between an intent and its reply")
    #expect(stats["submits"] as? Int == beforeFinal["submits"] as? Int, "the final run submitted nothing")
    print("journal: killed after \(kills) results; \(submits) submits for \(n) inputs, \(duplicates) duplicates, "
      + "\(reported) reported as possible")
  }

  @Test(.timeLimit(.minutes(5))) func batchUnderFaultsInterruptedThenResumedAccountsForEveryLine() throws {
    let (server, run, queue) = try Self.serve(["--faults", ReliabilityTests.faults, "--seed", "12"])
    defer {
      server.terminate()
      server.waitUntilExit()
    }
    let n = 1000
    let base = Self.temporary("batch")
    let inputs = base + ".in.jsonl"
    let output = base + ".out.jsonl"
    let journal = base + ".journal"
    defer {
      for path in [inputs, output, journal, journal + "-wal", journal + "-shm"] {
        try? FileManager.default.removeItem(atPath: path)
      }
    }
    try (1...n).map { "{\"i\": \($0), \"sleep\": 0.002}" }.joined(separator: "\n").write(
      toFile: inputs, atomically: true, encoding: .utf8)
    let environment = ["FALUA_RUN_URL": run, "FALUA_QUEUE_URL": queue, "FAL_KEY": "any"]
    let command = ["batch", "fal-ai/echo", inputs, "--journal", journal, "--concurrency", "32", "--interval", "0.01"]
    // Interrupted (SIGKILL) after a random number of results, written to stdout as they come.
    let before = try Self.kill(command + ["-o", "/dev/stdout"], environment: environment,
      after: Int.random(in: 200...600), marker: "\"index\"")
    let started = Date()
    let resumed = try Falua.run(command + ["-o", output], environment: environment)
    let seconds = Date().timeIntervalSince(started)
    #expect(resumed.status == 0, "\(resumed.stderr)")
    #expect(resumed.stderr.contains("done \(n) / running 0 / queued 0 / failed 0"), "\(resumed.stderr)")

    // Every line accounted for, once, with its own input's output.
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
    var indexes = Set<Int>()
    for line in lines {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let index = try #require(object["index"] as? Int)
      #expect((object["output"] as? [String: Any])?["i"] as? Int == index, "\(line)")
      #expect(object["request_id"] is String, "\(line)")
      indexes.insert(index)
    }
    #expect(lines.count == n && indexes == Set(1...n), "\(lines.count) lines")

    // The rerun paid only for what the first run had not: what it finished came from the journal.
    let fromJournal = Self.number("from journal", in: resumed.stderr)
    #expect(fromJournal >= before, "\(before) results before the kill, \(fromJournal) from the journal")
    let stats = try Self.stats(run)
    let submits = stats["submits"] as? Int ?? -1
    let duplicates = stats["duplicate_submits"] as? Int ?? -1
    let submitFaults = (stats["faults_by_route"] as? [String: Int])?["submit"] ?? 0
    let reported = Self.number("possible duplicates", in: try Self.totals(journal))
    #expect(submits == n + duplicates, "every submit is an input's or a duplicate: \(stats)")
    // A duplicate is a submit fault's retry (the client retried a submit whose reply was lost) or
    // one the journal reported (the kill came between intent and request id).
    #expect(duplicates <= submitFaults + reported, "\(duplicates) duplicates, \(submitFaults) submit faults, \(reported) reported")
    print("batch: \(n) inputs, killed after \(before), resumed in \(String(format: "%.1f", seconds)) s "
      + "(\(fromJournal) from the journal); \(submits) submits, \(duplicates) duplicates, \(stats["faults"] ?? 0) faults")
  }

  /// The shell lines of the README's "Long-running workflows" section, run in order in one folder
  /// against one emulator: the rerun of the batch pays nothing, the export has every result.
  @Test func readmeWorkflowCommandsRun() throws {
    let readme = try String(contentsOf: Falua.root.appendingPathComponent("README.md"), encoding: .utf8)
    let section = try #require(readme.components(separatedBy: "## Long-running workflows").dropFirst().first?
      .components(separatedBy: "\n## ").first)
    let block = try #require(section.components(separatedBy: "```sh\n").dropFirst().first?
      .components(separatedBy: "\n```").first)
    let emulator = try Emulator(options: EmulatorOptions())
    try emulator.start()
    defer { emulator.stop() }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("falua-readme-batch-\(UUID())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let setup = "export FAL_KEY=any FALUA_RUN_URL=\(emulator.runURL) FALUA_QUEUE_URL=\(emulator.queueURL) "
      + "FALUA_REST_URL=\(emulator.restURL) FALUA_CDN_URL=\(emulator.cdnURL); set -e\n"
    let (status, output, errors) = try SerialCommandTests.ReadmeCommandTests.shell(setup + block, in: folder)
    let stderr = String(decoding: errors, as: UTF8.self)
    #expect(status == 0, "\(block)\n\(stderr)")
    #expect(stderr.contains("from journal 2, submitted 0"), "the rerun pays nothing: \(stderr)")
    #expect(String(decoding: output, as: UTF8.self).contains("2 entries: completed 2"))
    let exported = try String(contentsOf: folder.appendingPathComponent("results.jsonl"), encoding: .utf8)
    #expect(exported.split(separator: "\n").count == 2 && exported.contains("\"images\""), "\(exported)")
  }

  /// An emulator for one test and the environment pointing falua at it.
  static func emulator() throws -> (Emulator, [String: String]) {
    var options = EmulatorOptions()
    options.runners = 8
    let emulator = try Emulator(options: options)
    try emulator.start()
    return (emulator, ["FAL_KEY": "any", "FALUA_RUN_URL": emulator.runURL, "FALUA_QUEUE_URL": emulator.queueURL,
      "FALUA_REST_URL": emulator.restURL, "FALUA_CDN_URL": emulator.cdnURL])
  }

  @Test func journalCommandListsCancelsAndExports() throws {
    let (emulator, environment) = try Self.emulator()
    defer { emulator.stop() }
    let journal = Self.temporary("listing") + ".db"
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
    // Three requests left running, one completed, one failed.
    let script = """
      for i = 1, 3 do fal.submit("fal-ai/echo", { i = i, sleep = 30 }) end
      fal.subscribe("fal-ai/echo", { done = true }, { interval = 0.01 })
      print(pcall(fal.subscribe, "fal-ai/flux/schnell", {}, { interval = 0.01 }))
      """
    let first = try Falua.run(["--journal", journal, "-e", script], environment: environment)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stderr.contains("submitted 5, resubmitted 0"), "\(first.stderr)")

    let all = try Falua.run(["journal", journal], environment: environment)
    #expect(all.stdout.contains("5 entries: completed 1, submitted 3, intent 0, failed 1"), "\(all.stdout)")
    #expect(!all.stdout.contains("any"), "no key in the listing")
    let pending = try Falua.run(["journal", journal, "--pending"], environment: environment)
    #expect(pending.stdout.split(separator: "\n").filter { $0.hasPrefix("submitted") }.count == 3, "\(pending.stdout)")
    let failed = try Falua.run(["journal", journal, "--failed"], environment: environment)
    #expect(failed.stdout.split(separator: "\n").filter { $0.hasPrefix("failed") }.count == 1, "\(failed.stdout)")

    let cancel = try Falua.run(["journal", journal, "--cancel-pending"], environment: environment)
    #expect(cancel.stdout.contains("cancelled 3;"), "\(cancel.stdout)\(cancel.stderr)")
    let (_, body) = try ServeAndInterruptTests.get(emulator.runURL + "/_emulator/stats")
    let stats = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
    #expect(stats["cancellations"] as? Int == 3, "\(stats)")
    let after = try Falua.run(["journal", journal], environment: environment)
    #expect(after.stdout.contains("submitted 0, intent 0, failed 1, cancelled 3"), "\(after.stdout)")

    let export = try Falua.run(["journal", journal, "--export"], environment: environment)
    let lines = export.stdout.split(separator: "\n")
    #expect(lines.count == 2, "\(export.stdout)")
    #expect(lines.contains { $0.contains("\"output\":{\"done\":true}") }, "\(export.stdout)")
    #expect(lines.contains { $0.contains("\"error\":") && $0.contains("422") }, "\(export.stdout)")

    let missing = try Falua.run(["journal", journal + ".nope"])
    #expect(missing.status != 0 && missing.stderr.contains("no journal at"), "\(missing.stderr)")
  }

  @Test func batchShardsSavesAndTwoProcessesShareAJournal() throws {
    let (emulator, environment) = try Self.emulator()
    defer { emulator.stop() }
    let base = Self.temporary("shard")
    let inputs = base + ".in.jsonl"
    let save = base + ".files"
    try FileManager.default.createDirectory(atPath: save, withIntermediateDirectories: true)
    defer {
      for path in [inputs, save, base + ".a.jsonl", base + ".b.jsonl", base + ".journal", base + ".journal-wal",
        base + ".journal-shm"]
      {
        try? FileManager.default.removeItem(atPath: path)
      }
    }
    try (1...9).map { "{\"prompt\": \"fox \($0)\", \"image_size\": {\"width\": 64, \"height\": 64}}" }
      .joined(separator: "\n").write(toFile: inputs, atomically: true, encoding: .utf8)
    // Shards 1/2 and 2/2 at once, as two machines would run them, here sharing one journal.
    let command = ["batch", "fal-ai/flux/schnell", inputs, "--journal", base + ".journal", "--save", save]
    nonisolated(unsafe) var second: Falua.Result?
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      second = try? Falua.run(command + ["-o", base + ".b.jsonl", "--shard", "2/2"], environment: environment)
      done.signal()
    }
    let first = try Falua.run(command + ["-o", base + ".a.jsonl", "--shard", "1/2"], environment: environment)
    done.wait()
    #expect(first.status == 0 && second?.status == 0, "\(first.stderr) \(second?.stderr ?? "")")
    func indexes(_ path: String) throws -> [Int] {
      try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
        (try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["index"] as? Int
      }.sorted()
    }
    #expect(try indexes(base + ".a.jsonl") == [1, 3, 5, 7, 9])
    #expect(try indexes(base + ".b.jsonl") == [2, 4, 6, 8])
    let files = try FileManager.default.contentsOfDirectory(atPath: save).sorted()
    #expect(files.count == 9 && files.contains("1-1.png") && files.contains("8-1.png"), "\(files)")
    #expect(try Self.totals(base + ".journal").hasPrefix("9 entries: completed 9"))
  }

  /// Ctrl-C with a journal leaves the submitted requests running (nothing is cancelled on the
  /// server) and the rerun collects them: resumed or from the journal, none submitted twice.
  @Test(.timeLimit(.minutes(2))) func interruptWithAJournalLeavesRequestsForTheRerun() throws {
    let (emulator, base) = try Self.emulator()
    defer { emulator.stop() }
    let journal = Self.temporary("interrupt") + ".db"
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) } }
    var environment = base
    environment["FALUA_JOURNAL"] = journal
    let script = Falua.root.appendingPathComponent("Tests/FaluaTests/scripts/journal_workflow.lua").path
    let n = 60
    let seen = try Self.kill([script, String(n)], environment: environment, after: 10, marker: "result ",
      signal: SIGINT)
    #expect(seen >= 10)
    let rerun = try Falua.run([script, String(n)], environment: environment)
    #expect(rerun.status == 0, "\(rerun.stderr)")
    #expect(rerun.stdout.contains("results \(n)"))
    let (_, body) = try ServeAndInterruptTests.get(emulator.runURL + "/_emulator/stats")
    let stats = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
    #expect(stats["cancellations"] as? Int == 0, "nothing cancelled: \(stats)")
    let duplicates = stats["duplicate_submits"] as? Int ?? -1
    #expect(stats["submits"] as? Int == n + duplicates, "\(stats)")
    #expect(Self.number("resumed", in: rerun.stderr) + Self.number("from journal", in: rerun.stderr) >= seen,
      "\(rerun.stderr)")
  }
}
