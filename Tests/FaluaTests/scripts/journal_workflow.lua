-- A workflow of N subscribes through fal.map, run with a journal and killed at random points by
-- JournalTests: one line per result as it arrives, then a check of every result.
io.stdout:setvbuf("line")
local n = tonumber(arg[1]) or 200
local items = {}
for i = 1, n do items[i] = { i = i, sleep = 0.01 } end
local results, failures = fal.map(items, function(input, i)
  local out = fal.subscribe("fal-ai/echo", input, { interval = 0.01 })
  print("result " .. i)
  return out
end, { concurrency = 16 })
assert(failures == nil, "a request failed")
for i = 1, n do assert(results[i].i == i, "result " .. i .. " is another input's") end
print("results " .. #results)
