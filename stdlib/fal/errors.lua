-- Structured errors (DESIGN.md §5): a table with `kind`, `message` and the HTTP facts, printed by
-- `tostring` as one line naming the operation, e.g.
-- `fal.subscribe: HTTP 422 from fal-ai/flux/schnell: prompt: field required (request abc-123)`.
-- This file is the one home of an error reply's reading and of the rendering: Swift reports the
-- kind (from status and headers) and the raw body (key scrubbed); `from_core` decodes the body
-- once into `detail`, `field_errors`, `error_type` and, when Swift gave none, the `message`.
local M = {}

---@class fal.Error What every `fal.*` failure raises (DESIGN.md §5): a table whose `tostring` is one line naming the operation, e.g. `fal.run: HTTP 422 from fal-ai/flux/schnell: prompt: field required (request ...)`. Catch it with `pcall`.
---@field kind "http"|"validation"|"timeout"|"network"|"cancelled"|"usage"|"callback"|"realtime"|"interrupted"|"webhook"|"upload"|"limit" what went wrong (see docs/errors.md)
---@field message string the reason, without the operation
---@field operation string? the API function that failed, e.g. "fal.subscribe" or "handle:get"
---@field endpoint string? the endpoint id of the call
---@field status integer? the HTTP status of an error reply
---@field error_type string? the platform's error type (the body's `error_type` or the `X-Fal-Error-Type` header)
---@field request_id string? the request id, when there is one
---@field timeout_type string? "user" when the request's own `start_timeout` expired
---@field detail any the reply's `detail` (a string, or the 422 list)
---@field field_errors {loc: any[], msg: string, type: string}[]? the 422 items, each naming a field of the input
---@field body string? the raw reply body
---@field retryable boolean? whether the failure was of a kind that is retried
---@field input_path string? for an upload of a `fal.file` marker, where the marker was in the input
---@field attempts integer? how many attempts the call made (1 plus the retries)
---@field elapsed number? how long the call waited before failing [unit: seconds]
local Error = {}
Error.__name = "fal.error"
M.Error = Error

function Error.__tostring(e)
  local text = e.message or "error"
  if e.status and e.kind ~= "usage" then
    text = ("HTTP %d%s: %s"):format(e.status, e.endpoint and (" from " .. e.endpoint) or "", text)
  elseif e.endpoint and e.kind ~= "usage" then
    text = ("%s (%s)"):format(text, e.endpoint)
  end
  if e.request_id then text = ("%s (request %s)"):format(text, e.request_id) end
  -- How long it waited and how often it tried, when that was more than one quick attempt.
  if math.type(e.attempts) == "integer" and type(e.elapsed) == "number"
    and (e.attempts > 1 or e.kind == "timeout" or e.kind == "network") then
    text = ("%s [%d attempt%s in %.2f s]"):format(text, e.attempts, e.attempts == 1 and "" or "s", e.elapsed)
  end
  if e.operation then text = e.operation .. ": " .. text end
  return text
end

