-- fal.run (PROTOCOL.md §5) and endpoint ids (§1.1).
local t = require("support")

local out, info = fal.run("fal-ai/echo", { prompt = "hi", n = 3, nested = { list = { 1, 2 } } })
t.eq(out.prompt, "hi", "echo")
t.eq(out.n, 3, "integers stay integers")
t.eq(out.nested.list[2], 2, "nested")
assert(type(info.request_id) == "string" and #info.request_id > 0, "request id from x-fal-request-id")

-- an image app: real PNG URLs
local image = fal.run("fal-ai/flux/schnell", { prompt = "a sunset", image_size = "square" })
t.eq(image.images[1].width, 512, "width")
t.eq(image.images[1].content_type, "image/png", "content type")
assert(image.images[1].url:find("^http://127%.0%.0%.1"), "served by the emulator")
t.eq(image.prompt, "a sunset", "prompt")

-- validation error shape (422 detail list)
local e = t.expect_error("validation", "prompt: field required", fal.run, "fal-ai/flux/schnell", {})
t.eq(e.status, 422, "status")
t.eq(e.field_errors[1].loc[2], "prompt", "field_errors")
assert(tostring(e):find("^fal.run: HTTP 422 from fal%-ai/flux/schnell: prompt: field required"), tostring(e))

-- app failure and unknown app
local f = t.expect_error("http", "echo failed as requested", fal.run, "fal-ai/echo", { fail = true })
t.eq(f.status, 500, "status")
assert(f.request_id, "request id on errors")
t.eq(t.expect_error("http", "not found", fal.run, "nobody/nothing", {}).status, 404, "unknown app")

-- endpoint ids: bad ones are usage errors before any I/O
t.expect_error("usage", "Invalid app id", fal.run, "echo", {})
t.expect_error("usage", "endpoint", fal.run, 42, {})
t.expect_error("usage", "input must be a table", fal.run, "fal-ai/echo", "text")

-- options are checked
t.expect_error("usage", 'unknown option "timeuot"', fal.run, "fal-ai/echo", {}, { timeuot = 3 })
t.expect_error("usage", "option timeout must be a positive number", fal.run, "fal-ai/echo", {}, { timeout = "3" })
t.expect_error("usage", "start_timeout must be greater than 1", fal.run, "fal-ai/echo", {}, { start_timeout = 1 })
t.expect_error("usage", "headers", fal.run, "fal-ai/echo", {}, { headers = { ["X-A"] = 1 } })

-- sub-paths, headers and hints reach the app
local p = fal.run("fal-ai/echo", { x = 1 }, { path = "/sub/path", hint = "warm", headers = { ["X-Custom"] = "yes" } })
t.eq(p.x, 1, "with path")

-- start_timeout on run is honoured by the server (504 + timeout kind) when no runner is free:
-- occupy both echo runners, then ask for a short start deadline
local busy = {}
for i = 1, 2 do busy[i] = fal.submit("fal-ai/echo", { sleep = 3 }) end
local te = t.expect_error("timeout", "Request timed out", fal.run, "fal-ai/echo", {}, { start_timeout = 1.2 })
t.eq(te.status, 504, "504")
t.eq(te.timeout_type, "user", "timeout type")
for _, h in ipairs(busy) do h:cancel() end

-- The request info that comes second is not read as encoder options (issue 11).
t.eq(fal.json.encode(fal.run("fal-ai/echo", { x = 1 })), '{"x":1}', "encode(fal.run(...))")
t.eq(#fal.msgpack.pack(fal.run("fal-ai/echo", { x = 1 })) > 0, true, "pack(fal.run(...))")
assert(not pcall(fal.json.encode, 1, { bogus = 1 }), "a plain options table is still checked")
