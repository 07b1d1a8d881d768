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

-- Waits until the reply began: an HTTP error reply (with its `detail`) is raised here.
local function wait_head(s)
  while true do
    local ok, value = core.stream_head(s.sid)
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

--- The next decoded event, or nil at the end of the stream.
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

--- Reads the rest of the stream and returns its last event (nil if it sent none).
function Stream:result()
  while self:next() ~= nil do end
  return self.last
end

--- Aborts the transfer (a no-op once the stream ended).
function Stream:close()
  if self.closed then return end
  self.closed = true
  self.final_stats = core.stream_stats(self.sid)
  core.stream_close(self.sid)
end

--- Back-pressure counters: `pauses` (times the transfer was paused), `max_buffered` events.
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

--- Calls an endpoint's streaming route and returns the stream (as iterator, state, nil, closing value).
function M.stream(endpoint, input, opts)
  options.arg("fal.stream", 1, "endpoint", endpoint, "string")
  opts = options.check("fal.stream", opts, { path = "string", timeout = "positive", headers = "headers" })
  local body = http.encode_input("fal.stream", input or {})
  local sid = operations.start("fal.stream", core.stream_open, "stream", endpoint, nil, body,
    { path = opts.path or "/stream", headers = opts.headers })
  local s = new("fal.stream", endpoint, sid, opts.timeout)
  wait_head(s)
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
  wait_head(s)
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
