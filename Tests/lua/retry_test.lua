-- Retries with the Python client's policy (PROTOCOL.md §14) against injected faults.
local t = require("support")

-- 429 twice on submit, then success: three attempts, one request in the queue
local before = t.stats()
t.inject("submit", 429, 2)
local out = fal.subscribe("fal-ai/echo", { r = 1 })
t.eq(out.r, 1, "result after retries")
local after = t.stats()
t.eq(after.by_route.submit - before.by_route.submit, 3, "three submit attempts")
t.eq(after.submits - before.submits, 1, "one request queued")

-- ingress 503 (no x-fal-request-id) on status is retried
t.inject("status", 503, 2, true)
t.eq(fal.subscribe("fal-ai/echo", { r = 2 }).r, 2, "ingress 503 retried")

-- 503 from fal (with x-fal-request-id) is not retried: the error surfaces
before = t.stats()
t.inject("run", 503, 1, false)
local e = t.expect_error("http", nil, fal.run, "fal-ai/echo", {})
t.eq(e.status, 503, "503 surfaces")
t.eq(t.stats().by_route.run - before.by_route.run, 1, "not retried")

-- 408 and 409 are retried too, on the result fetch
t.inject("result", 408, 1)
t.inject("result", 409, 1)
t.eq(fal.subscribe("fal-ai/echo", { r = 3 }).r, 3, "408/409 retried")

-- 500 is not retried
t.inject("run", 500, 1)
t.eq(t.expect_error("http", nil, fal.run, "fal-ai/echo", {}).status, 500, "500 not retried")
