-- Bad replies and dropped connections end in clear errors naming the problem and the endpoint,
-- never a crash or a hang.
local t = require("support")

-- a malformed JSON reply
t.inject("run", 200, 1, false, "{not json")
local e = t.expect_error("http", "malformed reply: invalid JSON", fal.run, "fal-ai/echo", {})
t.eq(e.endpoint, "fal-ai/echo", "endpoint named")

-- a submit reply without a request id
t.inject("submit", 200, 1, false, '{"status": "IN_QUEUE"}')
t.expect_error("http", "no request_id", fal.submit, "fal-ai/echo", {})

-- a status reply without a status
local h = fal.submit("fal-ai/echo", {})
t.inject("status", 200, 1, false, '{"request_id": "x"}')
t.expect_error("http", "has no status", function() return h:status() end)
t.eq(h:get().x, nil, "the request itself still completes")

-- an error reply that is not JSON keeps its text
t.inject("run", 500, 1, false, "<html>upstream exploded</html>")
t.expect_error("http", "upstream exploded", fal.run, "fal-ai/echo", {})

-- the retry policy is configurable, and checked
t.expect_error("usage", "max_attempts", fal.config, { retry = { max_attempts = 1.5 } })
t.expect_error("usage", 'unknown option "attempts"', fal.config, { retry = { attempts = 2 } })
fal.config({ retry = { max_attempts = 2, base_delay = 0.01, max_delay = 0.05 } })
t.eq(fal.config().retry.max_attempts, 2, "retry settings read back")

-- a dropped connection: nothing listens on the queue port any more
local queue_url = fal.config().queue_url
fal.config({ queue_url = "http://127.0.0.1:9" })
local started = fal.clock()
local ne = t.expect_error("network", nil, fal.subscribe, "fal-ai/echo", {})
assert(fal.clock() - started < 5, "gave up after the configured attempts")
assert(tostring(ne):find("fal.subscribe"), tostring(ne))
fal.config({ queue_url = queue_url })
t.eq(fal.subscribe("fal-ai/echo", { back = true }).back, true, "works again")
