-- Realtime connections (PROTOCOL.md §10-11; DESIGN.md §9): a WebSocket to an app's realtime route.
-- Swift owns the socket and buffers whole messages; this side builds the URL, fetches the JWT,
-- encodes with msgpack (binary frames), decodes replies and turns meta frames into errors.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")
local operations = require("fal.operation")

local msgpack = core.msgpack
local OP = "fal.realtime"

local M = {}

---@class fal.Realtime One realtime WebSocket connection to an app, from `fal.realtime`; closes with `<close>`, `conn:close()` or when collected.
---@instance conn
local Connection = {}
Connection.__index = Connection
Connection.__name = "fal.realtime"

---@class fal.RealtimeOptions
---@field path? string the app's realtime route [default: "/realtime"]
---@field use_jwt? boolean authenticate with a short-lived token (`POST {rest_url}/tokens/`) in the URL; false sends the key header instead [default: true]
---@field token_expiration? integer lifetime of that token, a whole number [default: 120] [unit: seconds]
---@field max_buffering? integer how many inputs the server keeps when they arrive faster than the app answers (1 to 60; the oldest are dropped) [default: the server's]
---@field throttle_interval? number at most one send per interval: later sends replace the pending message [default: 0] [unit: seconds]
---@field encode? (fun(message: any): string) encodes each message: a string goes as a text frame, `fal.bytes(s)` as a binary one [default: msgpack]
---@field decode? (fun(data: string): any) decodes each binary frame [default: msgpack]
---@field timeout? number the longest wait for the connection to open [default: 90] [unit: seconds]
local schema = {
  path = "string", use_jwt = "boolean", max_buffering = "number", token_expiration = "positive",
  throttle_interval = "number", encode = "function", decode = "function", timeout = "positive",
}

local function percent_encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return ("%%%02X"):format(c:byte()) end))
end

-- `POST {rest_url}/tokens/`: the reply is a JSON string (also accepted: `{"token": ...}`, `{"detail": ...}`).
local function fetch_token(endpoint, alias, expiration)
  local body = json.encode({ allowed_apps = json.array({ alias }), token_expiration = expiration })
  local c = operations.perform(OP, core.realtime_token, endpoint, body)
  local ok, value = pcall(json.decode, c.body)
  if ok and type(value) == "table" then value = value.token or value.detail end
  if not ok or type(value) ~= "string" then
    error(errors.new({ kind = "http", operation = OP, endpoint = endpoint, status = c.status,
      message = "unexpected realtime token response format" }), 3)
  end
  return value
end

local function whole(value, low, high)
  local n = math.tointeger(value)
  return n ~= nil and n >= low and n <= high and n or nil
end

