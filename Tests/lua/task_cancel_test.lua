-- Cancelling a task blocked in `task:wait(timeout)` stops the wait's timer: nothing the task started
-- stays pending, so the program ends at once instead of when the timer would have fired.
local t = require("support")
local core = require("fal.core")
local main = require("fal.scheduler").current()

-- Tasks start in spawn order: `waiter` is blocked in its wait by the time `step` has ended.
local waiter = fal.spawn(function() return main:wait(10) end)
local step = fal.spawn(function() end)
step:wait()
t.eq(waiter:status(), "blocked", "the waiter blocks in its wait")
t.eq(core.pending(), 1, "the wait's timer is pending")
assert(waiter:cancel(), "the waiter was cancelled")
t.eq(core.pending(), 0, "cancelling the waiter stopped its timer")
local ok, err = waiter:wait()
assert(not ok and err.kind == "cancelled", tostring(err))

-- The same for a task blocked in an operation (a sleep): the operation is aborted.
local sleeper = fal.spawn(function() fal.sleep(10) end)
step = fal.spawn(function() end)
step:wait()
t.eq(core.pending(), 1, "the sleep is pending")
assert(sleeper:cancel(), "the sleeper was cancelled")
t.eq(core.pending(), 0, "cancelling the sleeper aborted its sleep")
