import Testing

/// Every reason `json.encode` raises, each with the exact `<path>: <reason>` text.
@Suite struct JSONEncodeErrorTests {
  let lua = LuaJSON()

  @Test func pathFromTheContractExample() throws {
    let failure = try lua.encodeFailure("{images = {{url = 'a'}, {url = print}}}", "{name = 'input'}")
    #expect(failure == "input.images[2].url: cannot encode a function")
  }

  @Test func pathSegments() throws {
    #expect(try lua.encodeFailure("print") == "value: cannot encode a function")
    #expect(try lua.encodeFailure("{a_1 = {_b = {C9 = print}}}") == "value.a_1._b.C9: cannot encode a function")
    #expect(try lua.encodeFailure("{['a b'] = {['1x'] = {[''] = print}}}") ==
      #"value["a b"]["1x"][""]: cannot encode a function"#)
    #expect(try lua.encodeFailure(#"{['q"\\'] = print}"#) == #"value["q\"\\"]: cannot encode a function"#)
    #expect(try lua.encodeFailure("{['line\\nnext\\1'] = print}") == #"value["line\nnext\x01"]: cannot encode a function"#)
    #expect(try lua.encodeFailure("{['é'] = print}") == #"value["é"]: cannot encode a function"#)
    #expect(try lua.encodeFailure("{1, {2, 3, {print}}}") == "value[2][3][1]: cannot encode a function")
    #expect(try lua.encodeFailure("{x = print}", "{name = 'payload'}") == "payload.x: cannot encode a function")
  }

