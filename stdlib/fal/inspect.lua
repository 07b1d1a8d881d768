--- Renders a Lua value readably, Lua-style: tables with sorted keys, on one line when short and
--- indented otherwise; `fal.null` as `null`; cycles marked. `inspect(v, opts)` with `opts.depth`
--- (nesting shown), `opts.items` (entries shown per table), `opts.string` (characters shown per
--- string), `opts.colour` (ANSI colours, for a terminal). The REPL passes limits; `tostring` of a
--- decoded JSON value renders it whole.
local json = require("fal.json")

local array_mt = getmetatable(json.array({}))
local object_mt = getmetatable(json.object({}))

local COLOURS = { string = "32", number = "36", boolean = "35", null = "35", ["nil"] = "35", dim = "2",
  other = "33" }

local function is_identifier(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil and not ({
    ["and"] = 1, ["break"] = 1, ["do"] = 1, ["else"] = 1, ["elseif"] = 1, ["end"] = 1, ["false"] = 1,
    ["for"] = 1, ["function"] = 1, ["goto"] = 1, ["if"] = 1, ["in"] = 1, ["local"] = 1, ["nil"] = 1,
    ["not"] = 1, ["or"] = 1, ["repeat"] = 1, ["return"] = 1, ["then"] = 1, ["true"] = 1, ["until"] = 1,
    ["while"] = 1,
  })[k]
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

-- The width a line takes on screen: colour codes take none.
local function visible(s) return #s:gsub("\27%[[%d;]*m", "") end

local render

local function render_table(t, indent, depth, seen, o)
  local mt = getmetatable(t)
  if mt and mt.__tostring and mt ~= array_mt and mt ~= object_mt then return o.paint("other", tostring(t)) end
  if seen[t] then return o.paint("dim", "<cycle>") end
  local keys, n = sorted_keys(t)
  local count = n + #keys
  if count == 0 then return "{}" end
  if depth >= o.depth then return o.paint("dim", ("{…%d}"):format(count)) end
  seen[t] = true
  local parts = {}
  local shown = math.min(count, o.items)
  for i = 1, math.min(n, shown) do parts[#parts + 1] = render(t[i], indent .. "  ", depth + 1, seen, o) end
  for i = 1, shown - #parts do
    local k = keys[i]
    local key = is_identifier(k) and k or ("[" .. render(k, indent, depth + 1, seen, o) .. "]")
    parts[#parts + 1] = key .. " = " .. render(t[k], indent .. "  ", depth + 1, seen, o)
  end
  if count > shown then parts[#parts + 1] = o.paint("dim", ("… %d more"):format(count - shown)) end
  seen[t] = nil
  local line = "{ " .. table.concat(parts, ", ") .. " }"
  if visible(line) + #indent <= o.width and not line:find("\n") then return line end
  return "{\n" .. indent .. "  " .. table.concat(parts, ",\n" .. indent .. "  ") .. "\n" .. indent .. "}"
end

render = function(v, indent, depth, seen, o)
  if v == json.null then return o.paint("null", "null") end
  local kind = type(v)
  if kind == "string" then
    local shown = #v > o.string and v:sub(1, o.string) or v
    local text = ("%q"):format(shown):gsub("\\\n", "\\n")
    if #shown < #v then text = text .. o.paint("dim", ("… (%d bytes)"):format(#v)) end
    return o.paint("string", text)
  end
  if kind == "table" then return render_table(v, indent, depth, seen, o) end
  if kind == "number" or kind == "boolean" or kind == "nil" then return o.paint(kind, tostring(v)) end
  return o.paint("other", tostring(v))
end

local function plain(_, text) return text end
local function coloured(kind, text) return "\27[" .. COLOURS[kind] .. "m" .. text .. "\27[0m" end

return function(v, opts)
  opts = opts or {}
  local o = {
    depth = opts.depth or math.huge, items = opts.items or math.huge, string = opts.string or math.huge,
    width = opts.width or 80, paint = opts.colour and coloured or plain,
  }
  return render(v, "", 0, {}, o)
end
