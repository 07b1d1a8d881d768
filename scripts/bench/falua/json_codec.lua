-- Decodes and encodes one JSON document ITERATIONS times and reports the median CPU time of each.
-- CODEC "falua" (fal.json, run by falua) must reproduce EXPECTED byte for byte (Python's
-- json.dumps with sorted keys, compact); CODEC "cjson" (lua-cjson, run by lua5.4) neither sorts
-- keys nor keeps 17 digits, so its output is decoded again and its items checked by id.
--   falua json_codec.lua DOC EXPECTED ITERATIONS falua
--   lua5.4 json_codec.lua DOC EXPECTED ITERATIONS cjson
local doc_path, expected_path, iterations, codec = arg[1], arg[2], math.tointeger(tonumber(arg[3] or "")), arg[4]
assert(iterations and (codec == "falua" or codec == "cjson"),
  "usage: json_codec.lua DOC EXPECTED ITERATIONS falua|cjson")

local function read(path)
  local file <close> = assert(io.open(path, "rb"))
  return file:read("a")
end
local text, expected = read(doc_path), read(expected_path)

local decode, encode, check
if codec == "falua" then
  decode, encode = fal.json.decode, fal.json.encode
  check = function(_, out) return out == expected end
else
  local cjson = require("cjson")
  decode, encode = cjson.decode, cjson.encode
  local function ids_in_order(value)
    for k, item in ipairs(value.items) do
      if item.id ~= k then return false end
    end
    return #value.items > 0
  end
  check = function(value, out) return ids_in_order(value) and ids_in_order(decode(out)) end
end

local decode_times, encode_times = {}, {}
for k = 1, iterations do
  local t0 = os.clock()
  local value = decode(text)
  local t1 = os.clock()
  local out = encode(value)
  local t2 = os.clock()
  if not check(value, out) then
    error(("iteration %d: %s output differs from the expected document"):format(k, codec))
  end
  decode_times[k], encode_times[k] = t1 - t0, t2 - t1
end

local function median(list)
  table.sort(list)
  local m = #list // 2
  return #list % 2 == 1 and list[m + 1] or (list[m] + list[m + 1]) / 2
end
io.write(('{"checked": %d, "decode_seconds": %.9f, "encode_seconds": %.9f}\n'):format(
  iterations, median(decode_times), median(encode_times)))
