--- falua: call the fal.ai platform from Lua. `require("fal")`, also the global `fal` in scripts.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")
local queue = require("fal.queue")

local fal = {}

fal.json = { encode = json.encode, decode = json.decode }
fal.null = json.null
fal.array = json.array
fal.object = json.object

fal.run = queue.run
fal.submit = queue.submit
fal.subscribe = queue.subscribe
fal.get_handle = queue.get_handle
fal.status = queue.status
fal.result = queue.result
fal.cancel = queue.cancel

fal.spawn = scheduler.spawn
fal.wait_all = scheduler.wait_all
fal.wait_any = scheduler.wait_any
fal.sleep = scheduler.sleep

fal.is_error = errors.is

local config_keys = {
  key = "string", run_url = "string", queue_url = "string", rest_url = "string", cdn_url = "string",
  user_agent = "string",
}

--- Merges `settings` into the configuration; returns the current configuration (never the key).
function fal.config(settings)
  if settings ~= nil then
    options.check("fal.config", settings, config_keys)
    core.configure(settings)
  end
  return core.config()
end

--- Seconds on a monotonic clock, for measuring.
fal.clock = core.now

return fal
