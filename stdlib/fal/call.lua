-- `falua call ENDPOINT key=value ...`: one request from the command line. Values are JSON when they
-- parse as JSON, else strings; `@file.json` and `@-` read JSON, `@other` uploads the file.
local fal = require("fal")
local core = require("fal.core")
local errors = require("fal.errors")

local M = {}

local function usage(message) error(errors.usage("falua call", message), 0) end

local function decode_or_nil(text)
  local ok, value = pcall(fal.json.decode, text)
  if ok then return true, value end
  return false
end

--- The input table from `key=value` words.
function M.input(fields)
  local input = {}
  for _, field in ipairs(fields) do
    local key, value = field:match("^([^=]+)=(.*)$")
    if not key then usage(("expected key=value, got %q"):format(field)) end
    if value == "@-" then
      local ok, decoded = decode_or_nil(io.read("a") or "")
      if not ok then usage(("%s: standard input is not JSON"):format(key)) end
      input[key] = decoded
    elseif value:sub(1, 1) == "@" and value:lower():match("%.json$") then
      local text, reason = core.read_file(value:sub(2))
      if not text then usage(("%s: cannot read %s: %s"):format(key, value:sub(2), tostring(reason))) end
      local ok, decoded = decode_or_nil(text)
      if not ok then usage(("%s: %s is not JSON"):format(key, value:sub(2))) end
      input[key] = decoded
    elseif value:sub(1, 1) == "@" and #value > 1 then
      input[key] = fal.file(value:sub(2))
    else
      local ok, decoded = decode_or_nil(value)
      input[key] = ok and decoded ~= nil and decoded or value
    end
  end
  return input
end

local function output(value, compact)
  print(fal.json.encode(value, not compact and { indent = 2 } or nil))
end

--- Runs the call: `endpoint, mode ("queue" | "run" | "stream"), path, "logs"?, save dir?, "json"?,
--- fields...` (empty strings for absent settings).
function M.main(endpoint, mode, path, logs, save, json, ...)
  local input = M.input({ ... })
  path = path ~= "" and path or nil
  local compact = json == "json"
  local result
  if mode == "run" then
    result = fal.run(endpoint, input, { path = path })
  elseif mode == "stream" then
    local events = fal.stream(endpoint, input, { path = path })
    for event in events do
      output(event, compact)
      io.stdout:flush()
    end
    return
  else
    local opts = { path = path }
    if logs == "logs" then
      local printed = 0
      opts.with_logs = true
      opts.on_queue_update = function(status)
        local list = status.logs or {}
        for i = printed + 1, #list do io.stderr:write(tostring(list[i].message), "\n") end
        printed = math.max(printed, #list)
      end
    end
    result = fal.subscribe(endpoint, input, opts)
  end
  output(result, compact)
  if save ~= "" then
    for _, saved in ipairs(fal.download_all(result, save)) do io.stderr:write("saved ", saved, "\n") end
  end
end

return M
