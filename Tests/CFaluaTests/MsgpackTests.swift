import CFalua
import Foundation
import Testing

/// The msgpack codec (`codec_msgpack.c`): round trips judged by Python's msgpack package on seeded
/// random values (msgpack_differential.py), plus the edges and errors the generator cannot reach.
@Suite struct MsgpackTests {
  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("msgpack_differential.py")
  static let seed = 20_251_121
  static let count = 2000

  /// A Lua state with `json` and `msgpack` globals.
  static func state() -> LuaJSON {
    let lua = LuaJSON()
    _ = falua_open_msgpack(lua.L)
    lua_setglobal(lua.L, "msgpack")
    return lua
  }

  func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
    try runPython(Self.script, arguments)
  }

  /// Unpacks and re-packs each length-prefixed document.
  static let roundTrip = """
    local data = ...
    local out, offset = {}, 1
    while offset <= #data do
      local length = string.unpack(">I4", data, offset)
      local document = data:sub(offset + 4, offset + 3 + length)
      offset = offset + 4 + length
      local ok, packed = pcall(function() return msgpack.pack(msgpack.unpack(document)) end)
      if not ok then packed = "error: " .. tostring(packed) end
      out[#out + 1] = string.pack(">I4", #packed) .. packed
    end
    return table.concat(out)
    """

  @Test func roundTripsMatchPython() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("falua-msgpack-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let documents = directory.appendingPathComponent("documents")
    let generated = try python(["generate", "\(Self.seed)", "\(Self.count)", documents.path])
    try #require(generated.status == 0, "generator failed: \(generated.output)")
    let results = try Self.state().results(Self.roundTrip, [Array(try Data(contentsOf: documents))])
    let ours = directory.appendingPathComponent("ours")
    try Data(results[0]).write(to: ours)
    let checked = try python(["check", documents.path, ours.path])
    #expect(checked.status == 0, "\(checked.output)")
    #expect(checked.output.contains("\(Self.count)/\(Self.count) documents match"), "\(checked.output)")
  }

  @Test func packsIntegerFloatStringAndBinFamilies() throws {
    let lua = Self.state()
    func hex(_ expression: String) throws -> String {
      try lua.eval("return (msgpack.pack(\(expression)):gsub('.', function(c) return ('%02x'):format(c:byte()) end))")
    }
    #expect(try hex("math.maxinteger") == "cf7fffffffffffffff")
    #expect(try hex("math.mininteger") == "d38000000000000000")
    #expect(try hex("-33") == "d0df")
    #expect(try hex("1.5") == "cb3ff8000000000000")
    #expect(try hex("1.0") == "cb3ff0000000000000", "an integral float stays a float")
    #expect(try hex("'h\\u{e9}'") == "a368c3a9", "UTF-8 text is str")
    #expect(try hex("'\\xff\\x00'") == "c402ff00", "other bytes are bin")
    #expect(try hex("msgpack.bytes('ab')") == "c4026162", "bytes() forces bin")
    #expect(try hex("{1, json.null, 3}") == "9301c003", "null keeps its array slot")
    #expect(try hex("json.array({})") == "90")
    #expect(try hex("{}") == "80", "an empty unmarked table is a map")
  }

  @Test func unpacksEdgesIntoLuaValues() throws {
    let lua = Self.state()
    #expect(try lua.eval("return math.type(msgpack.unpack('\\xcf\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff'))") == "float",
      "uint64 above int64 becomes a float")
    #expect(try lua.eval("return msgpack.unpack('\\xcf\\x7f\\xff\\xff\\xff\\xff\\xff\\xff\\xff') == math.maxinteger") == "true")
    #expect(try lua.eval("return math.type(msgpack.unpack('\\xca\\x3f\\xc0\\x00\\x00'))") == "float", "float32 decodes")
    #expect(try lua.eval("return msgpack.unpack('\\xc4\\x03a\\x00b')") == "a\u{0}b", "bin is a string")
    #expect(try lua.eval("local m = msgpack.unpack('\\x82\\x05\\xa1x\\xc3\\xa1y') return m[5] .. m[true]") == "xy",
      "integer and boolean keys stay Lua keys")
    #expect(try lua.eval("local m = msgpack.unpack('\\x81\\x05\\xa1x') return #msgpack.pack(m)") == "4",
      "a decoded map with integer keys re-packs as a map")
    #expect(try lua.eval("return select('#', msgpack.unpack('\\xc0'))") == "1")
    #expect(try lua.eval("return tostring(msgpack.unpack('\\xc0'))") == "nil")
    #expect(try lua.eval("local a = msgpack.unpack('\\x92\\xc0\\x01') return tostring(a[1] == json.null) .. #a") == "true2")
  }

  @Test func theEmulatorsUnpackKeepsBinAsBytes() throws {
    let lua = LuaJSON()
    _ = falua_open_msgpack_keeping_bin(lua.L)
    lua_setglobal(lua.L, "msgpack")
    // A valid-UTF-8 bin ("hello") is bytes, not a string, and packs back as bin; str stays a string.
    #expect(try lua.eval("return getmetatable(msgpack.unpack('\\xc4\\x05hello')).__name") == "fal.bytes")
    #expect(try lua.eval("return msgpack.unpack('\\xc4\\x05hello').data") == "hello")
    #expect(try lua.eval("return msgpack.unpack('\\xa5hello')") == "hello")
    let again = "local m = msgpack.unpack('\\x81\\xa1b\\xc4\\x02hi') return msgpack.pack(m) == '\\x81\\xa1b\\xc4\\x02hi'"
    #expect(try lua.eval(again) == "true")
  }

  @Test func errorsNameThePath() throws {
    let lua = Self.state()
    #expect(try lua.failure("msgpack.pack({images = {1, 2, print}})") == "value.images[3]: cannot pack a function")
    #expect(try lua.failure("msgpack.pack({x = 0/0}, {name = 'input'})") == "input.x: cannot pack NaN")
    #expect(try lua.failure("(function() local t = {} t.me = t return msgpack.pack(t) end)()") == "value.me: cycle detected")
    // The same wording as the JSON encoder for the same misuse (one classification in codec_shared.c).
    #expect(try lua.failure("msgpack.pack({1, 2, [4] = 4})") == "value: sparse array: missing index 3")
    #expect(try lua.failure("msgpack.pack({1, a = 2})") == #"value: mixed table: integer key 1 and string key "a""#)
    #expect(try lua.failure("msgpack.pack(json.array({1, a = 2}))") == #"value: array has string key "a""#)
    #expect(try lua.failure("msgpack.pack({[0] = 1})") == "value: invalid array index 0")
    #expect(try lua.failure("msgpack.pack({x = {[1.5] = 1}})") == "value.x: unsupported key 1.5 (use fal.object)")
    #expect(try lua.failure("msgpack.pack({[print] = 1})") == "value: unsupported key of type function")
    #expect(try lua.failure("msgpack.unpack('\\xd4\\x01\\x02')") == "invalid msgpack at byte 1: ext types are not supported")
    #expect(try lua.failure("msgpack.unpack('\\x92\\x01')") == "invalid msgpack at byte 1: truncated or malformed data")
    // A map32 claiming 1.6 billion entries inside small maps: msgpuck's mp_check counted in an int,
    // overflowed and accepted it, and the decoder read past the buffer (found by scripts/fuzz.sh).
    for bytes: [UInt8] in [
      [0x8e, 0x81, 0x7b, 0x85, 0x7c, 0xdf, 0x62, 0xf8, 0x0e, 0x63], [0xdd, 0xff, 0xff, 0xff, 0xff, 0x01],
      [0xdb, 0x00, 0x00, 0x00, 0x05, 0x61], [0xcb, 0x00], [0xc1],
    ] {
      #expect(try lua.failure("msgpack.unpack(...)", [bytes]) == "invalid msgpack at byte 1: truncated or malformed data")
    }
    #expect(try lua.failure("msgpack.unpack('\\x01\\x02')") == "invalid msgpack at byte 2: trailing bytes after the value")
    #expect(try lua.failure("msgpack.unpack('')").contains("empty input"))
    let deep = String(repeating: "\u{91}", count: 1100) + "\u{01}"
    #expect(try lua.failure("msgpack.unpack(...)", [Array(deep.unicodeScalars.map { UInt8($0.value) })]).contains("nesting deeper than 1000"))
  }

  // 2000 levels either way give a short message: the path shows its first and last five steps.
  @Test func twoThousandDeepGivesAShortError() throws {
    let lua = Self.state()
    #expect(try lua.failure("msgpack.unpack(...)", [[UInt8](repeating: 0x91, count: 2000) + [0x01]]) ==
      "invalid msgpack at byte 1001: nesting deeper than 1000")
    let pack = "(function() local root = {} local t = root for i = 2, 2000 do t.a = {} t = t.a end return msgpack.pack(root) end)()"
    #expect(try lua.failure(pack) == "value.a.a.a.a.a[...990 more...].a.a.a.a.a: nesting deeper than 1000")
  }
}
