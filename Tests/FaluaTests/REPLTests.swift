import FalEmulator
import Foundation
import Testing

extension SerialCommandTests {
  /// The REPL in a real terminal (tmux): editing, history, completion, Ctrl-C, results, tasks.
  @Suite struct REPLTests {
    @Test func bannerSaysWhereRequestsGoButNeverTheKey() async throws {
      let repl = try TerminalSession(["--local"], environment: ["FAL_KEY": "sekrit-key-123"])
      let screen = try await repl.wait(for: "Ctrl-D exits")
      #expect(screen.contains("falua 0.1.0 (Lua 5.4"))
      #expect(screen.contains("emulator: run http://127.0.0.1:"))
      #expect(screen.contains("(key set)"))
      #expect(!screen.contains("sekrit"))
    }

    @Test func multiLineFunctionAndUpArrowRecall() async throws {
      let repl = try TerminalSession(["--local"])
      try await repl.wait(for: "> ")
      try repl.enter("function double(a)")
      try await repl.wait(for: ">> ")
      try repl.enter("  return a * 2")
      try repl.enter("end")
      try repl.enter("double(21)")
      try await repl.wait(for: "\n42\n")
      try repl.press("Up")
      try await repl.wait(for: "> double(21)", count: 2)
      try repl.press("Enter")
      try await repl.wait(for: "\n42\n", count: 2)
      // The multi-line entry is one history item.
      try repl.press("Up", "Up")
      try await repl.wait(for: "return a * 2", count: 2)
    }

    @Test func tabCompletesFalFieldsAndResultFields() async throws {
      let repl = try TerminalSession(["--local"])
      try await repl.wait(for: "> ")
      try repl.type("fal.sub")
      try repl.press("Tab", "Tab")
      let listed = try await repl.wait(for: "fal.subscribe")
      #expect(listed.contains("fal.submit"))
      try repl.type("s")
      try repl.press("Tab")
      try repl.type("(\"fal-ai/echo\", {x = 1})")
      try repl.press("Enter")
      try await repl.wait(for: "> fal.subscribe(\"fal-ai/echo\", {x = 1})")
      try await repl.wait(for: "{ x = 1 }")
      try repl.enter("out = fal.run(\"fal-ai/echo\", {images = {{url = \"https://x/a.png\"}}})")
      try await repl.waitForPrompt()
      try repl.type("out.ima")
      try repl.press("Tab")
      try repl.type("[1].url")
      try repl.press("Enter")
      try await repl.wait(for: "> out.images[1].url")
      try await repl.wait(for: "\"https://x/a.png\"")
      // A method after ':' and a string's methods through its metatable.
      try repl.enter("s = 'abc'")
      try repl.type("s:up")
      try repl.press("Tab")
      try repl.type("()")
      try repl.press("Enter")
      try await repl.wait(for: "\"ABC\"")
    }

    @Test func tabCompletesFileNamesInsideStrings() async throws {
      let repl = try TerminalSession(["--local"])
      try await repl.wait(for: "> ")
      try repl.type("f = io.open(\"Package.sw")
      try repl.press("Tab")
      try repl.type("\") return f ~= nil")
      try repl.press("Enter")
      try await repl.wait(for: "io.open(\"Package.swift\")")
      try await repl.wait(for: "\ntrue\n")
    }

    @Test func ctrlCAtThePromptClearsTheLineAndKeepsTheSession() async throws {
      let repl = try TerminalSession(["--local"])
      try await repl.wait(for: "> ")
      try repl.type("x = 'half typed")
      try await repl.wait(for: "> x = 'half typed")  // the terminal drops keys not yet read at Ctrl-C
      try repl.press("C-c")
      try await repl.wait(for: "half typed^C")
      try repl.enter("1 + 1")
      try await repl.wait(for: "\n2\n")
      // Inside a pending chunk: the chunk is dropped.
      try repl.enter("function f()")
      try await repl.wait(for: ">> ")
      try repl.press("C-c")
      try repl.enter("3 * 3")
      try await repl.wait(for: "\n9\n")
      #expect(try !repl.exited())
      try repl.press("C-d")
      try await repl.wait("the REPL to exit") { _ in (try? repl.exited()) == true }
    }

