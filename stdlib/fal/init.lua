--- falua: call the fal.ai platform from Lua. `require("fal")`, also the global `fal` in scripts.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")
local queue = require("fal.queue")

local fal = {}

---@class fal.JsonEncodeOptions
---@field name? string the name of the value in error messages, e.g. `input.images[2]: ...` [default: "value"]
---@field indent? integer pretty-print with this many spaces per level, 0 to 32 (0: one line) [default: 0]
---@field max_depth? integer how deeply tables may nest, 1 to 5000 [default: `limits.max_depth` of `fal.config`, 1000]

---@class fal.JsonDecodeOptions
---@field keep_null? boolean decode every `null` as `fal.null`, in objects and at the top too [default: false]
---@field max_depth? integer how deeply arrays and objects may nest, 1 to 5000 [default: `limits.max_depth` of `fal.config`, 1000]

---@name fal.json.encode
--- Encodes a Lua value as JSON text (DESIGN.md §4): integers stay integers, floats keep a
--- fraction, object keys are sorted, `fal.null` is `null`. A table with keys 1..n is an array,
--- an empty table `{}` is an object unless marked with `fal.array`.
---@param value any the value to encode
---@param opts? fal.JsonEncodeOptions
---@return string json the JSON text
---@raise string a value JSON cannot hold (a function, a NaN, a mixed table), named by its path
---@example
--- print(fal.json.encode({ prompt = "a fox", steps = 4, scale = 3.5, tags = fal.array({}) }))
--- print(fal.json.encode({ b = 1, a = { 1, 2 } }, { indent = 2 }))

---@name fal.json.decode
--- Decodes JSON text into Lua values: integers that fit 64 bits are integers, other numbers
--- floats; `null` is an absent key in objects and `fal.null` in arrays. Decoded tables remember
--- whether they were arrays or objects, so they encode back the same.
---@param text string the JSON text
---@param opts? fal.JsonDecodeOptions
---@return any value the decoded value (nil for a top-level `null` unless `keep_null`)
---@raise string text that is not JSON, with the line and column
---@example
--- local value = fal.json.decode('{"n": 1, "x": 1.0, "list": [1, null, 3], "gone": null}')
--- print(math.type(value.n), math.type(value.x), value.list[2] == fal.null, value.gone)
fal.json = { encode = json.encode, decode = json.decode }
---@name fal.null
--- The JSON `null` in Lua (a light userdata): kept in arrays so positions stay, and sent as `null`.
---@type lightuserdata
fal.null = json.null
---@name fal.array
--- Marks a table to encode as a JSON array (an empty one encodes as `[]`, not `{}`); returns it.
---@param t table the table to mark
---@return table t the same table
---@example
--- print(fal.json.encode({ images = fal.array({}) }))
fal.array = json.array
---@name fal.object
--- Marks a table to encode as a JSON object (an empty one encodes as `{}`); returns it.
---@param t table the table to mark
---@return table t the same table
---@example
--- print(fal.json.encode({ options = fal.object({}), list = {} }))
fal.object = json.object
-- Decoded JSON prints readably with print and tostring, not as `fal.object: 0x...`.
local function show(value) return require("fal.inspect")(value) end
getmetatable(json.array({})).__tostring = show
getmetatable(json.object({})).__tostring = show

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

-- The rest loads on first use, so a script pays at start-up only for the calls above
-- (docs/design.md, "Start-up"); `pairs(fal)` and the REPL's completion see every name.
local function field(module, name) return function() return require(module)[name] end end
local lazy = {
  -- Long-running workflows (issue 12): bounded concurrency, retries and deadlines of whole steps.
  map = field("fal.map", "map"),
  semaphore = field("fal.semaphore", "semaphore"),
  retry = field("fal.retry", "retry"),
  timeout = field("fal.timeout", "timeout"),
  realtime = field("fal.realtime", "realtime"),
  msgpack = field("fal.realtime", "msgpack"),
  bytes = field("fal.realtime", "bytes"),
  stream = field("fal.stream", "stream"),
  upload = field("fal.upload", "upload"),
  upload_file = field("fal.upload", "upload_file"),
  file = field("fal.file", "file"),
  file_bytes = field("fal.file", "file_bytes"),
  encode = field("fal.data_uri", "encode"),
  encode_file = field("fal.data_uri", "encode_file"),
  download = field("fal.download", "download"),
  download_all = field("fal.download", "download_all"),
  webhook = function() return { verify = require("fal.webhook").verify } end,
}
local function load_all(t)
  for name in pairs(lazy) do local _ = t[name] end
