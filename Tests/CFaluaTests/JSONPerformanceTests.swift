import Testing

/// The codec is on the hot path of every request: big documents must go through in well under a
/// second, and no shape of input may make it quadratic. The bounds are generous (about 10x what a
/// 2-core machine needs) so that they only catch a change of complexity, not a slow run.
@Suite struct JSONPerformanceTests {
  @Test func tenMegabyteDocument() throws {
    let code = """
      local items = {}
      for i = 1, 42000 do
        items[i] = {id = i * 7919, name = "item " .. i .. " é中😀", url = "https://fal.media/files/" .. i .. ".png",
                    score = i / 7, tags = {"a", "bb", "ccc"}, size = {w = 1024, h = 768}, ok = i % 2 == 0,
                    text = ("line\\nwith \\"quotes\\" "):rep(3)}
      end
      local text = json.encode({images = items})
      assert(#text > 10e6, #text)
      local t0 = os.clock()
      local value = json.decode(text)
      local t1 = os.clock()
      local again = json.encode(value)
      local t2 = os.clock()
      assert(again == text)
      return string.format("%.3f %.3f", t1 - t0, t2 - t1)
      """
    let times = try LuaJSON().eval(code).split(separator: " ").map { Double($0)! }
    #expect(times[0] < 2.0, "decode of 10 MB took \(times[0]) s")
    #expect(times[1] < 2.0, "encode of 10 MB took \(times[1]) s")
  }

  @Test(arguments: [
    ("a long array", "local t = {} for i = 1, 1000000 do t[i] = i end return t"),
    ("a wide object", "local t = {} for i = 1, 200000 do t['key' .. i] = i end return t"),
    ("a long string of escapes", #"return ('\n\1"\\é'):rep(1000000)"#),
    ("a long plain string", "return ('x'):rep(20000000)"),
    ("many floats", "local t = {} for i = 1, 200000 do t[i] = i / 7 end return t"),
    ("deep and wide", "local r = {} local t = r for d = 1, 900 do local n = {} for i = 1, 200 do n[i] = i end t[1] = n t = n end return r"),
  ])
  func noQuadraticShapes(name: String, maker: String) throws {
    let code = """
      local value = (function() \(maker) end)()
      local t0 = os.clock()
      local text = json.encode(value)
      local back = json.decode(text)
      assert(json.encode(back) == text)
      return string.format("%.3f", os.clock() - t0)
      """
    let seconds = Double(try LuaJSON().eval(code))!
    #expect(seconds < 3.0, "\(name): \(seconds) s")
  }
}
