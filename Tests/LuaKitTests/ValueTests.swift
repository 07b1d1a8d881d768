import LuaKit
import Testing

@Suite struct ValueTests {
  @Test func valuesRoundTripThroughTheStack() throws {
    let vm = LuaVM()
    let lua = vm.lua
    lua.push("héllo")
    lua.push(42)
    lua.push(2.5)
    lua.push(true)
    lua.push(bytes: [0, 255, 10])
    #expect(lua.string(at: 1) == "héllo")
    #expect(lua.integer(at: 2) == 42)
    #expect(lua.number(at: 3) == 2.5)
    #expect(lua.integer(at: 3) == nil)
    #expect(lua.bool(at: 4))
    #expect(lua.bytes(at: 5) == [0, 255, 10])
    #expect(lua.string(at: 2) == nil, "numbers are not converted in place")
    #expect(lua.type(at: 2) == .number)
  }

  @Test func tablesAndRefs() throws {
    let vm = LuaVM()
    let lua = vm.lua
    lua.newTable()
    lua.push("v")
    lua.rawSet(field: "k", in: -2)
    lua.push(7)
    lua.rawSet(index: 1, in: -2)
    let ref = lua.ref()
    #expect(lua.top == 0)
    lua.push(ref)
    #expect(lua.rawGet(field: "k", in: -1) == .string)
    #expect(lua.string(at: -1) == "v")
    lua.pop()
    lua.rawGet(index: 1, in: -1)
    #expect(lua.integer(at: -1) == 7)
    #expect(lua.rawLength(at: -2) == 1)
    var keys: [String] = []
    lua.pop()
    lua.forEachPair(in: -1) {
      if let key = lua.string(at: -2) { keys.append(key) }
    }
    #expect(keys == ["k"])
    lua.unref(ref)
  }

  @Test func syntaxErrorsAreThrown() {
    let vm = LuaVM()
    let lua = vm.lua
    #expect(throws: LuaError.self) { try lua.load("return +", name: "=bad") }
    #expect(lua.top == 0)
  }
}
