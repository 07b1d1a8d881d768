-- fal.realtime (PROTOCOL.md §10): msgpack over a WebSocket to the emulator's realtime route.
local t = require("support")
local echo = "fal-ai/realtime-echo"

-- a round trip: msgpack both ways (bin stays bytes), the session's counter, several replies,
-- skipped meta frames, a timeout that leaves the connection usable
do
  local conn <close> = fal.realtime(echo)
  conn:send({ prompt = "hi", list = { 1, 2.5 }, blob = fal.bytes("\0\1\255"), big = math.mininteger })
  local r = conn:recv(5)
  t.eq(r.prompt, "hi", "prompt")
  t.eq(r.n, 1, "counter")
  t.eq(r.blob, "\0\1\255", "bin")
  t.eq(math.type(r.list[2]), "float", "float stays float")
  t.eq(r.big, math.mininteger, "int64 edge")
  conn:send({ replies = 3 })
  for part = 1, 3 do t.eq(conn:recv(5).part, part, "ctx.send reply") end
  conn:send({ meta = true, x = 1 })
  t.eq(conn:recv(5).x, 1, "x-fal-message skipped")
  local e = t.expect_error("timeout", "no message for 0.05 s", conn.recv, conn, 0.05)
  t.eq(e.operation, "conn:recv", "operation")
  conn:send({ y = 2 })
  local after = conn:recv(5)
  t.eq(after.y, 2, "usable after a timeout")
  t.eq(after.n, 4, "same session")
end

-- x-fal-error: raised as kind realtime with error and reason; the connection is closed after it
do
  local conn = fal.realtime(echo)
  conn:send({ fail = true })
  local e = t.expect_error("realtime", "INTERNAL_ERROR: realtime echo failed as requested", conn.recv, conn, 5)
  t.eq(e.error, "INTERNAL_ERROR", "error")
  t.eq(e.reason, "realtime echo failed as requested", "reason")
  t.eq(conn:recv(), nil, "closed after the error")
  t.expect_error("realtime", "the connection is closed", conn.send, conn, { x = 1 })
end

-- the server's close: 1000 ends the messages, another code raises
do
  local conn = fal.realtime(echo)
  conn:send({ close = 4003, reason = "go away" })
  local e = t.expect_error("realtime", "connection closed with code 4003: go away", conn.recv, conn, 5)
  t.eq(e.code, 4003, "code")
  local normal = fal.realtime(echo)
  normal:send({ replies = 2 })
  normal:send({ close = 1000 })
  local parts = {}
  for msg in normal:messages(5) do parts[#parts + 1] = msg.part end
  t.eq(#parts, 2, "messages() until the normal close")
  t.eq(normal:recv(), nil, "nil after a normal close")
end

-- leaving messages() early leaves the connection open for its owner
do
  local conn <close> = fal.realtime(echo)
  conn:send({ replies = 3 })
  for msg in conn:messages(5) do
    if msg.part == 1 then break end
  end
  conn:send({ after = true })
  local seen = {}
  for msg in conn:messages(5) do
    seen[#seen + 1] = msg
    if msg.after then break end
  end
  t.eq(#seen, 3, "the rest of the replies, then the next message's")
  t.eq(seen[3].after, true, "send after a break works")
end

-- custom codec: a string from encode is a text frame (the emulator reads it as JSON)
do
  local conn <close> = fal.realtime(echo, { encode = fal.json.encode, decode = function(s) return { raw = s } end })
  conn:send({ a = 1 })
  local r = conn:recv(5)
  t.eq(fal.msgpack.unpack(r.raw).a, 1, "decode got the raw bytes")
end

-- options are checked before any I/O
t.expect_error("usage", "max_buffering must be between 1 and 60 (inclusive)", fal.realtime, echo, { max_buffering = 0 })
t.expect_error("usage", "max_buffering must be between 1 and 60 (inclusive)", fal.realtime, echo, { max_buffering = 61 })
t.expect_error("usage", "max_buffering must be between 1 and 60 (inclusive)", fal.realtime, echo, { max_buffering = 1.5 })
t.expect_error("usage", 'unknown option "bogus"', fal.realtime, echo, { bogus = true })
t.expect_error("usage", "option use_jwt must be a boolean", fal.realtime, echo, { use_jwt = 1 })
t.expect_error("usage", "throttle_interval must be a non-negative", fal.realtime, echo, { throttle_interval = -1 })
t.expect_error("usage", "Invalid app id", fal.realtime, "echo")
do
  -- refusals arrive as a close with 4000 + the HTTP status
  local unknown = fal.realtime("nobody/nothing")
  local e = t.expect_error("realtime", "code 4404: Application 'nobody/nothing' not found", unknown.recv, unknown, 5)
  t.eq(e.status, 404, "unknown app")
end
do
  local conn <close> = fal.realtime(echo)
  t.expect_error("usage", "message.f: cannot pack a function", conn.send, conn, { f = print })
end

-- max_buffering: while the app holds the first input until all 11 arrived, only the newest 2 of
-- the other 10 stay buffered
do
  local conn <close> = fal.realtime(echo, { max_buffering = 2 })
  conn:send({ i = 0, wait_for = 11 })
  t.eq(conn:recv(5).waiting, true, "the app holds the first input")
  for i = 1, 10 do conn:send({ i = i }) end
  local got = {}
  repeat
    local r = conn:recv(5)
    got[#got + 1] = r.i
  until r.i == 10
  t.eq(table.concat(got, ","), "0,9,10", "the oldest inputs were dropped")
end

-- throttle: the first message goes at once, then the latest one per interval
do
  local conn <close> = fal.realtime(echo, { throttle_interval = 0.2 })
  for i = 1, 5 do conn:send({ i = i }) end
  t.eq(conn:recv(5).i, 1, "leading message")
  t.eq(conn:recv(5).i, 5, "latest message wins")
  t.expect_error("timeout", nil, conn.recv, conn, 0.4)
end

-- several connections and an HTTP request in different tasks at once
do
  local tasks = {}
  for k = 1, 3 do
    tasks[k] = fal.spawn(function()
      local conn <close> = fal.realtime(echo)
      local sum = 0
      for i = 1, 20 do
        conn:send({ k = k, i = i })
        local r = conn:recv(5)
        assert(r.k == k and r.i == i, "replies in order on each connection")
        sum = sum + r.n
      end
      return sum
    end)
  end
  tasks[4] = fal.spawn(function() return fal.run("fal-ai/echo", { v = 7 }).v end)
  local results = fal.wait_all(tasks)
  for k = 1, 3 do t.eq(results[k].value, 210, "connection " .. k) end
  t.eq(results[4].value, 7, "HTTP alongside")
end

-- a cancelled task's connection is closed
do
  local conn
  local task = fal.spawn(function()
    conn = fal.realtime(echo)
    conn:send({ replies = 1 })
    conn:recv(5)
    return conn:recv()
  end)
  t.eq(task:wait(0.5), false, "still waiting in recv")
  task:cancel()
  t.eq(conn:recv(1), nil, "cancelling the task closed its connection")
end

-- an image over realtime: PNG bytes as msgpack bin
do
  local conn <close> = fal.realtime("fal-ai/realtime-image")
  conn:send({ prompt = "a lighthouse", width = 64, height = 32, seed = 7 })
  local image = conn:recv(10).images[1]
  t.eq(image.content:sub(1, 8), "\137PNG\r\n\26\n", "PNG signature")
  t.eq(image.width, 64, "width")
  conn:send({})
  t.expect_error("realtime", "INTERNAL_ERROR: prompt is required", conn.recv, conn, 10)
end
