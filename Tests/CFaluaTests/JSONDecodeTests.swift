import Testing

/// `json.decode`: number types, strings and escapes, and the exact error texts with positions.
@Suite struct JSONDecodeTests {
  let lua = LuaJSON()

  /// `math.type` and value of the decoded number, e.g. "integer 1".
  func number(_ text: String) throws -> String {
    let code = """
      local x = json.decode(...)
      return math.type(x) .. ' ' .. (math.type(x) == 'integer' and tostring(x) or string.format('%.17g', x))
      """
    return try lua.eval(code, [Array(text.utf8)])
  }

  @Test func integersThatFitInt64AreIntegers() throws {
    #expect(try number("0") == "integer 0")
    #expect(try number("-0") == "integer 0")
    #expect(try number("42") == "integer 42")
    #expect(try number("-42") == "integer -42")
    #expect(try number("9223372036854775807") == "integer 9223372036854775807")
    #expect(try number("-9223372036854775808") == "integer -9223372036854775808")
    #expect(try number("1000000000000000000") == "integer 1000000000000000000")
    #expect(try number("9007199254740993") == "integer 9007199254740993")
    #expect(try lua.eval("return json.decode('[9223372036854775807]')[1] == math.maxinteger"
      + " and json.decode('-9223372036854775808') == math.mininteger") == "true")
  }

  @Test func otherNumbersAreFloats() throws {
    #expect(try number("9223372036854775808") == "float 9.2233720368547758e+18")
    #expect(try number("-9223372036854775809") == "float -9.2233720368547758e+18")
    #expect(try number("18446744073709551616") == "float 1.8446744073709552e+19")
    #expect(try number("123456789012345678901234567890") == "float 1.2345678901234568e+29")
    #expect(try number("1.0") == "float 1")
    #expect(try number("1e2") == "float 100")
    #expect(try number("1E+2") == "float 100")
    #expect(try number("0.5") == "float 0.5")
    #expect(try number("-0.0") == "float -0")
    #expect(try number("0e0") == "float 0")
    #expect(try number("1e400") == "float inf")
    #expect(try number("-1e400") == "float -inf")
    #expect(try number("1e-400") == "float 0")
    #expect(try number("4.9406564584124654e-324") == "float 4.9406564584124654e-324")
    #expect(try number("2.4703282292062328e-324") == "float 4.9406564584124654e-324")
    #expect(try number("0.1") == "float 0.10000000000000001")
    #expect(try number("1" + String(repeating: "0", count: 400) + "e-400") == "float 1")
    #expect(try number("0." + String(repeating: "0", count: 300) + "1e300") == "float 0.10000000000000001")
    #expect(try number("1e99999999999999999999") == "float inf")
    #expect(try number("2.2250738585072011e-308") == "float 2.2250738585072009e-308")
    #expect(try number("1e-320") == "float 9.9998886718268301e-321")
    #expect(try number("1e23") == "float 9.9999999999999992e+22")
    #expect(try number("1.7976931348623157e308") == "float 1.7976931348623157e+308")
    #expect(try number("1.7976931348623159e308") == "float inf")
    #expect(try lua.eval("return 1/json.decode('-0.0') < 0") == "true", "the sign of -0.0 is kept")
  }

  @Test func floatsRoundTripThroughTheirText() throws {
    #expect(try lua.roundTrip("[0.1,1.0,-0.0,1e+21,5e-324,1.5,100.0,2.5e-08]") == "[0.1,1.0,-0.0,1e+21,5e-324,1.5,100.0,2.5e-08]")
    #expect(try lua.roundTrip("[1E2, 1e21, 0.10, 1.50e1]") == "[100.0,1e+21,0.1,15.0]")
  }

  @Test func strings() throws {
    #expect(try lua.eval(#"return json.decode('"abc"')"#) == "abc")
    #expect(try lua.eval(#"return json.decode('""')"#) == "")
    #expect(try lua.eval("return json.decode(...)", [Array(#""\"\\\/\b\f\n\r\t""#.utf8)]) == "\"\\/\u{8}\u{C}\n\r\t")
    #expect(try lua.eval("return json.decode(...)", [Array(#""\u0041\u00e9\u4E2D\ud83d\ude00\u0000x""#.utf8)]) ==
      "Aé中😀\u{0}x")
    #expect(try lua.eval("return json.decode(...)", [Array(#""\uDBFF\uDFFF\uD800\uDC00""#.utf8)]) == "\u{10FFFF}\u{10000}")
    #expect(try lua.eval("return json.decode(...)", [Array("\"é中😀\u{7F}/\"".utf8)]) == "é中😀\u{7F}/")
    let long = String(repeating: "abcdefgh", count: 10000)
    #expect(try lua.eval("return json.decode(...)", [Array("\"\(long)\\n\(long)\"".utf8)]) == long + "\n" + long)
  }

  @Test func structures() throws {
    #expect(try lua.roundTrip(#" { "b" : [ 1 , 2 ] ,"a":{ } , "c" :[]}"#) == #"{"a":{},"b":[1,2],"c":[]}"#)
    #expect(try lua.roundTrip("\t\r\n [\n1\r\n]\t") == "[1]", "the four JSON whitespace characters")
    #expect(try lua.roundTrip(#"{"a":1,"a":2}"#) == #"{"a":2}"#, "the last duplicate wins")
    #expect(try lua.roundTrip(#"{"a":1,"a":null}"#) == "{}", "a later null removes the key")
    #expect(try lua.roundTrip(#"{"a":1,"a":null}"#, "{keep_null = true}") == #"{"a":null}"#)
    #expect(try lua.eval(#"local t = json.decode('[1,"x",true,false,{"k":[]}]') return #t .. type(t[5].k)"#) == "5table")
  }

  @Test func topLevelScalars() throws {
    #expect(try lua.eval("return json.decode('true')") == "true")
    #expect(try lua.eval("return json.decode(' 7 ')") == "7")
    #expect(try lua.eval("return json.decode('null')") == "nil")
    #expect(try lua.eval("return json.decode('null', {keep_null = true}) == json.null") == "true")
  }

  @Test func errorPositions() throws {
    #expect(try lua.decodeFailure("") == "invalid JSON at line 1 column 1: unexpected end of input")
    #expect(try lua.decodeFailure("[1,") == "invalid JSON at line 1 column 4: unexpected end of input")
    #expect(try lua.decodeFailure("[1 x]") == "invalid JSON at line 1 column 4: unexpected character 'x'")
    #expect(try lua.decodeFailure("{\n  \"a\": 1,\n  \"b\" 2\n}") ==
      "invalid JSON at line 3 column 7: unexpected character '2'")
    #expect(try lua.decodeFailure("[\"é中😀\", x]") == "invalid JSON at line 1 column 9: unexpected character 'x'",
      "columns count characters")
    #expect(try lua.decodeFailure("[1] [2]") == "invalid JSON at line 1 column 5: trailing data after the document")
    #expect(try lua.decodeFailure("[\"abc") == "invalid JSON at line 1 column 2: unterminated string")
    #expect(try lua.decodeFailure(bytes("[\"a‹FF›\"]")) == "invalid JSON at line 1 column 4: invalid UTF-8")
    #expect(try lua.decodeFailure(bytes("‹FF›")) == "invalid JSON at line 1 column 1: invalid UTF-8")
    #expect(try lua.decodeFailure("[\"a\nb\"]") == "invalid JSON at line 1 column 4: control character in string")
    #expect(try lua.decodeFailure(#"["\ud800"]"#) == "invalid JSON at line 1 column 3: lone surrogate")
    #expect(try lua.decodeFailure(#"["\udc00\ud800"]"#) == "invalid JSON at line 1 column 3: lone surrogate")
    #expect(try lua.decodeFailure(#"["\ud800\u0041"]"#) == "invalid JSON at line 1 column 3: lone surrogate")
    #expect(try lua.decodeFailure(#"["\u12G4"]"#) == #"invalid JSON at line 1 column 3: invalid \u escape"#)
    #expect(try lua.decodeFailure(#"["\a"]"#) == #"invalid JSON at line 1 column 3: invalid escape '\a'"#)
    #expect(try lua.decodeFailure("[01]") == "invalid JSON at line 1 column 2: invalid number (leading zero)")
    #expect(try lua.decodeFailure("[1.]") == "invalid JSON at line 1 column 2: invalid number")
    #expect(try lua.decodeFailure("[-]") == "invalid JSON at line 1 column 2: invalid number")
    #expect(try lua.decodeFailure("[1e+]") == "invalid JSON at line 1 column 2: invalid number")
    #expect(try lua.decodeFailure("[NaN]") == "invalid JSON at line 1 column 2: unexpected character 'N'")
    #expect(try lua.decodeFailure("[tru]") == "invalid JSON at line 1 column 5: unexpected character ']'")
    #expect(try lua.decodeFailure("\u{FEFF}[]") == "invalid JSON at line 1 column 1: unexpected character U+FEFF")
    #expect(try lua.decodeFailure("[\u{0B}1]") == "invalid JSON at line 1 column 2: unexpected character U+000B")
    #expect(try lua.decodeFailure("[1,]") == "invalid JSON at line 1 column 4: unexpected character ']'")
    #expect(try lua.decodeFailure(#"{"a":1,}"#) == "invalid JSON at line 1 column 8: unexpected character '}'")
    #expect(try lua.decodeFailure("['a']") == "invalid JSON at line 1 column 2: unexpected character '''")
    #expect(try lua.decodeFailure("[1]//") == "invalid JSON at line 1 column 4: trailing data after the document")
  }

  @Test func nesting() throws {
    let ok = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
    #expect(try lua.roundTrip(ok) == ok)
    let deep = String(repeating: "[", count: 1001) + String(repeating: "]", count: 1001)
    #expect(try lua.decodeFailure(deep) == "invalid JSON at line 1 column 1001: nesting deeper than 1000")
    let objects = String(repeating: #"{"a":"#, count: 1001) + "1" + String(repeating: "}", count: 1001)
    #expect(try lua.decodeFailure(objects) == "invalid JSON at line 1 column 5001: nesting deeper than 1000")
  }

  @Test func arguments() throws {
    #expect(try lua.failure("json.decode(12)") == "test:1: bad argument #1 to 'decode' (string expected, got number)")
    #expect(try lua.failure("json.decode('1', {nulls = true})") == "test:1: bad argument #2 to 'decode' (unknown option 'nulls')")
    #expect(try lua.failure("json.decode('1', {keep_null = 1})") ==
      "test:1: bad argument #2 to 'decode' (option 'keep_null' must be a boolean)")
  }
}
