-- Tasks on one loop (DESIGN.md §3): every task is a coroutine; an I/O primitive starts an operation
-- in Swift (`core.*` returns an operation id) and the task yields to this scheduler, which resumes it
-- when `core.poll` reports the operation finished. Other tasks run meanwhile.
local core = require("fal.core")
local errors = require("fal.errors")

local raw_resume, raw_yield, raw_status = coroutine.resume, coroutine.yield, coroutine.status
local raw_create, raw_close = coroutine.create, coroutine.close
local pack, unpack = table.pack, table.unpack

-- The value a task yields to reach the scheduler through any user coroutines in between.
local AWAIT = setmetatable({}, { __name = "fal.await" })

local M = {}

---@class fal.Task A function running concurrently with others on the one event loop (a coroutine), from `fal.spawn`.
local Task = {}
Task.__index = Task
Task.__name = "fal.task"

local ready = {}        -- FIFO of tasks to resume: pack(task, values...)
local handlers = {}     -- operation id -> function(completion)
local waiting = {}      -- operation id -> the task blocked in `await` on it (resumed with the completion)
local current = nil     -- the task whose coroutine is running
local driving = false   -- inside `drive`, the synchronous fallback
local unobserved = {}   -- failed tasks nobody waited for
local unfinished = {}   -- every task not yet finished
local main_task = nil   -- the task `run` runs

