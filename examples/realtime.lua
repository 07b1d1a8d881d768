-- Realtime: one WebSocket to an app, messages in and replies out (msgpack), closed by `<close>`.
-- Run with `falua --local examples/realtime.lua` (the emulator's fal-ai/realtime-echo app).
local conn <close> = fal.realtime("fal-ai/realtime-echo", { max_buffering = 4 })

for _, prompt in ipairs({ "a red fox", "a blue whale", "a green parrot" }) do
  conn:send({ prompt = prompt })
  local reply = conn:recv(10)
  print(("reply %d: %s"):format(reply.n, reply.prompt))
end

-- Several replies to one message, read with a loop until the app is done.
conn:send({ prompt = "count to three", replies = 3 })
for _ = 1, 3 do
  local reply = conn:recv(10)
  print(("part %d of %q"):format(reply.part, reply.prompt))
end

-- A round-trip rate, for a feel of the overhead.
local started, count = fal.clock(), 200
for i = 1, count do
  conn:send({ i = i })
  assert(conn:recv(10).i == i)
end
print(("%d round trips in %.2f s"):format(count, fal.clock() - started))
