---@meta fal
-- Type stubs of the `fal` API for lua-language-server (add this folder to `workspace.library`).
-- Not loaded at run time.

---@class fal.Error
---@field kind "http"|"validation"|"timeout"|"network"|"cancelled"|"usage"|"callback"|"realtime"|"interrupted"|"webhook"
---@field message string
---@field operation string?  the API function that failed, e.g. "fal.subscribe"
---@field status integer?    HTTP status
---@field error_type string? body `error_type` or header `X-Fal-Error-Type`
---@field request_id string?
---@field timeout_type string? "user" when a start_timeout expired
---@field detail any         the reply's `detail`
---@field field_errors table[]? 422 items `{loc, msg, type}`
---@field body string?       the raw reply body
---@field retryable boolean?
---@field endpoint string?

---@class fal.Status
---@field status "IN_QUEUE"|"IN_PROGRESS"|"COMPLETED"
---@field queue_position integer?
---@field logs {message: string, level: string, source: string, timestamp: string}[]?
---@field metrics {inference_time: number}?
---@field error string?
---@field error_type string?
---@field request_id string

---@class fal.Handle
---@field endpoint string
---@field request_id string
local Handle = {}
---@param opts {with_logs: boolean?}?
---@return fal.Status
function Handle:status(opts) end
---@param opts {with_logs: boolean?, interval: number?}?
---@return fun(): fal.Status?
function Handle:iter_events(opts) end
---@param opts {interval: number?}?
---@return table result
function Handle:get(opts) end
function Handle:cancel() end

---@class fal.Task
local Task = {}
---@param timeout number?
---@return boolean ok
---@return any ...
function Task:wait(timeout) end
---@return boolean cancelled
function Task:cancel() end
---@return "ready"|"blocked"|"done"
function Task:status() end

---@class fal.RunOptions
---@field path string?
---@field headers table<string, string>?
---@field start_timeout number?  server-side start deadline, seconds (> 1)
---@field hint string?
---@field timeout number?        client-side HTTP timeout, seconds

---@class fal.SubmitOptions
---@field path string?
---@field headers table<string, string>?
---@field start_timeout number?
---@field hint string?
---@field priority "normal"|"low"?
---@field webhook_url string?

---@class fal.SubscribeOptions: fal.SubmitOptions
---@field with_logs boolean?
---@field interval number?          polling interval, seconds (default 0.1)
---@field on_enqueue fun(request_id: string)?
---@field on_queue_update fun(status: fal.Status)?
---@field client_timeout number?    total wait, seconds; the request is cancelled on expiry
---@field mode "polling"|"streaming"?

---@class fal
fal = {}

---@param settings {key: string?, run_url: string?, queue_url: string?, rest_url: string?, cdn_url: string?, user_agent: string?, retry: {max_attempts: integer?, base_delay: number?, max_delay: number?}?}?
---@return table config  the current configuration, without the key
function fal.config(settings) end

---@param endpoint string
---@param input table?
---@param opts fal.RunOptions?
---@return table result
---@return {request_id: string?} info
function fal.run(endpoint, input, opts) end

---@param endpoint string
---@param input table?
---@param opts fal.SubmitOptions?
---@return fal.Handle
function fal.submit(endpoint, input, opts) end

---@param endpoint string
---@param input table?
---@param opts fal.SubscribeOptions?
---@return table result
---@return {request_id: string} info
function fal.subscribe(endpoint, input, opts) end

---@param endpoint string
---@param request_id string
---@return fal.Handle
function fal.get_handle(endpoint, request_id) end

---@return fal.Status
function fal.status(endpoint, request_id, opts) end
---@return table result
function fal.result(endpoint, request_id, opts) end
function fal.cancel(endpoint, request_id) end

---@param fn function
---@return fal.Task
function fal.spawn(fn, ...) end
---@param tasks fal.Task[]
---@return {ok: boolean, value: any, values: table?, error: fal.Error?}[]
function fal.wait_all(tasks) end
---@param tasks fal.Task[]
---@return integer index
---@return boolean ok
---@return any ...
function fal.wait_any(tasks) end
---@param seconds number
function fal.sleep(seconds) end
---@return number seconds on a monotonic clock
function fal.clock() end
---@return boolean
function fal.is_error(value) end

