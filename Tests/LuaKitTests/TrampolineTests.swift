import LuaKit
import Testing

/// A Lua error raised from Swift must not longjmp over Swift frames: `defer` runs, objects are
/// released, and Lua sees the error (DESIGN.md §3).
@Suite struct TrampolineTests {
  struct Boom: Error {}
  struct TableError: LuaRaisable {
    func push(onto lua: Lua) {
      lua.newTable()
      lua.push("usage")
      lua.rawSet(field: "kind", in: -2)
    }
  }

  /// Counts its own releases; each test has its own counter, so parallel tests do not interfere.
  final class Counter { var released = 0 }
  final class Tracker {
    let counter: Counter
    init(_ counter: Counter) { self.counter = counter }
    deinit { counter.released += 1 }
  }

  @Test func swiftDeferRunsWhenTheFunctionRaises() throws {
    let vm = LuaVM()
    var deferRan = false
    vm.lua.push(function: { _ in
      defer { deferRan = true }
      throw LuaError(message: "swift side failed")
    })
    vm.lua.setGlobal("failing")
    try vm.lua.run("ok, err = pcall(failing)", name: "=test")
    #expect(deferRan)
    vm.lua.getGlobal("ok")
    #expect(vm.lua.bool(at: -1) == false)
    vm.lua.getGlobal("err")
    #expect(vm.lua.string(at: -1) == "swift side failed")
  }

  @Test func objectsCreatedBeforeTheErrorAreReleased() throws {
    let vm = LuaVM()
    let counter = Counter()
    vm.lua.push(function: { _ in
      let tracker = Tracker(counter)
      _ = tracker
      throw Boom()
    })
    vm.lua.setGlobal("failing")
    try vm.lua.run("for i = 1, 10 do pcall(failing) end", name: "=test")
    #expect(counter.released == 10)
  }

  @Test func raisableErrorsArriveAsTables() throws {
    let vm = LuaVM()
    vm.lua.push(function: { _ in throw TableError() })
    vm.lua.setGlobal("failing")
    try vm.lua.run("local ok, err = pcall(failing); kind = err.kind", name: "=test")
    vm.lua.getGlobal("kind")
    #expect(vm.lua.string(at: -1) == "usage")
  }

  @Test func uncaughtErrorsCarryATraceback() throws {
    let vm = LuaVM()
    do {
      try vm.lua.run("local function inner() error('deep') end\ninner()", name: "=chunk")
      Issue.record("expected an error")
    } catch let error as LuaError {
      #expect(error.message.contains("chunk:1: deep"))
      #expect(error.message.contains("stack traceback"))
      #expect(error.message.contains("inner"))
    }
  }

  @Test func closuresAreReleasedWithTheState() throws {
    let counter = Counter()
    do {
      let vm = LuaVM()
      let tracker = Tracker(counter)
      vm.lua.push(function: { _ in _ = tracker; return 0 })
      vm.lua.setGlobal("f")
    }
    #expect(counter.released == 1)
  }
}
