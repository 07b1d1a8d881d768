-- `falua -v`: one line on stderr per request, after it ends (a stream: once it opened): method,
-- endpoint (or URL without its query), status, time. Never headers or bodies, so never the key.
local core = require("fal.core")
local operation = require("fal.operation")

local M = {}

local METHODS = { run = "POST", submit = "POST", status = "GET", result = "GET", cancel = "PUT",
  stream = "POST", status_stream = "GET" }
local PATHS = { status_stream = "status/stream" }

local function without_query(url) return (tostring(url):gsub("[?#].*$", "")) end

local function describe(start, ...)
  if start == core.request or start == core.stream_open then
    local kind, endpoint, request_id = ...
    return METHODS[kind] or kind,
      ("%s %s%s"):format(endpoint, PATHS[kind] or kind, request_id and (" " .. request_id) or "")
  elseif start == core.storage_request then
    local _, method, url = ...
    return method, without_query(url)
  elseif start == core.download then
    return "GET", without_query((...))
  end
  return nil
end

local function log(start, seconds, c, ...)
  local method, target = describe(start, ...)
  if not method then return end
  local outcome
  if c.ok then
    outcome = tostring(c.status)
  else
    local e = c.error or {}
    outcome = e.status and tostring(e.status) or ("failed (" .. tostring(e.kind or "error") .. ")")
  end
  require("fal.progress").clear()
  io.stderr:write(("falua: %s %s -> %s in %d ms\n"):format(method, target, outcome, math.floor(seconds * 1000 + 0.5)))
end

--- Turns the request log on.
function M.enable()
  operation.log = log
  core.configure({ retry_log = true })  -- retries, one line each, from Swift (RetryNotice)
end

return M