--- Opens a WebSocket to an app's realtime route and returns the connection once it is open.
--- Messages are tables packed as msgpack in binary frames both ways; many messages can follow
--- one another on the one connection to a warm runner.
---@param endpoint string the endpoint id, e.g. "fal-ai/realtime-echo"
---@param opts? fal.RealtimeOptions
---@return fal.Realtime conn the open connection
---@raise usage a bad endpoint id or option
---@raise http the token request failed
---@raise realtime the server refused or closed the connection (`code`, `status`)
---@raise timeout the connection did not open within `timeout`
---@raise network the connection failed
---@yields waits for the token and the WebSocket handshake
---@example
--- local conn <close> = fal.realtime("fal-ai/realtime-echo")
--- conn:send({ prompt = "a red fox" })
--- print(conn:recv(10).prompt)
function M.realtime(endpoint, opts)
  options.arg(OP, 1, "endpoint", endpoint, "string")
  opts = options.check(OP, opts, schema)
  local max_buffering
  if opts.max_buffering ~= nil then
    max_buffering = whole(opts.max_buffering, 1, 60)
    if not max_buffering then
      error(errors.usage(OP, "max_buffering must be between 1 and 60 (inclusive)"), 2)
    end
  end
  local expiration = opts.token_expiration or 120
  if not whole(expiration, 1, math.maxinteger) then
    error(errors.usage(OP, "token_expiration must be a positive whole number of seconds"), 2)
  end
  local throttle = opts.throttle_interval or 0
  if throttle < 0 or throttle == math.huge then
    error(errors.usage(OP, "throttle_interval must be a non-negative number of seconds"), 2)
  end

  local url, alias = operations.start(OP, core.realtime_target, endpoint, opts.path or "/realtime")
  local query = {}
  if opts.use_jwt ~= false then
    query[#query + 1] = "fal_jwt_token=" .. percent_encode(fetch_token(endpoint, alias, math.tointeger(expiration)))
  end
  if max_buffering then query[#query + 1] = "max_buffering=" .. max_buffering end
  if #query > 0 then url = url .. "?" .. table.concat(query, "&") end

  local cid, op = operations.start(OP, core.realtime_open, url, {}, opts.timeout or 90, endpoint,
    opts.use_jwt == false)
  local conn = setmetatable({
    cid = cid, endpoint = endpoint, encode = opts.encode, decode = opts.decode, throttle = throttle,
    last_sent = -math.huge,
  }, Connection)
  operations.await(OP, op, function() conn:close() end)
  return conn
end

local function closed_error(self, operation)
  return errors.new({ kind = "realtime", operation = operation, endpoint = self.endpoint,
    error = "CONNECTION_CLOSED", message = "the connection is closed" })
end

-- The error of a close with a code other than 1000. Codes 4400-4599 carry an HTTP status (the
-- emulator refuses a connection that way: 4401 for a bad token).
local function close_error(self, operation, code, reason)
  local status = code >= 4400 and code < 4600 and code - 4000 or nil
  return errors.new({ kind = "realtime", operation = operation, endpoint = self.endpoint,
    error = "CONNECTION_CLOSED", code = code, reason = reason, status = status,
    message = ("connection closed with code %d%s"):format(code, reason ~= "" and (": " .. reason) or "") })
end

-- Why a send found the connection gone: the server's close or failure, else "closed".
local function send_failure(self)
  while true do
    local what, a, b = core.realtime_next(self.cid)
    if what == "closed" and a ~= 1000 then
      self:close()
      return close_error(self, "conn:send", a, b)
    elseif what == "failed" or what == "limit" then
      self:close()
      return errors.new({ kind = what == "limit" and "limit" or "network", operation = "conn:send",
        endpoint = self.endpoint, message = a })
    elseif what ~= "text" and what ~= "binary" then
      self:close()
      return closed_error(self, "conn:send")
    end
  end
end

local PACK_OPTIONS = { name = "message" }

-- The frame kind and payload of `message`: msgpack by default; a custom `encode` returns a string
-- (a text frame) or `fal.bytes(s)` (a binary frame).
local function encode(self, message)
  if self.encode then
    local data = self.encode(message)
    if type(data) == "string" then return "text", data end
    if getmetatable(data) == getmetatable(msgpack.bytes("")) then return "binary", data.data end
    error(errors.usage("conn:send", "encode must return a string or fal.bytes(...), got " .. type(data)), 3)
  end
  local ok, data = pcall(msgpack.pack, message, PACK_OPTIONS)
  if not ok then error(errors.usage("conn:send", tostring(data)), 3) end
  return "binary", data
end

-- A throttled send; the clock is read only on this path.
local function transmit(self, kind, data)
  self.last_sent = core.now()
  return core.realtime_send(self.cid, kind, data)
end

-- Throttled sends (the JS client's): the first goes at once, then at most one per interval
-- carrying the latest message; a background task sends it when the interval is over.
local function throttled(self, kind, data)
  local since = core.now() - self.last_sent
  if since >= self.throttle and not self.flushing then return transmit(self, kind, data) end
  self.pending = { kind, data }
  if self.flushing then return true end
  self.flushing = true
  scheduler.spawn(function()
    scheduler.sleep(math.max(0, self.throttle - since))
    self.flushing = false
    local pending = self.pending
    self.pending = nil
    if pending and not self.closed then transmit(self, pending[1], pending[2]) end
  end)
  return true
end

--- Sends a message: packed with msgpack into a binary frame (or with the connection's `encode`).
--- Returns once the frame is queued; with `throttle_interval`, at most one message per interval
--- goes out and the latest one wins.
---@param message any the message, usually a table
---@raise usage a message msgpack cannot pack, or a bad `encode` result
---@raise realtime the connection is closed, or the server closed it with an error code
---@raise network the connection failed
---@example
--- local conn <close> = fal.realtime("fal-ai/realtime-echo")
--- conn:send({ prompt = "a blue whale", data = fal.bytes("\0\1") })
--- print(conn:recv(10).n)
function Connection:send(message)
  if self.closed then error(closed_error(self, "conn:send"), 2) end
  local kind, data = encode(self, message)
  local sent
  if self.throttle > 0 then sent = throttled(self, kind, data) else sent = core.realtime_send(self.cid, kind, data) end
  if not sent then error(send_failure(self), 2) end
end

local function decode_binary(self, data)
  local ok, value = pcall(self.decode or msgpack.unpack, data)
  if not ok then
    error(errors.new({ kind = "realtime", operation = "conn:recv", endpoint = self.endpoint,
      message = "cannot decode a message: " .. tostring(value) }), 4)
  end
  return value
end

-- A text frame: meta messages are skipped (nil) or raised; other JSON is the message; anything
-- else becomes `{type = "text", payload = text}`.
local function decode_text(self, text)
  local ok, value = pcall(json.decode, text)
  if not ok then return { type = "text", payload = text } end
  if type(value) == "table" and value.type == "x-fal-message" then return nil end
  if type(value) == "table" and value.type == "x-fal-error" then
    self:close()
    error(errors.new({ kind = "realtime", operation = "conn:recv", endpoint = self.endpoint,
      error = value.error, reason = value.reason,
      message = ("%s: %s"):format(tostring(value.error), tostring(value.reason)) }), 4)
  end
  return value
end

--- Returns the next message from the app, decoded, waiting for it if none is buffered; nil once
--- the connection closed normally. Platform meta frames are skipped; an `x-fal-error` frame is
--- raised and closes the connection. A text frame that is not JSON comes as
--- `{type = "text", payload = text}`.
---@param timeout? number the longest wait; past it `timeout` is raised and the connection stays open [unit: seconds]
---@return any message the next message, or nil after a normal close
---@raise timeout nothing arrived within `timeout`
---@raise realtime an `x-fal-error` frame, an abnormal close (`code`, `reason`), or an undecodable message
---@raise limit a message longer than `limits.max_message_bytes` of `fal.config` (the connection is closed)
---@raise network the connection failed
---@yields waits for a message
---@example
--- local conn <close> = fal.realtime("fal-ai/realtime-echo")
--- conn:send({ prompt = "count", replies = 2 })
--- print(conn:recv(10).part, conn:recv(10).part)
--- local ok, err = pcall(conn.recv, conn, 0.05)
--- print(ok, err.kind)
function Connection:recv(timeout)
  if timeout ~= nil then options.arg("conn:recv", 1, "timeout", timeout, "positive") end
  local deadline -- set by the first wait: a message already there needs no clock
  while true do
    if self.closed then return nil end
    local what, a, b = core.realtime_next(self.cid)
    if what == "binary" then
      return decode_binary(self, a)
    elseif what == "text" then
      local value = decode_text(self, a)
      if value ~= nil then return value end
    elseif what == "closed" then
      self:close()
      if a == 1000 then return nil end
      error(close_error(self, "conn:recv", a, b), 2)
    elseif what == "failed" or what == "limit" then
      self:close()
      error(errors.new({ kind = what == "limit" and "limit" or "network", operation = "conn:recv",
        endpoint = self.endpoint, message = a }), 2)
    else
      local remaining = timeout
      if deadline then
        remaining = math.max(0, deadline - core.now())
      elseif timeout then
        deadline = core.now() + timeout
      end
      operations.await("conn:recv", core.realtime_wait(self.cid, remaining, "conn:recv"), function(err)
        err.message = ("no message for %g s"):format(timeout)
      end)
    end
  end
end

--- Returns an iterator over the messages until the connection closes, for
--- `for message in conn:messages() do`. The loop does not own the connection: after a `break` it
--- stays open for whoever opened it (usually a `<close>` variable).
---@param timeout? number the longest wait for each message, as `conn:recv` [unit: seconds]
---@return fun(): any next the iterator
---@raise timeout as `conn:recv`
---@raise realtime as `conn:recv`
---@raise limit as `conn:recv`
---@raise network as `conn:recv`
---@yields each step waits for a message
---@example
--- local conn = fal.realtime("fal-ai/realtime-echo")
--- conn:send({ prompt = "three parts", replies = 3 })
--- for message in conn:messages(10) do
---   print(message.part)
---   if message.part == 3 then break end  -- the connection stays open
--- end
--- conn:close()
function Connection:messages(timeout)
  return function() return self:recv(timeout) end
end

--- Closes the connection (a normal close, code 1000); a no-op when it is already closed.
---@example
--- local conn = fal.realtime("fal-ai/realtime-echo")
--- conn:close()
--- print(tostring(conn), conn:recv())
function Connection:close()
  if self.closed then return end
  self.closed = true
  core.realtime_close(self.cid)
end

Connection.__close = Connection.close
Connection.__gc = Connection.close

function Connection.__tostring(c)
  return ("fal.realtime(%s%s)"):format(c.endpoint, c.closed and ", closed" or "")
end

---@name fal.bytes
--- Wraps a string so msgpack packs it as `bin` (bytes), not `str`: for images and audio in
--- realtime messages. Unpacked `bin` values come back as plain strings.
---@param s string the bytes
---@return table bytes the wrapped bytes (`.data` is the string)
---@example
--- print(#fal.msgpack.pack(fal.bytes("\0\1\2")), fal.msgpack.unpack(fal.msgpack.pack(fal.bytes("ab"))))
M.bytes = msgpack.bytes

---@name fal.msgpack.pack
--- Packs a value as msgpack, with the JSON rules for tables (arrays, objects, `fal.null`):
--- integers as ints, floats as float 64, strings as `str`, `fal.bytes` as `bin`.
---@param value any the value to pack
---@param opts? fal.MsgpackOptions
---@return string data the msgpack bytes
---@raise string a value msgpack cannot hold (a function, a mixed table), named by its path
---@example
--- local data = fal.msgpack.pack({ 1, 2, 3 })
--- print(#data, data:byte(1) == 0x93)

---@name fal.msgpack.unpack
--- Unpacks one msgpack value: `bin` and `str` as strings, `nil` as `fal.null` in arrays, maps as
--- tables that pack back the same.
---@param data string the msgpack bytes
---@param opts? fal.MsgpackUnpackOptions
---@return any value the value
---@raise string bytes that are not one whole msgpack value
---@example
--- local value = fal.msgpack.unpack(fal.msgpack.pack({ prompt = "a cat", steps = 2 }))
--- print(value.prompt, math.type(value.steps))

---@class fal.MsgpackOptions
---@field name? string the name of the value in error messages [default: "value"]
---@field max_depth? integer how deeply tables may nest, 1 to 5000 [default: `limits.max_depth` of `fal.config`, 1000]

---@class fal.MsgpackUnpackOptions
---@field max_depth? integer how deeply arrays and maps may nest, 1 to 5000 [default: `limits.max_depth` of `fal.config`, 1000]
M.msgpack = { pack = msgpack.pack, unpack = msgpack.unpack }

return M
