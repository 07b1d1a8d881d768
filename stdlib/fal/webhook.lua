-- fal.webhook.verify (PROTOCOL.md §13): fal signs each delivery with Ed25519 over
-- "{request_id}\n{user_id}\n{timestamp}\n{sha256_hex(body)}" and publishes its keys as a JWKS.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local options = require("fal.options")
local operations = require("fal.operation")

local M = {}

M.KEY_CACHE_SECONDS = 24 * 3600
local operation = "fal.webhook.verify"

-- jwks_url -> { keys = {raw public keys}, fetched = core.now() }
local cache = {}

local function fail(message) error(errors.new({ kind = "webhook", operation = operation, message = message }), 0) end

local function header(headers, name)
  local wanted = name:lower()
  for key, value in pairs(headers) do
    if type(key) == "string" and key:lower() == wanted then return value end
  end
  fail("missing header " .. name)
end

local function unhex(text)
  if #text ~= 128 or text:find("[^%x]") then return nil end
  return (text:gsub("%x%x", function(byte) return string.char(tonumber(byte, 16)) end))
end

local function fetch_keys(url)
  local ok, c = pcall(operations.perform, operation, core.storage_request, operation, "GET", url,
    { Accept = "application/json" }, nil, { timeout = 30 })
  if not ok then fail(("cannot fetch keys from %s: %s"):format(url, errors.is(c) and c.message or tostring(c))) end
  local decoded, document = pcall(json.decode, c.body)
  local keys = {}
  if decoded and type(document) == "table" and type(document.keys) == "table" then
    for _, jwk in ipairs(document.keys) do
      if type(jwk) == "table" and jwk.kty == "OKP" and jwk.crv == "Ed25519" and type(jwk.x) == "string" then
        local raw = core.base64_decode(jwk.x)
        if raw and #raw == 32 then keys[#keys + 1] = raw end
      end
    end
  end
  return keys
end

local function keys_for(url)
  local entry = cache[url]
  if entry == nil or core.now() - entry.fetched > M.KEY_CACHE_SECONDS then
    entry = { keys = fetch_keys(url), fetched = core.now() }
    if #entry.keys > 0 then cache[url] = entry end
  end
  return entry.keys
end

---@class fal.VerifyOptions
---@field jwks_url? string where fal publishes its public keys [default: {rest_url}/.well-known/jwks.json]
---@field tolerance? number the largest accepted difference between the delivery's timestamp and now [default: 300] [unit: seconds]

--- Checks a webhook delivery: the Ed25519 signature over the request id, user id, timestamp and
--- body hash (against fal's published keys, fetched once a day) and the timestamp's age. Returns
--- the decoded notice. Pass the request's headers (any case) and its raw body, unparsed.
---@param headers table<string, string> the delivery's HTTP headers (`X-Fal-Webhook-*`)
---@param body string the raw request body
---@param opts? fal.VerifyOptions
---@return table notice the decoded body: `request_id`, `gateway_request_id`, `status` ("OK" or "ERROR"), `payload`, `error`
---@raise usage a bad argument or option
---@raise webhook a missing header, a stale timestamp, a bad signature, no keys, or a body that is not JSON
---@yields fetches the keys when they are not cached
---@example
--- local sink = fal.config().rest_url .. "/_emulator/webhooks/api-doc"
--- fal.submit("fal-ai/echo", { prompt = "notify me" }, { webhook_url = sink }):get()
--- local delivery, deadline = nil, fal.clock() + 10
--- repeat  -- the emulator posts the notice right after completion
---   delivery = fal.json.decode((fal.download(sink))).deliveries[1]
---   if not delivery then fal.sleep(0.05) end
--- until delivery or fal.clock() > deadline
--- print(fal.webhook.verify(delivery.headers, delivery.body).payload.prompt)
function M.verify(headers, body, opts)
  options.arg(operation, 1, "headers", headers, "table")
  options.arg(operation, 2, "body", body, "string")
  opts = options.check(operation, opts, { jwks_url = "string", tolerance = "positive" })
  local request_id = header(headers, "X-Fal-Webhook-Request-Id")
  local user_id = header(headers, "X-Fal-Webhook-User-Id")
  local timestamp = header(headers, "X-Fal-Webhook-Timestamp")
  local signature = header(headers, "X-Fal-Webhook-Signature")
  local seconds = tonumber(timestamp)
  if not seconds or not tostring(timestamp):match("^%d+$") then fail("invalid timestamp " .. tostring(timestamp)) end
  local tolerance = opts.tolerance or 300
  local skew = os.time() - seconds
  if math.abs(skew) > tolerance then
    fail(("stale timestamp: %d s %s (tolerance %g s)"):format(math.abs(skew), skew > 0 and "old" or "in the future", tolerance))
  end
  local raw_signature = unhex(tostring(signature))
  if not raw_signature then fail("malformed signature: expected 128 hex digits") end
  local url = opts.jwks_url or (core.config().rest_url .. "/.well-known/jwks.json")
  local keys = keys_for(url)
  if #keys == 0 then fail("no keys: " .. url .. " lists no Ed25519 key") end
  local message = ("%s\n%s\n%s\n%s"):format(request_id, user_id, timestamp, core.sha256_hex(body))
  for _, key in ipairs(keys) do
    if core.ed25519_verify(key, raw_signature, message) then
      local ok, decoded = pcall(json.decode, body)
      if not ok then fail("the body is not JSON: " .. tostring(decoded)) end
      return decoded
    end
  end
  fail("bad signature: no key from " .. url .. " matches")
end

return M
