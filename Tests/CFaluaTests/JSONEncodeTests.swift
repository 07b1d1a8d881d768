import Testing

/// `json.encode` on values that encode: numbers, strings, tables, markers, options.
@Suite struct JSONEncodeTests {
  let lua = LuaJSON()

  @Test func scalars() throws {
    #expect(try lua.encode("true") == "true")
    #expect(try lua.encode("false") == "false")
    #expect(try lua.encode("nil") == "null")
    #expect(try lua.encode("json.null") == "null")
    #expect(try lua.encode("'hi'") == "\"hi\"")
  }

  @Test func integersAreExact() throws {
    #expect(try lua.encode("0") == "0")
    #expect(try lua.encode("-1") == "-1")
    #expect(try lua.encode("math.maxinteger") == "9223372036854775807")
    #expect(try lua.encode("math.mininteger") == "-9223372036854775808")
    #expect(try lua.encode("1 << 53 | 1") == "9007199254740993")
  }

  @Test(arguments: [
    ("0.1", "0.1"),
    ("1.0", "1.0"),
    ("-0.0", "-0.0"),
    ("0.0", "0.0"),
    ("1/3", "0.3333333333333333"),
    ("2/3", "0.6666666666666666"),
    ("0.1 + 0.2", "0.30000000000000004"),
    ("1e21", "1e+21"),
    ("1e22", "1e+22"),
    ("1e16", "1e+16"),
    ("1e15", "1000000000000000.0"),
    ("2^53", "9007199254740992.0"),
    ("2^63", "9.223372036854776e+18"),
    ("-1.5", "-1.5"),
    ("123.456", "123.456"),
    ("1e-4", "0.0001"),
    ("1e-5", "1e-05"),
    ("1.5e-7", "1.5e-07"),
    ("1e300", "1e+300"),
    ("5e-324", "5e-324"),
    ("-5e-324", "-5e-324"),
    ("2.2250738585072014e-308", "2.2250738585072014e-308"),
    ("2.225073858507201e-308", "2.225073858507201e-308"),
    ("1.7976931348623157e308", "1.7976931348623157e+308"),
    ("100.0", "100.0"),
    ("12345.678", "12345.678"),
    // Edges of the shortest-digits search and of repr's layout.
    ("123456789012345680.0", "1.2345678901234568e+17"),
    ("9999999999999998.0", "9999999999999998.0"),
    ("9.999999999999999e-05", "9.999999999999999e-05"),
    ("1e23", "1e+23"),
    ("0.3", "0.3"),
    ("1e-310", "1e-310"),
    ("2.5e-320", "2.5e-320"),
    ("3 * 5e-324", "1.5e-323"),
    ("-2.2250738585072011e-308", "-2.225073858507201e-308"),
  ])
  func floatsInShortestForm(expression: String, expected: String) throws {
    #expect(try lua.encode(expression) == expected)
  }

  @Test func floatsReadBackExactlyAndStayFloats() throws {
    let code = """
      local values = {0.1, 1.0, -0.0, 1e21, 5e-324, 2^53, 2^63, 1/3, math.pi, -1e-300, 1.7976931348623157e308}
      for i = 1, 2000 do values[#values + 1] = string.unpack("<d", string.pack("<i8", math.random(0, math.maxinteger))) end
      for _, x in ipairs(values) do
        if x == x and math.abs(x) ~= math.huge then
          local back = json.decode(json.encode(x))
          if math.type(back) ~= "float" or string.pack("<d", back) ~= string.pack("<d", x) then
            return "mismatch for " .. string.format("%a", x) .. ": " .. json.encode(x)
          end
        end
      end
      return "ok"
      """
    #expect(try lua.eval(code) == "ok")
  }

