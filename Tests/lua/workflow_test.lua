-- fal.map, fal.semaphore, fal.retry, fal.timeout and max_in_flight (issue 12).
local t = require("support")
local limit = require("fal.limit")

-- fal.map: order kept, results and failures by index, at most `concurrency` at once.
local inside, most = 0, 0
local results, failures = fal.map({ 3, 1, 2, 0, 5 }, function(x, i)
  inside = inside + 1
  most = math.max(most, inside)
  fal.sleep(0.001 * x)
  inside = inside - 1
  if x == 0 then error("zero at " .. i) end
  return x * 10
end, { concurrency = 2 })
t.eq(most, 2, "concurrency")
t.eq(results[1], 30, "order")
t.eq(results[5], 50, "order")
t.eq(results[4], nil, "a failed item has no result")
assert(tostring(failures[4]):find("zero at 4"), "failures by index")
t.eq(select("#", fal.map({}, print)), 2, "empty list")
t.eq(select(2, fal.map({ 1 }, function() return 1 end)), nil, "no failures: nil")
t.expect_error("usage", "concurrency", fal.map, { 1 }, print, { concurrency = 0 })
t.expect_error("usage", "items", fal.map, nil, print)
local subs = fal.map({ "a", "b", "c" }, function(p) return fal.subscribe("fal-ai/echo", { p = p }, { interval = 0.01 }) end)
t.eq(subs[3].p, "c", "requests in map")

-- A cancelled map cancels its pending items.
local started = 0
local mapper = fal.spawn(fal.map, { 1, 2, 3, 4 }, function() started = started + 1 fal.sleep(10) end, { concurrency = 2 })
fal.sleep(0)
mapper:cancel()
fal.sleep(0)
t.eq(started, 2, "items past the cancel never start")

-- fal.semaphore: a waiter cancelled in line does not take a slot; one cancelled after the
-- hand-over gives it back.
local sem = fal.semaphore(1)
sem:acquire()
local waiter = fal.spawn(function() sem:acquire() end)
fal.sleep(0)
waiter:cancel()
sem:release()
t.eq(sem.free, 1, "cancelled waiter left the line")
sem:acquire()
local handed = fal.spawn(function() sem:acquire() end)
fal.sleep(0)
sem:release()      -- handed to `handed`, which has not run yet
handed:cancel()    -- ... and is cancelled: the slot comes back
t.eq(sem.free, 1, "slot returned")
t.expect_error("usage", "n must be", fal.semaphore, 0)
local ok = pcall(sem.with, sem, error, "inside")
t.eq(ok, false, "with raises fn's error")
t.eq(sem.free, 1, "with gives the slot back on error")

-- fal.retry
local calls = 0
t.eq(fal.retry(function() calls = calls + 1 if calls < 3 then error("again") end return "ok" end,
  { attempts = 3, backoff = 0 }), "ok", "third attempt")
calls = 0
local err = t.error_of(fal.retry, function() calls = calls + 1 error("always") end, { attempts = 2, backoff = function() return 0 end })
assert(tostring(err):find("always"), "last error")
t.eq(calls, 2, "attempts")
calls = 0
t.expect_error("usage", "nope", fal.retry, function() calls = calls + 1 error(fal.json.decode and require("fal.errors").usage("x", "nope")) end)
t.eq(calls, 1, "usage errors are not retried")
t.expect_error("usage", "backoff", fal.retry, print, { backoff = -1 })

-- fal.timeout
t.eq(fal.timeout(1, function(a, b) return a + b end, 1, 2), 3, "values")
t.expect_error("timeout", "not done after 0.01 s", fal.timeout, 0.01, fal.sleep, 5)
assert(tostring(t.error_of(fal.timeout, 1, error, "own")):find("own"), "fn's error as is")

-- max_in_flight: the third request waits for a slot; a 429 streak halves the limit.
fal.config({ max_in_flight = 2, retry = { max_attempts = 1 } })
local tasks = {}
for i = 1, 5 do tasks[i] = fal.spawn(fal.run, "fal-ai/echo", { i = i, sleep = 0.02 }) end
fal.sleep(0)
local state = limit.state()
t.eq(state.in_flight, 2, "two in flight")
t.eq(state.waiting, 3, "three waiting")
for i, r in ipairs(fal.wait_all(tasks)) do assert(r.ok and r.value.i == i, "limited request " .. i) end
t.eq(limit.state().in_flight, 0, "slots returned")
t.inject("run", 429, 3)
for _ = 1, 3 do t.error_of(fal.run, "fal-ai/echo", {}) end
t.eq(limit.state().effective, 1, "a 429 streak halves the limit")
t.expect_error("usage", "max_in_flight", fal.config, { max_in_flight = 1.5 })
t.eq(fal.config().max_in_flight, 2, "fal.config() reports the limit")
print("workflow ok")
