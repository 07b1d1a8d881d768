-- fal-ai/realtime-echo: over realtime, replies to each message with the message plus `n`, its
-- position in the session (1, 2, ...); over HTTP, returns its input. Message fields:
--   fail = true       raise (the client gets an x-fal-error INTERNAL_ERROR frame, then the close)
--   sleep = seconds   sleep before replying
--   wait_for = N      send {waiting = true}, then wait (up to 5 s) until N inputs have arrived in
--                     the session before replying, so later ones pile up in the buffer
--                     (max_buffering drops the oldest)
--   replies = N       send N replies through ctx.send (n, then `part` = 1..N) instead of one
--   meta = true       send an x-fal-message meta frame first (clients skip it)
--   close = code      close the connection with this code (and `reason`) instead of replying
local count = 0

return {
  id = "fal-ai/realtime-echo",
  run = function(input) return input end,
  realtime = function(msg, ctx)
    count = count + 1
    if type(msg) ~= "table" then msg = { value = msg } end
    if msg.fail == true then error("realtime echo failed as requested", 0) end
    if type(msg.sleep) == "number" then ctx.sleep(msg.sleep) end
    if math.type(msg.wait_for) == "integer" then
      ctx.send({ waiting = true })
      for _ = 1, 500 do
        if ctx.received() >= msg.wait_for then break end
        ctx.sleep(0.01)
      end
    end
    if msg.meta == true then ctx.meta({ type = "x-fal-message", action = "timings", timing = 0.001 }) end
    if math.type(msg.close) == "integer" then return ctx.close(msg.close, msg.reason or "") end
    msg.n = count
    if math.type(msg.replies) == "integer" then
      for part = 1, msg.replies do
        msg.part = part
        ctx.send(msg)
      end
      return nil
    end
    return msg
  end,
}