  @Test func stringEscapes() throws {
    #expect(try lua.encode(#"'"\\'"#) == #""\"\\""#)
    #expect(try lua.encode(#"'\n\t\r\b\f'"#) == #""\n\t\r\b\f""#)
    #expect(try lua.encode(#"'\0\1\31\127'"#) == "\"\\u0000\\u0001\\u001f\u{7F}\"")
    #expect(try lua.encode("'a/b'") == #""a/b""#, "/ is not escaped")
    #expect(try lua.encode("'é中😀'") == "\"é中😀\"", "non-ASCII is not escaped")
    #expect(try lua.encode("('x'):rep(100) .. '\\n' .. ('y'):rep(100)") ==
      "\"" + String(repeating: "x", count: 100) + "\\n" + String(repeating: "y", count: 100) + "\"")
  }

  @Test func everyControlCharacterIsEscaped() throws {
    let encoded = try lua.eval(
      "local t = {} for i = 0, 31 do t[#t + 1] = string.char(i) end return json.encode(table.concat(t))")
    let short: [Int: String] = [8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"]
    let expected = (0..<32).map { short[$0] ?? "\\u00" + String(format2: $0) }.joined()
    #expect(encoded == "\"" + expected + "\"")
  }

  @Test func arraysAndObjects() throws {
    #expect(try lua.encode("{1, 2, 3}") == "[1,2,3]")
    #expect(try lua.encode("{'a', {true, false}, {x = 1}}") == #"["a",[true,false],{"x":1}]"#)
    #expect(try lua.encode("{b = 1, a = 2, c = {z = 1, y = 2}}") == #"{"a":2,"b":1,"c":{"y":2,"z":1}}"#)
    #expect(try lua.encode("{}") == "{}", "an empty unmarked table is an object")
    #expect(try lua.encode("{[1] = 'a', [2] = 'b'}") == #"["a","b"]"#)
    #expect(try lua.encode("{1, json.null, 3}") == "[1,null,3]")
    #expect(try lua.encode("{a = json.null}") == #"{"a":null}"#)
  }

  @Test func objectKeysAreSortedBytewise() throws {
    let encoded = try lua.encode("{b = 1, B = 2, a = 3, ['é'] = 4, ['aa'] = 5, [''] = 6, ['a\\0'] = 7}")
    #expect(encoded == "{\"\":6,\"B\":2,\"a\":3,\"a\\u0000\":7,\"aa\":5,\"b\":1,\"é\":4}")
  }

  @Test func sameTableTwiceIsNotACycle() throws {
    #expect(try lua.eval("local s = {1} return json.encode({s, s, {s}, {k = s}})") ==
      #"[[1],[1],[[1]],{"k":[1]}]"#)
  }

  @Test func nestingUpTo1000() throws {
    let code = """
      local root = {} local t = root
      for i = 2, 1000 do t[1] = {} t = t[1] end
      return json.encode(root)
      """
    // 999 arrays around an empty (so unmarked: object) table.
    #expect(try lua.eval(code) == String(repeating: "[", count: 999) + "{}" + String(repeating: "]", count: 999))
  }

  @Test func prettyPrinting() throws {
    let expected = """
      {
        "a": [
          1,
          {
            "b": []
          }
        ],
        "c": {},
        "d": "x"
      }
      """
    #expect(try lua.encode("{d = 'x', c = json.object{}, a = {1, {b = json.array{}}}}", "{indent = 2}") == expected)
    #expect(try lua.encode("{1, 2}", "{indent = 0}") == "[\n1,\n2\n]")
    #expect(try lua.encode("{1, 2}", "{indent = 4}") == "[\n    1,\n    2\n]")
    #expect(try lua.encode("{}", "{indent = 4}") == "{}")
    #expect(try lua.encode("{1}", "{indent = 2.0}") == "[\n  1\n]", "an integral float is an integer")
  }

  @Test func nonMarkerMetatablesAreIgnored() throws {
    #expect(try lua.encode("setmetatable({1, 2}, {__index = function() return 'x' end})") == "[1,2]")
    #expect(try lua.encode("setmetatable({a = 1}, {__pairs = error})") == #"{"a":1}"#)
  }

  @Test func options() throws {
    #expect(try lua.encodeFailure("{f = print}", "{name = 'input'}") == "input.f: cannot encode a function")
    #expect(try lua.failure("json.encode(1, {foo = 1})") == "test:1: bad argument #2 to 'encode' (unknown option 'foo')")
    #expect(try lua.failure("json.encode(1, {indent = -1})") ==
      "test:1: bad argument #2 to 'encode' (option 'indent' must be an integer from 0 to 32)")
    #expect(try lua.failure("json.encode(1, {indent = 1.5})") ==
      "test:1: bad argument #2 to 'encode' (option 'indent' must be an integer from 0 to 32)")
    #expect(try lua.failure("json.encode(1, {indent = '2'})") ==
      "test:1: bad argument #2 to 'encode' (option 'indent' must be an integer from 0 to 32)")
    #expect(try lua.failure("json.encode(1, {indent = 33})") ==
      "test:1: bad argument #2 to 'encode' (option 'indent' must be an integer from 0 to 32)")
    #expect(try lua.failure("json.encode(1, {name = 1})") ==
      "test:1: bad argument #2 to 'encode' (option 'name' must be a string)")
    #expect(try lua.failure("json.encode(1, 'x')") == "test:1: bad argument #2 to 'encode' (table expected, got string)")
    #expect(try lua.failure("json.encode()") == "test:1: bad argument #1 to 'encode' (value expected)")
  }
}

extension String {
  /// Two lowercase hex digits.
  init(format2 value: Int) {
    let digits = Array("0123456789abcdef")
    self = String([digits[value >> 4], digits[value & 15]])
  }
}