  @Test func unencodableTypes() throws {
    #expect(try lua.encodeFailure("{f = print}") == "value.f: cannot encode a function")
    #expect(try lua.encodeFailure("{u = io.stdout}") == "value.u: cannot encode a userdata")
    #expect(try lua.encodeFailure("{u = debug.upvalueid(function() return print end, 1)}") ==
      "value.u: cannot encode a userdata", "light userdata other than the null sentinel")
    #expect(try lua.encodeFailure("{t = coroutine.create(print)}") == "value.t: cannot encode a thread")
  }

  @Test func nanAndInfinities() throws {
    #expect(try lua.encodeFailure("{x = {0/0}}") == "value.x[1]: cannot encode NaN")
    #expect(try lua.encodeFailure("{x = math.huge}") == "value.x: cannot encode inf")
    #expect(try lua.encodeFailure("{x = -math.huge}") == "value.x: cannot encode -inf")
  }

  @Test func invalidUTF8() throws {
    #expect(try lua.encodeFailure("{s = 'ab\\xffc'}") == "value.s: invalid UTF-8 at byte 3")
    #expect(try lua.encodeFailure("{['k\\xff'] = 1}") == #"value["k\xff"]: invalid UTF-8 in key"#)
    let invalid = [
      "\\xc0\\xaf",  // overlong '/'
      "\\xe0\\x80\\xaf",  // overlong, three bytes
      "\\xf0\\x80\\x80\\xaf",  // overlong, four bytes
      "\\xed\\xa0\\x80",  // U+D800 encoded in UTF-8
      "\\xed\\xbf\\xbf",  // U+DFFF
      "\\xf4\\x90\\x80\\x80",  // U+110000
      "\\xf5\\x80\\x80\\x80",
      "\\xff",
      "\\x80",  // lone continuation
      "\\xe2\\x82",  // truncated at the end
      "\\xe2\\x82x",  // truncated before ASCII
      "\\xf0\\x9f\\x98",  // truncated astral
    ]
    for sequence in invalid {
      #expect(try lua.encodeFailure("{'ok', 'a\(sequence)'}") == "value[2]: invalid UTF-8 at byte 2", "\(sequence)")
    }
    #expect(try lua.encode("'\\xc2\\x80\\xed\\x9f\\xbf\\xee\\x80\\x80\\xf0\\x90\\x80\\x80\\xf4\\x8f\\xbf\\xbf'") ==
      "\"\u{80}\u{D7FF}\u{E000}\u{10000}\u{10FFFF}\"", "the edges of the valid ranges")
  }

  @Test func cycles() throws {
    #expect(try lua.failure("json.encode((function() local t = {} t.self = t return t end)())") ==
      "value.self: cycle detected")
    #expect(try lua.failure("json.encode((function() local t = {} t.a = {b = {t}} return t end)())") ==
      "value.a.b[1]: cycle detected")
    #expect(try lua.failure("json.encode((function() local t = {} t[1] = {t} return {x = t} end)(), {name = 'in'})") ==
      "in.x[1][1]: cycle detected")
  }

  // A 2000-deep value used to give a path of 1000 steps; the path now shows both ends.
  @Test func nestingDeeperThan1000() throws {
    let code = """
      local root = {} local t = root
      for i = 2, 2000 do t[1] = {} t = t[1] end
      local ok, err = pcall(json.encode, root)
      return err
      """
    #expect(try lua.eval(code) == "value[1][1][1][1][1][...990 more...][1][1][1][1][1]: nesting deeper than 1000")
  }

  @Test func deepPathsShowTheirFirstAndLastFiveSteps() throws {
    let code = """
      local levels = ...
      local root = {} local t = root
      for i = 1, levels - 1 do t["k" .. i] = {} t = t["k" .. i] end
      t["k" .. levels] = print
      local ok, err = pcall(json.encode, root)
      return err
      """
    #expect(try lua.eval(code, [Array("15".utf8)]) ==
      "value.k1.k2.k3.k4.k5.k6.k7.k8.k9.k10.k11.k12.k13.k14.k15: cannot encode a function")
    #expect(try lua.eval(code, [Array("16".utf8)]) ==
      "value.k1.k2.k3.k4.k5[...6 more...].k12.k13.k14.k15.k16: cannot encode a function")
  }

  @Test func mixedSparseAndOddKeys() throws {
    #expect(try lua.encodeFailure("{1, 2, x = 3}") == #"value: mixed table: integer key 1 and string key "x""#)
    #expect(try lua.encodeFailure("{r = {[2] = 'b', b = 1, a = 2}}") ==
      #"value.r: mixed table: integer key 2 and string key "a""#)
    #expect(try lua.encodeFailure("{[1] = 1, [3] = 3}") == "value: sparse array: missing index 2")
    #expect(try lua.encodeFailure("{[2] = 1}") == "value: sparse array: missing index 1")
    #expect(try lua.encodeFailure("{1, nil, 3}") == "value: sparse array: missing index 2")
    #expect(try lua.encodeFailure("{[0] = 'a', 'b'}") == "value: invalid array index 0")
    #expect(try lua.encodeFailure("{[-5] = 'a'}") == "value: invalid array index -5")
    #expect(try lua.encodeFailure("{[true] = 1}") == "value: unsupported key true")
    #expect(try lua.encodeFailure("{[1.5] = 1}") == "value: unsupported key 1.5")
    #expect(try lua.encodeFailure("{[{}] = 1}") == "value: unsupported key of type table")
    #expect(try lua.encodeFailure("{x = {[print] = 1}}") == "value.x: unsupported key of type function")
  }

  @Test func markedTablesWithForeignKeys() throws {
    #expect(try lua.encodeFailure("json.array{1, x = 2}") == #"value: array has string key "x""#)
    #expect(try lua.encodeFailure("json.array{[2] = 1}") == "value: sparse array: missing index 1")
    #expect(try lua.encodeFailure("json.object{1, x = 2}") == "value: object has non-string key 1")
    #expect(try lua.encodeFailure("{a = json.object{[3] = 1}}") == "value.a: object has non-string key 3")
  }

  @Test func theBufferIsReusableAfterAnError() throws {
    // An error half-way through must leave nothing behind that breaks the next call.
    let code = """
      for i = 1, 50 do
        assert(not pcall(json.encode, {('x'):rep(100000), print}))
        assert(not pcall(json.decode, '["' .. ('y'):rep(100000) .. '\\\\q"]'))
      end
      return json.encode({('z'):rep(3)})
      """
    #expect(try lua.eval(code) == #"["zzz"]"#)
  }
}
