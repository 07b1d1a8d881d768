--! key=rt-secret
-- Realtime authentication (PROTOCOL.md §10-11): a JWT from POST /tokens/ by default, the key
-- header with use_jwt = false; the emulator checks both.
local t = require("support")
local echo = "fal-ai/realtime-echo"

fal.config({ key = "rt-secret" })
for _, use_jwt in ipairs({ true, false }) do
  local conn <close> = fal.realtime(echo, { use_jwt = use_jwt, token_expiration = 30 })
  conn:send({ use_jwt = use_jwt })
  t.eq(conn:recv(5).use_jwt, use_jwt, "connected with use_jwt = " .. tostring(use_jwt))
end

fal.config({ key = "wrong" })
t.eq(t.expect_error("http", "Unauthorized", fal.realtime, echo).status, 401, "token request refused")
local refused = fal.realtime(echo, { use_jwt = false })
t.eq(t.expect_error("realtime", "code 4401: Unauthorized", refused.recv, refused, 5).status, 401, "key refused")
fal.config({ key = "rt-secret" })
t.expect_error("usage", "token_expiration must be a positive whole number", fal.realtime, echo, { token_expiration = 1.5 })
