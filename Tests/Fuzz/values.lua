-- Shared by the json and msgpack properties (each is appended to this chunk): builds Lua values
-- from fuzz bytes, and compares a value with what came back from a round trip.

-- Reads the input's bytes in order; past the end every read gives zeros.
local function reader(input)
  local pos, r = 1, {}
  function r.byte()
    pos = pos + 1
    return input:byte(pos - 1) or 0
  end
  function r.bytes(n)
    local s = input:sub(pos, pos + n - 1)
    pos = pos + n
    return s .. ("\0"):rep(n - #s)
  end
  function r.more() return pos <= #input end
  return r
end

-- A value of any shape the encoders see: integers and floats from raw bits (NaN, inf, -0.0),
-- strings that need not be UTF-8, null, bytes values, tables plain or marked with keys of every
-- type, and references to an enclosing table (cycles). Nesting is bounded by the input's length.
local function build(r)
  local open = {}
  local function value()
    local op = r.byte() % 12
    if op == 0 then return (string.unpack("<i8", r.bytes(8))) end
    if op == 1 then return (string.unpack("<d", r.bytes(8))) end
    if op == 2 then return r.byte() - 128 end
    if op == 3 then return r.bytes(r.byte() % 16) end
    if op == 4 then return r.byte() % 2 == 0 end
    if op == 5 then return json.null end
    if op == 6 then return msgpack.bytes(r.bytes(r.byte() % 8)) end
    if op == 7 and #open > 0 then return open[r.byte() % #open + 1] end
    if op < 8 or not r.more() then return 0.5 end
    local t = {}
    if op == 9 then json.array(t) elseif op == 10 then json.object(t) end
    open[#open + 1] = t
    for i = 1, r.byte() % 6 do
      local key = r.byte() % 4 == 0 and value() or i
      local v = value()
      if key == key then t[key] = v end  -- a NaN key cannot be set
    end
    open[#open] = nil
    return t
  end
  return value()
end

local function is_bytes(v)
  local mt = getmetatable(v)
  return mt ~= nil and mt.__name == "fal.bytes"
end

local function is_object(v)
  local mt = getmetatable(v)
  return mt ~= nil and mt.__name == "fal.object"
end

-- Whether `b` (decoded) carries the same data as `a`. Numbers keep their subtype and exact value,
-- zero its sign. With `drops_null`, a null member of a map may come back absent (msgpack);
-- `bytes_as_string` says a bytes value comes back as its string (msgpack) rather than a table.
local function same(a, b, drops_null, bytes_as_string)
  if type(a) == "number" then
    return type(b) == "number" and math.type(a) == math.type(b) and a == b and (a ~= 0 or 1 / a == 1 / b)
  end
  if type(a) ~= "table" then return a == b end
  if is_bytes(a) and bytes_as_string then return b == a.data end
  if type(b) ~= "table" then return false end
  local count = 0
  for k, v in pairs(a) do
    if b[k] == nil and v == json.null and drops_null and is_object(b) then
      -- dropped as msgpack does
    else
      count = count + 1
      if not same(v, b[k], drops_null, bytes_as_string) then return false end
    end
  end
  for _ in pairs(b) do count = count - 1 end
  return count == 0
end

