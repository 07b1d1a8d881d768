-- `fal.timeout(seconds, fn, ...)`: a deadline on any step, not only on one request.
local errors = require("fal.errors")
local scheduler = require("fal.scheduler")

local M = {}

--- Runs `fn(...)` as a task and returns what it returns, or raises a `timeout` error if it has
--- not ended after `seconds`; the task is then cancelled (its transfers stop; a queue request it
--- submitted runs on, cancel it with `handle:cancel` if needed). An error of `fn` is raised as is.
---@param seconds number the deadline, 0 or more
---@param fn function the function to run
---@param ... any its arguments
---@return any ... what `fn` returned
---@raise timeout `fn` did not end in time
---@raise usage a bad duration or `fn` not callable
---@yields waits for `fn`
---@example
--- local out = fal.timeout(5, fal.run, "fal-ai/echo", { fast = true })
--- print(out.fast)
--- local ok, err = pcall(fal.timeout, 0.05, fal.sleep, 10)
--- print(ok, err.kind)
function M.timeout(seconds, fn, ...)
  if type(seconds) ~= "number" or not (seconds >= 0) or seconds == math.huge then
    error(errors.usage("fal.timeout", "seconds must be a finite number >= 0"), 2)
  end
  if type(fn) ~= "function" and not (getmetatable(fn) or {}).__call then
    error(errors.usage("fal.timeout", "fn must be a function, got " .. type(fn)), 2)
  end
  local task = scheduler.spawn(fn, ...)
  local r = table.pack(task:wait(seconds))
  if r[1] then return table.unpack(r, 2, r.n) end
  local err = r[2]
  if errors.is(err) and err.kind == "timeout" and err.operation == "task:wait" and task:status() ~= "done" then
    task:cancel()
    error(errors.new({ kind = "timeout", operation = "fal.timeout",
      message = ("not done after %g s"):format(seconds) }), 2)
  end
  error(err, 0)
end

return M
