-- The request journal's cost (issue 12): N echo subscribes through fal.map, 16 at once. Run it
-- without and with `--journal FILE` (a fresh file, then again to time the replay):
--   falua --local scripts/bench/falua/journal_overhead.lua 500
--   falua --local --journal /tmp/j.db scripts/bench/falua/journal_overhead.lua 500
local n = tonumber(arg[1]) or 200
local items = {}
for i = 1, n do items[i] = { i = i } end
local started = fal.clock()
local _, failures = fal.map(items, function(input)
  return fal.subscribe("fal-ai/echo", input, { interval = 0.01 })
end, { concurrency = 16 })
assert(failures == nil, "a request failed")
print(("%d subscribes in %.2f s"):format(n, fal.clock() - started))
