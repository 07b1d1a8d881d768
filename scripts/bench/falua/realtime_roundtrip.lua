-- COUNT realtime round trips on one connection to fal-ai/realtime-echo with WINDOW messages in
-- flight (1: send, wait for the reply, repeat); every reply is checked. AUTH "jwt" (the default)
-- fetches a token first, "key" sends the key header instead (a server without the token route).
--   falua realtime_roundtrip.lua COUNT [WINDOW [AUTH]]     (or falua --local ...)
local count, window = math.tointeger(tonumber(arg[1] or "")), math.tointeger(tonumber(arg[2] or "1"))
local auth = arg[3] or "jwt"
assert(count and count > 0 and window and window > 0 and (auth == "jwt" or auth == "key"),
  "usage: realtime_roundtrip.lua COUNT [WINDOW [jwt|key]]")
local conn <close> = fal.realtime("fal-ai/realtime-echo", { use_jwt = auth == "jwt" })
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
