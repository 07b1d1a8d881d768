-- One fal HTTP call from a task: encode the input, start the operation in Swift (which owns the URL
-- rules, the key, retries), wait for it, and turn the reply into Lua values or an error object.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local operations = require("fal.operation")
local files = require("fal.file")

local M = {}

local INPUT = { name = "input" }  -- json.encode's options: errors name the path from "input"

--- Encodes a Lua value as a JSON request body, naming the bad path on failure.
function M.encode_input(operation, input)
  if input == nil then return nil end
  if type(input) ~= "table" then
    error(errors.usage(operation, "input must be a table, got " .. type(input)), 3)
  end
  input = files.resolve(operation, input)
  local ok, body = pcall(json.encode, input, INPUT)
  if not ok then error(errors.usage(operation, tostring(body)), 3) end
  return body
end

--- Starts `kind` ("run", "submit", "status", "result", "cancel") and waits; returns the raw
--- completion (status, headers, body) or raises the error object.
function M.call(operation, kind, endpoint, request_id, body, opts)
  return operations.perform(operation, core.request, kind, endpoint, request_id, body, opts or {})
end

--- Decodes a JSON reply; a malformed one is an error naming the endpoint, one nested past
--- `limits.max_depth` a `limit` error naming the option.
function M.decode(operation, endpoint, c)
  local ok, value = pcall(json.decode, c.body)
  if not ok then
    local depth = tostring(value):match("nesting deeper than (%d+)$")  -- the codec's wording
    error(errors.new({ kind = depth and "limit" or "http", operation = operation, status = c.status,
      endpoint = endpoint, request_id = c.headers["x-fal-request-id"],
      message = depth and ("reply nested deeper than the limit of %s levels (fal.config limits.max_depth)"):format(depth)
        or "malformed reply: " .. tostring(value) }), 3)
  end
  return value
end

return M
