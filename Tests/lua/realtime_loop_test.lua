-- 10,000 realtime round trips on one connection, 16 in flight (fewer wake-ups, so the suite's
-- timing-sensitive tests running beside it keep their CPU); every reply checked in order. The
-- sequential rate is measured by scripts/bench/falua/realtime_roundtrip.lua.
local t = require("support")

local conn <close> = fal.realtime("fal-ai/realtime-echo")
local count, window, sent = 10000, 16, 0
for i = 1, count do
  while sent < math.min(count, i + window - 1) do
    sent = sent + 1
    conn:send({ i = sent, text = "message" })
  end
  local reply = conn:recv(10)
  if reply.i ~= i or reply.n ~= i then t.eq(reply.i, i, "reply " .. i) end
end
t.expect_error("timeout", nil, conn.recv, conn, 0.05)  -- nothing beyond the 10,000 replies
