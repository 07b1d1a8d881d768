import CFalua
import Testing

/// The null sentinel and the array/object markers: what decode produces and encode honours.
@Suite struct JSONNullAndMarkerTests {
  let lua = LuaJSON()

  @Test func nullSentinelIsAStableLightUserdata() throws {
    let code = """
      local a, b = json.null, json.null
      return type(a) .. ' ' .. tostring(a == b) .. ' ' .. tostring(a ~= nil)
        .. ' ' .. tostring(json.decode('[null]')[1] == a)
        .. ' ' .. tostring(json.decode('null', {keep_null = true}) == a)
      """
    #expect(try lua.eval(code) == "userdata true true true true")
    // The same value in another state too: it points at one static C object.
    let other = LuaJSON()
    let here = try lua.eval("return string.format('%p', json.null)")
    let there = try other.eval("return string.format('%p', json.null)")
    #expect(here == there)
    #expect(here != "(null)" && here != "0x0")
  }

  @Test func nullInObjectsIsAbsentAndInArraysKeepsItsPosition() throws {
    let code = """
      local t = json.decode('{"a":null,"b":1,"c":[null,2,null]}')
      local keys = 0 for _ in pairs(t) do keys = keys + 1 end
      return tostring(t.a) .. ' ' .. keys .. ' ' .. #t.c .. ' '
        .. tostring(t.c[1] == json.null) .. tostring(t.c[3] == json.null) .. ' ' .. json.encode(t)
      """
    #expect(try lua.eval(code) == #"nil 2 3 truetrue {"b":1,"c":[null,2,null]}"#)
  }

  @Test func keepNullKeepsEveryNull() throws {
    let text = #"{"a":null,"b":{"c":null},"d":[null]}"#
    #expect(try lua.eval("return tostring(json.decode(..., {keep_null = true}).a == json.null)", [Array(text.utf8)]) == "true")
    #expect(try lua.roundTrip(text, "{keep_null = true}") == text)
    #expect(try lua.roundTrip(text) == #"{"b":{},"d":[null]}"#)
    #expect(try lua.roundTrip(text, "{keep_null = false}") == #"{"b":{},"d":[null]}"#)
  }

  @Test func decodedContainersCarryMarkers() throws {
    let code = """
      local t = json.decode('{"arr":[],"obj":{},"full":[1],"nested":{"x":1}}')
      local function name(v) return getmetatable(v).__name end
      return name(t) .. ' ' .. name(t.arr) .. ' ' .. name(t.obj) .. ' ' .. name(t.full) .. ' ' .. name(t.nested)
      """
    #expect(try lua.eval(code) == "fal.object fal.array fal.object fal.array fal.object")
  }

  @Test func containersReEncodeAsTheyCame() throws {
    for text in ["[]", "{}", #"{"a":[],"b":{},"c":[[],{}]}"#, #"[{},[],{"x":[]}]"#] {
      #expect(try lua.roundTrip(text) == text)
    }
    // Emptied after decoding, they still keep their kind.
    let code = """
      local t = json.decode('{"list":[1,2],"map":{"k":1}}')
      t.list[1], t.list[2], t.map.k = nil, nil, nil
      return json.encode(t)
      """
    #expect(try lua.eval(code) == #"{"list":[],"map":{}}"#)
  }

  @Test func markersLiveInTheRegistryWithFixedKeys() throws {
    let code = """
      local reg = debug.getregistry()
      local a, o = reg["falua.json.array"], reg["falua.json.object"]
      return tostring(getmetatable(json.decode('[]')) == a) .. ' ' .. tostring(getmetatable(json.decode('{}')) == o)
        .. ' ' .. tostring(a ~= o) .. ' ' .. a.__name .. ' ' .. o.__name
      """
    #expect(try lua.eval(code) == "true true true fal.array fal.object")
  }

  @Test func arrayAndObjectMarkExplicitly() throws {
    #expect(try lua.encode("json.array{}") == "[]")
    #expect(try lua.encode("json.object{}") == "{}")
    #expect(try lua.encode("json.array{1, 2}") == "[1,2]")
    #expect(try lua.encode("json.object{a = 1}") == #"{"a":1}"#)
    #expect(try lua.encode("{json.array{}, json.object{}}") == "[[],{}]")
    #expect(try lua.eval("local t = {} return tostring(json.array(t) == t) .. ' ' .. getmetatable(t).__name") ==
      "true fal.array")
    #expect(try lua.eval("local t = json.array{} json.object(t) return json.encode(t)") == "{}", "re-marking switches kind")
    #expect(try lua.eval("return json.encode(json.array(setmetatable({}, {__index = {}})))") == "[]",
      "marking replaces another metatable")
    #expect(try lua.failure("json.array(1)") == "test:1: bad argument #1 to 'array' (table expected, got number)")
    #expect(try lua.failure("json.object('x')") == "test:1: bad argument #1 to 'object' (table expected, got string)")
    #expect(try lua.failure("json.array()") == "test:1: bad argument #1 to 'array' (table expected, got no value)")
  }

  @Test func openingTwiceSharesTheMarkers() throws {
    // A second library table in the same state, opened through the C function.
    _ = falua_open_json(lua.L)
    lua_setglobal(lua.L, "again")
    let code = """
      return tostring(getmetatable(again.decode('[]')) == getmetatable(json.decode('[]')))
        .. ' ' .. tostring(again.null == json.null) .. ' ' .. again.encode(json.decode('[]'))
      """
    #expect(try lua.eval(code) == "true true []")
  }
}