end
setmetatable(fal, {
  __index = function(t, name)
    local load = lazy[name]
    if not load then return nil end
    local value = load()
    rawset(t, name, value)
    return value
  end,
  __pairs = function(t)
    load_all(t)
    return next, t, nil
  end,
  __completions = function()
    local names = {}
    for name in pairs(lazy) do names[#names + 1] = name end
    return names
  end,
})

---@class fal.Settings Settings for `fal.config`; each one replaces the current value.
---@field key? string the API key (`Authorization: Key ...`); never shown again [default: FAL_KEY, or FAL_KEY_ID:FAL_KEY_SECRET]
---@field run_url? string base URL of direct runs [default: https://fal.run]
---@field queue_url? string base URL of the queue [default: https://queue.fal.run]
---@field rest_url? string base URL of the REST API (tokens, storage, webhook keys) [default: https://rest.fal.ai]
---@field cdn_url? string base URL of the CDN for uploads [default: https://v3.fal.media]
---@field user_agent? string the `User-Agent` header [default: falua/0.1]
---@field retry? fal.RetryPolicy how transient failures are retried
---@field journal? string a request journal (SQLite file) to record requests in and resume them from, as `falua --journal FILE`; set it before the first request
---@field max_in_flight? integer the most requests in flight at once across all tasks (runs, subscribes, submits); a 429 streak lowers it for a while [default: unlimited]
---@field limits? fal.Limits caps on what a server can make the client hold
---@field retry_log? boolean one line on stderr per retry [default: on when stderr is a terminal or FALUA_DEBUG is set]

---@class fal.Limits Caps on sizes that come from the network; past one, the call fails with kind `limit` (docs/errors.md).
---@field max_response_bytes? integer the largest reply body kept in memory, `fal.download` without a path included [default: 268435456]
---@field max_event_bytes? integer the largest server-sent event of a stream [default: 16777216]
---@field max_message_bytes? integer the largest realtime WebSocket message [default: 67108864]
---@field max_depth? integer how deeply JSON and msgpack tables may nest, 1 to 5000, in replies and in every `fal.json`/`fal.msgpack` call without its own `max_depth` [default: 1000]

---@class fal.RetryPolicy Retries of transient failures (408, 409, 429, ingress 502/503/504, dropped connections): exponential backoff with jitter, as the Python client.
---@field max_attempts? integer attempts in all, the first included (1: no retries) [default: 10]
---@field base_delay? number delay before the first retry, doubled at each next one [default: 0.1] [unit: seconds]
---@field max_delay? number the longest delay between two attempts [default: 30] [unit: seconds]

---@class fal.Config The current configuration, as `fal.config()` returns it (never the key).
---@field run_url string base URL of direct runs
---@field queue_url string base URL of the queue
---@field rest_url string base URL of the REST API
---@field cdn_url string base URL of the CDN
---@field realtime_url string base URL of realtime WebSockets
---@field user_agent string the `User-Agent` header
---@field has_key boolean whether a key is set
---@field retry fal.RetryPolicy the retry policy in force
---@field journal string? the open request journal's file
---@field max_in_flight integer? the in-flight limit (nil: unlimited)
---@field limits fal.Limits the caps in force
local config_keys = {
  key = "line", run_url = "string", queue_url = "string", rest_url = "string", cdn_url = "string",
  user_agent = "line", retry = "table", journal = "string", max_in_flight = "positive",
  limits = "table", retry_log = "boolean",
}

local limit_keys = {
  max_response_bytes = "positive", max_event_bytes = "positive", max_message_bytes = "positive", max_depth = "positive",
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

local function check_limits(limits)
  options.check("fal.config", limits, limit_keys)
  local depth = limits.max_depth
  if depth and (math.type(depth) ~= "integer" or depth > json.max_depth_ceiling) then
    error(errors.usage("fal.config", ("limits.max_depth must be an integer from 1 to %d (deeper nesting could overflow the C stack)")
      :format(json.max_depth_ceiling)), 3)
  end
end

--- Merges `settings` into the configuration and returns the configuration now in force (without
--- the key). Without `settings`, only returns it. The environment is read at start-up (`FAL_KEY`,
--- `FALUA_RUN_URL`...; see the README); `falua --local` points the URLs at the emulator.
---@param settings? fal.Settings the settings to change
---@return fal.Config config the configuration in force
---@raise usage an unknown setting, a wrong type, a retry value out of range
---@example
--- fal.config({ retry = { max_attempts = 3 } })
--- local config = fal.config()
--- print(config.retry.max_attempts, config.has_key, config.run_url:match("^http") ~= nil)
function fal.config(settings)
  if settings ~= nil then
    options.check("fal.config", settings, config_keys)
    if settings.retry then check_retry(settings.retry) end
    if settings.limits then check_limits(settings.limits) end
    if settings.max_in_flight and math.type(settings.max_in_flight) ~= "integer" then
      error(errors.usage("fal.config", "max_in_flight must be an integer >= 1"), 2)
    end
    if settings.journal then require("fal.journal").open(settings.journal) end
    if settings.max_in_flight then require("fal.limit").set(settings.max_in_flight) end
    core.configure(settings)
  end
  local config = core.config()
  config.journal = require("fal.journal").path()
  local limit = require("fal.limit").state()
  config.max_in_flight = limit and limit.max_in_flight
  return config
end

---@name fal.clock
--- Seconds on a monotonic clock (a float), for measuring durations; not the time of day.
---@return number seconds seconds since an arbitrary start
---@example
--- local started = fal.clock()
--- fal.sleep(0.05)
--- print(("slept %.2f s"):format(fal.clock() - started))
fal.clock = core.now

return fal
