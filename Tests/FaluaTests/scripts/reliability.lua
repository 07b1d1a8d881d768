-- 1000 subscribes from 50 tasks against a faulty emulator: every result right, none lost. Prints
-- the emulator's counters as one JSON line for the test to read.
local tasks_count, per_task = 50, 20
local tasks = {}
for t = 1, tasks_count do
  tasks[t] = fal.spawn(function()
    local got = {}
    for i = 1, per_task do
      local n = (t - 1) * per_task + i
      local result = fal.subscribe("fal-ai/echo", { n = n, tag = "reliability" })
      assert(result.n == n and result.tag == "reliability", ("request %d got %s"):format(n, fal.json.encode(result)))
      got[#got + 1] = n
    end
    return got
  end)
end
local seen, total = {}, 0
for t, r in ipairs(fal.wait_all(tasks)) do
  assert(r.ok, ("task %d failed: %s"):format(t, tostring(r.error)))
  for _, n in ipairs(r.value) do
    assert(not seen[n], "result " .. n .. " twice")
    seen[n] = true
    total = total + 1
  end
end
assert(total == tasks_count * per_task, "lost results: " .. total)
print("results " .. total)
