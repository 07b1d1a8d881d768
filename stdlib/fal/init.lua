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

local realtime = require("fal.realtime")
fal.realtime = realtime.realtime
fal.msgpack = realtime.msgpack
fal.bytes = realtime.bytes

fal.stream = require("fal.stream").stream

local upload = require("fal.upload")
fal.upload = upload.upload
fal.upload_file = upload.upload_file
local file = require("fal.file")
fal.file = file.file
fal.file_bytes = file.file_bytes
local data_uri = require("fal.data_uri")
fal.encode = data_uri.encode
fal.encode_file = data_uri.encode_file
local download = require("fal.download")
fal.download = download.download
fal.download_all = download.download_all
fal.webhook = { verify = require("fal.webhook").verify }

local config_keys = {
  key = "line", run_url = "string", queue_url = "string", rest_url = "string", cdn_url = "string",
  user_agent = "line", retry = "table",
}

local retry_keys = { max_attempts = "positive", base_delay = "number", max_delay = "number" }

-- The retry policy (PROTOCOL.md §14; the Python client's by default: 10 attempts, 0.1 s doubling,
-- at most 30 s between attempts), as the JS client's `retry` option.
local function check_retry(retry)
  options.check("fal.config", retry, retry_keys)
  if retry.max_attempts and math.type(retry.max_attempts) ~= "integer" then
    error(errors.usage("fal.config", "retry.max_attempts must be an integer >= 1"), 3)
  end
  for _, key in ipairs({ "base_delay", "max_delay" }) do
    if retry[key] and retry[key] < 0 then
      error(errors.usage("fal.config", ("retry.%s must be >= 0"):format(key)), 3)
    end
    if retry[key] == math.huge then
      error(errors.usage("fal.config", ("retry.%s must be finite"):format(key)), 3)
    end
  end
end

--- Merges `settings` into the configuration; returns the current configuration (never the key).
function fal.config(settings)
  if settings ~= nil then
    options.check("fal.config", settings, config_keys)
    if settings.retry then check_retry(settings.retry) end
    core.configure(settings)
  end
  return core.config()
end

--- Seconds on a monotonic clock, for measuring.
fal.clock = core.now

return fal
