-- What the Swift embedding API (FalRuntime+Embedding.swift) runs: a pipeline's function called as a
-- task while the loop is driven until it returns, the loop run until idle or a deadline, and the
-- progress display's activities forwarded to the host's callbacks.
local core = require("fal.core")
local scheduler = require("fal.scheduler")
local progress = require("fal.progress")
local uncaught = require("fal.uncaught")

local M = {}

local pack, unpack = table.pack, table.unpack

--- Runs `fn(...)` as a task until it ends (other tasks go on). Returns `true, results` (packed) or
--- `false, message, traceback, kind, err`.
function M.call(fn, ...)
  local r = pack(scheduler.run_task(fn, ...))
  progress.clear()
  if r[1] then return true, pack(unpack(r, 2, r.n)) end
  return false, uncaught.message(r[2]), r[3], uncaught.kind(r[2]), r[2]
end

--- Loads the file or chunk `chunk` and runs it as a task. Returns like `call`.
function M.load(chunk, ...) return M.call(chunk, ...) end

--- Drives the loop until no task is left and nothing is in flight (true), or until the clock
--- passes `deadline` (false). Errors of tasks nobody waited for are returned as a list of texts.
function M.settle(deadline)
  local failed = {}
  local ok, err = pcall(function()
    while true do
      local timeout = deadline and math.max(0, deadline - core.now()) or nil
      local live, lost = scheduler.turn(timeout)
      for _, e in ipairs(lost) do failed[#failed + 1] = uncaught.message(e) end
      if core.interrupted() then
        -- Stopped while idle: the same cleanup as a run (cancel every task and queued request).
        local r = pack(scheduler.run_task(function() end))
        if not r[1] then error(r[2], 0) end
      end
      if live == 0 and core.pending() == 0 then return true end
      if deadline and core.now() >= deadline then return false end
    end
  end)
  if not ok then return nil, uncaught.message(err), uncaught.kind(err) end
  return err, failed
end

-- MARK: - callbacks

local on_progress, on_log

-- Each activity's log lines already forwarded (queue statuses repeat the whole list).
local function forward_logs(activity, status)
  local logs = type(status) == "table" and status.logs
  if not on_log or type(logs) ~= "table" then return end
  local seen = activity.logs_seen or 0
  for i = seen + 1, #logs do
    local line = logs[i]
    if type(line) == "table" then
      on_log(activity.label, tostring(line.message or ""), line.level and tostring(line.level) or nil)
    end
  end
  activity.logs_seen = math.max(seen, #logs)
end

local function listener(activity, event)
  local status = activity.status or {}
  forward_logs(activity, activity.status)
  if on_progress then
    on_progress(activity.kind, activity.label, event == "finish", status.status,
      status.queue_position and math.tointeger(status.queue_position), activity.sent, activity.total)
  end
end

--- Sets the host's callbacks (either may be nil): `progress(kind, label, finished, status,
--- queue_position, sent, total)` and `log(label, message, level)`.
function M.set_callbacks(progress_fn, log_fn)
  on_progress, on_log = progress_fn, log_fn
  progress.listener = (progress_fn or log_fn) and listener or nil
end

return M
