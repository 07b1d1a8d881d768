-- First byte even: the rest is text to decode; whatever decodes must encode (unless it holds an
-- out-of-range number) and the encoding must be a fixed point of decode + encode.
-- First byte odd: the rest builds a value; encoding it either fails with a short error naming the
-- value, or gives JSON that decodes to the same value, compact and pretty alike.
return function(input)
  local mode = input:byte(1) or 0
  if mode % 2 == 0 then
    local options = {keep_null = mode % 4 == 0}
    local ok, value = pcall(json.decode, input:sub(2), options)
    if not ok then
      assert(value:match("^invalid JSON at line %d+ column %d+: ") and #value < 200, value)
      return
    end
    local encoded_ok, encoded = pcall(json.encode, value)
    if not encoded_ok then
      assert(encoded:match("cannot encode %-?inf$"), encoded)
      return
    end
    assert(json.encode(json.decode(encoded, options)) == encoded, "decode + encode is not a fixed point")
  else
    local value = build(reader(input:sub(2)))
    local ok, encoded = pcall(json.encode, value)
    if not ok then
      assert(encoded:match("^value") and #encoded < 1000, encoded)
      return
    end
    assert(same(value, json.decode(encoded, {keep_null = true})), "round trip changed the value")
    local pretty = json.encode(value, {indent = 2})
    assert(json.encode(json.decode(pretty, {keep_null = true})) == encoded, "pretty differs from compact")
  end
end
