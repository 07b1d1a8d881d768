-- The global in-flight limit, `fal.config{max_in_flight = n}`: fal accounts run a bounded number
-- of requests at once, and direct runs past it get 429s. Every run, subscribe and submit holds a
-- slot while it talks to the platform (a subscribe until its result); the others wait in line.
-- Three 429 replies in a row (after the client's own retries) halve the effective limit for 30 s.
local core = require("fal.core")
local errors = require("fal.errors")
local scheduler = require("fal.scheduler")

local M = {}

M.streak_length = 3   -- 429s in a row that lower the limit
M.cool_down = 30      -- seconds the lowered limit lasts

local capacity = nil  -- the configured limit (nil: unlimited)
local effective = nil -- the limit in force
local in_use = 0
local line = {}       -- wake functions of the tasks waiting for a slot
local streak = 0
local lowered_until = 0

local function hand_over()
  while #line > 0 and in_use < effective do
    in_use = in_use + 1
    table.remove(line, 1)()
  end
end

--- Sets the limit (a positive integer).
function M.set(n)
  capacity, effective = n, n
  hand_over()
end

--- The limit in force and the slots in use (nil when unlimited).
function M.state()
  if not capacity then return nil end
  return { max_in_flight = capacity, effective = effective, in_flight = in_use, waiting = #line }
end

local function observe(err)
  if errors.is(err) and err.status == 429 then
    streak = streak + 1
    if streak >= M.streak_length then
      streak = 0
      effective = math.max(1, effective // 2)
      lowered_until = core.now() + M.cool_down
    end
  elseif err == nil then
    streak = 0
  end
end

local function release(err)
  in_use = in_use - 1
  observe(err)
  hand_over()
end

local Slot = { __name = "fal.slot", __close = function(_, err) release(err) end }

--- Takes a slot for one request, waiting when all are in use; returns a to-be-closed value that
--- gives it back (nil when there is no limit). Use: `local slot <close> = limit.slot()`.
function M.slot()
  if not capacity then return nil end
  if effective < capacity and core.now() >= lowered_until then
    effective = capacity
    hand_over()
  end
  if in_use < effective and #line == 0 then
    in_use = in_use + 1
  elseif scheduler.current() and coroutine.isyieldable() then
    scheduler.suspend(function(wake)
      line[#line + 1] = wake
      return function(woken)
        if woken then release() return end
        for i, w in ipairs(line) do
          if w == wake then table.remove(line, i) break end
        end
      end
    end)
  else
    in_use = in_use + 1  -- where nothing can wait (a metamethod), the call goes ahead
  end
  return setmetatable({}, Slot)
end

return M
