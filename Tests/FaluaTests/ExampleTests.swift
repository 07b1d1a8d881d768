import Foundation
import Testing

/// Every example in `examples/` and every Lua snippet in the README runs, offline, against the
/// in-process emulator (`falua --local`).
@Suite struct ExampleTests {
  static var examples: [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: Falua.root.appendingPathComponent("examples").path))
      ?? []).filter { $0.hasSuffix(".lua") }.sorted()
  }

  /// Lines each example must print (regular expressions), beyond finishing cleanly.
  static let expected: [String: [String]] = [
    "realtime.lua": [#"^reply 1: a red fox$"#, #"^reply 3: a green parrot$"#, #"^part 3 of "count to three"$"#, #"^200 round trips in \d+\.\d\d s$"#],
    "quickstart.lua": [#"^1024x768 http://127\.0\.0\.1:\d+/files/\S+\.png \(request \S+\)$"#, #"^a bowl of ramen\thttp://"#],
    "subscribe_progress.lua": [#"^enqueued \S+$"#, #"^log: step 4/4$"#, #"^image http://"#],
    "run_options.lua": [#"^false\tvalidation\t422\tfield required$"#],
    "submit_poll.lua": [#"^request \S+$"#, #"^done in \d+\.\d{3}s$"#, #"^COMPLETED\ttrue$"#],
    "subscribe_options.lua": [#"^false\ttimeout\tno result after client_timeout 2 s; the request was cancelled$"#, #"^COMPLETED\tclient_cancelled$"#],
    "webhook_submit.lua": [#"^Request ID: \S+$"#],
    "stream_llm.lua": [#"^any-llm: the quick brown fox jumps over the lazy dog$"#, #"^final: any-llm: the quick brown fox jumps over the lazy dog$"#, #"^request \S+$"#],
    "parallel.lua": [#"^8 of 8 requests done in \d+\.\d s$"#, #"^winner: fast$"#],
    "upload_and_edit.lua": [#"^uploaded http://127\.0\.0\.1:\d+/files/\S+/fox\.png$"#, #"^edited 320x240 -> \S+\.png$"#],
    "webhook.lua": [#"^delivered: OK for \S+$"#, #"^signature verified; payload prompt: notify me$"#, #"^false\twebhook\tbad signature"#],
    "run.lua": [#"^http://127\.0\.0\.1:\d+/files/\S+\.png$"#],
    "subscribe.lua": [#"^http://127\.0\.0\.1:\d+/files/\S+\.png$"#],
    "run_path.lua": [#"^http://127\.0\.0\.1:\d+/files/\S+\.png$"#, #"^true$"#, #"^false\thttp\t404$"#],
    "async_calls.lua": [#"^run: http://"#, #"^subscribe: http://"#, #"^log: step 4/4$"#, #"^subscribe with progress: http://"#],
    "stream.lua": [#"^\{"output":"any-llm: a","partial":true\}$"#, #"^\{"output":"any-llm: a sunset over mountains","partial":false\}$"#],
    "realtime_image.lua": [#"^a sunset over mountains: 256x256 image/png, \d+ bytes$"#],
    "own_app.lua": [
      #"^\{"prompt":"a sunset over mountains"\}$"#, #"^log line 2/2$"#, #"^Request ID: \S+$"#,
      #"^(IN_QUEUE|IN_PROGRESS|COMPLETED)$"#, #"^\{"output":"any-llm: a sunset over mountains","partial":false\}$"#,
      #"^realtime: Hello, world!$"#, #"^realtime async: Hello, world!$"#, #"^a sunset$"#,
    ],
  ]

  @Test(arguments: examples)
  func example(_ name: String) throws {
    let result = try Falua.run(["--local", "examples/" + name])
    #expect(result.status == 0, "\(name) failed: \(result.stderr)")
    #expect(result.stderr.isEmpty, "\(name) wrote to stderr: \(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    let patterns = try #require(Self.expected[name], "add the expected output of \(name) to ExampleTests")
    for pattern in patterns {
      let regex = try Regex(pattern)
      #expect(lines.contains { $0.contains(regex) }, "\(name): no line matches \(pattern) in:\n\(result.stdout)")
    }
  }

  static var readmeSnippets: [String] {
    guard let readme = try? String(contentsOf: Falua.root.appendingPathComponent("README.md"), encoding: .utf8)
    else { return [] }
    var snippets: [String] = []
    var current: [Substring]?
    for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```lua" {
        current = []
      } else if current != nil, line == "```" {
        snippets.append(current!.joined(separator: "\n"))
        current = nil
      } else {
        current?.append(line)
      }
    }
    return snippets
  }

  @Test func readmeHasSnippets() { #expect(Self.readmeSnippets.count >= 3) }

  @Test(arguments: readmeSnippets)
  func readmeSnippet(_ code: String) throws {
    let result = try Falua.run(["--local", "-"], input: code)
    #expect(result.status == 0, "README snippet failed:\n\(code)\n\(result.stderr)")
    #expect(!result.stdout.isEmpty, "README snippet printed nothing:\n\(code)")
  }
}
