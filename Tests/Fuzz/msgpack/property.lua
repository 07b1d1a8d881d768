-- First byte even: the rest is msgpack to unpack; whatever unpacks must pack (unless it holds NaN
-- or an infinity) and unpack again to the same value.
-- First byte odd: the rest builds a value; packing it either fails with a short error naming the
-- value, or gives msgpack that unpacks to the same value.
return function(input)
  local mode = input:byte(1) or 0
  if mode % 2 == 0 then
    local ok, value = pcall(msgpack.unpack, input:sub(2))
    if not ok then
      assert(value:match("^invalid msgpack at byte %d+: ") and #value < 200, value)
      return
    end
    local packed_ok, packed = pcall(msgpack.pack, value)
    if not packed_ok then
      assert(packed:match("cannot pack [%-a-zA-Z]+$"), packed)
      return
    end
    assert(same(value, msgpack.unpack(packed), false, true), "unpack + pack + unpack changed the value")
  else
    local value = build(reader(input:sub(2)))
    local ok, packed = pcall(msgpack.pack, value)
    if not ok then
      assert(packed:match("^value") and #packed < 1000, packed)
      return
    end
    local unpacked = msgpack.unpack(packed)
    if value == json.null then unpacked = json.null end  -- a nil document unpacks as nil
    assert(same(value, unpacked, true, true), "round trip changed the value")
  end
end
