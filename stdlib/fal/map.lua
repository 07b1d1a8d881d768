-- `fal.map(items, fn, opts)`: fn over every item as tasks, a bounded number at a time. Workers
-- take the items in order, so with a journal a rerun claims the same requests in the same order
-- and resumes them.
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")

local M = {}

--- The default number of items `fal.map` runs at once.
M.default_concurrency = 8

---@class fal.MapOptions
---@field concurrency? integer the most calls of `fn` running at once [default: 8]

--- Calls `fn(item, index)` for every item of the list `items`, as tasks, at most
--- `opts.concurrency` at a time, and returns when all have ended. `results[i]` is the first value
--- `fn` returned for item i; `failures` is nil when every call succeeded, else a table from index
--- to the error raised (the other results are still there). Order is preserved whatever order
--- the calls end in. Ctrl-C (or cancelling the calling task) cancels the items not yet done.
---@param items any[] the items (a list)
---@param fn fun(item: any, index: integer): any the function to call on each
---@param opts? fal.MapOptions
---@return any[] results one result per item, by index
---@return table<integer, fal.Error|any>? failures the errors by index, or nil when none
---@raise usage `items` is not a table, `fn` is not callable, a bad concurrency
---@yields waits for every call
---@example
--- local prompts = { "a fox", "a cat", "an owl" }
--- local results, failures = fal.map(prompts, function(prompt, i)
---   return fal.subscribe("fal-ai/echo", { prompt = prompt, i = i })
--- end, { concurrency = 2 })
--- print(#results, results[3].prompt, failures)
function M.map(items, fn, opts)
  if type(items) ~= "table" then error(errors.usage("fal.map", "items must be a list, got " .. type(items)), 2) end
  if type(fn) ~= "function" and not (getmetatable(fn) or {}).__call then
    error(errors.usage("fal.map", "fn must be a function, got " .. type(fn)), 2)
  end
  opts = options.check("fal.map", opts, { concurrency = "positive" })
  local concurrency = opts.concurrency or M.default_concurrency
  if math.type(concurrency) ~= "integer" then
    error(errors.usage("fal.map", "concurrency must be an integer >= 1"), 2)
  end
  local n = #items
  local results, failures = {}, nil
  local next_index = 0
  local function worker()
    while next_index < n do
      next_index = next_index + 1
      local i = next_index
      local ok, value = pcall(fn, items[i], i)
      if ok then
        results[i] = value
      else
        if errors.is(value) and (value.kind == "interrupted" or value.kind == "cancelled") then error(value, 0) end
        failures = failures or {}
        failures[i] = value
      end
    end
  end
  local workers = {}
  for w = 1, math.min(concurrency, n) do workers[w] = scheduler.spawn(worker) end
  -- If the caller ends early (cancelled, interrupted), the workers go too.
  local _ <close> = setmetatable({}, { __close = function()
    for _, w in ipairs(workers) do w:cancel() end
  end })
  for _, w in ipairs(workers) do
    local ok, err = w:wait()
    if not ok then error(err, 0) end
  end
  return results, failures
end

return M
