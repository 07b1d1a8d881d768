-- Webhooks: submit with `webhook_url`, receive fal's signed completion notice, verify it.
-- The receiver here is the emulator's echo sink (`/_emulator/webhooks/{name}` on the REST host,
-- emulator only): it records each delivery, and reading it back stands in for your own server.
-- In a real receiver, pass the request's headers and raw body to fal.webhook.verify.
-- Run: falua --local examples/webhook.lua
local sink = fal.config().rest_url .. "/_emulator/webhooks/example"

local handle = fal.submit("fal-ai/echo", { prompt = "notify me" }, { webhook_url = sink })
handle:get()

-- The notice is posted right after completion; poll the sink for it (bounded).
local delivery
local deadline = fal.clock() + 10
repeat
  delivery = fal.json.decode((fal.download(sink))).deliveries[1]
  if not delivery then fal.sleep(0.05) end
until delivery or fal.clock() > deadline
assert(delivery, "no webhook delivery")

-- Checks the Ed25519 signature against the platform's published keys (the JWKS) and the timestamp.
local notice = fal.webhook.verify(delivery.headers, delivery.body)
print(("delivered: %s for %s"):format(notice.status, notice.request_id))
print("signature verified; payload prompt: " .. notice.payload.prompt)

-- A tampered body is refused.
local ok, err = pcall(fal.webhook.verify, delivery.headers, (delivery.body:gsub("notify", "ignore")))
print(ok, err.kind, err.message)
