-- Realtime round trips on one connection to fal-ai/realtime-echo, with WINDOW messages in flight
-- (1: send, wait for the reply, repeat). Prints messages per second.
--   falua --local scripts/bench/realtime_roundtrip.lua [COUNT [WINDOW]]
local count, window = math.tointeger(tonumber(arg[1] or "10000")), math.tointeger(tonumber(arg[2] or "1"))
assert(count and count > 0 and window and window > 0, "usage: realtime_roundtrip.lua [COUNT [WINDOW]]")
local conn <close> = fal.realtime("fal-ai/realtime-echo")
local started, sent = fal.clock(), 0
for i = 1, count do
  while sent < math.min(count, i + window - 1) do
    sent = sent + 1
    conn:send({ i = sent, text = "message" })
  end
  local reply = conn:recv(10)
  assert(reply.i == i and reply.n == i, "replies arrive in order")
end
local seconds = fal.clock() - started
print(("%d round trips, %d in flight: %.2f s, %.0f messages/s"):format(count, window, seconds, count / seconds))
