-- For scripts/bench/subscribe_latency.sh: runs N fal.subscribe calls in status mode MODE against
-- fal-ai/echo (which sleeps 0.25 s) and prints "request_id wall_clock_at_return" per call.
local n, mode = tonumber(arg[1] or "20"), arg[2] or "polling"

-- Maps the monotonic clock to wall-clock seconds once: `date` runs between two clock readings.
local function wall_offset()
  local before = fal.clock()
  local pipe = assert(io.popen("date +%s.%N"))
  local wall = tonumber(pipe:read("l"))
  pipe:close()
  local after = fal.clock()
  return wall - (before + after) / 2
end

local offset = wall_offset()
for _ = 1, n do
  local _, info = fal.subscribe("fal-ai/echo", { sleep = 0.25 }, { mode = mode })
  print(info.request_id, string.format("%.6f", fal.clock() + offset))
end
