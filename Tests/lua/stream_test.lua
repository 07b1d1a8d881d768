--! runners=4
-- fal.stream, the emulator's /stream route and status streaming (PROTOCOL.md §6.3, §8; DESIGN.md §9).
local t = require("support")
local core = require("fal.core")

-- Tokens arrive as events, the stream knows its request id, the last event is final.
local outputs, s = {}, fal.stream("fal-ai/any-llm", { prompt = "one two three", delay = 0 })
assert(type(s.request_id) == "string" and #s.request_id > 0, "request id from x-fal-request-id")
for event in s do outputs[#outputs + 1] = event end
t.eq(#outputs, 5, "4 token events (model name + 3 words) then the final one")
t.eq(outputs[1].output, "any-llm:", "first token")
t.eq(outputs[1].partial, true, "tokens are partial")
t.eq(outputs[4].output, "any-llm: one two three", "text so far")
t.eq(outputs[5].partial, false, "final event")
t.eq(s:next(), nil, "an ended stream yields nil")

-- stream:result() drains and returns the last event.
local final = fal.stream("fal-ai/any-llm", { prompt = "a b", model = "m" }, { timeout = 5 }):result()
t.eq(final.output, "m: a b", "result output")
t.eq(final.partial, false, "result is the final event")

-- HTTP errors before the first event carry the server's detail.
local e = t.expect_error("validation", "prompt: field required", fal.stream, "fal-ai/any-llm", {})
t.eq(e.status, 422, "status")
t.eq(e.operation, "fal.stream", "operation")
assert(type(e.field_errors) == "table", "field errors decoded from detail")
t.expect_error("http", "has no stream handler", fal.stream, "fal-ai/echo", {})
t.expect_error("http", "expected a text/event-stream reply, got Content-Type application/json",
  fal.stream, "fal-ai/echo", {}, { path = "/plain" })
t.expect_error("usage", 'unknown option "interval"', fal.stream, "fal-ai/any-llm", {}, { interval = 1 })
t.expect_error("usage", "option timeout must be a positive number", fal.stream, "fal-ai/any-llm", {}, { timeout = -1 })

-- An app failing after events were sent drops the connection, as fal does (docs/streaming-errors.md):
-- a structured network error, never a normal end of stream.
local seen = 0
e = t.expect_error("network", "the stream broke", function()
  for _ in fal.stream("fal-ai/any-llm", { prompt = "a b c d", fail_after = 2, delay = 0 }) do seen = seen + 1 end
end)
t.eq(seen, 2, "events before the error")
t.eq(e.operation, "fal.stream", "mid-stream error operation")
t.eq(core.stream_stats(), 0, "the failed stream was closed")

-- No event within `timeout` seconds: kind "timeout", and the transfer is aborted.
local slow = fal.stream("fal-ai/any-llm", { prompt = "a b c", delay = 2 }, { timeout = 0.2 })
t.eq(slow:next().output, "any-llm:", "first event arrives at once")
e = t.expect_error("timeout", "no event for 0.2 s", slow.next, slow)
t.eq(core.stream_stats(), 0, "the timed-out stream was closed")

-- An early break aborts the transfer: the emulator sees the client go away and cancels the app.
local request_id
for _ in fal.stream("fal-ai/any-llm", { prompt = ("word "):rep(200), delay = 0.05 }) do break end
t.eq(core.stream_stats(), 0, "break closed the stream (4th for-value)")
t.eq(core.pending(), 0, "no operation pending after the break")
do
  local broken = fal.stream("fal-ai/any-llm", { prompt = ("word "):rep(200), delay = 0.05 })
  request_id = broken.request_id
  broken:next()
  broken:close()
end
-- The emulator's record once the app ended (it ends at its next write after the client left).
local function ended_record(id)
  local record
  for _ = 1, 100 do
    record = fal.json.decode(emulator.get("/_emulator/requests/" .. id))
    if record.state == "COMPLETED" then return record end
    fal.sleep(0.05)
  end
  return record
end
local record = ended_record(request_id)
t.eq(record.cancel_requested, true, "the emulator saw the client go away")
t.eq(record.result.status, 499, "the app was cancelled")

-- Leaving a fast stream with many events unsent also stops the app (it was blocked in ctx.emit).
-- (A stream held in a variable has no closing value in the for: it survives a break.)
local many = fal.stream("fal-ai/any-llm", { prompt = "x", events = 100000 })
for event in many do if event.index == 10 then break end end
t.eq(many:next().index, 11, "reading continues after a break")
many:close()
t.eq(ended_record(many.request_id).result.status, 499, "the blocked emitter was released and cancelled")

-- <close> aborts too.
do
  local closing <close> = fal.stream("fal-ai/any-llm", { prompt = "x y z", delay = 0.05 })
  closing:next()
end
t.eq(core.stream_stats(), 0, "<close> closed the stream")

-- Two streams in two tasks at once interleave.
local order = {}
local function consume(name)
  for event in fal.stream("fal-ai/any-llm", { prompt = "p q r s", delay = 0.05 }) do
    order[#order + 1] = name
  end
end
local a, b = fal.spawn(consume, "a"), fal.spawn(consume, "b")
local results = fal.wait_all({ a, b })
assert(results[1].ok and results[2].ok, "both streams finished")
t.eq(#order, 12, "6 events each")
local first_b, last_a = nil, nil
for i, name in ipairs(order) do
  if name == "b" and not first_b then first_b = i end
  if name == "a" then last_a = i end
end
assert(first_b < last_a, "events of the two streams interleave: " .. table.concat(order))

-- 100,000 events with a consumer that falls behind: the transfer is paused, the buffer stays
-- bounded and the process does not grow.
local function rss_kib()
  local f = assert(io.open("/proc/self/status"))
  local text = f:read("a")
  f:close()
  return tonumber(text:match("VmRSS:%s*(%d+)"))
end
local big = fal.stream("fal-ai/any-llm", { prompt = "x", events = 100000 })
local count, last, before = 0, nil, nil
for event in big do
  count = count + 1
  last = event.index
  if count == 1 then fal.sleep(0.3) end  -- fall behind once: the server keeps sending meanwhile
  if count == 10000 then collectgarbage(); before = rss_kib() end  -- steady state reached
end
collectgarbage()
local after = rss_kib()
local stats = big:stats()
t.eq(count, 100000, "every event arrived")
t.eq(last, 100000, "in order")
assert(stats.pauses >= 1, "the transfer was paused while the consumer lagged")
assert(stats.max_buffered < 2000, "buffered events stayed bounded: " .. stats.max_buffered)
assert(after - before < 16 * 1024, ("resident memory grew by %d KiB over 90,000 events"):format(after - before))

-- Status streaming: subscribe returns, and every update carries all logs so far.
local updates = {}
local out = fal.subscribe("fal-ai/echo", { value = "v", sleep = 0.2, logs = 3 }, {
  mode = "streaming", with_logs = true,
  on_queue_update = function(status) updates[#updates + 1] = status end,
})
t.eq(out.value, "v", "streaming subscribe result")
local last_update = updates[#updates]
t.eq(last_update.status, "COMPLETED", "the stream ends at COMPLETED")
t.eq(#last_update.logs, 4, "3 log lines and the sleep line, each once")
local previous = 0
for _, status in ipairs(updates) do
  assert(#status.logs >= previous, "logs accumulate")
  previous = #status.logs
end
local messages = {}
for _, log in ipairs(last_update.logs) do
  assert(not messages[log.message], "no duplicate log " .. log.message)
  messages[log.message] = true
end
assert(messages["log line 1/3"] and messages["sleeping 0.2 s"], "the logs are the app's")

t.eq(fal.subscribe("fal-ai/echo", { value = 2 }, { mode = "streaming" }).value, 2, "streaming without callbacks")

local h = fal.submit("fal-ai/echo", { sleep = 0.1 })
local statuses = {}
for status in h:iter_events({ mode = "streaming" }) do statuses[#statuses + 1] = status.status end
t.eq(statuses[#statuses], "COMPLETED", "iter_events streaming ends at COMPLETED")
t.expect_error("usage", 'mode must be "polling" or "streaming"', fal.subscribe, "fal-ai/echo", {}, { mode = "ws" })
t.eq(core.stream_stats(), 0, "every stream closed")
