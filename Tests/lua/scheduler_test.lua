-- Tasks, waits, cancellation and coroutine pass-through (DESIGN.md §3, §9).
local t = require("support")

-- spawn/wait returns ok, values...
local task = fal.spawn(function(a, b) fal.sleep(0.01); return a + b, "x" end, 2, 3)
local ok, sum, x = task:wait()
assert(ok and sum == 5 and x == "x", "wait returns the task's values")

-- a failing task does not kill its siblings; its error is returned by wait
local failing = fal.spawn(function() fal.sleep(0.01); error("boom") end)
local sibling = fal.spawn(function() fal.sleep(0.03); return "alive" end)
local ok1, err1 = failing:wait()
assert(not ok1 and tostring(err1):find("boom"), "failing task reports its error")
local ok2, v2 = sibling:wait()
assert(ok2 and v2 == "alive", "sibling survives")

-- wait_all keeps order
local results = fal.wait_all({
  fal.spawn(function() fal.sleep(0.03); return 1 end),
  fal.spawn(function() error("second fails") end),
  fal.spawn(function() return 3, 4 end),
})
assert(results[1].ok and results[1].value == 1)
assert(not results[2].ok and tostring(results[2].error):find("second fails"))
assert(results[3].ok and results[3].value == 3 and results[3].values[2] == 4)

-- wait_any returns the first to finish
local slow = fal.spawn(function() fal.sleep(0.2); return "slow" end)
local fast = fal.spawn(function() fal.sleep(0.01); return "fast" end)
local index, okf, value = fal.wait_any({ slow, fast })
assert(index == 2 and okf and value == "fast", "wait_any picks the first")
slow:cancel()

-- wait with a timeout leaves the task running
local long = fal.spawn(function() fal.sleep(0.2); return "done" end)
local okt, errt = long:wait(0.01)
assert(not okt and errt.kind == "timeout", "wait timeout")
assert(long:status() ~= "done")
local okl, vl = long:wait()
assert(okl and vl == "done", "task kept running after the wait timed out")

-- cancel runs to-be-closed variables and makes wait fail with kind cancelled
local closed = false
local victim = fal.spawn(function()
  local guard <close> = setmetatable({}, { __close = function() closed = true end })
  fal.sleep(10)
end)
fal.sleep(0.01)
assert(victim:cancel())
local okc, errc = victim:wait()
assert(not okc and errc.kind == "cancelled" and closed, "cancel closes the task")

-- sleeping tasks run concurrently: 20 tasks of 0.1 s finish together
local started = fal.clock()
local sleepers = {}
for i = 1, 20 do sleepers[i] = fal.spawn(fal.sleep, 0.1) end
fal.wait_all(sleepers)
assert(fal.clock() - started < 1.0, "sleeps overlap")

-- scheduler yields pass through user coroutines
local co = coroutine.wrap(function()
  fal.sleep(0.01)
  coroutine.yield("first")
  fal.sleep(0.01)
  return "second"
end)
assert(co() == "first" and co() == "second", "user coroutine with I/O inside")
local co2 = coroutine.create(function(a) local b = coroutine.yield(a + 1); fal.sleep(0.01); return b * 2 end)
local r1, v1 = coroutine.resume(co2, 1)
local r2, v2b = coroutine.resume(co2, 5)
assert(r1 and v1 == 2 and r2 and v2b == 10, "resume semantics unchanged")

-- usage errors
t.expect_error("usage", "fal.sleep", fal.sleep, -1)
t.expect_error("usage", "fal.spawn", fal.spawn, 42)
t.expect_error("usage", "timeout", function() task:wait("soon") end)

-- spawned tasks keep the program alive until they end
finished_late = false
fal.spawn(function() fal.sleep(0.05); finished_late = true end)
