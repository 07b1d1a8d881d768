-- How the host runs a chunk: as the main task under the scheduler, with the outcome rendered for
-- printing (`falua: message` and a traceback, as lua.c prints).
local scheduler = require("fal.scheduler")

local function render(err)
  local ok, message = pcall(tostring, err)
  if ok and type(message) == "string" then return message end
  return ("(error object is a %s value)"):format(type(err))
end

--- Returns `true` or `false, message, traceback, kind`.
return function(chunk, ...)
  local r = table.pack(scheduler.run(chunk, ...))
  if r[1] then return true end
  local err = r[2]
  local kind = type(err) == "table" and type(err.kind) == "string" and err.kind or "error"
  return false, render(err), r[3], kind
end