---@class fal.Stream  server-sent events of one `fal.stream` call; also its own iterator
---@field request_id string?
local Stream = {}
---@return any event  the next decoded event, nil at the end
function Stream:next() end
---@return any event  the last event, after reading the rest
function Stream:result() end
---Aborts the transfer.
function Stream:close() end
---@return {pauses: integer, max_buffered: integer}
function Stream:stats() end

---@param endpoint string
---@param input table?
---@param opts {path: string?, timeout: number?, headers: table<string, string>?}?  timeout: seconds allowed between events
---@return fal.Stream stream  usable as `for event in fal.stream(...) do`
function fal.stream(endpoint, input, opts) end

fal.json = {}
---@param value any
---@param opts {name: string?, indent: integer?}?
---@return string
function fal.json.encode(value, opts) end
---@param text string
---@param opts {keep_null: boolean?}?
function fal.json.decode(text, opts) end
---The JSON null (kept in arrays so positions stay).
fal.null = nil
---Marks a table to encode as a JSON array (`[]` when empty).
function fal.array(t) end
---Marks a table to encode as a JSON object (`{}`).
function fal.object(t) end

---@class fal.Lifecycle
---@field expires_in "never"|"immediate"|"1h"|"1d"|"7d"|"30d"|"1y"|integer?
---@field initial_acl {default: "hide"|"forbid"|"allow", rules: {user: string, decision: "hide"|"forbid"|"allow"}[]?}?

---Uploads bytes to fal's CDN (multipart above 100 MiB); returns the file's URL.
---@param bytes string
---@param content_type string
---@param file_name string?
---@param opts {lifecycle: fal.Lifecycle?}?
---@return string url
function fal.upload(bytes, content_type, file_name, opts) end
---Uploads a local file, streamed from disk (content type from the extension); returns its URL.
---@param path string
---@param opts {lifecycle: fal.Lifecycle?, content_type: string?, file_name: string?}?
---@return string url
function fal.upload_file(path, opts) end
---A marker for an input value: the file is uploaded and replaced by its URL when the call is sent.
---@param path string
---@param opts {content_type: string?, file_name: string?, lifecycle: fal.Lifecycle?}?
function fal.file(path, opts) end
---The same marker for bytes in memory.
---@param bytes string
---@param content_type string
---@param file_name string?
function fal.file_bytes(bytes, content_type, file_name) end
---A `data:` URI of the bytes.
---@param bytes string
---@param content_type string?
---@return string
function fal.encode(bytes, content_type) end
---A `data:` URI of a local file (type from the extension).
---@param path string
---@return string
function fal.encode_file(path) end
---Fetches a URL to `path` (streamed; returns the path) or into a string (no path).
---@param url string
---@param path string?
---@return string path_or_bytes
---@return {size: integer, content_type: string?} info
function fal.download(url, path) end
---Saves every file URL found in a result into `dir`; returns the paths.
---@param result table
---@param dir string
---@param opts {overwrite: boolean?}?
---@return string[]
function fal.download_all(result, dir, opts) end

fal.webhook = {}
---Verifies a webhook delivery's Ed25519 signature; returns the decoded body or raises kind "webhook".
---@param headers table<string, string>
---@param body string  the raw request body
---@param opts {jwks_url: string?, tolerance: number?}?
---@return table notice  {request_id, gateway_request_id, status, payload, error?}
function fal.webhook.verify(headers, body, opts) end

---@class fal.Realtime  one realtime WebSocket connection; usable with `<close>`
local Realtime = {}
---Sends a message (msgpack in a binary frame, unless `encode` was given).
function Realtime:send(message) end
---@param timeout number?  seconds; a `kind = "timeout"` error when nothing arrives in time
---@return any message  the next decoded message, nil after a normal close
function Realtime:recv(timeout) end
---@param timeout number?
---@return fun(): any  `for msg in conn:messages() do`
function Realtime:messages(timeout) end
function Realtime:close() end

---@param endpoint string
---@param opts {path: string?, use_jwt: boolean?, token_expiration: integer?, max_buffering: integer?, throttle_interval: number?, encode: (fun(message: any): string)?, decode: (fun(data: string): any)?, timeout: number?}?
---@return fal.Realtime conn  connected (errors raise here)
function fal.realtime(endpoint, opts) end

fal.msgpack = {}
---@param value any
---@param opts {name: string?}?
---@return string
function fal.msgpack.pack(value, opts) end
---@param data string
function fal.msgpack.unpack(data) end
---A value that always packs as msgpack bin.
---@param s string
function fal.bytes(s) end

return fal
