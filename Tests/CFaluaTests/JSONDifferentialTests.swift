import Foundation
import Testing

/// Decode then encode 2000 random documents and let Python's json module judge the result (see
/// json_differential.py next to this file): same values, same number types, and byte for byte the
/// text `json.dumps(sort_keys=True, ensure_ascii=False)` writes.
@Suite struct JSONDifferentialTests {
  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("json_differential.py")
  static let seed = 20_240_601
  static let count = 2000

  func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
    try runPython(Self.script, arguments)
  }

  /// The Lua side: decode and re-encode each NUL-terminated document of `documents`.
  static let roundTrip = """
    local documents, decode_options, encode_options = ...
    decode_options, encode_options = load("return " .. decode_options)(), load("return " .. encode_options)()
    local out = {}
    for text in documents:gmatch("([^\\0]*)\\0") do
      local ok, value = pcall(json.decode, text, decode_options)
      if ok then ok, value = pcall(json.encode, value, encode_options) end
      out[#out + 1] = ok and value or ("error: " .. tostring(value))
    end
    return table.concat(out, "\\0") .. "\\0"
    """

  /// How each pass runs: the mode name the script knows, then decode and encode options.
  static let modes = [
    ("keep_null", "{keep_null = true}", "nil"),
    ("default", "nil", "nil"),
    ("pretty", "{keep_null = true}", "{indent = 2}"),
  ]

  @Test func matchesPython() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("falua-json-differential-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let documents = directory.appendingPathComponent("documents")

    let generated = try python(["generate", "\(Self.seed)", "\(Self.count)", documents.path])
    try #require(generated.status == 0, "generator failed: \(generated.output)")

    let input = Array(try Data(contentsOf: documents))
    let lua = LuaJSON()
    var checkArguments = ["check", documents.path]
    for (mode, decodeOptions, encodeOptions) in Self.modes {
      let results = try lua.results(Self.roundTrip, [input, Array(decodeOptions.utf8), Array(encodeOptions.utf8)])
      let ours = directory.appendingPathComponent(mode)
      try Data(results[0]).write(to: ours)
      checkArguments += [mode, ours.path]
    }

    let checked = try python(checkArguments)
    #expect(checked.status == 0, "\(checked.output)")
    for (mode, _, _) in Self.modes {
      #expect(checked.output.contains("\(mode): \(Self.count)/\(Self.count) documents match"), "\(checked.output)")
    }
  }
}
