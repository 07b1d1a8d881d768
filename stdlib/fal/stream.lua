-- Server-sent events (PROTOCOL.md §6.3, §8; DESIGN.md §9): `fal.stream` and the queue's status
-- stream. Swift parses the event stream and buffers at most a bounded number of events (pausing the
-- transfer beyond that); this side decodes each event's JSON as the consumer asks for it.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local options = require("fal.options")
local operations = require("fal.operation")
local http = require("fal.http")

local M = {}

---@class fal.Stream The server-sent events of one `fal.stream` call. It is its own iterator (`for event in stream do`) and closes when the loop is left early; also usable with `<close>`.
---@field request_id string? the request id the server gave the stream
local Stream = {}
Stream.__index = Stream
Stream.__name = "fal.stream"

-- Waits for the next change of session `s`; a timeout aborts the stream.
local function wait(s)
  local op = core.stream_wait(s.sid, s.timeout, s.endpoint, s.operation)
  operations.await(s.operation, op, function() s:close() end)
end

-- Closes `s` and raises the error object of the error fields Swift reported.
local function fail(s, fields)
  s:close()
  error(operations.failure(s.operation, fields), 0)
end

-- Waits until the reply began: an HTTP error reply (with its `detail`) is raised here. `...` are
-- the arguments of the stream's core.stream_open, for `falua -v`'s line.
local function wait_head(s, ...)
  local started = operations.log and core.now()
  while true do
    local ok, value = core.stream_head(s.sid)
    if ok ~= nil and started then
      operations.log(core.stream_open, core.now() - started, ok and { ok = true, status = "open" } or
        { ok = false, error = value }, ...)
    end
    if ok == true then
      s.request_id = value
      return
    elseif ok == false then
      fail(s, value)
    end
    wait(s)
  end
end

-- The next raw event (`type, data`), or nil once the stream ended cleanly.
local function next_raw(s)
  while true do
    if s.closed then return nil end
    local what, a, b = core.stream_next(s.sid)
    if what == "event" then
      return a, b
    elseif what == "end" then
      s:close()
      return nil
    elseif what == "error" then
      fail(s, a)
    end
    wait(s)
  end
end

