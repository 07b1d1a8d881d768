-- fal.run and the queue (PROTOCOL.md §5-6, FEATURES.md §2-4): submit, request handles, status,
-- events, result, cancel and subscribe, with the Python client's option names.
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")
local http = require("fal.http")
local stream = require("fal.stream")

local M = {}

local pack, unpack = table.pack, table.unpack

-- Requests submitted by this program and not yet seen completed: Ctrl-C cancels them on the server.
local in_flight = {}

local function forget(request_id) in_flight[request_id] = nil end

scheduler.on_interrupt[#scheduler.on_interrupt + 1] = function()
  for request_id, endpoint in pairs(in_flight) do
    pcall(http.call, "falua", "cancel", endpoint, request_id, nil, { timeout = 5 })
    in_flight[request_id] = nil
  end
end

local function request_options(operation, opts)
  local start_timeout = opts.start_timeout
  if start_timeout ~= nil and not (start_timeout > 1) then
    error(errors.usage(operation, "start_timeout must be greater than 1 second"), 3)
  end
  if start_timeout == math.huge then error(errors.usage(operation, "start_timeout must be finite"), 3) end
  if opts.priority ~= nil and opts.priority ~= "normal" and opts.priority ~= "low" then
    error(errors.usage(operation, ("priority must be \"normal\" or \"low\", got %q"):format(opts.priority)), 3)
  end
  return { path = opts.path, headers = opts.headers, start_timeout = start_timeout, hint = opts.hint,
    priority = opts.priority, timeout = opts.timeout, webhook_url = opts.webhook_url }
end

-- The option schema of a call: the request options every call takes, plus `extra`.
local function schema(extra)
  local keys = { path = "string", headers = "headers", start_timeout = "number", hint = "line" }
  for key, kind in pairs(extra) do keys[key] = kind end
  return keys
end

local run_options = schema({ timeout = "positive" })
local submit_options = schema({ priority = "string", webhook_url = "string" })
local subscribe_options = schema({
  priority = "string", webhook_url = "string", with_logs = "boolean", interval = "number", on_enqueue = "function",
  on_queue_update = "function", client_timeout = "positive", mode = "string",
})

local function check_endpoint(operation, endpoint)
  options.arg(operation, 1, "endpoint", endpoint, "string")
end

--- Calls an endpoint directly (no queue) and returns `result, {request_id = ...}`.
function M.run(endpoint, input, opts)
  check_endpoint("fal.run", endpoint)
  opts = options.check("fal.run", opts, run_options)
  local body = http.encode_input("fal.run", input or {})
  local c = http.call("fal.run", "run", endpoint, nil, body, request_options("fal.run", opts))
  return http.decode("fal.run", endpoint, c), { request_id = c.headers["x-fal-request-id"] }
end

local Handle = {}
Handle.__index = Handle
Handle.__name = "fal.handle"

function Handle.__tostring(h) return ("fal.handle(%s, %s)"):format(h.endpoint, h.request_id) end
function Handle.__eq(a, b) return a.endpoint == b.endpoint and a.request_id == b.request_id end

--- A handle for a request already in the queue (to resume from a saved id).
function M.get_handle(endpoint, request_id)
  check_endpoint("fal.get_handle", endpoint)
  options.arg("fal.get_handle", 2, "request_id", request_id, "string")
  return setmetatable({ endpoint = endpoint, request_id = request_id }, Handle)
end

-- Submits `input` for `operation` with the request options `ropts`; returns the handle.
local function submit_as(operation, endpoint, input, ropts)
  local body = http.encode_input(operation, input or {})
  local c = http.call(operation, "submit", endpoint, nil, body, ropts)
  local reply = http.decode(operation, endpoint, c)
  if type(reply) ~= "table" or type(reply.request_id) ~= "string" then
    error(errors.new({ kind = "http", operation = operation, endpoint = endpoint, status = c.status,
      message = "malformed reply: the submit reply has no request_id" }), 2)
  end
  local h = M.get_handle(endpoint, reply.request_id)
  in_flight[h.request_id] = endpoint
  return h
end

--- Puts a request in the queue and returns its handle.
function M.submit(endpoint, input, opts)
  check_endpoint("fal.submit", endpoint)
  opts = options.check("fal.submit", opts, submit_options)
  return submit_as("fal.submit", endpoint, input, request_options("fal.submit", opts))
end


local function fetch_status(operation, h, with_logs)
  local c = http.call(operation, "status", h.endpoint, h.request_id, nil, { logs = with_logs == true })
  local status = http.decode(operation, h.endpoint, c)
  if type(status) ~= "table" or type(status.status) ~= "string" then
    error(errors.new({ kind = "http", operation = operation, endpoint = h.endpoint, request_id = h.request_id,
      status = c.status, message = "malformed reply: the status reply has no status" }), 2)
  end
  if status.status == "COMPLETED" then forget(h.request_id) end
  return status
end

--- The request's status table in wire form (`status`, `queue_position`, `logs`, `metrics`...).
function Handle:status(opts)
  opts = options.check("handle:status", opts, { with_logs = "boolean" })
  return fetch_status("handle:status", self, opts.with_logs)
end

-- Status mode "polling" (the default) or "streaming" (the status stream, DESIGN.md §9).
local function check_mode(operation, mode)
  if mode ~= nil and mode ~= "polling" and mode ~= "streaming" then
    error(errors.usage(operation, ("mode must be \"polling\" or \"streaming\", got %q"):format(mode)), 3)
  end
end

-- The polling interval (default 0.1 s).
local function interval_of(operation, opts)
  local interval = opts.interval or 0.1
  if interval < 0 then error(errors.usage(operation, "interval must be >= 0"), 3) end
  return interval
end

local function events(operation, h, opts)
  if opts.mode == "streaming" then
    local next_status = stream.status_events(operation, h.endpoint, h.request_id, opts.with_logs)
    return function()
      local status = next_status()
      if status and status.status == "COMPLETED" then forget(h.request_id) end
      return status
    end
  end
  local interval = opts.interval or 0.1
  local done = false
  return function()
    if done then return nil end
    local status = fetch_status(operation, h, opts.with_logs)
    if status.status == "COMPLETED" then
      done = true
    else
      -- The next call polls again after the interval; the caller runs its loop body meanwhile.
      return status, function() scheduler.sleep(interval) end
    end
    return status
  end
end

--- Iterates status tables every `interval` seconds (default 0.1) until COMPLETED (included).
function Handle:iter_events(opts)
  opts = options.check("handle:iter_events", opts, { with_logs = "boolean", interval = "number", mode = "string" })
  check_mode("handle:iter_events", opts.mode)
  interval_of("handle:iter_events", opts)
  local next_status = events("handle:iter_events", self, opts)
  local pause
  return function()
    if pause then pause(); pause = nil end
    local status, wait = next_status()
    pause = wait
    return status
  end
end

local function wait_completed(operation, h, interval)
  while true do
    local status = fetch_status(operation, h, false)
    if status.status == "COMPLETED" then return status end
    scheduler.sleep(interval)
  end
end

local function fetch_result(operation, h)
  local c = http.call(operation, "result", h.endpoint, h.request_id, nil, {})
  forget(h.request_id)
  return http.decode(operation, h.endpoint, c)
end

--- Waits until the request completes (polling every `interval` s) and returns its result.
function Handle:get(opts)
  opts = options.check("handle:get", opts, { interval = "number" })
  wait_completed("handle:get", self, interval_of("handle:get", opts))
  return fetch_result("handle:get", self)
end

--- Asks the server to cancel the request.
function Handle:cancel()
  http.call("handle:cancel", "cancel", self.endpoint, self.request_id, nil, {})
  forget(self.request_id)
end

--- Module-level twins of the handle methods, by endpoint and request id.
function M.status(endpoint, request_id, opts)
  local h = M.get_handle(endpoint, request_id)
  opts = options.check("fal.status", opts, { with_logs = "boolean" })
  return fetch_status("fal.status", h, opts.with_logs)
end

function M.result(endpoint, request_id, opts)
  local h = M.get_handle(endpoint, request_id)
  opts = options.check("fal.result", opts, { interval = "number" })
  wait_completed("fal.result", h, interval_of("fal.result", opts))
  return fetch_result("fal.result", h)
end

function M.cancel(endpoint, request_id)
  local h = M.get_handle(endpoint, request_id)
  http.call("fal.cancel", "cancel", h.endpoint, h.request_id, nil, {})
  forget(h.request_id)
end

-- Runs a user callback; its error fails the call with the callback named.
local function callback(operation, name, fn, ...)
  local r = pack(pcall(fn, ...))
  if not r[1] then
    local err = r[2]
    if errors.is(err) then error(err, 0) end
    error(errors.new({ kind = "callback", operation = operation, message = ("%s failed: %s"):format(name, tostring(err)) }), 0)
  end
end

--- Submits, reports progress through the callbacks and returns `result, {request_id = ...}`.
function M.subscribe(endpoint, input, opts)
  check_endpoint("fal.subscribe", endpoint)
  opts = options.check("fal.subscribe", opts, subscribe_options)
  check_mode("fal.subscribe", opts.mode)
  local interval = interval_of("fal.subscribe", opts)
  local ropts = request_options("fal.subscribe", opts)
  if opts.client_timeout and ropts.start_timeout == nil and opts.client_timeout > 1 then
    ropts.start_timeout = opts.client_timeout
  end
  local handle
  local function flow()
    handle = submit_as("fal.subscribe", endpoint, input, ropts)
    if opts.on_enqueue then callback("fal.subscribe", "on_enqueue", opts.on_enqueue, handle.request_id) end
    if opts.on_queue_update then
      local next_status = events("fal.subscribe", handle,
        { with_logs = opts.with_logs, interval = interval, mode = opts.mode })
      while true do
        local status, pause = next_status()
        callback("fal.subscribe", "on_queue_update", opts.on_queue_update, status)
        if status.status == "COMPLETED" then break end
        if pause then pause() end
      end
    elseif opts.mode == "streaming" then
      local next_status = events("fal.subscribe", handle, { mode = "streaming" })
      repeat local status = next_status() until status.status == "COMPLETED"
    else
      wait_completed("fal.subscribe", handle, interval)
    end
    return fetch_result("fal.subscribe", handle), { request_id = handle.request_id }
  end
  if not opts.client_timeout then return flow() end

  -- The whole flow runs as a child task bounded by client_timeout; on expiry the task is cancelled
  -- and so is the request on the server.
  local task = scheduler.spawn(flow)
  local r = pack(task:wait(opts.client_timeout))
  if r[1] then return unpack(r, 2, r.n) end
  if not (errors.is(r[2]) and r[2].kind == "timeout" and r[2].operation == "task:wait") then error(r[2], 0) end
  task:cancel()
  local request_id = handle and handle.request_id
  if request_id then
    pcall(http.call, "fal.subscribe", "cancel", endpoint, request_id, nil, {})
    forget(request_id)
  end
  error(errors.new({ kind = "timeout", operation = "fal.subscribe", endpoint = endpoint, request_id = request_id,
    message = ("no result after client_timeout %g s%s"):format(opts.client_timeout,
      request_id and "; the request was cancelled" or "") }), 2)
end

return M
