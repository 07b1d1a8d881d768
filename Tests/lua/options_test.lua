-- Options are checked in Lua before any I/O (the Swift side reads them as given): a wrong type, a
-- value out of range or a line break in a header value is a usage error naming the option and the
-- function, and no request is made.
local t = require("support")
local core = require("fal.core")

local function refused(text, fn, ...)
  local e = t.expect_error("usage", text, fn, ...)
  assert(tostring(e):find(e.operation .. ": ", 1, true) == 1, "names the function: " .. tostring(e))
  t.eq(core.pending(), 0, "nothing in flight after " .. text)
  return e
end

local before = t.stats()

-- request options: start_timeout finite and > 1, priority, hint and headers on one line
refused("start_timeout must be finite", fal.run, "fal-ai/echo", {}, { start_timeout = math.huge })
refused("start_timeout must be greater than 1", fal.submit, "fal-ai/echo", {}, { start_timeout = 1 })
refused("option start_timeout must be a number", fal.subscribe, "fal-ai/echo", {}, { start_timeout = 0 / 0 })
refused("option hint has a line break", fal.run, "fal-ai/echo", {}, { hint = "a\r\nX-Injected: 1" })
refused('header "X-A" has a line break', fal.submit, "fal-ai/echo", {}, { headers = { ["X-A"] = "1\nX-B: 2" } })
refused("option headers", fal.stream, "fal-ai/any-llm", {}, { headers = { ["X-A\r\n"] = "1" } })
refused("priority", fal.subscribe, "fal-ai/echo", {}, { priority = "urgent" })

-- upload names and media types go into headers too
refused("argument #3 (file_name) has a line break", fal.upload, "x", "text/plain", "a\nb.txt")
refused("argument #2 (content_type) has a line break", fal.file_bytes, "x", "text/plain\r\nX-Injected: 1")
refused("option file_name has a line break", fal.file, "a.png", { file_name = "a\r.png" })

-- polling intervals are checked by the function that takes them, not by fal.sleep
local h = fal.get_handle("fal-ai/echo", "00000000-0000-0000-0000-000000000000")
refused("handle:get: interval must be >= 0", h.get, h, { interval = -1 })
refused("fal.result: interval must be >= 0", fal.result, "fal-ai/echo", h.request_id, { interval = -1 })

local after = t.stats()
t.eq(after.submits, before.submits, "nothing submitted")
t.eq(after.by_route.run, before.by_route.run, "nothing run")

-- the configuration: retry delays finite, the key and the user agent on one line
refused("retry.max_delay must be finite", fal.config, { retry = { max_delay = math.huge } })
refused("retry.base_delay must be >= 0", fal.config, { retry = { base_delay = -1 } })
refused("option user_agent has a line break", fal.config, { user_agent = "falua\r\nX-Injected: 1" })
local e = refused("option key has a line break", fal.config, { key = "secret-key\nX-Injected: 1" })
assert(not tostring(e):find("secret", 1, true), "the key is not repeated in the error")
t.eq(fal.config().user_agent:find("\n"), nil, "the configuration is unchanged")

-- task:wait refuses a NaN timeout as a negative one
local task = fal.spawn(function() end)
refused("timeout must be a non-negative number", task.wait, task, 0 / 0)
task:wait()