-- An `event: error` the server sent after events had begun (the emulator's mid-stream failure).
local function stream_error(s, data)
  local ok, body = pcall(json.decode, data)
  body = ok and type(body) == "table" and body or {}
  local detail = body.detail
  return errors.new({ kind = body.status == 422 and "validation" or "http", operation = s.operation,
    endpoint = s.endpoint, request_id = s.request_id, status = math.type(body.status) == "integer" and body.status or nil,
    error_type = type(body.error_type) == "string" and body.error_type or nil, detail = detail, body = data,
    message = type(detail) == "string" and detail or ("stream failed: " .. data) })
end

--- Returns the next event, decoded from JSON, waiting for it if none is buffered; nil at the end
--- of the stream. An `event: error` the server sends mid-stream is raised.
---@return any event the next event, or nil at the end
---@raise validation the app failed mid-stream with HTTP 422
---@raise http the app failed mid-stream, or an event is not JSON
---@raise timeout no event within the stream's `timeout`
---@raise network the connection dropped (also in the middle of an event)
---@yields waits for the next event
---@example
--- local stream = fal.stream("fal-ai/any-llm", { prompt = "one two three" })
--- local first = stream:next()
--- print(first.output, first.partial)
--- stream:close()
function Stream:next()
  local kind, data = next_raw(self)
  if kind == nil then return nil end
  if kind == "error" then
    self:close()
    error(stream_error(self, data), 2)
  end
  local ok, value = pcall(json.decode, data)
  if not ok then
    self:close()
    error(errors.new({ kind = "http", operation = self.operation, endpoint = self.endpoint, request_id = self.request_id,
      message = "malformed event (not JSON): " .. tostring(value) }), 2)
  end
  self.last = value
  return value
end

--- Reads the rest of the stream and returns its last event (the JS client's `done()`): for most
--- apps, the final output.
---@return any event the last event, or nil if the stream sent none
---@raise http as `stream:next`
---@raise validation as `stream:next`
---@raise timeout as `stream:next`
---@raise network as `stream:next`
---@yields waits for the end of the stream
---@example
--- local stream = fal.stream("fal-ai/any-llm", { prompt = "the quick brown fox" })
--- print(stream:result().output)
function Stream:result()
  while self:next() ~= nil do end
  return self.last
end

--- Aborts the transfer; later `stream:next` calls return nil. A no-op once the stream ended.
---@example
--- local stream = fal.stream("fal-ai/any-llm", { prompt = "a long answer that is not read" })
--- stream:close()
--- print(stream:next())
function Stream:close()
  if self.closed then return end
  self.closed = true
  self.final_stats = core.stream_stats(self.sid)
  core.stream_close(self.sid)
end

--- Back-pressure counters: the transfer pauses while more than 64 events wait unread (so a slow
--- reader slows the server down instead of filling memory) and resumes at 16.
---@return {pauses: integer, max_buffered: integer} stats times the transfer was paused, and the most events buffered at once
---@example
--- local stream = fal.stream("fal-ai/any-llm", { prompt = "x", events = 200 })
--- local count = 0
--- for _ in stream do count = count + 1 end
--- local stats = stream:stats()
--- print(count, stats.max_buffered <= 65, stats.pauses >= 0)
function Stream:stats()
  if self.closed then return self.final_stats end
  return core.stream_stats(self.sid)
end

-- `for event in stream do`: the stream is its own iterator; the generic for's closing value is the
-- stream too, so a `break` or an error in the loop body aborts the transfer.
Stream.__call = Stream.next
Stream.__close = Stream.close
Stream.__gc = Stream.close

function Stream.__tostring(s)
  return ("fal.stream(%s%s)"):format(s.endpoint, s.request_id and (", " .. s.request_id) or "")
end

local function new(operation, endpoint, sid, timeout)
  return setmetatable({ operation = operation, endpoint = endpoint, sid = sid, timeout = timeout }, Stream)
end

---@class fal.StreamOptions
---@field path? string the streaming route, replacing "/stream" [default: "/stream"]
---@field timeout? number the longest wait for each event (not for the whole stream) [default: none] [unit: seconds]
---@field headers? table<string, string> extra HTTP headers

--- Calls an endpoint's streaming route (`POST {run_url}/{endpoint}/stream`) and returns the
--- stream of its server-sent events once the reply has begun, so an HTTP error is raised here.
--- Events are decoded as they are read; `for event in fal.stream(...) do` reads them all.
--- Nothing is retried: events already delivered would be replayed.
---@param endpoint string the endpoint id, e.g. "fal-ai/any-llm"
---@param input? table the input, sent as JSON (nil sends `{}`)
---@param opts? fal.StreamOptions
---@return fal.Stream stream the stream (also the iterator, with `nil, nil, stream` after it for the generic `for`)
---@raise usage a bad endpoint id, option or input, before any I/O
---@raise validation the endpoint refused the input (HTTP 422)
---@raise http any other error reply (404: the app has no streaming route)
---@raise timeout no reply within `timeout`
---@raise network the connection failed
---@yields waits for the reply to begin
---@example
--- for event in fal.stream("fal-ai/any-llm", { prompt = "hello streaming world" }, { timeout = 30 }) do
---   print(event.partial and "partial" or "final", event.output)
--- end
function M.stream(endpoint, input, opts)
  options.arg("fal.stream", 1, "endpoint", endpoint, "string")
  opts = options.check("fal.stream", opts, { path = "string", timeout = "positive", headers = "headers" })
  local body = http.encode_input("fal.stream", input or {})
  local sid = operations.start("fal.stream", core.stream_open, "stream", endpoint, nil, body,
    { path = opts.path or "/stream", headers = opts.headers })
  local s = new("fal.stream", endpoint, sid, opts.timeout)
  wait_head(s, "stream", endpoint)
  return s, nil, nil, s
end

-- Adds the logs of `status` not seen before to `seen`/`logs` and gives the status all logs so far
-- (the JS client's accumulation; a log is identified by timestamp and message).
local function accumulate(status, logs, seen)
  if type(status.logs) == "table" then
    for _, log in ipairs(status.logs) do
      local key = tostring(log.timestamp) .. "\0" .. tostring(log.message)
      if not seen[key] then
        seen[key] = true
        logs[#logs + 1] = log
      end
    end
  end
  local copy = {}
  for k, v in pairs(status) do copy[k] = v end
  copy.logs = json.array(table.move(logs, 1, #logs, 1, {}))
  return copy
end

--- A function returning each status of a queued request from its status stream, then nil after
--- COMPLETED; each status carries every log so far. The stream closes at COMPLETED or on error.
function M.status_events(operation, endpoint, request_id, with_logs)
  local sid = operations.start(operation, core.stream_open, "status_stream", endpoint, request_id, nil,
    { logs = with_logs == true })
  local s = new(operation, endpoint, sid, nil)
  local logs, seen, done = {}, {}, false
  wait_head(s, "status_stream", endpoint, request_id)
  return function()
    if done then return nil end
    local status = s:next()
    if status == nil then
      error(errors.new({ kind = "network", operation = operation, endpoint = endpoint, request_id = request_id,
        message = "the status stream ended before COMPLETED" }), 2)
    end
    if type(status) ~= "table" or type(status.status) ~= "string" then
      s:close()
      error(errors.new({ kind = "http", operation = operation, endpoint = endpoint, request_id = request_id,
        message = "malformed status event: it has no status" }), 2)
    end
    if status.status == "COMPLETED" then
      done = true
      s:close()
    end
    return with_logs and accumulate(status, logs, seen) or status
  end, s
end

return M
