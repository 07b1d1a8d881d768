-- One REPL entry, as lua.c reads them: try `return <line>` first, keep reading while the chunk is
-- incomplete, run it as a task and render what it returns.
local scheduler = require("fal.scheduler")
local inspect = require("fal.inspect")
local uncaught = require("fal.uncaught")

local M = {}

--- Returns "incomplete", "ok" with the rendered results, or "error"/"interrupted" with a message.
function M.eval(source)
  local chunk = load("return " .. source, "=stdin")
  if not chunk then
    local err
    chunk, err = load(source, "=stdin")
    if not chunk then
      if err:find("<eof>$") then return "incomplete", "" end
      return "error", err
    end
  end
  local r = table.pack(scheduler.run(chunk))
  if not r[1] then
    local kind = uncaught.kind(r[2]) == "interrupted" and "interrupted" or "error"
    return kind, uncaught.message(r[2]) .. (kind == "error" and r[3] and ("\n" .. r[3]) or "")
  end
  local out = {}
  for i = 2, r.n do out[#out + 1] = inspect(r[i]) end
  return "ok", table.concat(out, "\t")
end

return M
