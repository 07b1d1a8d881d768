-- One REPL entry, as lua.c reads them: try `return <line>` first, keep reading while the chunk is
-- incomplete, run it as a task (tasks it spawns keep running across entries) and render what it
-- returns; the first result becomes `_`.
local scheduler = require("fal.scheduler")
local inspect = require("fal.inspect")
local uncaught = require("fal.uncaught")
local progress = require("fal.progress")

local M = {}

-- How results are shown: limits keep a huge result readable; colour only on a terminal.
M.render = { depth = 6, items = 40, string = 400, colour = false }

--- Colours results (on a terminal).
function M.setup_colour(on) M.render.colour = on == true end

--- Returns "incomplete", "ok" with the rendered results, or "error"/"interrupted" with a message.
function M.eval(source)
  source = source:gsub("^%s*=", "return ", 1)  -- Lua 5.1's `=expr` habit
  local chunk = load("return " .. source, "=stdin")
  if not chunk then
    local err
    chunk, err = load(source, "=stdin")
    if not chunk then
      if err:find("<eof>$") then return "incomplete", "" end
      return "error", err
    end
  end
  local r = table.pack(scheduler.run_task(chunk))
  progress.clear()
  if not r[1] then
    local kind = uncaught.kind(r[2]) == "interrupted" and "interrupted" or "error"
    return kind, uncaught.message(r[2]) .. (kind == "error" and r[3] and ("\n" .. r[3]) or "")
  end
  if r.n >= 2 then _G._ = r[2] end
  local out = {}
  for i = 2, r.n do out[#out + 1] = inspect(r[i], M.render) end
  return "ok", table.concat(out, "\t")
end

--- Runs spawned tasks while the user types: one loop turn of at most `timeout` seconds. Reports
--- failed tasks nobody waited for; returns how many tasks are still running and whether anything
--- was printed (the prompt needs redrawing).
function M.idle(timeout)
  -- Output of a task clears the prompt line first; the host redraws it after the turn.
  local printed = false
  local print_ = print
  print = function(...)
    if not printed then io.stdout:write("\r\27[K") printed = true end
    print_(...)
  end
  progress.hidden = true
  local ok, failed_or_err, failed = pcall(scheduler.turn, timeout)
  progress.hidden = false
  if print ~= print_ then print = print_ end
  if not ok then
    io.stderr:write("falua: ", uncaught.message(failed_or_err), "\n")
    return M.running()
  end
  for _, err in ipairs(failed) do
    io.stdout:flush()
    io.stderr:write("\r\27[Kfalua: a task failed and nobody waited for it: ", uncaught.message(err), "\n")
    printed = true
  end
  return M.running(), printed
end

--- How many spawned tasks are running.
function M.running()
  local n = 0
  for _, task in ipairs(scheduler.tasks()) do
    if not progress.is_internal(task) then n = n + 1 end
  end
  return n
end

--- The banner's second line: where requests go (never the key) and whether a key is set.
function M.hosts(emulator)
  local config = require("fal").config()
  local host = config.run_url:match("^%a+://([^/:]+)") or ""
  local where = emulator and "emulator" or (host == "127.0.0.1" or host == "localhost" or host == "[::1]")
    and "server on this machine" or "platform"
  local key = config.has_key and "key set" or "no key"
  return ("%s: run %s, queue %s (%s)"):format(where, config.run_url, config.queue_url, key)
end

M.complete = require("fal.completion").complete

return M
