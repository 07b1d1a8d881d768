-- fal.subscribe and its callbacks (PROTOCOL.md §6.7, FEATURES.md §4).
local t = require("support")

local enqueued, updates, logs = nil, {}, {}
local out, info = fal.subscribe("fal-ai/echo", { value = "v", sleep = 0.3, logs = 3 }, {
  with_logs = true,
  interval = 0.05,
  on_enqueue = function(request_id) enqueued = request_id end,
  on_queue_update = function(status)
    updates[#updates + 1] = status.status
    for _, l in ipairs(status.logs or {}) do logs[l.message] = true end
  end,
})
t.eq(out.value, "v", "result")
t.eq(info.request_id, enqueued, "on_enqueue got the request id")
t.eq(updates[#updates], "COMPLETED", "last update is COMPLETED")
local in_progress = false
for _, s in ipairs(updates) do in_progress = in_progress or s == "IN_PROGRESS" end
assert(in_progress, "saw IN_PROGRESS")
assert(next(logs), "saw logs")

-- a failing callback fails the call, naming the callback
local e = t.error_of(fal.subscribe, "fal-ai/echo", {}, { on_enqueue = function() error("bad callback") end })
assert(tostring(e):find("on_enqueue failed: .*bad callback"), tostring(e))

-- errors of the app surface from subscribe
t.expect_error("validation", "prompt: field required", fal.subscribe, "fal-ai/flux/schnell", {})
t.expect_error("http", "echo failed", fal.subscribe, "fal-ai/echo", { fail = true })

-- client_timeout: the call gives up and the request is cancelled on the server
local id
local te = t.expect_error("timeout", "client_timeout", fal.subscribe, "fal-ai/echo", { sleep = 5 }, {
  client_timeout = 1.5, on_enqueue = function(r) id = r end,
})
t.eq(te.request_id, id, "timeout names the request")
local record = fal.json.decode(emulator.get("/_emulator/requests/" .. id))
t.eq(record.start_timeout, 1.5, "client_timeout also sets start_timeout (the Python rule)")
assert(record.cancel_requested == true or record.cancelled == true, "cancelled on the server: " .. emulator.get("/_emulator/requests/" .. id))
local last
for status in fal.get_handle("fal-ai/echo", id):iter_events({ interval = 0.02 }) do last = status end
t.eq(last.error_type, "client_cancelled", "server reports the cancellation")

-- option checks
t.expect_error("usage", 'unknown option "on_update"', fal.subscribe, "fal-ai/echo", {}, { on_update = print })
t.expect_error("usage", "on_enqueue must be a function", fal.subscribe, "fal-ai/echo", {}, { on_enqueue = "x" })
t.expect_error("usage", "client_timeout", fal.subscribe, "fal-ai/echo", {}, { client_timeout = -1 })
t.expect_error("usage", "priority", fal.subscribe, "fal-ai/echo", {}, { priority = "urgent" })

-- The default reads the status stream, and polls when the server cannot stream: a stream refused
-- with 404 still completes (by polling); asked for explicitly, streaming reports the refusal.
local before = t.stats().by_route.status or 0
t.inject("status", 404, 1)
t.eq(fal.subscribe("fal-ai/echo", { value = "fell back" }).value, "fell back", "default mode falls back to polling")
assert(t.stats().by_route.status >= before + 2, "the refused stream, then at least one poll")
t.inject("status", 404, 1)
local refused = t.expect_error("http", "", fal.subscribe, "fal-ai/echo", {}, { mode = "streaming" })
t.eq(refused.status, 404, "mode = 'streaming' reports the refused stream")
t.inject("status", 404, 1)
local handle = fal.submit("fal-ai/echo", { value = "get" })
t.eq(handle:get().value, "get", "handle:get falls back too")
t.expect_error("usage", 'mode must be "polling" or "streaming"', handle.get, handle, { mode = "sse" })
