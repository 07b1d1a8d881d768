-- N fal.subscribe calls in status mode MODE ("polling" or "streaming") to fal-ai/echo sleeping
-- 0.25 s, one after another. Prints each request id with the wall-clock time the call returned, so
-- the harness can subtract the emulator's completed_at.
--   falua subscribe_latency.lua N MODE
local n, mode = math.tointeger(tonumber(arg[1] or "")), arg[2]
assert(n and (mode == "polling" or mode == "streaming"), "usage: subscribe_latency.lua N polling|streaming")

-- Maps the monotonic clock to wall-clock seconds: `date` runs between two clock readings, and of
-- five tries the one with the shortest gap between them bounds the error best (half that gap).
local function wall_offset()
  local best, offset = math.huge, nil
  for _ = 1, 5 do
    local before = fal.clock()
    local pipe = assert(io.popen("date +%s.%N"))
    local wall = tonumber(pipe:read("l"))
    pipe:close()
    local after = fal.clock()
    if after - before < best then best, offset = after - before, wall - (before + after) / 2 end
  end
  return offset
end

local offset, returns = wall_offset(), {}
for i = 1, n do
  local result, info = fal.subscribe("fal-ai/echo", { i = i, sleep = 0.25 }, { mode = mode })
  local returned = fal.clock() + offset
  if result.i ~= i then error(("subscribe %d: wrong answer"):format(i)) end
  returns[i] = { info.request_id, returned }
end
print(fal.json.encode({ checked = #returns, returns = returns }))
