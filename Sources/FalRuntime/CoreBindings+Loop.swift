import CFalua
import LuaKit
import Transport

// The scheduler's primitives (stdlib/fal/scheduler.lua): start a timer, cancel an operation, run
// one loop turn and collect what finished, and see Ctrl-C.
extension CoreBindings {
  /// `resume`, `sleep`, `cancel`, `pending`, `poll`, `interrupted`, `clear_interrupt`, `now`.
  static func registerLoop(_ core: Core, _ lua: Lua) {
    lua.push(cFunction: falua_lua_resume)
    lua.rawSet(field: "resume", in: -2)
    lua.register([
      // (seconds) -> operation id
      "sleep": { lua in
        lua.push(core.sleep(max(0, try lua.optNumber(1, "seconds") ?? 0)))
        return 1
      },
      // (operation id)
      "cancel": { lua in
        core.cancel(try lua.checkInteger(1, "id"))
        return 0
      },
      "pending": { lua in
        lua.push(core.pending)
        return 1
      },
      // (timeout|nil) -> {completion...}
      "poll": { lua in
        let finished = core.poll(timeout: try lua.optNumber(1, "timeout"))
        lua.newTable(array: Int32(finished.count))
        for (index, item) in finished.enumerated() {
          pushCompletion(id: item.id, outcome: item.outcome, onto: lua)
          lua.rawSet(index: index + 1, in: -2)
        }
        return 1
      },
      "interrupted": { lua in
        lua.push(core.isInterrupted)
        return 1
      },
      "clear_interrupt": { _ in
        falua_control_clear(core.interrupt.pointer)
        return 0
      },
      "now": { lua in
        lua.push(EventLoop.now())
        return 1
      },
    ])
  }
}
