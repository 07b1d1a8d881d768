-- `fal.retry(fn, opts)`: a workflow step tried again when it fails, with a growing pause. The
-- client already retries transient HTTP failures of one request; this is for a whole step (a
-- request and what the script does with its result).
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")

local M = {}

---@class fal.RetryOptions
---@field attempts? integer attempts in all, the first included [default: 3]
---@field backoff? number|fun(attempt: integer): number the pause before the second attempt, doubled at each next one; or a function of the attempt that failed giving the pause [default: 0.5] [unit: seconds]
---@field when? fun(err: any): boolean which errors to retry [default: all but usage, interrupted and cancelled]

-- Errors that another attempt cannot fix.
local function retryable(err)
  return not (errors.is(err) and (err.kind == "usage" or err.kind == "interrupted" or err.kind == "cancelled"))
end

--- Calls `fn()` and returns what it returns; when it raises, calls it again after a pause, up
--- to `attempts` times in all, and raises the last error if every attempt failed. Misuse,
--- Ctrl-C and cancellation are not retried.
---@param fn function the step to run
---@param opts? fal.RetryOptions
---@return any ... what `fn` returned
---@raise string the last attempt's error, as raised (any kind)
---@raise usage a bad option
---@yields waits between attempts
---@example
--- local calls = 0
--- local out = fal.retry(function()
---   calls = calls + 1
---   if calls < 3 then error("flaky") end
---   return fal.run("fal-ai/echo", { calls = calls })
--- end, { attempts = 5, backoff = 0.01 })
--- print(out.calls, calls)
function M.retry(fn, opts)
  if type(fn) ~= "function" and not (getmetatable(fn) or {}).__call then
    error(errors.usage("fal.retry", "fn must be a function, got " .. type(fn)), 2)
  end
  if opts ~= nil and type(opts) ~= "table" then error(errors.usage("fal.retry", "options must be a table"), 2) end
  -- backoff is a number or a function: checked here, the rest by the schema.
  local backoff = opts and opts.backoff
  local rest = {}
  for k, v in pairs(opts or {}) do if k ~= "backoff" then rest[k] = v end end
  opts = options.check("fal.retry", rest, { attempts = "positive", when = "function" })
  local attempts = opts.attempts or 3
  if math.type(attempts) ~= "integer" then error(errors.usage("fal.retry", "attempts must be an integer >= 1"), 2) end
  if backoff == nil then backoff = 0.5 end
  if type(backoff) ~= "function" and not (type(backoff) == "number" and backoff >= 0 and backoff < math.huge) then
    error(errors.usage("fal.retry", "backoff must be a number of seconds >= 0 or a function"), 2)
  end
  local when = opts.when or retryable
  for attempt = 1, attempts do
    local r = table.pack(pcall(fn))
    if r[1] then return table.unpack(r, 2, r.n) end
    if attempt == attempts or not retryable(r[2]) or not when(r[2]) then error(r[2], 0) end
    local pause = type(backoff) == "function" and backoff(attempt) or backoff * 2 ^ (attempt - 1)
    scheduler.sleep(pause)
  end
end

return M
