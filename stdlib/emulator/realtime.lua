-- The Lua half of a realtime session (RealtimeSession.swift), loaded once per connection with
-- `(json, msgpack, primitive, app, request_id, path)`. It returns `step(kind, payload)`, which
-- decodes one input frame ("binary": msgpack, "text": JSON), calls the app's `realtime(msg, ctx)`
-- and sends its reply as msgpack. `ctx.received()` counts the inputs that arrived so far (dropped
-- ones too).
--
-- Swift first runs the handler in place on the connection's event loop. A handler that sleeps,
-- makes an image or runs more than IN_PLACE_INSTRUCTIONS must not hold the loop: its coroutine
-- yields, `step` returns false, and the session's thread resumes it with `step()` (and runs every
-- later input, so `step` then always returns true).
local json, msgpack, primitive, app, request_id, path = ...
if type(app) ~= "table" or type(app.realtime) ~= "function" then
  error("app has no realtime function", 0)
end

-- About a millisecond of Lua: past it a handler leaves the event loop.
local IN_PLACE_INSTRUCTIONS = 100000

local DONE = {}
local REPLY = { name = "reply" }
local on_thread = false
local handler -- the coroutine that runs the handlers, one input per resume

-- Yields to Swift to continue on the session's thread; a no-op there, or inside the app's own
-- coroutines (which then block the event loop: they cannot be moved).
local function leave_event_loop()
  if not on_thread and coroutine.running() == handler then coroutine.yield() end
end

local ctx = { request_id = request_id, path = path, received = primitive.received, close = primitive.close }
function ctx.sleep(seconds)
  leave_event_loop()
  primitive.sleep(seconds)
end
function ctx.png(...)
  leave_event_loop()
  return primitive.png(...)
end
function ctx.send(value) primitive.emit(msgpack.pack(value, REPLY)) end
function ctx.log() end
function ctx.meta(value) primitive.meta(json.encode(value)) end

local function handle(kind, payload)
  local input
  if kind == "text" then input = json.decode(payload) else input = msgpack.unpack(payload) end
  local reply = app.realtime(input, ctx)
  if reply ~= nil then primitive.emit(msgpack.pack(reply, REPLY)) end
end

handler = coroutine.create(function(kind, payload)
  while true do
    handle(kind, payload)
    kind, payload = coroutine.yield(DONE)
  end
end)

return function(kind, payload)
  if not on_thread then primitive.limit(handler, IN_PLACE_INSTRUCTIONS) end
  local ok, result = coroutine.resume(handler, kind, payload)
  if not ok then error(result, 0) end
  if result == DONE then return true end
  on_thread = true
  primitive.limit(handler, nil)
  return false
end
