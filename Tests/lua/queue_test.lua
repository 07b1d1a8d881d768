-- The queue: submit, handles, status, events, result, cancel (PROTOCOL.md §6, FEATURES.md §3).
local t = require("support")

local h = fal.submit("fal-ai/echo", { value = 42, logs = 2 })
assert(type(h.request_id) == "string", "request id")
local s = h:status()
assert(s.status == "IN_QUEUE" or s.status == "IN_PROGRESS" or s.status == "COMPLETED", s.status)
local seen = {}
for status in h:iter_events({ with_logs = true, interval = 0.02 }) do seen[#seen + 1] = status.status end
t.eq(seen[#seen], "COMPLETED", "iter_events ends with COMPLETED")
t.eq(h:get().value, 42, "result")
local done = h:status({ with_logs = true })
t.eq(done.status, "COMPLETED", "status")
assert(type(done.logs) == "table" and #done.logs >= 2, "logs requested")
assert(done.logs[1].message and done.logs[1].timestamp, "log entries in wire form")
assert(h:status().logs == nil, "logs not requested: null decodes to absent")

-- module-level twins and get_handle
local h2 = fal.get_handle("fal-ai/echo", h.request_id)
assert(h2 == h, "handles compare by value")
t.eq(fal.status("fal-ai/echo", h.request_id).status, "COMPLETED", "fal.status")
t.eq(fal.result("fal-ai/echo", h.request_id).value, 42, "fal.result")

-- cancel a queued request: occupy both runners, queue one more, cancel it
local blockers = { fal.submit("fal-ai/echo", { sleep = 30 }), fal.submit("fal-ai/echo", { sleep = 30 }) }
local queued = fal.submit("fal-ai/echo", { never = true })
local qs = queued:status()
t.eq(qs.status, "IN_QUEUE", "third request waits")
assert(math.type(qs.queue_position) == "integer", "queue_position")
queued:cancel()
local final = queued:status()
t.eq(final.status, "COMPLETED", "cancelled request completes")
t.eq(final.error_type, "client_cancelled", "with the cancellation error")
local ce = t.expect_error("cancelled", nil, function() return queued:get() end)
t.eq(ce.status, 499, "499")
-- cancel an in-progress request
blockers[1]:cancel()
t.expect_error("cancelled", nil, function() return blockers[1]:get() end)
blockers[2]:cancel()
-- cancelling a completed request is an http error (400 ALREADY_COMPLETED)
t.expect_error("http", nil, function() h:cancel() end)

-- priority is validated; low priority is accepted
t.expect_error("usage", "priority", fal.submit, "fal-ai/echo", {}, { priority = "high" })
local low = fal.submit("fal-ai/echo", { p = "low" }, {
  priority = "low", hint = "h1", webhook_url = "http://127.0.0.1:9/hook?a=1&b=2", start_timeout = 30, path = "/sub",
})
t.eq(low:get().p, "low", "low priority request completes")
local record = fal.json.decode(emulator.get("/_emulator/requests/" .. low.request_id))
t.eq(record.priority, "low", "priority reached the server")
t.eq(record.hint, "h1", "hint reached the server")
t.eq(record.webhook_url, "http://127.0.0.1:9/hook?a=1&b=2", "webhook url reached the server intact")
t.eq(record.start_timeout, 30, "start_timeout reached the server")
t.eq(record.path, "sub", "sub-path reached the server")

-- user headers reach the server too (here the raw priority header), and options override them
local raw = fal.submit("fal-ai/echo", {}, { headers = { ["X-Fal-Queue-Priority"] = "low" } })
t.eq(fal.json.decode(emulator.get("/_emulator/requests/" .. raw.request_id)).priority, "low", "user header sent")
local over = fal.submit("fal-ai/echo", {}, { headers = { ["X-Fal-Queue-Priority"] = "low" }, priority = "normal" })
t.eq(fal.json.decode(emulator.get("/_emulator/requests/" .. over.request_id)).priority, "normal", "option wins")

-- handle methods check their options too
t.expect_error("usage", "unknown option", function() return h:status({ logs = true }) end)
t.expect_error("usage", "unknown option", function() return h:iter_events({ every = 1 }) end)
