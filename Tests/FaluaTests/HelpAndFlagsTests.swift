import FalEmulator
import Foundation
import Testing

extension SerialCommandTests {
  /// Help everywhere, unknown flags with suggestions, FALUA_INIT, completion scripts, -v and --quiet,
  /// readable JSON values and on_queue_update in scripts.
  @Suite struct HelpAndFlagsTests {
    @Test(arguments: [["--help"], ["-h"], ["run", "--help"], ["--local", "--help"], ["-e", "x = 1", "-h"],
      ["--local", "-q", "--help"]])
    func helpAnywhereBeforeTheScript(_ arguments: [String]) async throws {
      let result = try await Falua.running(arguments)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      #expect(result.stdout.contains("Examples:"), "\(arguments): \(result.stdout)")
      #expect(!result.stderr.contains("cannot open"), "\(arguments)")
    }

    @Test func helpOfEachCommandHasExamples() async throws {
      for command in ["run", "call", "serve", "completions"] {
        let result = try await Falua.running([command, "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:") || command == "serve", "\(command): \(result.stdout)")
      }
    }

    @Test func helpAfterTheScriptNameBelongsToTheScript() async throws {
      let result = try await Falua.running(["-", "--help"], input: "print(...)")
      #expect(result.stdout == "--help\n", "\(result.stderr)")
    }

    @Test(arguments: [("--locl", "'--local'"), ("--quiett", "'--quiet'"), ("--verbos", "'--verbose'")])
    func unknownFlagsAreNamedWithASuggestion(_ flag: String, _ suggestion: String) async throws {
      let result = try await Falua.running([flag, "-e", "print(1)"])
      #expect(result.status != 0)
      #expect(result.stdout.isEmpty)
      #expect(result.stderr.contains("unknown option '\(flag)'; did you mean \(suggestion)?"), "\(result.stderr)")
    }

    @Test func unknownFlagsWithoutACloseMatch() async throws {
      let result = try await Falua.running(["--local", "--frobnicate"])
      #expect(result.status != 0)
      #expect(result.stderr.contains("unknown option '--frobnicate'"), "\(result.stderr)")
      #expect(!result.stderr.contains("did you mean"), "\(result.stderr)")
    }

    @Test func aCommandAfterOptionsIsExplained() async throws {
      let result = try await Falua.running(["--local", "call", "fal-ai/echo"])
      #expect(result.status != 0)
      #expect(result.stderr.contains("'call' is a command: put it first"), "\(result.stderr)")
      let typo = try await Falua.running(["cal"])
      #expect(typo.stderr.contains("did you mean the command 'falua call'?"), "\(typo.stderr)")
    }

    @Test func versionFlag() async throws {
      for arguments in [["--version"], ["--local", "--version"]] {
        let result = try await Falua.running(arguments)
        #expect(result.status == 0, "\(arguments)")
        #expect(result.stdout.hasPrefix("falua 0.1.0 (Lua 5.4"), "\(arguments): \(result.stdout)")
      }
    }

    @Test func falua_initRunsFirstUnlessIgnored() async throws {
      let code = try await Falua.running(["-e", "print(greeting)"], environment: ["FALUA_INIT": "greeting = 'hi'"])
      #expect(code.stdout == "hi\n", "\(code.stderr)")
      let file = FileManager.default.temporaryDirectory.appendingPathComponent("falua-init-\(UUID()).lua")
      try "greeting = 'from a file'".write(to: file, atomically: true, encoding: .utf8)
      defer { try? FileManager.default.removeItem(at: file) }
      let fromFile = try await Falua.running(["-e", "print(greeting)"], environment: ["FALUA_INIT": "@" + file.path])
      #expect(fromFile.stdout == "from a file\n", "\(fromFile.stderr)")
      let ignored = try await Falua.running(["-E", "-e", "print(greeting)"], environment: ["FALUA_INIT": "greeting = 'hi'"])
      #expect(ignored.stdout == "nil\n", "\(ignored.stderr)")
      let broken = try await Falua.running(["-e", "print(1)"], environment: ["FALUA_INIT": "error('bad init')"])
      #expect(broken.status == 1)
      #expect(broken.stderr.contains("FALUA_INIT:1: bad init"), "\(broken.stderr)")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScripts(_ shell: String) async throws {
      let result = try await Falua.running(["completions", shell])
      #expect(result.status == 0)
      #expect(result.stdout.contains("falua"))
      #expect(result.stdout.contains("call") && result.stdout.contains("serve"), "\(shell)")
    }

