import Foundation
import Testing

/// `docs/api.md` and `stdlib/meta/fal.lua` are generated from the annotations in `stdlib/fal/*.lua`
/// by `scripts/gen_api.lua`: the check fails when a public function lacks them or a generated file
/// is stale, and every example of the reference runs against the emulator.
@Suite struct ApiDocTests {
  /// The Lua files loaded from the sources being checked, so run time and annotations agree.
  static let stdlib = ["FALUA_STDLIB_DIR": "stdlib/fal"]

  @Test func generatedFilesAreCurrent() throws {
    let result = try Falua.run(["scripts/gen_api.lua", "--check"], environment: Self.stdlib)
    #expect(result.status == 0, "run `falua scripts/gen_api.lua`, then commit:\n\(result.stderr)")
    #expect(result.stderr.isEmpty)
    #expect(result.stdout.contains("generated files up to date"))
  }

  /// The ```lua blocks of a Markdown file of the repository.
  static func luaBlocks(in path: String) -> [String] {
    guard let text = try? String(contentsOf: Falua.root.appendingPathComponent(path), encoding: .utf8)
    else { return [] }
    var blocks: [String] = []
    var current: [Substring]?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if current == nil, line == "```lua" {
        current = []
      } else if current != nil, line == "```" {
        blocks.append(current!.joined(separator: "\n"))
        current = nil
      } else {
        current?.append(line)
      }
    }
    return blocks
  }

  static var examples: [String] { luaBlocks(in: "docs/api.md") }

  /// The concept pages' snippets, which run like the reference's examples.
  static let conceptPages = ["docs/concurrency.md", "docs/errors.md", "docs/values.md", "docs/emulator.md"]
  static var conceptSnippets: [String] { conceptPages.flatMap { luaBlocks(in: $0) } }

  /// One example per function, at least: the reference covers the whole `fal.*` surface.
  @Test func everyFunctionHasAnExample() throws {
    let text = try String(contentsOf: Falua.root.appendingPathComponent("docs/api.md"), encoding: .utf8)
    let sections = text.components(separatedBy: "\n### ").dropFirst().filter { $0.contains("**syntax:**") }
    #expect(sections.count >= 40)
    for section in sections {
      #expect(section.contains("**Example**\n\n```lua\n"), "no example in \(section.prefix(40))")
    }
    #expect(Self.examples.count == sections.count)
  }

  // One at a time: dozens of processes at once starve the timing-sensitive suites on a small machine.
  @Test(.serialized, arguments: examples)
  func example(_ code: String) throws {
    let result = try Falua.run(["--local", "-"], input: code)
    #expect(result.status == 0, "api.md example failed:\n\(code)\n\(result.stderr)")
    #expect(result.stderr.isEmpty, "api.md example wrote to stderr:\n\(code)\n\(result.stderr)")
    #expect(!result.stdout.isEmpty, "api.md example printed nothing:\n\(code)")
  }

  @Test func conceptPagesHaveSnippets() {
    for page in Self.conceptPages { #expect(!Self.luaBlocks(in: page).isEmpty, "\(page) has no lua snippet") }
  }

  @Test(.serialized, arguments: conceptSnippets)
  func conceptSnippet(_ code: String) throws {
    let result = try Falua.run(["--local", "-"], input: code)
    #expect(result.status == 0, "docs snippet failed:\n\(code)\n\(result.stderr)")
    #expect(result.stderr.isEmpty, "docs snippet wrote to stderr:\n\(code)\n\(result.stderr)")
    #expect(!result.stdout.isEmpty, "docs snippet printed nothing:\n\(code)")
  }

  /// A copy of the sources the generator reads, to break on purpose.
  private func scratchTree() throws -> URL {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("apidoc-\(UUID().uuidString)")
    for sub in ["scripts", "docs", "stdlib/meta"] {
      try fm.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    for path in ["scripts/gen_api.lua", "docs/api.md", "stdlib/fal", "stdlib/meta/fal.lua"] {
      try fm.copyItem(at: Falua.root.appendingPathComponent(path), to: dir.appendingPathComponent(path))
    }
    return dir
  }

  private func check(_ dir: URL) throws -> Falua.Result {
    try Falua.run(
      [dir.appendingPathComponent("scripts/gen_api.lua").path, "--check"],
      environment: ["FALUA_STDLIB_DIR": dir.appendingPathComponent("stdlib/fal").path])
  }

  @Test func checkFailsForAnUndocumentedFunction() throws {
    let dir = try scratchTree()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("stdlib/fal/scheduler.lua")
    let source = try String(contentsOf: file, encoding: .utf8)
    // Drop the annotation block above fal.sleep (its function stays).
    var lines = source.components(separatedBy: "\n")
    let at = try #require(lines.firstIndex(of: "function M.sleep(seconds)"))
    var start = at
    while start > 0, lines[start - 1].hasPrefix("---") { start -= 1 }
    #expect(at - start > 3)
    lines.removeSubrange(start..<at)
    try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

    let result = try check(dir)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains("fal.sleep (a function) is public but has no annotation block"),
      "\(result.stderr)")
  }

  @Test func checkFailsForAStaleFile() throws {
    let dir = try scratchTree()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("stdlib/meta/fal.lua")
    try (String(contentsOf: file, encoding: .utf8) + "-- edited by hand\n").write(
      to: file, atomically: true, encoding: .utf8)
    let result = try check(dir)
    #expect(result.status == 1)
    #expect(result.stderr.contains("stdlib/meta/fal.lua is stale"), "\(result.stderr)")
    #expect(!result.stderr.contains("docs/api.md is stale"), "\(result.stderr)")
  }

  @Test func checkFailsForParametersThatDoNotMatch() throws {
    let dir = try scratchTree()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("stdlib/fal/data_uri.lua")
    let source = try String(contentsOf: file, encoding: .utf8)
    #expect(source.contains("---@param content_type? string their media type"))
    try source.replacingOccurrences(
      of: "---@param content_type? string their media type", with: "---@param kind? string their media type"
    )
    .write(to: file, atomically: true, encoding: .utf8)
    let result = try check(dir)
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "fal.encode: ---@param lines (bytes, kind) do not match the parameters (bytes, content_type)"),
      "\(result.stderr)")
  }
}
