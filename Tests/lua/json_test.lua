-- The public JSON API (DESIGN.md §4); the codec itself is tested in CFaluaTests.
local t = require("support")
local enc, dec = fal.json.encode, fal.json.decode

t.eq(enc({ a = 1, b = { 1, 2.5, "x" } }), '{"a":1,"b":[1,2.5,"x"]}', "encode")
t.eq(enc(dec("[]")), "[]", "empty array stays an array")
t.eq(enc(dec("{}")), "{}", "empty object stays an object")
t.eq(enc(fal.array({})), "[]", "fal.array marks")
t.eq(enc({}), "{}", "unmarked empty table is an object")
local v = dec('{"a":null,"b":[1,null,3]}')
assert(v.a == nil and v.b[2] == fal.null and v.b[3] == 3, "null rules")
assert(dec('{"a":null}', { keep_null = true }).a == fal.null, "keep_null")
assert(math.type(dec("9007199254740993")) == "integer" and dec("9007199254740993") == 9007199254740993)
t.eq(enc(1.0), "1.0", "integral floats stay floats")
local err = t.error_of(enc, { f = print })
assert(tostring(err):find("value.f"), "path in encode errors: " .. tostring(err))
-- the same through a request: a usage error naming the input path, before any I/O
local before = t.stats()
local e = t.expect_error("usage", "input.images[2]", fal.run, "fal-ai/echo", { images = { "ok", print } })
assert(tostring(e):find("^fal.run: "), tostring(e))
local cyclic = {}
cyclic.self = cyclic
t.expect_error("usage", "cycle", fal.subscribe, "fal-ai/echo", cyclic)
t.expect_error("usage", "input.x", fal.submit, "fal-ai/echo", { x = 0 / 0 })
local after = t.stats()
t.eq(after.submits, before.submits, "nothing submitted")
t.eq(after.by_route.run, before.by_route.run, "nothing run")
