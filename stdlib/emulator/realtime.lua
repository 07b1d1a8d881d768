-- The Lua half of a realtime session (RealtimeSession.swift), loaded once per connection with
-- `(json, msgpack, primitive, app, request_id, path)`. It returns `handle(kind, payload)`, which
-- decodes one input frame ("binary": msgpack, "text": JSON), calls the app's `realtime(msg, ctx)`
-- and sends its reply as msgpack. `ctx.received()` counts the inputs that arrived so far (dropped
-- ones too).
local json, msgpack, primitive, app, request_id, path = ...
if type(app) ~= "table" or type(app.realtime) ~= "function" then
  error("app has no realtime function", 0)
end
local ctx = { request_id = request_id, path = path, sleep = primitive.sleep, received = primitive.received,
  png = primitive.png, close = primitive.close }
function ctx.send(value) primitive.emit(msgpack.pack(value, { name = "reply" })) end
function ctx.log() end
function ctx.meta(value) primitive.meta(json.encode(value)) end
return function(kind, payload)
  local input
  if kind == "text" then input = json.decode(payload) else input = msgpack.unpack(payload) end
  local reply = app.realtime(input, ctx)
  if reply ~= nil then primitive.emit(msgpack.pack(reply, { name = "reply" })) end
end
