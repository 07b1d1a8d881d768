-- Sandbox mode (docs/sandbox.md): run before `fal` loads, it takes away what untrusted code must not
-- have (processes, native code, the environment, `debug`), routes every file access, the stdlib's
-- included, through the allowed folders, and every URL through the allowed hosts. A violation
-- stops the whole pipeline as Ctrl-C does (the scheduler's `stop_reason` turns the interrupt into
-- the violation's error), so the queue's in-flight requests are cancelled and the host goes on.
local guard = require("fal.sandbox_core")
local core = require("fal.core")
local errors = require("fal.errors")
local scheduler = require("fal.scheduler")

local M = {}

local pending = nil  -- the first violation since the last stop

--- Raises the sandbox error for `rule` (what was refused is in `message`) and stops the pipeline.
function M.violation(rule, message, level)
  local err = errors.new({ kind = "sandbox", rule = rule, message = "sandbox: " .. message })
  pending = pending or err
  guard.interrupt()
  error(err, (level or 1) + 1)
end

scheduler.stop_reason = function()
  local rule, message = guard.exceeded()
  if rule then pending = nil return errors.new({ kind = "sandbox", rule = rule, message = "sandbox: " .. message }) end
  local err = pending
  pending = nil
  return err
end

local function forbid(name, rule)
  return function() M.violation(rule, name .. " is not allowed (rule: " .. rule .. ")", 2) end
end

local function check(kind, value, level)
  local ok, reason = guard[kind](value)
  if not ok then M.violation(kind == "check_url" and "hosts" or kind == "check_read" and "allow-read" or "allow-write",
    reason, level + 1) end
end

-- Processes, exits and native code.
os.execute = forbid("os.execute", "no-process")
io.popen = forbid("io.popen", "no-process")
os.exit = forbid("os.exit", "no-exit")
package.loadlib = forbid("package.loadlib", "no-native-code")
os.getenv = function() return nil end  -- the environment holds the key

-- Files: reads and writes only under the allowed folders.
os.remove = forbid("os.remove", "no-delete")
os.rename = forbid("os.rename", "no-delete")
os.tmpname = forbid("os.tmpname", "allow-write")
io.tmpfile = forbid("io.tmpfile", "allow-write")

local raw_open, raw_lines, raw_input, raw_output = io.open, io.lines, io.input, io.output
function io.open(path, mode)
  check(tostring(mode or "r"):find("[wa+]") and "check_write" or "check_read", path, 2)
  return raw_open(path, mode)
end
function io.lines(path, ...)
  if path ~= nil then check("check_read", path, 2) end
  return raw_lines(path, ...)
end
function io.input(file)
  if type(file) == "string" then check("check_read", file, 2) end
  return raw_input(file)
end
function io.output(file)
  if type(file) == "string" then check("check_write", file, 2) end
  return raw_output(file)
end

local raw_loadfile, raw_load = loadfile, load
-- Text chunks only: crafted bytecode can break the VM.
function load(chunk, name, mode, env)
  if env == nil then return raw_load(chunk, name, "t") end
  return raw_load(chunk, name, "t", env)
end
function loadfile(path, mode, env)
  if path == nil then M.violation("allow-read", "loadfile of standard input is not allowed (rule: allow-read)", 2) end
  check("check_read", path, 2)
  if env == nil then return raw_loadfile(path, "t") end
  return raw_loadfile(path, "t", env)
end
function dofile(path)
  local chunk = assert(loadfile(path))
  return chunk()
end

-- `require`: the preloaded modules, Lua files under the allowed folders, never C modules.
local function lua_searcher(name)
  local path, err = package.searchpath(name, package.path)
  if not path then return "\n\t" .. err:gsub("^\n\t", "") end
  if not guard.check_read(path) then return "\n\tno readable file for '" .. name .. "' in the sandbox" end
  local chunk, load_err = raw_loadfile(path, "t")
  if not chunk then error(("error loading module '%s' from file '%s':\n\t%s"):format(name, path, load_err), 2) end
  return chunk, path
end
local function native_searcher(name)
  local path = package.searchpath(name, package.cpath) or package.searchpath(name:match("^[^.]*"), package.cpath)
  if not path then return "\n\tno C module '" .. name .. "' (and none may be loaded in the sandbox)" end
  M.violation("no-native-code", ("require of C module '%s' (%s) is not allowed (rule: no-native-code)"):format(name, path), 3)
end
package.searchers = { package.searchers[1], lua_searcher, native_searcher }

-- `debug` could remove the limits hook or reach the originals above; only tracebacks stay.
debug = { traceback = debug.traceback }
package.loaded.debug = debug

-- The Swift primitives behind fal.download, fal.upload_file, storage and realtime: in place, so
-- every module that captured `core` sees the checks.
local function wrap(name, checks)
  local raw = core[name]
  core[name] = function(...)
    checks(...)
    return raw(...)
  end
end
wrap("storage_request", function(_, _, url, _, _, opts)
  check("check_url", url, 3)
  if type(opts) == "table" and type(opts.body_file) == "table" then check("check_read", opts.body_file.path, 3) end
end)
wrap("download", function(url, path)
  check("check_url", url, 3)
  if path ~= nil then check("check_write", path, 3) end
end)
wrap("file_size", function(path) check("check_read", path, 3) end)
wrap("read_file", function(path) check("check_read", path, 3) end)
wrap("realtime_open", function(url) check("check_url", url, 3) end)

return M
