import Foundation
import Testing

extension SerialCommandTests {
  /// The REPL's completion and rendering, called directly from Lua (the terminal tests drive them
  /// through libedit).
  @Suite struct CompletionAndInspectTests {
    static func lua(_ code: String) async throws -> Falua.Result { try await Falua.running(["-e", code]) }

    @Test func completesThroughPathsIndexTablesAndLazyNames() async throws {
      let result = try await Self.lua("""
        local c = require('fal.completion')
        local function show(...) print(table.concat((c.complete(...)), ' ')) end
        show('fal.sub', 'fal.sub')
        show('(fal.jso', '(fal.jso')
        show('fal.json.de', 'fal.json.de')
        base = { inherited = 1 }
        obj = setmetatable({ own = 1 }, { __index = base, __completions = { 'lazy' } })
        show('obj.', 'obj.')
        show('obj:', 'obj:')
        methods = setmetatable({}, { __index = { go = function() end, value = 1 } })
        show('methods:', 'methods:')
        show('wh', 'wh')
        show('cou', 'cou', 'local count, total = 1, 2')
        show('ite', 'ite', 'for index, item in ipairs(t) do')
        show('nothing.here.', 'nothing.here.')
        print(select(2, c.complete('io.open("Pack', 'Pack')))
        """)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == """
        fal.submit fal.subscribe
        (fal.json
        fal.json.decode
        obj.inherited obj.lazy obj.own
        
        methods:go
        while
        count
        item

        files

        """)
    }

    @Test func rendersWithLimitsCyclesNullAndColour() async throws {
      let result = try await Self.lua("""
        local inspect = require('fal.inspect')
        print(inspect({ 1, 'two', { three = fal.null }, [10] = true, ['not id'] = 1, ['end'] = 2 }))
        local t = {} t.self = t
        print(inspect(t))
        local shared = { 1 }
        print(inspect({ a = shared, b = shared }))
        print(inspect({ { { { 1 } } } }, { depth = 2 }))
        print(inspect({ 1, 2, 3, 4, 5 }, { items = 2 }))
        print(inspect(string.rep('x', 10), { string = 4 }))
        print(inspect({ s = 'x', n = 1 }, { colour = true }))
        """)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stdout == """
        { 1, "two", { three = null }, [10] = true, ["end"] = 2, ["not id"] = 1 }
        { self = <cycle> }
        { a = { 1 }, b = { 1 } }
        { { {…1} } }
        { 1, 2, … 3 more }
        "xxxx"… (10 bytes)
        { n = \u{1B}[36m1\u{1B}[0m, s = \u{1B}[32m"x"\u{1B}[0m }

        """)
    }
  }
}
