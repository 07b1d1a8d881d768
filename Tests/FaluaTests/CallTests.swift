import FalEmulator
import Foundation
import Testing

extension SerialCommandTests {
  /// `falua call`: one request from the command line, each flag, against the in-process emulator.
  @Suite struct CallTests {
    static func temporaryDirectory() throws -> URL {
      let url = FileManager.default.temporaryDirectory.appendingPathComponent("falua-call-\(UUID())")
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
      return url
    }

    @Test func valuesParseAsJSONWhenTheyCanAndPrintAsPrettyJSON() async throws {
      let result = try await Falua.running(["call", "fal-ai/echo", "--local", "n=3", "f=1.5", "b=true", "s=a red fox",
        "o={\"k\":[1,2]}", "q=\"7\""])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == """
        {
          "b": true,
          "f": 1.5,
          "n": 3,
          "o": {
            "k": [
              1,
              2
            ]
          },
          "q": "7",
          "s": "a red fox"
        }

        """)
      #expect(result.stderr.isEmpty, "no progress in a pipe: \(result.stderr)")
    }

    @Test func jsonIsCompact() async throws {
      let result = try await Falua.running(["call", "--local", "--json", "fal-ai/echo", "x=1"])
      #expect(result.stdout == "{\"x\":1}\n", "\(result.stderr)")
    }

