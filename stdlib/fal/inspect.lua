--- Renders a Lua value readably (the REPL prints results with it): tables with sorted keys, on one
--- line when short, indented otherwise; cycles and `fal.null` marked.
local json = require("fal.json")

local function is_identifier(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil
end

local function sorted_keys(t)
  local keys, n = {}, #t
  for k in pairs(t) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b)
    if type(a) == type(b) and (type(a) == "string" or type(a) == "number") then return a < b end
    return type(a) < type(b)
  end)
  return keys, n
end

local render

local function render_table(t, indent, seen)
  local mt = getmetatable(t)
  if mt and mt.__tostring then return tostring(t) end
  if seen[t] then return "<cycle>" end
  seen[t] = true
  local keys, n = sorted_keys(t)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = render(t[i], indent .. "  ", seen) end
  for _, k in ipairs(keys) do
    local key = is_identifier(k) and k or ("[" .. render(k, indent, seen) .. "]")
    parts[#parts + 1] = key .. " = " .. render(t[k], indent .. "  ", seen)
  end
  seen[t] = nil
  if #parts == 0 then return "{}" end
  local line = "{ " .. table.concat(parts, ", ") .. " }"
  if #line <= 80 and not line:find("\n") then return line end
  return "{\n" .. indent .. "  " .. table.concat(parts, ",\n" .. indent .. "  ") .. "\n" .. indent .. "}"
end

render = function(v, indent, seen)
  if v == json.null then return "fal.null" end
  local kind = type(v)
  if kind == "string" then return ("%q"):format(v):gsub("\\\n", "\\n") end
  if kind == "table" then return render_table(v, indent, seen) end
  return tostring(v)
end

return function(v) return render(v, "", {}) end
