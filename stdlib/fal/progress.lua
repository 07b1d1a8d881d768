-- The progress display on a terminal: one line on stderr for long work (a subscribe waiting in the
-- queue, an upload), redrawn in place and erased when the work ends; several at once share one
-- summary line. Off unless the host turns it on (`falua` does when stderr is a terminal and
-- `--quiet` is not given), so pipes, logs and embedding hosts never see it.
local core = require("fal.core")

local M = {}

M.enabled = false
M.hidden = false  -- the REPL hides it while the user types
M.width = 80      -- terminal columns, set by the host
M.delay = 0.25    -- work shorter than this shows nothing
-- An embedding host's callback (fal.embed): called as listener(activity, "update"|"finish"),
-- whether or not the line is shown.
M.listener = nil

local SPINNER = { "⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏" }

local active = {}   -- activity -> true, in start order through `order`
local order = {}
local done = 0      -- activities finished while others were still shown
local frame = 0
local drawn = false
local ticker = nil

local Activity = {}
Activity.__index = Activity

local function mib(bytes) return ("%.1f MiB"):format(bytes / 1048576) end

local function seconds(t) return ("%.1fs"):format(t) end

-- Cuts `s` to `n` characters (UTF-8 aware), never splitting a sequence.
local function cut(s, n)
  if utf8.len(s) and utf8.len(s) > n then
    return s:sub(1, (utf8.offset(s, n) or (#s + 1)) - 1) .. "…"
  end
  return s
end

local function describe(a, now)
  local elapsed = seconds(now - a.started)
  if a.kind == "upload" then
    local text = ("upload %s: "):format(a.label)
    if a.sent and a.sent > 0 then
      return text .. ("%s / %s, %s/s, %s"):format(mib(a.sent), mib(a.total), mib(a.sent / (now - a.started)), elapsed)
    end
    return text .. ("%s, %s"):format(mib(a.total), elapsed)
  end
  local s = a.status or {}
  local state = s.status == "IN_QUEUE" and ("queued" .. (s.queue_position and (", position " .. math.tointeger(s.queue_position)) or ""))
    or s.status == "IN_PROGRESS" and "running" or s.status == "COMPLETED" and "done" or "submitting"
  local text = ("%s: %s, %s"):format(a.label, state, elapsed)
  local logs = s.logs
  if type(logs) == "table" and #logs > 0 and type(logs[#logs]) == "table" and type(logs[#logs].message) == "string" then
    text = text .. " · " .. logs[#logs].message:gsub("[%c]+", " ")
  end
  return text
end

local function summary(now)
  local queued, running, first = 0, 0, now
  for _, a in ipairs(order) do
    local s = a.status and a.status.status
    if s == "IN_PROGRESS" then running = running + 1 else queued = queued + 1 end
    first = math.min(first, a.started)
  end
  return ("%d requests: %d queued, %d running, %d done, %s"):format(#order + done, queued, running, done,
    seconds(now - first))
end

-- While the line is shown, `print` erases it first so the output starts on a clean line (the next
-- redraw puts it back below).
local wrapped_print
local function wrap_print()
  if wrapped_print then return end
  local raw_print = print
  wrapped_print = function(...)
    M.clear()
    return raw_print(...)
  end
  print = wrapped_print
end

local function draw()
  if not M.enabled or M.hidden then return end
  local now = core.now()
  local shown = {}
  for _, a in ipairs(order) do
    if now - a.started >= M.delay then shown[#shown + 1] = a end
  end
  if #shown == 0 then return end
  wrap_print()
  frame = frame % #SPINNER + 1
  local text = #order == 1 and describe(order[1], now) or summary(now)
  io.stderr:write("\r", SPINNER[frame], " ", cut(text, M.width - 3), "\27[K\r")
  io.stderr:flush()
  drawn = true
end

--- Erases the line (when the work ends, before an error is shown, on Ctrl-C).
function M.clear()
  if drawn then
    io.stderr:write("\r\27[K")
    io.stderr:flush()
    drawn = false
  end
  if #order == 0 then done = 0 end
end

-- Redraws ten times a second while something is shown, so the spinner and the clock move even when
-- no reply arrives. Ends with the last activity (or when its owner task is gone).
local function tick()
  local scheduler = require("fal.scheduler")
  while #order > 0 do
    for i = #order, 1, -1 do
      local owner = order[i].owner
      if owner and owner.state == "done" then order[i]:finish() end
    end
    draw()
    scheduler.sleep(0.1)
  end
  ticker = nil
end

--- Starts showing work: `kind` "request" (label: the endpoint) or "upload" (label: the file name,
--- `total` its size). Returns the activity (close it, or use it as a `<close>` variable), or nil
--- when the display is off.
function M.start(kind, label, total)
  if not M.enabled and not M.listener then return nil end
  local scheduler = require("fal.scheduler")
  local a = setmetatable({ kind = kind, label = label, total = total, started = core.now(),
    owner = scheduler.current() }, Activity)
  active[a] = true
  order[#order + 1] = a
  if M.enabled and not ticker and scheduler.current() then
    ticker = scheduler.spawn(tick)
    ticker.internal = true  -- not one of the user's tasks
  end
  return a
end

-- A new status table (requests) or bytes sent so far (uploads).
function Activity.update(self, status, sent)
  if status then self.status = status end
  if sent then self.sent = sent end
  if M.listener then pcall(M.listener, self, "update") end
end

-- The work ended: the line disappears (or the summary counts it done).
function Activity.finish(self)
  if not active[self] then return end
  active[self] = nil
  if M.listener then pcall(M.listener, self, "finish") end
  for i, a in ipairs(order) do
    if a == self then table.remove(order, i) break end
  end
  if #order > 0 then
    done = done + 1
  else
    M.clear()
    if ticker and ticker ~= require("fal.scheduler").current() and ticker.state ~= "done" then
      ticker:cancel()
    end
    ticker = nil
  end
end

Activity.__close = Activity.finish

--- The user's tasks: the ticker is not one of them.
function M.is_internal(task) return task.internal == true end

return M