    @Test func readsJSONFromFilesAndStandardInputAndUploadsOtherFiles() async throws {
      let folder = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: folder) }
      try "{\"a\": [1, null]}".write(to: folder.appendingPathComponent("options.json"), atomically: true, encoding: .utf8)
      try Data("not really a png".utf8).write(to: folder.appendingPathComponent("cat.png"))
      let emulator = try Emulator(options: EmulatorOptions())
      try emulator.start()
      defer { emulator.stop() }
      let result = try await Falua.running(
        ["call", "--json", "fal-ai/echo", "options=@\(folder.path)/options.json", "stdin=@-",
         "image_url=@\(folder.path)/cat.png"],
        environment: ["FALUA_RUN_URL": emulator.runURL, "FALUA_QUEUE_URL": emulator.queueURL,
          "FALUA_REST_URL": emulator.restURL, "FALUA_CDN_URL": emulator.cdnURL],
        input: "{\"from\": \"stdin\"}")
      #expect(result.status == 0, "\(result.stderr)")
      let match = try #require(result.stdout.firstMatch(of: #/"image_url":"(http://127\.0\.0\.1:\d+/files/[^"]+/cat\.png)"/#))
      let (status, body) = try ServeAndInterruptTests.get(String(match.output.1))
      #expect(status == 200 && body == "not really a png")
      #expect(result.stdout.contains("\"options\":{\"a\":[1,null]}"), "\(result.stdout)")
      #expect(result.stdout.contains("\"stdin\":{\"from\":\"stdin\"}"), "\(result.stdout)")
    }

    @Test func queueIsTheDefaultRunCallsDirectly() async throws {
      let queued = try await Falua.running(["call", "--local", "-v", "fal-ai/echo", "x=1"])
      #expect(queued.stderr.contains("POST fal-ai/echo submit -> 200"), "\(queued.stderr)")
      #expect(queued.stderr.contains("GET fal-ai/echo result "), "\(queued.stderr)")
      let explicit = try await Falua.running(["call", "--local", "-v", "--queue", "fal-ai/echo", "x=1"])
      #expect(explicit.stderr.contains("POST fal-ai/echo submit -> 200"), "\(explicit.stderr)")
      let direct = try await Falua.running(["call", "--local", "-v", "--run", "fal-ai/echo", "x=1"])
      #expect(direct.status == 0, "\(direct.stderr)")
      #expect(direct.stderr.contains("POST fal-ai/echo run -> 200"), "\(direct.stderr)")
      #expect(!direct.stderr.contains("submit"), "\(direct.stderr)")
      #expect(direct.stdout == queued.stdout)
    }

    @Test func pathGoesAfterTheEndpoint() async throws {
      let result = try await Falua.running(["call", "--local", "--json", "fal-ai/flux", "--path", "/schnell", "prompt=fox"])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout.contains("\"prompt\":\"fox\""), "\(result.stdout)")
      #expect(result.stdout.contains("\"images\":[{"), "\(result.stdout)")
    }

    @Test func streamPrintsEachEvent() async throws {
      let result = try await Falua.running(["call", "--local", "--json", "--stream", "fal-ai/any-llm", "prompt=one two three"])
      #expect(result.status == 0, "\(result.stderr)")
      let lines = result.stdout.split(separator: "\n")
      #expect(lines.count >= 3, "\(result.stdout)")
      #expect(lines.allSatisfy { $0.hasPrefix("{\"output\":") }, "\(result.stdout)")
      #expect(lines.last?.contains("one two three") == true, "\(result.stdout)")
    }

    @Test func logsGoToStandardError() async throws {
      let result = try await Falua.running(["call", "--local", "--json", "--logs", "fal-ai/echo", "logs=2"])
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr == "log line 1/2\nlog line 2/2\n")
      #expect(result.stdout == "{\"logs\":2}\n")
    }

    @Test func saveDownloadsTheResultsFiles() async throws {
      let folder = try Self.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: folder) }
      let target = folder.appendingPathComponent("out")
      let result = try await Falua.running(["call", "--local", "fal-ai/flux/schnell", "prompt=fox", "num_images=2", "--save", target.path])
      #expect(result.status == 0, "\(result.stderr)")
      let files = try FileManager.default.contentsOfDirectory(atPath: target.path)
      #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".png") }, "\(files)")
      #expect(result.stderr.components(separatedBy: "saved \(target.path)/").count == 3, "\(result.stderr)")
      let png = try Data(contentsOf: target.appendingPathComponent(files[0]))
      #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func errorsGoToStandardErrorWithStatusOne() async throws {
      let result = try await Falua.running(["call", "--local", "fal-ai/flux/schnell"])
      #expect(result.status == 1)
      #expect(result.stdout.isEmpty)
      #expect(result.stderr.hasPrefix("falua call: fal.subscribe: HTTP 422 from fal-ai/flux/schnell: prompt: field required"), "\(result.stderr)")
    }

    @Test func badFieldsAndFlagCombinationsAreNamed() async throws {
      let noEquals = try await Falua.running(["call", "--local", "fal-ai/echo", "prompt"])
      #expect(noEquals.status != 0)
      #expect(noEquals.stderr.contains("expected key=value, got 'prompt'"), "\(noEquals.stderr)")
      let both = try await Falua.running(["call", "--local", "fal-ai/echo", "--run", "--stream"])
      #expect(both.stderr.contains("choose one of --queue, --run and --stream"), "\(both.stderr)")
      let missing = try await Falua.running(["call", "--local", "fal-ai/echo", "x=@/nonexistent/file.json"])
      #expect(missing.status == 1)
      #expect(missing.stderr.contains("x: cannot read /nonexistent/file.json"), "\(missing.stderr)")
    }

    @Test func helpShowsExamples() async throws {
      for arguments in [["call", "--help"], ["help", "call"]] {
        let result = try await Falua.running(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:") && result.stdout.contains("falua call fal-ai/flux/schnell prompt="), "\(arguments)")
        for flag in ["--path", "--queue", "--run", "--stream", "--logs", "--save", "--json", "--local", "--quiet", "--verbose"] {
          #expect(result.stdout.contains(flag), "\(flag) missing from \(arguments)")
        }
      }
    }

    @Test func showsProgressOnATerminal() async throws {
      let terminal = try TerminalSession(["call", "--local", "fal-ai/echo", "sleep=1.5"])
      let seen = try await terminal.screens(until: "\"sleep\": 1.5")
      #expect(seen.contains { $0.contains("fal-ai/echo: running") })
      try await terminal.wait("the command to exit") { _ in (try? terminal.exited()) == true }
      #expect(!(try terminal.screen()).contains("fal-ai/echo: running"))
    }
  }
}
