-- COUNT realtime round trips on one connection to fal-ai/realtime-echo with WINDOW messages in
-- flight (1: send, wait for the reply, repeat); every reply is checked.
--   falua realtime_roundtrip.lua COUNT [WINDOW]     (or falua --local ...)
local count, window = math.tointeger(tonumber(arg[1] or "")), math.tointeger(tonumber(arg[2] or "1"))
assert(count and count > 0 and window and window > 0, "usage: realtime_roundtrip.lua COUNT [WINDOW]")
local conn <close> = fal.realtime("fal-ai/realtime-echo")
local started, sent, checked = fal.clock(), 0, 0
for i = 1, count do
  while sent < math.min(count, i + window - 1) do
    sent = sent + 1
    conn:send({ i = sent, text = "message" })
  end
  local reply = conn:recv(10)
  if reply.i ~= i or reply.n ~= i or reply.text ~= "message" then error(("round trip %d: wrong reply"):format(i)) end
  checked = checked + 1
end
print(fal.json.encode({ checked = checked, seconds = fal.clock() - started }))
