-- Option tables are checked before any I/O: an unknown key or a wrong type is a usage error naming
-- the key, so a typo is never silently ignored.
local errors = require("fal.errors")

local M = {}

local checks = {
  string = function(v) return type(v) == "string" end,
  line = function(v) return type(v) == "string" end,
  boolean = function(v) return type(v) == "boolean" end,
  number = function(v) return type(v) == "number" and v == v end,
  positive = function(v) return type(v) == "number" and v == v and v > 0 and v < math.huge end,
  ["function"] = function(v) return type(v) == "function" or (getmetatable(v) or {}).__call ~= nil end,
  headers = function(v)
    if type(v) ~= "table" then return false end
    for k, x in pairs(v) do
      if type(k) ~= "string" or type(x) ~= "string" then return false end
    end
    return true
  end,
  table = function(v) return type(v) == "table" end,
}

local describe = {
  positive = "a positive number", headers = "a table of string names to string values",
  ["function"] = "a function", string = "a string", line = "a string", boolean = "a boolean", number = "a number",
  table = "a table",
}

-- What a wrong value was, for the message: a number or boolean as itself ("got -1"), a short
-- string quoted, anything else by its type.
local function shown(v)
  local t = type(v)
  if t == "number" or t == "boolean" then return ("%s %s"):format(t, tostring(v)) end
  if t == "string" and #v <= 40 then return ("string %q"):format(v) end
  return t
end

-- Values sent as HTTP header lines ("line" options, "headers" tables) must not break the line:
-- a line break would end the header and start another one. `label(a, b)` names the value; it is
-- only called for the message (every fal.run checks its arguments: no string is built for nothing).
local function check_line_breaks(operation, label, a, b, value, kind)
  if kind == "line" and value:find("[\r\n]") then
    error(errors.usage(operation, label(a, b) .. " has a line break"), 4)
  elseif kind == "headers" then
    for name, text in pairs(value) do
      if name:find("[\r\n]") or text:find("[\r\n]") then
        error(errors.usage(operation, ("%s: header %q has a line break"):format(label(a, b), name)), 4)
      end
    end
  end
end

local function option_label(key) return "option " .. key end
local function argument_label(position, name) return ("argument #%d (%s)"):format(position, name) end

--- Checks `opts` against `schema` ({ key = "string" | "line" | "boolean" | "number" | "positive" |
--- "function" | "headers" | "table" }) and returns it (an empty table for nil). "line" is a string
--- without line breaks.
function M.check(operation, opts, schema)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error(errors.usage(operation, "options must be a table, got " .. type(opts)), 3)
  end
  for key, value in pairs(opts) do
    local kind = schema[key]
    if kind == nil then
      local known = {}
      for k in pairs(schema) do known[#known + 1] = k end
      table.sort(known)
      error(errors.usage(operation, ("unknown option %q (known: %s)"):format(tostring(key), table.concat(known, ", "))), 3)
    end
    if not checks[kind](value) then
      error(errors.usage(operation, ("option %s must be %s, got %s"):format(key, describe[kind], shown(value))), 3)
    end
    check_line_breaks(operation, option_label, key, nil, value, kind)
  end
  return opts
end

--- Checks one positional argument.
function M.arg(operation, position, name, value, kind)
  if not checks[kind](value) then
    error(errors.usage(operation, ("argument #%d (%s) must be %s, got %s"):format(position, name, describe[kind], shown(value))), 3)
  end
  check_line_breaks(operation, argument_label, position, name, value, kind)
  return value
end

return M
