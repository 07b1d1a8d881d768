-- fal.run and the queue (PROTOCOL.md §5-6, FEATURES.md §2-4): submit, request handles, status,
-- events, result, cancel and subscribe, with the Python client's option names.
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")
local http = require("fal.http")
local stream = require("fal.stream")
local progress = require("fal.progress")
local json = require("fal.json")
local journal = require("fal.journal")
local limit = require("fal.limit")

local M = {}

local pack, unpack = table.pack, table.unpack

-- Requests submitted by this program and not yet seen completed: Ctrl-C cancels them on the server.
local in_flight = {}

local function forget(request_id) in_flight[request_id] = nil end

scheduler.on_interrupt[#scheduler.on_interrupt + 1] = function()
  -- With a journal, the requests run on: the rerun collects their results instead of paying again.
  if journal.path() then in_flight = {} return end
  require("fal.cancel_in_flight").cancel(in_flight)
  for request_id in pairs(in_flight) do in_flight[request_id] = nil end
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

---@class fal.RequestOptions Options every call to an endpoint takes (the Python client's names).
---@field path? string a path appended to the endpoint id, e.g. "/custom-endpoint" [default: ""]
---@field headers? table<string, string> extra HTTP headers, e.g. `{ ["X-Fal-No-Retry"] = "1" }` (no line breaks)
---@field start_timeout? number server-side deadline until a runner starts the request (HTTP 504 past it); more than 1 [unit: seconds]
---@field hint? string routing hint: requests with the same hint go to the same runner when possible

-- The option schema of a call: the request options every call takes, plus `extra`.
local function schema(extra)
  local keys = { path = "string", headers = "headers", start_timeout = "number", hint = "line" }
  for key, kind in pairs(extra) do keys[key] = kind end
  return keys
end

---@class fal.RunOptions: fal.RequestOptions
---@field timeout? number client-side limit on the whole HTTP exchange; the server is not told [default: none] [unit: seconds]
local run_options = schema({ timeout = "positive" })
---@class fal.SubmitOptions: fal.RequestOptions
---@field priority? "normal"|"low" queue priority [default: "normal"]
---@field webhook_url? string the platform POSTs the result to this URL when the request completes
local submit_options = schema({ priority = "string", webhook_url = "string" })
---@class fal.SubscribeOptions: fal.SubmitOptions
---@field with_logs? boolean ask for the runner's logs with each status [default: false]
---@field interval? number time between status polls [default: 0.1] [unit: seconds]
---@field on_enqueue? fun(request_id: string) called once, when the request is in the queue
---@field on_queue_update? fun(status: fal.Status) called with each status until COMPLETED (included)
---@field client_timeout? number limit on the whole wait; past it the request is cancelled on the server and `timeout` raised; also the `start_timeout` when that is not set [default: none] [unit: seconds]
---@field mode? "polling"|"streaming" how statuses are read: one status stream (server-sent events), or polling every `interval` [default: "streaming", polling if the server cannot stream]
local subscribe_options = schema({
  priority = "string", webhook_url = "string", with_logs = "boolean", interval = "number", on_enqueue = "function",
  on_queue_update = "function", client_timeout = "positive", mode = "string",
})

local function check_endpoint(operation, endpoint)
  options.arg(operation, 1, "endpoint", endpoint, "string")
end

-- The second result of run and subscribe; prints readably like decoded JSON.
local function request_info(request_id) return json.object({ request_id = request_id }) end

---@class fal.RequestInfo Facts about the request a call made.
---@field request_id string? the request id (from the `X-Fal-Request-Id` header for `fal.run`)

--- Calls an endpoint directly, without the queue (`POST {run_url}/{endpoint}`), and returns its
--- output. Transient failures (429, ingress 502/503/504, dropped connections) are retried; nothing
--- is retried on the server's side. `fal.file` markers in `input` are uploaded first.
---@param endpoint string the endpoint id, e.g. "fal-ai/flux/schnell" (owner/alias[/path])
---@param input? table the input, sent as JSON (nil sends `{}`)
---@param opts? fal.RunOptions
---@return table result the endpoint's output, decoded from JSON
---@return fal.RequestInfo info the request id
---@raise usage a bad endpoint id, option or input that cannot be encoded, before any I/O
---@raise validation the endpoint refused the input (HTTP 422); `field_errors` lists why
---@raise http any other error reply (`status`, `detail`, `error_type`)
---@raise timeout the `timeout` or `start_timeout` expired
---@raise limit a reply over `limits.max_response_bytes` or nested deeper than `limits.max_depth` (`fal.config`)
---@raise network the connection failed after the retries
---@yields waits for the reply
---@example
--- local out, info = fal.run("fal-ai/flux/schnell", { prompt = "a sunset over mountains" })
--- print(out.images[1].url, info.request_id)
function M.run(endpoint, input, opts)
  check_endpoint("fal.run", endpoint)
  opts = options.check("fal.run", opts, run_options)
  local entry = journal.claim("run", endpoint, opts.path, input, opts.headers)
  local stored = journal.stored(entry, "fal.run")
  if stored then return stored.result, request_info(stored.request_id) end
  local slot <close> = limit.slot()
  local body = http.encode_input("fal.run", input or {})
  journal.intent(entry)
  local c = journal.guard(entry, false, http.call, "fal.run", "run", endpoint, nil, body, request_options("fal.run", opts))
  local result = http.decode("fal.run", endpoint, c)
  journal.complete(entry, c.body, c.headers["x-fal-request-id"])
  return result, request_info(c.headers["x-fal-request-id"])
end

---@class fal.Handle A request in the queue, from `fal.submit` or `fal.get_handle`.
---@field endpoint string the endpoint id
---@field request_id string the request id
local Handle = {}
Handle.__index = Handle
Handle.__name = "fal.handle"

function Handle.__tostring(h) return ("fal.handle(%s, %s)"):format(h.endpoint, h.request_id) end
function Handle.__eq(a, b) return a.endpoint == b.endpoint and a.request_id == b.request_id end

--- Returns a handle for a request already in the queue, to come back to it from a saved request
--- id. No I/O: the request is not looked up.
---@param endpoint string the endpoint id the request was submitted to
---@param request_id string the request id
---@return fal.Handle handle the handle
---@raise usage a bad endpoint id or request id type
---@example
--- local first = fal.submit("fal-ai/echo", { n = 1 })
--- local again = fal.get_handle("fal-ai/echo", first.request_id)
--- print(again == first, again:get().n)
function M.get_handle(endpoint, request_id)
  check_endpoint("fal.get_handle", endpoint)
  options.arg("fal.get_handle", 2, "request_id", request_id, "string")
  return setmetatable({ endpoint = endpoint, request_id = request_id }, Handle)
end

-- The journal entry of a handle (from a journaled submit), where its result is recorded.
local journal_of = setmetatable({}, { __mode = "k" })

-- Submits `input` for `operation` with the request options `ropts`; returns the handle. With a
-- journal `entry`, the intent is recorded first and the request id as soon as the reply arrives.
local function submit_as(operation, endpoint, input, ropts, entry)
  local body = http.encode_input(operation, input or {})
  journal.intent(entry)
  local c = journal.guard(entry, false, http.call, operation, "submit", endpoint, nil, body, ropts)
  local reply = http.decode(operation, endpoint, c)
  if type(reply) ~= "table" or type(reply.request_id) ~= "string" then
    error(errors.new({ kind = "http", operation = operation, endpoint = endpoint, status = c.status,
      message = "malformed reply: the submit reply has no request_id" }), 2)
  end
  journal.submitted(entry, reply.request_id)
  local h = M.get_handle(endpoint, reply.request_id)
  journal_of[h] = entry
  in_flight[h.request_id] = endpoint
  return h
end

-- With a journal: the handle of the request `entry` recorded as submitted, checked to be still
-- known to the queue (one status call); nil when there is none or its result expired.
local function resume(operation, endpoint, entry)
  local request_id = journal.resumable(entry)
  if not request_id then return nil end
  local h = M.get_handle(endpoint, request_id)
  local ok, err = pcall(http.call, operation, "status", endpoint, request_id, nil, {})
  if not ok then
    if errors.is(err) and err.status == 404 then journal.expired(entry) return nil end
    error(err, 0)
  end
  entry.id = entry.found.id
  journal_of[h] = entry
  in_flight[request_id] = endpoint
  return h
end

--- Puts a request in the queue (`POST {queue_url}/{endpoint}`) and returns its handle at once;
--- the request runs on the platform meanwhile. Read it back with `handle:status`,
--- `handle:iter_events`, `handle:get`, or receive it at `webhook_url`. Ctrl-C cancels the
--- program's unfinished requests on the server.
---@param endpoint string the endpoint id, e.g. "fal-ai/flux/schnell"
---@param input? table the input, sent as JSON (nil sends `{}`)
---@param opts? fal.SubmitOptions
---@return fal.Handle handle the queued request
---@raise usage a bad endpoint id, option or input, before any I/O
---@raise http an error reply to the submit (a malformed reply too)
---@raise network the connection failed after the retries
---@yields waits for the queue's reply
---@example
--- local handle = fal.submit("fal-ai/echo", { prompt = "hello" }, { priority = "low" })
--- print(handle.request_id, handle:get().prompt)
function M.submit(endpoint, input, opts)
  check_endpoint("fal.submit", endpoint)
  opts = options.check("fal.submit", opts, submit_options)
  local entry = journal.claim("queue", endpoint, opts.path, input, opts.headers)
  if entry and entry.found and entry.found.state == "completed" or entry and entry.found and entry.found.state == "failed" and not journal.retry_failed then
    -- A finished request: its handle answers `get` from the journal.
    local h = M.get_handle(endpoint, entry.found.request_id or "")
    journal_of[h] = entry
    return h
  end
  local slot <close> = limit.slot()
  return resume("fal.submit", endpoint, entry)
    or submit_as("fal.submit", endpoint, input, request_options("fal.submit", opts), entry)
end


---@class fal.Status A request's status in wire form (PROTOCOL.md §6), as the JS client gives it.
---@field status "IN_QUEUE"|"IN_PROGRESS"|"COMPLETED" the state
---@field request_id string the request id
---@field queue_position integer? requests ahead of this one (IN_QUEUE)
---@field logs {message: string, level: string, source: string, timestamp: string}[]? the runner's logs so far (with `with_logs`)
---@field metrics {inference_time: number}? timings once COMPLETED (seconds)
---@field error string? why a COMPLETED request failed
---@field error_type string? the platform's error type of a failed request

---@class fal.StatusOptions
---@field with_logs? boolean include the runner's logs [default: false]

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

--- Asks the queue for the request's status once.
---@param opts? fal.StatusOptions
---@return fal.Status status the status
---@raise http an error reply (404 for an unknown request id)
---@raise network the connection failed after the retries
---@yields waits for the reply
---@example
--- local handle = fal.submit("fal-ai/echo", { sleep = 0.2 })
--- print(handle:status().status)  -- IN_QUEUE or IN_PROGRESS
--- handle:get()
--- print(handle:status({ with_logs = true }).status)
function Handle:status(opts)
  opts = options.check("handle:status", opts, { with_logs = "boolean" })
  return fetch_status("handle:status", self, opts.with_logs)
end

-- Status mode "streaming" (the status stream, DESIGN.md §9) or "polling"; nil is the default.
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

local function polled(operation, h, opts)
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

-- What polling may recover from: the server cannot stream statuses, or the stream dropped.
local function streaming_failed(err)
  return errors.is(err) and (err.kind == "network" or err.kind == "http")
end

-- Statuses, one per call, until COMPLETED. "streaming" reads the status stream and "polling" asks
-- every interval. The default reads the stream, so a wait ends milliseconds after the request
-- completes rather than up to an interval later; if the server cannot stream, or the stream drops,
-- polling takes over (and reports any error that was not the stream's).
local function events(operation, h, opts)
  if opts.mode == "polling" then return polled(operation, h, opts) end
  local strict = opts.mode == "streaming"
  local opened, next_status = pcall(stream.status_events, operation, h.endpoint, h.request_id, opts.with_logs)
  if not opened then
    if strict or not streaming_failed(next_status) then error(next_status, 0) end
    return polled(operation, h, opts)
  end
  local fallback
  return function()
    if fallback then return fallback() end
    local ok, status = pcall(next_status)
    if not ok then
      if strict or not streaming_failed(status) then error(status, 0) end
      fallback = polled(operation, h, opts)
      return fallback()
    end
    if status and status.status == "COMPLETED" then forget(h.request_id) end
    return status
  end
end

---@class fal.EventsOptions
---@field with_logs? boolean include the runner's logs [default: false]
---@field interval? number time between polls [default: 0.1] [unit: seconds]
---@field mode? "polling"|"streaming" read the status stream (server-sent events), or poll [default: "streaming", polling if the server cannot stream]

--- Returns an iterator over the request's statuses, for `for status in handle:iter_events() do`:
--- one per poll (or per streamed event) until COMPLETED, which is the last one.
---@param opts? fal.EventsOptions
---@return fun(): fal.Status? next the iterator
---@raise http an error reply while reading a status
---@raise network the connection failed
---@yields each step waits for the next status
---@example
--- local handle = fal.submit("fal-ai/echo", { logs = 2 })
--- for status in handle:iter_events({ with_logs = true, interval = 0.05 }) do
---   print(status.status, #(status.logs or {}))
--- end
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

local function wait_completed(operation, h, opts)
  local next_status = events(operation, h, { interval = opts.interval, mode = opts.mode })
  while true do
    local status, pause = next_status()
    if status.status == "COMPLETED" then return status end
    if pause then pause() end
  end
end

local function fetch_result(operation, h)
  local entry = journal_of[h]
  local c = journal.guard(entry, true, http.call, operation, "result", h.endpoint, h.request_id, nil, {})
  forget(h.request_id)
  local result = http.decode(operation, h.endpoint, c)
  journal.complete(entry, c.body)
  return result
end

---@class fal.GetOptions
---@field interval? number time between status polls [default: 0.1] [unit: seconds]
---@field mode? "polling"|"streaming" read the status stream (server-sent events), or poll [default: "streaming", polling if the server cannot stream]

--- Waits until the request completes (reading its status stream, or polling) and returns its result.
---@param opts? fal.GetOptions
---@return table result the endpoint's output
---@raise validation the request failed with HTTP 422
---@raise http the request failed (its status, `detail`, `error_type`), or an error reply
---@raise network the connection failed after the retries
---@yields waits for completion
---@example
--- local handle = fal.submit("fal-ai/flux/schnell", { prompt = "a red fox" })
--- print(handle:get({ interval = 0.05 }).images[1].url)
function Handle:get(opts)
  opts = options.check("handle:get", opts, { interval = "number", mode = "string" })
  check_mode("handle:get", opts.mode)
  interval_of("handle:get", opts)
  local stored = journal.stored(journal_of[self], "handle:get")
  if stored then return stored.result end
  wait_completed("handle:get", self, opts)
  return fetch_result("handle:get", self)
end

--- Asks the queue to cancel the request: a queued request is dropped, a running one stops when
--- the app notices (its status then ends COMPLETED with `error_type` "client_cancelled").
---@raise http an error reply; HTTP 400 (`ALREADY_COMPLETED`) for a request that already completed
---@raise network the connection failed after the retries
---@yields waits for the reply
---@example
--- local handle = fal.submit("fal-ai/echo", { sleep = 5 })
--- handle:cancel()
--- local last
--- for status in handle:iter_events({ interval = 0.05 }) do last = status end
--- print(last.status, last.error_type)
function Handle:cancel()
  http.call("handle:cancel", "cancel", self.endpoint, self.request_id, nil, {})
  forget(self.request_id)
end

--- `handle:status` by endpoint and request id: the request's status, asked once.
---@param endpoint string the endpoint id
---@param request_id string the request id
---@param opts? fal.StatusOptions
---@return fal.Status status the status
---@raise usage a bad endpoint id, request id or option
---@raise http an error reply (404 for an unknown request id)
---@raise network the connection failed after the retries
---@yields waits for the reply
---@example
--- local id = fal.submit("fal-ai/echo", { n = 1 }).request_id
--- print(fal.status("fal-ai/echo", id, { with_logs = true }).status)
function M.status(endpoint, request_id, opts)
  local h = M.get_handle(endpoint, request_id)
  opts = options.check("fal.status", opts, { with_logs = "boolean" })
  return fetch_status("fal.status", h, opts.with_logs)
end

--- `handle:get` by endpoint and request id: waits for completion and returns the result.
---@param endpoint string the endpoint id
---@param request_id string the request id
---@param opts? fal.GetOptions
---@return table result the endpoint's output
---@raise usage a bad endpoint id, request id or option
---@raise validation the request failed with HTTP 422
---@raise http the request failed, or an error reply
---@raise network the connection failed after the retries
---@yields waits for completion
---@example
--- local id = fal.submit("fal-ai/echo", { n = 2 }).request_id
--- print(fal.result("fal-ai/echo", id).n)
function M.result(endpoint, request_id, opts)
  local h = M.get_handle(endpoint, request_id)
  opts = options.check("fal.result", opts, { interval = "number", mode = "string" })
  check_mode("fal.result", opts.mode)
  interval_of("fal.result", opts)
  wait_completed("fal.result", h, opts)
  return fetch_result("fal.result", h)
end

--- `handle:cancel` by endpoint and request id.
---@param endpoint string the endpoint id
---@param request_id string the request id
---@raise usage a bad endpoint id or request id
---@raise http an error reply
---@raise network the connection failed after the retries
---@yields waits for the reply
---@example
--- local id = fal.submit("fal-ai/echo", { sleep = 5 }).request_id
--- fal.cancel("fal-ai/echo", id)
--- print("cancel sent for " .. id)
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

-- What makes a status new for on_queue_update: its state, queue position and logs.
local function status_key(status)
  local logs = type(status.logs) == "table" and status.logs or {}
  local last = logs[#logs]
  return table.concat({ tostring(status.status), tostring(status.queue_position), #logs,
    type(last) == "table" and tostring(last.timestamp) .. tostring(last.message) or "" }, "\0")
end

--- Submits to the queue, waits for completion (reading the status stream, or polling) and returns
--- the result: `fal.run`'s simplicity with the queue's retries and durability. The callbacks report
--- progress (`on_queue_update` only when the status changes: state, queue position or logs; without
--- it, a terminal shows a progress line); a callback's error fails the call. With `client_timeout`, the request is cancelled on
--- the server when the wait is over.
---@param endpoint string the endpoint id, e.g. "fal-ai/flux/schnell"
---@param input? table the input, sent as JSON (nil sends `{}`)
---@param opts? fal.SubscribeOptions
---@return table result the endpoint's output
---@return fal.RequestInfo info the request id
---@raise usage a bad endpoint id, option or input, before any I/O
---@raise validation the endpoint refused the input (HTTP 422)
---@raise http the request failed, or an error reply
---@raise timeout `client_timeout` expired (the request was cancelled), or `start_timeout`
---@raise callback `on_enqueue` or `on_queue_update` raised an error
---@raise network the connection failed after the retries
---@yields waits for completion
---@example
--- local out, info = fal.subscribe("fal-ai/flux/schnell", { prompt = "a sunset" }, {
---   with_logs = true,
---   on_queue_update = function(status) print(status.status, #(status.logs or {})) end,
--- })
--- print(out.images[1].url, info.request_id)
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
  local entry = journal.claim("queue", endpoint, opts.path, input, opts.headers)
  local function flow()
    local stored = journal.stored(entry, "fal.subscribe")
    if stored then return stored.result, request_info(stored.request_id) end
    local slot <close> = limit.slot()
    handle = resume("fal.subscribe", endpoint, entry) or submit_as("fal.subscribe", endpoint, input, ropts, entry)
    if opts.on_enqueue then callback("fal.subscribe", "on_enqueue", opts.on_enqueue, handle.request_id) end
    -- Without on_queue_update, a terminal shows a progress line (with the latest log line).
    local shown <close> = not opts.on_queue_update and progress.start("request", endpoint)
    if opts.on_queue_update or shown then
      local next_status = events("fal.subscribe", handle,
        { with_logs = opts.with_logs or shown and true, interval = interval, mode = opts.mode })
      local last
      while true do
        local status, pause = next_status()
        -- Called on change only: a new state, queue position or log, not every identical poll.
        local key = status_key(status)
        if key ~= last then
          last = key
          if shown then
            shown:update(status)
          else
            callback("fal.subscribe", "on_queue_update", opts.on_queue_update, status)
          end
        end
        if status.status == "COMPLETED" then break end
        if pause then pause() end
      end
    else
      wait_completed("fal.subscribe", handle, { interval = interval, mode = opts.mode })
    end
    return fetch_result("fal.subscribe", handle), request_info(handle.request_id)
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
