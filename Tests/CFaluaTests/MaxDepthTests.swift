import CFalua
import Foundation
import Testing

/// The nesting limit (issue 8, "Limits"): 1000 by default, `max_depth` per call in both codecs both
/// ways, the state's default set by the runtime's `fal.config`, and a ceiling the C stack can take.
@Suite struct MaxDepthTests {
  /// `n` nested arrays around 1, as JSON.
  static func json(_ n: Int) -> String { String(repeating: "[", count: n) + "1" + String(repeating: "]", count: n) }

  /// `n` nested one-element arrays around 1, as msgpack (fixarray 1 is 0x91).
  static func msgpack(_ n: Int) -> [UInt8] { [UInt8](repeating: 0x91, count: n) + [0x01] }

  /// Lua building `n` nested tables `{{...{1}...}}`, for the encoders.
  static func nested(_ n: Int) -> String {
    "(function() local root = {} local t = root for _ = 2, \(n) do t[1] = {} t = t[1] end t[1] = 1 return root end)()"
  }

  @Test func perCallOptionRaisesAndLowersTheLimit() throws {
    let lua = MsgpackTests.state()
    let deep = Array(Self.json(1500).utf8)
    #expect(try lua.decodeFailure(deep) == "invalid JSON at line 1 column 1001: nesting deeper than 1000")
    #expect(try lua.eval("return #json.encode(json.decode(..., {max_depth = 1500}), {max_depth = 1500})", [deep]) == "3001")
    #expect(try lua.failure("json.decode(..., {max_depth = 3})", [Array("[[[[1]]]]".utf8)]) ==
      "invalid JSON at line 1 column 4: nesting deeper than 3")
    #expect(try lua.encodeFailure(Self.nested(4), "{max_depth = 3}") == "value[1][1][1]: nesting deeper than 3")
    #expect(try lua.eval("return #msgpack.unpack(..., {max_depth = 1500})", [Self.msgpack(1500)]) == "1")
    #expect(try lua.failure("msgpack.unpack(..., {max_depth = 2})", [Self.msgpack(3)]) ==
      "invalid msgpack at byte 3: nesting deeper than 2")
    #expect(try lua.eval("return #msgpack.pack(\(Self.nested(1500)), {max_depth = 1500})") == "1501")
    #expect(try lua.failure("msgpack.pack(\(Self.nested(3)), {max_depth = 2})") == "value[1][1]: nesting deeper than 2")
  }

  @Test func stateDefaultAppliesWhereNoOptionIsGiven() throws {
    let lua = MsgpackTests.state()
    #expect(falua_max_depth(lua.L) == 1000)
    falua_set_max_depth(lua.L, 2)
    #expect(falua_max_depth(lua.L) == 2)
    let three = Array(Self.json(3).utf8)
    #expect(try lua.decodeFailure(three) == "invalid JSON at line 1 column 3: nesting deeper than 2")
    #expect(try lua.encodeFailure(Self.nested(3)) == "value[1][1]: nesting deeper than 2")
    #expect(try lua.failure("msgpack.unpack(...)", [Self.msgpack(3)]) == "invalid msgpack at byte 3: nesting deeper than 2")
    #expect(try lua.failure("msgpack.pack(\(Self.nested(3)))") == "value[1][1]: nesting deeper than 2")
    // A call's own option wins over the state's.
    #expect(try lua.eval("return json.encode(json.decode(..., {max_depth = 3}), {max_depth = 3})", [three]) == "[[[1]]]")
  }

  @Test func badOptionsNameTheRangeAndWhy() throws {
    let lua = MsgpackTests.state()
    let why = "option 'max_depth' must be an integer from 1 to 5000 (deeper nesting could overflow the C stack)"
    for value in ["0", "5001", "1.5", "'10'", "math.huge"] {
      #expect(try lua.failure("json.decode('1', {max_depth = \(value)})") == "test:1: bad argument #2 to 'decode' (\(why))")
      #expect(try lua.failure("json.encode(1, {max_depth = \(value)})") == "test:1: bad argument #2 to 'encode' (\(why))")
      #expect(try lua.failure("msgpack.pack(1, {max_depth = \(value)})") == "test:1: bad argument #2 to 'pack' (\(why))")
      #expect(try lua.failure("msgpack.unpack('\\1', {max_depth = \(value)})") == "test:1: bad argument #2 to 'unpack' (\(why))")
    }
    #expect(try lua.failure("msgpack.unpack('\\1', {name = 'x'})") == "test:1: bad argument #2 to 'unpack' (unknown option 'name')")
    #expect(try lua.eval("return json.max_depth_ceiling") == "5000")
  }

  // The ceiling's justification (FALUA_MAX_DEPTH_CEILING): 5000 levels each way in both codecs
  // fit in half of the smallest stack a Lua state runs on by default (8 MiB).
  @Test func theCeilingFitsInAFourMiBStack() throws {
    nonisolated(unsafe) var outcome: Result<[String], Error>?
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      outcome = Result {
        let lua = MsgpackTests.state()
        let n = Int(FALUA_MAX_DEPTH_CEILING)
        return [
          try lua.eval("return #json.encode(json.decode(..., {max_depth = \(n)}), {max_depth = \(n)})", [Array(Self.json(n).utf8)]),
          try lua.eval("return #msgpack.pack(msgpack.unpack(..., {max_depth = \(n)}), {max_depth = \(n)})", [Self.msgpack(n)]),
          try lua.failure("json.decode(..., {max_depth = \(n)})", [Array(Self.json(n + 1).utf8)]),
          try lua.failure("msgpack.pack(\(Self.nested(n + 1)), {max_depth = \(n)})"),
        ]
      }
      done.signal()
    }
    thread.stackSize = 4 << 20
    thread.start()
    done.wait()
    let results = try #require(outcome).get()
    #expect(results[0] == String(2 * 5000 + 1))
    #expect(results[1] == "5001")
    #expect(results[2] == "invalid JSON at line 1 column 5001: nesting deeper than 5000")
    #expect(results[3] == "value[1][1][1][1][1][...4990 more...][1][1][1][1][1]: nesting deeper than 5000")
  }
}