    @Test func verboseLogsEveryRequestButNeverTheKey() async throws {
      let result = try await Falua.running(["--local", "-v", "-e", "fal.subscribe('fal-ai/echo', {x = 1})"],
        environment: ["FAL_KEY": "secret-id:secret-value"])
      #expect(result.status == 0, "\(result.stderr)")
      let lines = result.stderr.split(separator: "\n")
      #expect(lines.first?.contains(#/^falua: POST fal-ai/echo submit -> 200 in \d+ ms$/#) == true, "\(result.stderr)")
      #expect(lines.contains { $0.contains(#/^falua: GET fal-ai/echo status\/stream [0-9a-f-]{36} -> open in \d+ ms$/#) },
        "\(result.stderr)")
      #expect(lines.last?.contains(#/^falua: GET fal-ai/echo result [0-9a-f-]{36} -> 200 in \d+ ms$/#) == true)
      #expect(!result.stderr.contains("secret"))
      let failed = try await Falua.running(["--local", "-v", "-e", "pcall(fal.run, 'fal-ai/flux/schnell', {})"])
      #expect(failed.stderr.contains(#/falua: POST fal-ai/flux/schnell run -> 422 in \d+ ms/#), "\(failed.stderr)")
    }

    @Test func standardInputThatIsNotATerminalRunsAsAScript() async throws {
      let result = try await Falua.running([], input: "print('piped', fal ~= nil)")
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == "piped\ttrue\n", "no banner, no prompt")
      #expect(result.stderr.isEmpty)
    }

    @Test func nothingOfTheProgressDisplayInAPipe() async throws {
      let result = try await Falua.running(["--local", "-"], input: """
        fal.subscribe('fal-ai/echo', {sleep = 0.6, logs = 2})
        local url = fal.upload(string.rep('x', 1000), 'text/plain')
        fal.download(url, os.tmpname())
        print('done')
        """)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == "done\n")
      #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func decodedJSONPrintsReadablyInScripts() async throws {
      let result = try await Falua.running(["--local", "-e", """
        local out, info = fal.run('fal-ai/echo', {images = {{url = 'u', size = 2}}})
        print(out)
        print(tostring(out.images))
        print(fal.json.decode('[1, "a", {"b": null}]', {keep_null = true}))
        print(info.request_id ~= nil, tostring(info):match('^{ request_id = "') ~= nil)
        """])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == """
        { images = { { size = 2, url = "u" } } }
        { { size = 2, url = "u" } }
        { 1, "a", { b = null } }
        true\ttrue

        """)
    }

    @Test func onQueueUpdateIsCalledOnChangeOnly() async throws {
      let result = try await Falua.running(["--local", "-e", """
        local seen = {}
        fal.subscribe('fal-ai/echo', {sleep = 1, logs = 1}, {interval = 0.02, with_logs = true,
          on_queue_update = function(s) seen[#seen + 1] = s.status .. '/' .. #(s.logs or {}) end})
        print(#seen, table.concat(seen, ' '))
        """])
      #expect(result.status == 0, "\(result.stderr)")
      // About 50 polls while the app sleeps; the callback sees each change once.
      let fields = result.stdout.split(separator: "\t")
      let calls = Int(fields.first ?? "") ?? 99
      #expect(calls >= 2 && calls <= 5, "\(result.stdout)")
      let statuses = fields.last.map { $0.split(separator: " ").map(String.init) } ?? []
      #expect(zip(statuses, statuses.dropFirst()).allSatisfy { $0 != $1 }, "\(result.stdout)")
      #expect(statuses.last?.hasPrefix("COMPLETED") == true, "\(result.stdout)")
    }
  }
}
