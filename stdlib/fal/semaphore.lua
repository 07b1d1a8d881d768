-- `fal.semaphore(n)`: at most n tasks inside at once; the others wait in line (first come, first
-- served). A slot is handed straight to the next waiter, so a newcomer never overtakes the line.
local errors = require("fal.errors")
local scheduler = require("fal.scheduler")

local M = {}

---@class fal.Semaphore A counter of free slots, from `fal.semaphore`; tasks wait for a slot.
---@field size integer the slots in all
local Semaphore = {}
Semaphore.__index = Semaphore
Semaphore.__name = "fal.semaphore"

function Semaphore:__tostring() return ("fal.semaphore(%d free of %d)"):format(self.free, self.size) end

--- Returns a semaphore of `n` slots, to bound how many tasks do something at once.
---@param n integer the slots, 1 or more
---@return fal.Semaphore semaphore the semaphore
---@raise usage `n` is not a positive integer
---@example
--- local sem = fal.semaphore(2)
--- local inside, most = 0, 0
--- local tasks = {}
--- for i = 1, 6 do
---   tasks[i] = fal.spawn(function()
---     return sem:with(function()
---       inside = inside + 1
---       most = math.max(most, inside)
---       fal.sleep(0.01)
---       inside = inside - 1
---       return i
---     end)
---   end)
--- end
--- fal.wait_all(tasks)
--- print("at most " .. most .. " at once")
function M.semaphore(n)
  if math.type(n) ~= "integer" or n < 1 then
    error(errors.usage("fal.semaphore", "n must be an integer >= 1, got " .. tostring(n)), 2)
  end
  return setmetatable({ size = n, free = n, line = {} }, Semaphore)
end

--- Takes a slot, waiting in line for one when none is free. Pair it with `sem:release()`, or use
--- `sem:with`, which cannot forget to.
---@raise usage a wait outside any task
---@yields waits for a free slot
---@example
--- local sem = fal.semaphore(1)
--- sem:acquire()
--- print(tostring(sem))
--- sem:release()
function Semaphore:acquire()
  if self.free > 0 and #self.line == 0 then
    self.free = self.free - 1
    return
  end
  scheduler.suspend(function(wake)
    self.line[#self.line + 1] = wake
    return function(woken)
      if woken then self:release() return end  -- cancelled after the slot was handed over
      for i, w in ipairs(self.line) do
        if w == wake then table.remove(self.line, i) break end
      end
    end
  end)
end

--- Gives a slot back: the first task in line gets it.
---@example
--- local sem = fal.semaphore(1)
--- sem:acquire()
--- sem:release()
--- print(sem.free)
function Semaphore:release()
  local wake = table.remove(self.line, 1)
  if wake then
    wake()
  else
    self.free = math.min(self.size, self.free + 1)
  end
end

--- Runs `fn(...)` holding a slot and returns what it returns; the slot is given back however
--- `fn` ends (an error, a cancelled task).
---@param fn function the function to run
---@param ... any its arguments
---@return any ... what `fn` returned
---@raise string what `fn` raised, as raised (any kind)
---@yields waits for a free slot
---@example
--- local sem = fal.semaphore(3)
--- local out = sem:with(fal.run, "fal-ai/echo", { n = 1 })
--- print(out.n, sem.free)
function Semaphore:with(fn, ...)
  self:acquire()
  local _ <close> = setmetatable({}, { __close = function() self:release() end })
  return fn(...)
end

return M