-- The key must never leave in an error, whatever a server echoed into it: every string in the
-- table, keys and nested tables included, goes through `core.redact` (Swift holds the key).
local redact
local function scrub(value, seen)
  if type(value) == "string" then return redact(value) end
  if type(value) ~= "table" or seen[value] or getmetatable(value) ~= nil and getmetatable(value) ~= Error then
    return value
  end
  seen[value] = true
  local changes = {}
  for k, v in pairs(value) do
    local k2, v2 = scrub(k, seen), scrub(v, seen)
    if k2 ~= k or v2 ~= v then changes[#changes + 1] = { k, k2, v2 } end
  end
  for _, c in ipairs(changes) do
    value[c[1]] = nil
    value[c[2]] = c[3]
  end
  return value
end

--- Removes the key from every string of `value` (a string or a table, scrubbed in place).
function M.scrub(value)
  if redact == nil then
    local ok, core = pcall(require, "fal.core")
    redact = ok and type(core) == "table" and core.redact or false
  end
  if not redact then return value end
  return scrub(value, {})
end

--- Makes an error object from its fields.
function M.new(fields) return setmetatable(M.scrub(fields), Error) end

--- Tells whether a value is a falua error table (one with the `fal.Error` metatable), as
--- opposed to a string error or another value raised with `error`.
---@param v any the value to test
---@return boolean is true for a `fal.Error`
---@example
--- local ok, err = pcall(fal.run, "fal-ai/flux/schnell", {})
--- print(ok, fal.is_error(err), err.kind, fal.is_error("oops"))
function M.is(v) return getmetatable(v) == Error end

--- A misuse error, raised before any I/O.
function M.usage(operation, message)
  return M.new({ kind = "usage", operation = operation, message = message })
end

--- The error of an interrupted program (Ctrl-C).
function M.interrupted()
  return M.new({ kind = "interrupted", message = "interrupted" })
end

-- One validation item as "<field>: <msg>": the last `loc` element names the field.
local function field_error(item)
  if type(item) ~= "table" then return tostring(item) end
  local message = type(item.msg) == "string" and item.msg or type(item.type) == "string" and item.type or "invalid"
  local loc = item.loc
  local field = type(loc) == "table" and loc[#loc] or nil
  if field == nil then return message end
  return tostring(field) .. ": " .. message
end

-- The body as text without surrounding whitespace, at most 200 characters (bytes if not UTF-8).
local function body_text(body)
  local first = body:find("%S")
  if not first then return "" end
  local last = #body
  while body:find("^%s", last) do last = last - 1 end
  local text = body:sub(first, last)
  local ok, length = pcall(utf8.len, text)
  if ok and length then
    if length <= 200 then return text end
    return text:sub(1, utf8.offset(text, 201) - 1)
  end
  return text:sub(1, 200)
end

-- The message of an HTTP error reply: `detail` when a string; a 422 list as "<field>: <msg>; …";
-- else the body's `message`; else the body's start; else "HTTP <status>".
local function reply_message(e, body)
  if type(body) == "table" then
    local detail = body.detail
    if type(detail) == "string" then return detail end
    if type(detail) == "table" and #detail > 0 then
      local parts = {}
      for i, item in ipairs(detail) do parts[i] = field_error(item) end
      return table.concat(parts, "; ")
    end
    if type(body.message) == "string" then return body.message end
    -- A queue reply that carries only a status (a cancel of a finished request) as a sentence.
    if type(body.status) == "string" then
      if body.status == "ALREADY_COMPLETED" then return "the request had already completed (status ALREADY_COMPLETED)" end
      return ("the request's status is %s"):format(body.status)
    end
  end
  local text = body_text(e.body)
  if text ~= "" then return text end
  return e.status and ("HTTP %d"):format(e.status) or "error"
end

-- Fills `detail`, `field_errors`, the body's `error_type` and (when missing) `message` from the
-- raw body of an HTTP error reply.
local function read_body(e, decode)
  if type(e.body) ~= "string" or not e.status then return end
  local ok, body = pcall(decode, e.body)
  if not ok or type(body) ~= "table" then body = nil end
  if body then
    e.detail = body.detail
    -- The body's error_type wins over the header's, as in the Python client.
    if type(body.error_type) == "string" then e.error_type = body.error_type end
    if type(body.detail) == "table" then
      e.field_errors = body.detail
    elseif e.kind == "validation" and type(body.detail) == "string" then
      e.field_errors = { { loc = { "body" }, msg = body.detail, type = "value_error" } }
    end
  end
  if e.message == nil then e.message = reply_message(e, body) end
end

--- Turns the error fields a `core` operation reported into an error object for `operation`.
function M.from_core(fields, operation, decode)
  fields.operation = operation
  read_body(fields, decode)
  return M.new(fields)  -- scrubs what the body decoded into (detail, field_errors)
end

return M
