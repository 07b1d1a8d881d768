-- One `core` operation seen from a task: start it in Swift (which may refuse before any I/O), wait
-- for its completion, and turn a failure into an error object naming the Lua operation. Every
-- module that does I/O goes through here.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local scheduler = require("fal.scheduler")

local M = {}

-- Set by `falua -v` (fal.verbose): called after each performed operation with its start function,
-- the seconds it took, its completion and its start arguments.
M.log = nil

--- The error object for the error fields Swift reported to `operation`.
function M.failure(operation, fields)
  return errors.from_core(fields, operation, json.decode)
end

-- What `pcall(start, ...)` returned, without packing it into a table: every call passes here.
local function started(operation, ok, ...)
  if not ok then
    local err = ...
    if type(err) == "table" then error(M.failure(operation, err), 0) end
    error(err, 0)
  end
  return ...
end

--- Calls the `core` primitive `start(...)` and returns what it returns; the error fields of a
--- misuse Swift found before any I/O (bad endpoint, no credentials) are raised as an error object.
function M.start(operation, start, ...)
  return started(operation, pcall(start, ...))
end

--- Waits for operation `op` and returns its completion, or raises its error object; `on_failure`
--- (given the error object) runs first, to close what the operation belonged to.
function M.await(operation, op, on_failure)
  local c = scheduler.await(op)
  if c.ok then return c end
  local err = M.failure(operation, c.error)
  if on_failure then on_failure(err) end
  error(err, 0)
end

--- Starts `start(...)` and waits for it: the completion, or the error object raised.
function M.perform(operation, start, ...)
  local op = M.start(operation, start, ...)
  if not M.log then return M.await(operation, op) end
  local started = core.now()
  local c = scheduler.await(op)
  M.log(start, core.now() - started, c, ...)
  if c.ok then return c end
  error(M.failure(operation, c.error), 0)
end

return M