    @Test func ctrlCDuringASlowSubscribeCancelsTheRequestAndKeepsTheSession() async throws {
      let emulator = try Emulator(options: EmulatorOptions())
      try emulator.start()
      defer { emulator.stop() }
      let repl = try TerminalSession(
        [], environment: ["FALUA_RUN_URL": emulator.runURL, "FALUA_QUEUE_URL": emulator.queueURL])
      try await repl.wait(for: "server on this machine: run \(emulator.runURL)")
      try repl.enter("fal.subscribe('fal-ai/echo', {sleep = 30}, {on_enqueue = function(id) print('queued ' .. id) end})")
      let screen = try await repl.wait("the request id") { $0.contains(#/queued [0-9a-f-]{36}/#) }
      let id = try #require(screen.firstMatch(of: #/queued ([0-9a-f-]{36})/#)).output.1
      try repl.press("C-c")
      try await repl.wait(for: "interrupted")
      let (_, status) = try ServeAndInterruptTests.get(emulator.queueURL + "/fal-ai/echo/requests/\(id)/status")
      #expect(status.contains("client_cancelled"), "\(status)")
      try repl.enter("2 + 2")
      try await repl.wait(for: "\n4\n")
    }

    @Test func resultsArePrettyPrintedWithLimits() async throws {
      let repl = try TerminalSession(["--local"])
      try await repl.wait(for: "> ")
      try repl.enter("fal.run('fal-ai/echo', {a = {b = {c = {1, 2, 3}}}, s = 'x', n = 1.5})")
      try await repl.wait(for: "{ a = { b = { c = { 1, 2, 3 } } }, n = 1.5, s = \"x\" }")
      try repl.enter("fal.json.decode('[1, null, {\"k\": null}]', {keep_null = true})")
      try await repl.wait(for: "{ 1, null, { k = null } }")
      try repl.enter("t = {} t.me = t return t")
      try await repl.wait(for: "{ me = <cycle> }")
      try repl.enter("deep = {{{{{{{{1}}}}}}}} return deep")
      try await repl.wait(for: "{ { { { { { {…1} } } } } } }")
      try repl.enter("big = {} for i = 1, 100 do big[i] = i * 1000 end return big")
      let screen = try await repl.wait(for: "… 60 more")
      #expect(screen.contains("  40000,"), "long tables go one item a line")
      // Expressions print without `=`; the first result is `_`.
      try repl.enter("#_")
      try await repl.wait(for: "\n100\n")
      // Colour on a terminal.
      try repl.enter("'coloured'")
      try await repl.wait("a coloured string", escapes: true) { $0.contains("\u{1B}[32m\"coloured\"") }
    }

    @Test func spawnedTasksKeepRunningBetweenEntries() async throws {
      let repl = try TerminalSession(["--local"])
      try await repl.wait(for: "> ")
      try repl.enter("t = fal.spawn(function() fal.sleep(1) print('background done') return 7 end)")
      try await repl.wait(for: "[1 task] > ")
      try await repl.wait(for: "background done")
      try await repl.wait(for: "\n> ", count: 2)
      try repl.enter("t:wait()")
      try await repl.wait("t:wait()'s results") { $0.contains(#/> t:wait\(\)\ntrue\s+7\n/#) }
    }

    @Test func progressLineAppearsAndDisappears() async throws {
      let repl = try TerminalSession(["--local"])
      try await repl.wait(for: "> ")
      try repl.enter("fal.subscribe('fal-ai/echo', {sleep = 1.5, logs = 1})")
      let seen = try await repl.screens(until: "{ logs = 1, sleep = 1.5 }")
      #expect(seen.contains { $0.contains("fal-ai/echo: running") && $0.contains("sleeping 1.5 s") })
      #expect(!(try repl.screen()).contains("fal-ai/echo: running"))
      // Several at once share one line.
      try repl.enter("fal.wait_all({fal.spawn(fal.subscribe, 'fal-ai/echo', {sleep = 1}), fal.spawn(fal.subscribe, 'fal-ai/echo', {sleep = 1})})")
      let shared = try await repl.screens(until: "ok = true")
      #expect(shared.contains { $0.contains("2 requests:") })
    }

    @Test func quickUploadsAndDownloadsShowNothing() async throws {
      let repl = try TerminalSession(["--local"])
      try await repl.wait(for: "> ")
      try repl.enter("url = fal.upload(string.rep('x', 100000), 'text/plain') fal.download(url, os.tmpname()) print('moved')")
      let seen = try await repl.screens(until: "\nmoved\n")
      #expect(!seen.contains { $0.contains("MiB") })
    }

    // No emulator route is slow enough on loopback: the upload's activity is driven by hand.
    @Test func slowUploadsShowTheirSizeThenDisappear() async throws {
      let terminal = try TerminalSession(["-e", """
        local upload = require('fal.progress').start('upload', 'big.txt', 3 * 1048576)
        fal.sleep(1)
        upload:update(nil, 1048576)
        fal.sleep(0.5)
        upload:finish()
        print('uploaded')
        """])
      let seen = try await terminal.screens(until: "uploaded")
      #expect(seen.contains { $0.contains("upload big.txt: 3.0 MiB, 0.") }, "\(seen.last ?? "")")
      #expect(seen.contains { $0.contains(#/upload big.txt: 1.0 MiB / 3.0 MiB, 0.\d MiB/s, 1.\ds/#) }, "\(seen.last ?? "")")
      #expect(!(try terminal.screen()).contains("upload big.txt"))
    }

    @Test func progressShowsTheQueuePosition() async throws {
      var options = EmulatorOptions()
      options.runners = 1
      let emulator = try Emulator(options: options)
      try emulator.start()
      defer { emulator.stop() }
      let repl = try TerminalSession(
        [], environment: ["FALUA_RUN_URL": emulator.runURL, "FALUA_QUEUE_URL": emulator.queueURL])
      try await repl.wait(for: "> ")
      try repl.enter("busy = fal.submit('fal-ai/echo', {sleep = 1.5}) return fal.subscribe('fal-ai/echo', {n = 2})")
      let seen = try await repl.screens(until: "{ n = 2 }")
      #expect(seen.contains { $0.contains("fal-ai/echo: queued, position 0") }, "\(seen.last ?? "")")
    }

    @Test func quietShowsNoProgress() async throws {
      let repl = try TerminalSession(["--local", "-q", "-e", "fal.subscribe('fal-ai/echo', {sleep = 1}) print('finished')"])
      let seen = try await repl.screens(until: "finished")
      #expect(!seen.contains { $0.contains("fal-ai/echo:") })
    }
  }
}
