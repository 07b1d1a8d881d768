--! runners=10
-- 100 concurrent subscribes from spawned tasks: every request completes, none is lost or duplicated.
local t = require("support")
local before = t.stats()
local n = 100
local tasks = {}
for i = 1, n do tasks[i] = fal.spawn(fal.subscribe, "fal-ai/echo", { i = i }) end
local seen = {}
for i, r in ipairs(fal.wait_all(tasks)) do
  assert(r.ok, tostring(r.error))
  assert(r.value.i == i, "each task got its own result")
  assert(not seen[r.values[2].request_id], "distinct requests")
  seen[r.values[2].request_id] = true
end
local after = t.stats()
t.eq(after.submits - before.submits, n, "exactly n requests queued")
