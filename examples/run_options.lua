-- fal.run with the options of the synchronous inference page: a client timeout, a server-side
-- start deadline, a runner hint and platform headers.
local result = fal.run("fal-ai/flux/schnell", { prompt = "a sunset over mountains" }, {
  timeout = 120,            -- client-side HTTP timeout, seconds
  start_timeout = 30,       -- the server gives up (504) if no runner starts within 30 s
  hint = "user-session-abc",
  headers = { ["X-Fal-No-Retry"] = "1" },
})
print(result.images[1].url)

-- Errors are tables: kind, status, message, request_id, field_errors...
local ok, err = pcall(fal.run, "fal-ai/flux/schnell", {})
print(ok, err.kind, err.status, err.field_errors[1].msg)