local function schedule(task, ...)
  task.state = "ready"
  ready[#ready + 1] = pack(task, ...)
end

local function finish(task, ok, values)
  task.state = "done"
  unfinished[task] = nil
  task.ok, task.values = ok, values
  if not ok and #task.waiters == 0 and not task.cancelled and task ~= main_task then
    unobserved[task] = true
  end
  for _, wake in ipairs(task.waiters) do wake() end
  task.waiters = {}
end

-- What a step's resume returned (varargs, not a table: every await passes here).
local function stepped(task, previous, ok, ...)
  current = previous
  if raw_status(task.co) == "dead" then
    if ok then
      finish(task, true, pack(...))
    else
      task.traceback = debug.traceback(task.co)
      raw_close(task.co)  -- frees the stack the error left (what a sandbox's memory cap counts)
      finish(task, false, pack((...)))
    end
  end
  -- Otherwise the task yielded AWAIT and registered how it will be woken.
end

-- Resumes a task's coroutine, with the values packed after it in `entry`, until it blocks again or ends.
local function step(task, entry)
  local previous = current
  current = task
  stepped(task, previous, core.resume(task.co, unpack(entry, 2, entry.n)))
end

local function dispatch(completions)
  for _, c in ipairs(completions) do
    local task = waiting[c.id]
    if task then
      waiting[c.id] = nil
      schedule(task, c)
    else
      local handler = handlers[c.id]
      if handler then
        handlers[c.id] = nil
        handler(c)
      end
    end
  end
end

local function run_ready()
  while #ready > 0 do
    local batch = ready
    ready = {}
    for _, entry in ipairs(batch) do
      local task = entry[1]
      if task.state == "ready" then step(task, entry) end
    end
  end
end

local function unblocked(task, ...)
  task.cleanups, task.awaiting = nil, nil
  return ...
end

-- Blocks the running task until it is scheduled again; returns the values it is resumed with.
-- `cleanups` (optional) abort what would wake it (a wait's timer) should it be cancelled while
-- blocked, so nothing it started outlives it; so does `task.awaiting`, the operation of `await`.
local function block(task, cleanups)
  task.state = "blocked"
  task.cleanups = cleanups
  return unblocked(task, raw_yield(AWAIT))
end

-- Stops waiting for operation `op`: its handler goes and Swift aborts it.
local function abandon(op)
  handlers[op], waiting[op] = nil, nil
  core.cancel(op)
end

-- Removes `wake` from the waiters of `task`.
local function unwait(task, wake)
  for i, w in ipairs(task.waiters) do
    if w == wake then table.remove(task.waiters, i) return end
  end
end

-- Synchronous fallback where the caller cannot yield (a metamethod, a `require`d file's top level,
-- the REPL before tasks): drives the loop until `op` finishes. Other tasks' completions are queued.
local function drive(op)
  if driving then
    error(errors.usage("fal", "cannot wait for I/O inside a non-yieldable callback that is itself waiting"), 0)
  end
  driving = true
  local result
  handlers[op] = function(c) result = c end
  while result == nil do
    local ok, completions = pcall(core.poll, nil)
    if not ok then driving = false; error(completions, 0) end
    dispatch(completions)
    if core.interrupted() then driving = false; core.cancel(op); error(errors.interrupted(), 0) end
  end
  driving = false
  return result
end

--- Waits for operation `op` (an id from a `core` primitive) and returns its completion table.
function M.await(op)
  local task = current
  if task == nil or not coroutine.isyieldable() then return drive(op) end
  waiting[op] = task
  task.awaiting = op
  return block(task)
end

--- Parks the running task until the `wake` function given to `register(wake)` is called (by
--- another task: a semaphore's release, say); returns what `wake` was called with. `register`
--- returns an optional `cleanup(woken)` run if the task is cancelled meanwhile (`woken`: whether
--- `wake` had already been called), so a handed-over resource is not lost.
function M.suspend(register)
  local task = current
  if task == nil or not coroutine.isyieldable() then
    error(errors.usage("fal", "can only wait from inside a task"), 2)
  end
  local woken = false
  local cleanup = register(function(...)
    if woken then return end
    woken = true
    if task.state == "blocked" then schedule(task, ...) end
  end)
  return block(task, cleanup and { function() cleanup(woken) end } or nil)
end

--- Starts `fn(...)` as a task and returns it at once; the task first runs when the caller next
--- waits (any yielding call). Every `fal.*` call that waits blocks only its own task. The program
--- ends when every task has ended; a failed task nobody waited for is reported on stderr.
---@param fn function the function to run (or a callable table)
---@param ... any its arguments
---@return fal.Task task the task
---@raise usage `fn` is not callable
---@example
--- local a = fal.spawn(fal.run, "fal-ai/echo", { who = "a" })
--- local b = fal.spawn(fal.run, "fal-ai/echo", { who = "b" })
--- local _, out_a = a:wait()
--- local _, out_b = b:wait()
--- print(out_a.who, out_b.who)
function M.spawn(fn, ...)
  if type(fn) ~= "function" and not (getmetatable(fn) or {}).__call then
    error(errors.usage("fal.spawn", "expected a function, got " .. type(fn)), 2)
  end
  local task = setmetatable({ co = raw_create(fn), waiters = {} }, Task)
  unfinished[task] = true
  schedule(task, ...)
  return task
end

--- The running task (nil outside tasks).
function M.current() return current end

-- Every task not yet finished (the REPL counts and cancels them).
function M.tasks()
  local list = {}
  for task in pairs(unfinished) do list[#list + 1] = task end
  return list
end

--- Waits for the task to end and returns how: `true, values...` (what its function returned) or
--- `false, err` (what it raised). It never raises the task's error. With `timeout`, returns
--- `false, err` with `err.kind == "timeout"` if the task has not ended by then; the task keeps
--- running. Waiting for a task that has ended returns at once.
---@param timeout? number the longest wait, in seconds
---@return boolean ok whether the task returned (true) or raised (false)
---@return any ... the task's return values, or its error
---@raise usage a task waiting for itself, or a wait outside any task
---@yields waits for the task
---@example
--- local task = fal.spawn(function() fal.sleep(0.05) return "done" end)
--- print(task:wait(5))
--- local slow = fal.spawn(fal.sleep, 5)
--- local ok, err = slow:wait(0.01)
--- print(ok, err.kind)
--- slow:cancel()
function Task:wait(timeout)
  if timeout ~= nil and (type(timeout) ~= "number" or not (timeout >= 0)) then
    error(errors.usage("task:wait", "timeout must be a non-negative number of seconds"), 2)
  end
  if self == current then error(errors.usage("task:wait", "a task cannot wait for itself"), 2) end
  if self.state ~= "done" then
    local me = current
    if me == nil or not coroutine.isyieldable() then
      error(errors.usage("task:wait", "can only wait from inside a task"), 2)
    end
    local function wake(reason)
      if me.state == "blocked" then schedule(me, reason) end
    end
    -- The waiter stays registered after a timeout or a cancel: a later failure of `self` counts
    -- as observed, and a stale wake is ignored since `me` is no longer blocked.
    self.waiters[#self.waiters + 1] = function() wake("done") end
    local timer
    local cleanups = {}
    if timeout then
      timer = core.sleep(timeout)
      handlers[timer] = function() wake("timeout") end
      cleanups[1] = function() abandon(timer) end
    end
    local reason = block(me, cleanups)
    if timer and reason ~= "timeout" then abandon(timer) end
    if reason == "timeout" then
      return false, errors.new({ kind = "timeout", operation = "task:wait",
        message = ("task still running after %g s"):format(timeout) })
    end
  end
  unobserved[self] = nil
  if self.ok then return true, unpack(self.values, 1, self.values.n) end
  return false, self.values[1]
end

--- Cancels the task: the operation it waits for is aborted (a transfer stops), its coroutine is
--- closed so its to-be-closed variables run, and waiters get `false, err` with kind `cancelled`.
--- A request already in the queue is not cancelled on the server (use `handle:cancel`).
---@return boolean cancelled false when the task had already ended
---@raise usage a task cancelling itself
---@example
--- local task = fal.spawn(fal.sleep, 10)
--- fal.sleep(0)
--- print(task:cancel(), task:status(), select(2, task:wait()).kind)
function Task:cancel()
  if self.state == "done" then return false end
  if self == current then error(errors.usage("task:cancel", "a task cannot cancel itself; return or error instead"), 2) end
  self.cancelled = true
  if self.awaiting then abandon(self.awaiting) end
  for _, cleanup in ipairs(self.cleanups or {}) do cleanup() end
  if raw_status(self.co) == "suspended" then raw_close(self.co) end
  finish(self, false, pack(errors.new({ kind = "cancelled", operation = "task:cancel", message = "task cancelled" })))
  return true
end

--- The task's state: "ready" (to run at the next turn), "blocked" (waiting) or "done".
---@return "ready"|"blocked"|"done" state the state
---@example
--- local task = fal.spawn(fal.sleep, 0.01)
--- print(task:status())
--- task:wait()
--- print(task:status())
function Task:status() return self.state end

function Task:__tostring() return ("fal.task (%s)"):format(self.state) end

---@class fal.TaskResult How one task of `fal.wait_all` ended.
---@field ok boolean whether the task returned (true) or raised (false)
---@field value any its first return value (when ok)
---@field values table? all its return values, packed (`n` is the count) (when ok)
---@field error any what it raised (when not ok)

--- Waits for every task and returns how each ended, in the order given. One task's failure does
--- not stop the others and is not raised.
---@param tasks fal.Task[] the tasks
---@return fal.TaskResult[] results one per task
---@raise usage `tasks` is not a list of tasks, or the wait is outside any task
---@yields waits for the tasks
---@example
--- local tasks = {}
--- for i = 1, 3 do tasks[i] = fal.spawn(fal.subscribe, "fal-ai/echo", { i = i }) end
--- tasks[4] = fal.spawn(fal.run, "fal-ai/flux/schnell", {})  -- fails: no prompt
--- for i, r in ipairs(fal.wait_all(tasks)) do
---   print(i, r.ok, r.ok and r.value.i or r.error.kind)
--- end
function M.wait_all(tasks)
  if type(tasks) ~= "table" then error(errors.usage("fal.wait_all", "expected a list of tasks"), 2) end
  local results = {}
  for i, task in ipairs(tasks) do
    if getmetatable(task) ~= Task then error(errors.usage("fal.wait_all", ("item %d is not a task"):format(i)), 2) end
    local r = pack(task:wait())
    if r[1] then
      results[i] = { ok = true, value = r[2], values = pack(unpack(r, 2, r.n)) }
    else
      results[i] = { ok = false, error = r[2] }
    end
  end
  return results
end

--- Waits for the first of the tasks to end and returns its position and how it ended. The other
--- tasks keep running (cancel them if they are no longer needed).
---@param tasks fal.Task[] the tasks (at least one)
---@return integer index the position of the first task to end
---@return boolean ok whether it returned (true) or raised (false)
---@return any ... its return values, or its error
---@raise usage an empty list, an item that is not a task, or a wait outside any task
---@yields waits for a task
---@example
--- local racers = {
---   fal.spawn(fal.run, "fal-ai/echo", { who = "slow", sleep = 1 }),
---   fal.spawn(fal.run, "fal-ai/echo", { who = "fast" }),
--- }
--- local index, ok, out = fal.wait_any(racers)
--- print(index, ok, out.who)
--- racers[1]:cancel()
function M.wait_any(tasks)
  if type(tasks) ~= "table" or #tasks == 0 then error(errors.usage("fal.wait_any", "expected a non-empty list of tasks"), 2) end
  for i, task in ipairs(tasks) do
    if getmetatable(task) ~= Task then error(errors.usage("fal.wait_any", ("item %d is not a task"):format(i)), 2) end
    if task.state == "done" then return i, task:wait() end
  end
  local me = current
  if me == nil or not coroutine.isyieldable() then error(errors.usage("fal.wait_any", "can only wait from inside a task"), 2) end
  local winner
  local wakers = {}
  for i, task in ipairs(tasks) do
    wakers[i] = function()
      if winner == nil then winner = i; if me.state == "blocked" then schedule(me) end end
    end
    task.waiters[#task.waiters + 1] = wakers[i]
  end
  block(me)
  for i, task in ipairs(tasks) do unwait(task, wakers[i]) end
  return winner, tasks[winner]:wait()
end

--- Runs `fns` concurrently as tasks (one after the other where the caller cannot yield); returns
--- their results in order, or raises the first failure after cancelling the rest.
function M.parallel(fns)
  if current == nil or not coroutine.isyieldable() then
    local out = {}
    for i, fn in ipairs(fns) do out[i] = fn() end
    return out
  end
  local tasks = {}
  for i, fn in ipairs(fns) do tasks[i] = M.spawn(fn) end
  local out = {}
  for i, task in ipairs(tasks) do
    local ok, value = task:wait()
    if not ok then
      -- The rest are cancelled, or collected if already done, so no failure goes unreported twice.
      for j = i + 1, #tasks do
        if not tasks[j]:cancel() then tasks[j]:wait() end
      end
      error(value, 0)
    end
    out[i] = value
  end
  return out
end

--- Waits `seconds` without blocking other tasks (a timer on the event loop).
---@param seconds number how long, 0 or more
---@raise usage a negative or non-number duration
---@yields waits for the timer
---@example
--- local started = fal.clock()
--- local ticker = fal.spawn(function() for i = 1, 3 do fal.sleep(0.01) print("tick " .. i) end end)
--- fal.sleep(0.1)
--- print(ticker:status(), fal.clock() - started >= 0.1)
function M.sleep(seconds)
  if type(seconds) ~= "number" or seconds < 0 or seconds ~= seconds then
    error(errors.usage("fal.sleep", "seconds must be a non-negative number"), 2)
  end
  M.await(core.sleep(seconds))
end

-- Called on Ctrl-C: every task is cancelled; `on_interrupt` hooks (the queue's cancel of in-flight
-- requests) run first, synchronously.
M.on_interrupt = {}

-- Set by the sandbox (fal.sandbox): the error of a violation that stopped the program, if any.
M.stop_reason = nil

local function interrupt()
  core.clear_interrupt()
  for _, hook in ipairs(M.on_interrupt) do pcall(hook) end
  error(M.stop_reason and M.stop_reason() or errors.interrupted(), 0)
end

--- Runs `fn(...)` as the main task and drives the loop until it and every task it spawned have
--- ended (and no operation is in flight). Returns like `xpcall`: `true, values...` or
--- `false, err, traceback` (the traceback of the task where the error was raised).
function M.run(fn, ...)
  local main = M.spawn(fn, ...)
  main_task = main
  local ok, err = pcall(function()
    while true do
      run_ready()
      if core.interrupted() then interrupt() end
      if next(unfinished) == nil and core.pending() == 0 then break end
      if #ready == 0 then
        if core.pending() == 0 then
          -- Every live task waits for another task: nothing can ever wake them.
          if main.state ~= "done" then
            error(errors.new({ kind = "usage", operation = "fal", message = "deadlock: every task is waiting for another task" }), 0)
          end
          break
        end
        dispatch(core.poll(nil))
      end
    end
  end)
  main_task = nil
  if not ok then
    local rest = {}
    for task in pairs(unfinished) do rest[#rest + 1] = task end
    for _, task in ipairs(rest) do task:cancel() end
    return false, err, debug.traceback()
  end
  for task in pairs(unobserved) do
    unobserved[task] = nil
    io.stderr:write("falua: a task failed and nobody waited for it: ", tostring(task.values[1]), "\n")
  end
  if main.ok then return true, unpack(main.values, 1, main.values.n) end
  return false, main.values[1], main.traceback
end

-- A host that keeps the loop between its own calls (the REPL: one task per entry, spawned tasks
-- running on across entries and while the user types).
--- Runs `fn(...)` as a task and drives the loop until that task ends; other tasks go on. Returns
--- like `M.run`. Ctrl-C cancels every task.
function M.run_task(fn, ...)
  local task = M.spawn(fn, ...)
  local ok, err = pcall(function()
    while task.state ~= "done" do
      run_ready()
      if core.interrupted() then interrupt() end
      if task.state ~= "done" and #ready == 0 then
        if core.pending() == 0 then
          error(errors.new({ kind = "usage", operation = "fal", message = "deadlock: every task is waiting for another task" }), 0)
        end
        dispatch(core.poll(nil))
      end
    end
  end)
  unobserved[task] = nil
  if not ok then
    for _, t in ipairs(M.tasks()) do t:cancel() end
    return false, err, debug.traceback()
  end
  if task.ok then return true, unpack(task.values, 1, task.values.n) end
  return false, task.values[1], task.traceback
end

--- One turn of the loop between entries: runs ready tasks and waits at most `timeout` seconds for
--- I/O. Returns the number of live tasks and the errors of failed tasks nobody waited for.
function M.turn(timeout)
  run_ready()
  if #ready == 0 and core.pending() > 0 then dispatch(core.poll(timeout)) end
  run_ready()
  local failed = {}
  for task in pairs(unobserved) do
    unobserved[task] = nil
    failed[#failed + 1] = task.values[1]
  end
  local live = 0
  for _ in pairs(unfinished) do live = live + 1 end
  return live, failed
end

-- Yields of the scheduler pass through user coroutines: a user `coroutine.resume` that sees AWAIT
-- re-yields it to the enclosing task and hands the completion back down.
local function pass_through(co, r)
  while r[1] and r[2] == AWAIT and raw_status(co) == "suspended" do
    r = pack(raw_resume(co, raw_yield(AWAIT)))
  end
  return r
end

function coroutine.resume(co, ...)
  local r = pass_through(co, pack(raw_resume(co, ...)))
  return unpack(r, 1, r.n)
end

-- As Lua 5.4's: an error inside the coroutine closes it (running its to-be-closed variables), and
-- a string error gets the position of the call, as `luaB_auxwrap` does.
function coroutine.wrap(fn)
  local co = raw_create(fn)
  return function(...)
    local was_suspended = raw_status(co) == "suspended"
    local r = pass_through(co, pack(raw_resume(co, ...)))
    if r[1] then return unpack(r, 2, r.n) end
    local err = r[2]
    if was_suspended then  -- the error was raised inside: close, as lua_closethread
      local _, closed = raw_close(co)
      err = closed
    end
    if type(err) == "string" then error(err, 2) end
    error(err, 0)
  end
end

return M
