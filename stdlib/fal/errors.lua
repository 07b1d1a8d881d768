-- Structured errors (DESIGN.md §5): a table with `kind`, `message` and the HTTP facts, printed by
-- `tostring` as one line naming the operation, e.g.
-- `fal.subscribe: HTTP 422 from fal-ai/flux/schnell: prompt: field required (request abc-123)`.
local M = {}

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
  if e.operation then text = e.operation .. ": " .. text end
  return text
end

--- Makes an error object from its fields.
function M.new(fields) return setmetatable(fields, Error) end

--- True when `v` is a falua error object.
function M.is(v) return getmetatable(v) == Error end

--- A misuse error, raised before any I/O.
function M.usage(operation, message)
  return M.new({ kind = "usage", operation = operation, message = message })
end

--- The error of an interrupted program (Ctrl-C).
function M.interrupted()
  return M.new({ kind = "interrupted", message = "interrupted" })
end

-- Fills `detail` and `field_errors` from the raw body of an HTTP error reply.
local function decode_detail(e, decode)
  if type(e.body) ~= "string" or e.body == "" then return end
  local ok, body = pcall(decode, e.body)
  if not ok or type(body) ~= "table" then return end
  e.detail = body.detail
  if e.error_type == nil and type(body.error_type) == "string" then e.error_type = body.error_type end
  if type(body.detail) == "table" then
    e.field_errors = body.detail
  elseif e.kind == "validation" and type(body.detail) == "string" then
    e.field_errors = { { loc = { "body" }, msg = body.detail, type = "value_error" } }
  end
end

--- Turns the error fields a `core` operation reported into an error object for `operation`.
function M.from_core(fields, operation, decode)
  fields.operation = operation
  decode_detail(fields, decode)
  return M.new(fields)
end

return M
