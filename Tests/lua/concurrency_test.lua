--! runners=10
-- Concurrent subscribes from spawned tasks overlap: eight 1-second requests take about the time
-- of one (the emulator runs enough runners), far less than the 8 s they would take in sequence.
local started = fal.clock()
local tasks = {}
for i = 1, 8 do
  tasks[i] = fal.spawn(fal.subscribe, "fal-ai/echo", { i = i, sleep = 1 })
end
local results = fal.wait_all(tasks)
local elapsed = fal.clock() - started
for i, r in ipairs(results) do
  assert(r.ok, tostring(r.error))
  assert(r.value.i == i, "results in task order")
end
assert(elapsed < 4, ("8 concurrent 1 s subscribes took %.2f s"):format(elapsed))
