-- How the host runs a chunk: as the main task under the scheduler, with the outcome rendered for
-- printing (`falua: message` and a traceback, as lua.c prints).
local scheduler = require("fal.scheduler")
local uncaught = require("fal.uncaught")

--- Returns `true` or `false, message, traceback, kind`.
return function(chunk, ...)
  local r = table.pack(scheduler.run(chunk, ...))
  require("fal.progress").clear()  -- the error or the shell prompt starts on a clean line
  if r[1] then return true end
  return false, uncaught.message(r[2]), r[3], uncaught.kind(r[2])
end
