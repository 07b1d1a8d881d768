-- Webhook delivery (signed, retried) and fal.webhook.verify (PROTOCOL.md §13).
local t = require("support")

-- Waits (bounded) until the emulator's echo receiver `name` holds a delivery.
local function delivery(name)
  local deadline = fal.clock() + 10
  while fal.clock() < deadline do
    local seen = fal.json.decode(emulator.get("/_emulator/webhooks/" .. name))
    if #seen.deliveries > 0 then return seen.deliveries[1], seen end
    fal.sleep(0.05)
  end
  error("no delivery for " .. name)
end

local function signed(fields)
  return fal.json.decode(emulator.post("/_emulator/webhook-sign", fal.json.encode(fields)))
end

-- A delivery whose receiver fails once is retried; the signed notice verifies.
local sink = emulator.url .. "/_emulator/webhooks/retry?fail=1"
local h = fal.submit("fal-ai/echo", { prompt = "hook" }, { webhook_url = sink })
h:get()
local got, seen = delivery("retry")
t.eq(seen.refused, 1, "the first attempt was refused")
local body = fal.webhook.verify(got.headers, got.body)
t.eq(body.request_id, h.request_id, "request id")
t.eq(body.status, "OK", "status")
t.eq(body.payload.prompt, "hook", "payload")
local record = fal.json.decode(emulator.get("/_emulator/requests/" .. h.request_id))
t.eq(record.webhook_delivery, "HTTP 200 after 2 attempts", "delivery report")

-- header names are case-insensitive
local lower = {}
for k, v in pairs(got.headers) do lower[k:lower()] = v end
t.eq(fal.webhook.verify(lower, got.body).request_id, h.request_id, "lower-case headers")

-- an app error is delivered as status ERROR
local failing = fal.submit("fal-ai/echo", { fail = true }, { webhook_url = emulator.url .. "/_emulator/webhooks/err" })
pcall(failing.get, failing)
local error_body = fal.webhook.verify(delivery("err").headers, delivery("err").body)
t.eq(error_body.status, "ERROR", "error status")
t.eq(error_body.error, "Invalid status code: 500", "error text")

-- tampered body, stale timestamp, unknown key, missing header, malformed signature
local payload = fal.json.encode({ request_id = "r1", status = "OK", payload = { n = 1 } })
local good = signed({ request_id = "r1", user_id = "usr_x", body = payload })
t.eq(fal.webhook.verify(good, payload).payload.n, 1, "good signature")
t.expect_error("webhook", "bad signature", fal.webhook.verify, good, (payload:gsub("1", "2")))
local stale = signed({ request_id = "r1", user_id = "usr_x", body = payload, timestamp = os.time() - 301 })
t.expect_error("webhook", "stale timestamp", fal.webhook.verify, stale, payload)
t.eq(fal.webhook.verify(stale, payload, { tolerance = 400 }).request_id, "r1", "a wider tolerance accepts it")
local future = signed({ request_id = "r1", user_id = "usr_x", body = payload, timestamp = os.time() + 400 })
t.expect_error("webhook", "in the future", fal.webhook.verify, future, payload)
local stranger = signed({ request_id = "r1", user_id = "usr_x", body = payload, stranger = true })
t.expect_error("webhook", "bad signature", fal.webhook.verify, stranger, payload)
local missing = {}
for k, v in pairs(good) do missing[k] = v end
missing["X-Fal-Webhook-User-Id"] = nil
t.expect_error("webhook", "missing header X-Fal-Webhook-User-Id", fal.webhook.verify, missing, payload)
local forged = {}
for k, v in pairs(good) do forged[k] = v end
forged["X-Fal-Webhook-Signature"] = "zz"
t.expect_error("webhook", "malformed signature", fal.webhook.verify, forged, payload)
-- the signed request id is part of the message
local swapped = {}
for k, v in pairs(good) do swapped[k] = v end
swapped["X-Fal-Webhook-Request-Id"] = "r2"
t.expect_error("webhook", "bad signature", fal.webhook.verify, swapped, payload)

-- a JWKS without an Ed25519 key
t.expect_error("webhook", "no keys", fal.webhook.verify, good, payload,
  { jwks_url = emulator.url .. "/_emulator/webhooks/empty" })
t.expect_error("usage", "unknown option", fal.webhook.verify, good, payload, { jwks = "x" })

-- the emulator refuses to deliver anywhere but loopback
local outside = fal.submit("fal-ai/echo", {}, { webhook_url = "http://example.com/hook" })
outside:get()
local deadline = fal.clock() + 10
local report
repeat
  report = fal.json.decode(emulator.get("/_emulator/requests/" .. outside.request_id)).webhook_delivery
  if report == nil then fal.sleep(0.05) end
until report ~= nil or fal.clock() > deadline
t.eq(report, "not sent: the emulator delivers to loopback URLs only", "loopback only")
