-- Uploads to fal's CDN (PROTOCOL.md §12, FEATURES.md §7): simple, multipart above 100 MiB, the
-- legacy initiate path as fallback. Swift does the transfers; this file the protocol steps.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")
local operations = require("fal.operation")
local lifecycles = require("fal.lifecycle")
local media_types = require("fal.media_types")
local progress = require("fal.progress")

local M = {}

M.MULTIPART_THRESHOLD = 100 * 1024 * 1024
M.PART_SIZE = 10 * 1024 * 1024
M.PART_CONCURRENCY = 10

-- One storage request from a task; raises the error object on failure.
local function request(operation, method, url, headers, body, opts)
  return operations.perform(operation, core.storage_request, operation, method, url, headers, body, opts or {})
end

local function reply_field(operation, c, field)
  local ok, reply = pcall(json.decode, c.body)
  if not ok or type(reply) ~= "table" or type(reply[field]) ~= "string" then
    error(errors.new({ kind = "http", operation = operation, status = c.status,
      message = "malformed storage reply: no " .. field }), 0)
  end
  return reply[field], reply
end

local function token(operation)
  return operations.perform(operation, core.storage_token)
end

-- Body of `source` (`{bytes=...}` or `{path=...}`) from `offset`, `length` bytes: a string, or a
-- file region Swift reads while sending.
local function body_of(source, offset, length)
  if source.path then return nil, { path = source.path, offset = offset, length = length } end
  return source.bytes:sub(offset + 1, offset + length), nil
end

local function lifecycle_headers(headers, lifecycle)
  if lifecycle then
    headers["X-Fal-Object-Lifecycle"] = lifecycle
    headers["X-Fal-Object-Lifecycle-Preference"] = lifecycle
  end
  return headers
end

-- The headers of a CDN upload (simple or multipart initiation).
local function cdn_headers(cdn, source, lifecycle)
  return lifecycle_headers({ Authorization = cdn.authorization, Accept = "application/json",
    ["Content-Type"] = source.content_type, ["X-Fal-File-Name"] = source.file_name }, lifecycle)
end

local function multipart(operation, source, cdn, lifecycle)
  local headers = cdn_headers(cdn, source, lifecycle)
  local c = request(operation, "POST", cdn.base_url .. "/files/upload/multipart", headers, "", {})
  local access_url, reply = reply_field(operation, c, "access_url")
  local upload_id = reply.uploadId
  if type(upload_id) ~= "string" then
    error(errors.new({ kind = "http", operation = operation, message = "malformed storage reply: no uploadId" }), 0)
  end
  local count = (source.size + M.PART_SIZE - 1) // M.PART_SIZE
  local etags, next_part, sent = {}, 1, 0
  local function worker()
    while next_part <= count do
      local n = next_part
      next_part = next_part + 1
      local offset = (n - 1) * M.PART_SIZE
      local body, body_file = body_of(source, offset, math.min(M.PART_SIZE, source.size - offset))
      local part = request(operation, "PUT", ("%s/multipart/%s/%d"):format(access_url, upload_id, n),
        { Authorization = cdn.authorization, ["Content-Type"] = source.content_type,
          ["Accept-Encoding"] = "identity" }, body,
        { body_file = body_file })
      local etag = part.headers["etag"]
      if not etag then
        error(errors.new({ kind = "http", operation = operation, message = ("part %d: no ETag in the reply"):format(n) }), 0)
      end
      etags[n] = etag
      sent = sent + (body and #body or body_file.length or 0)
      if source.progress then source.progress:update(nil, sent) end
    end
  end
  local workers = {}
  for i = 1, math.min(M.PART_CONCURRENCY, count) do workers[i] = worker end
  scheduler.parallel(workers)
  local parts = json.array({})
  for n = 1, count do parts[n] = { partNumber = n, etag = etags[n] } end
  request(operation, "POST", ("%s/multipart/%s/complete"):format(access_url, upload_id),
    { Authorization = cdn.authorization, ["Content-Type"] = "application/json", Accept = "application/json" },
    json.encode({ parts = parts }), {})
  return access_url
end

local function upload_v3(operation, source, lifecycle)
  local cdn = token(operation)
  if source.size > M.MULTIPART_THRESHOLD then return multipart(operation, source, cdn, lifecycle) end
  local headers = cdn_headers(cdn, source, lifecycle)
  local body, body_file = body_of(source, 0, source.size)
  local c = request(operation, "POST", core.config().cdn_url .. "/files/upload", headers, body, { body_file = body_file })
  return (reply_field(operation, c, "access_url"))
end

-- PROTOCOL.md §12.4. The PUT goes without the fal key (the JS client's choice): the upload URL may
-- name another host.
local function upload_legacy(operation, source, lifecycle)
  local headers = lifecycle_headers({ ["Content-Type"] = "application/json", Accept = "application/json" }, lifecycle)
  local c = request(operation, "POST", core.config().rest_url .. "/storage/upload/initiate?storage_type=gcs", headers,
    json.encode({ file_name = source.file_name, content_type = source.content_type }), { fal_auth = true })
  local upload_url, reply = reply_field(operation, c, "upload_url")
  if type(reply.file_url) ~= "string" then
    error(errors.new({ kind = "http", operation = operation, message = "malformed storage reply: no file_url" }), 0)
  end
  local body, body_file = body_of(source, 0, source.size)
  request(operation, "PUT", upload_url, { ["Content-Type"] = source.content_type }, body, { body_file = body_file })
  return reply.file_url
end

--- Uploads `source` (from `M.bytes_source` or `M.file_source`) with the lifecycle header value
--- `lifecycle`; returns the URL. A failed CDN upload falls back to the legacy path (not after a
--- multipart upload, as the Python client).
function M.send(operation, source, lifecycle)
  local shown <close> = progress.start("upload", source.file_name, source.size)
  source.progress = shown
  local ok, url = pcall(upload_v3, operation, source, lifecycle)
  if ok then return url end
  if source.size > M.MULTIPART_THRESHOLD or (errors.is(url) and url.kind == "usage") then
    error(url, 0)
  end
  local ok2, legacy = pcall(upload_legacy, operation, source, lifecycle)
  if ok2 then return legacy end
  if errors.is(legacy) then
    legacy.message = ("%s (after the CDN upload failed: %s)"):format(legacy.message, errors.is(url) and url.message or tostring(url))
  end
  error(legacy, 0)
end

--- The upload source of bytes in memory.
function M.bytes_source(bytes, content_type, file_name)
  return { bytes = bytes, size = #bytes, content_type = content_type, file_name = file_name or "upload.bin" }
end

--- The upload source of a local file, streamed from disk; a file that cannot be read is a usage
--- error (`where` prefixes its message: the input path of a `fal.file` marker).
function M.file_source(operation, path, content_type, file_name, where)
  local size, reason = core.file_size(path)
  if not size then
    error(errors.usage(operation, ("%scannot read %s: %s"):format(where and (where .. ": ") or "", path, reason)), 0)
  end
  return { path = path, size = size, content_type = content_type or media_types.of(path),
    file_name = file_name or (path:match("([^/]+)$")) or "upload.bin" }
end

---@class fal.UploadOptions
---@field lifecycle? fal.Lifecycle expiry and access of the file [default: the platform's]

--- Uploads bytes in memory to fal's CDN and returns the file's URL, to pass in an input. Above
--- 100 MiB the upload is multipart (10 MiB parts, 10 at a time); a failed CDN upload falls back to
--- the storage API's signed-URL upload.
---@param bytes string the file's bytes
---@param content_type string its media type, e.g. "image/png"
---@param file_name? string the name the CDN gives the file [default: "upload.bin"]
---@param opts? fal.UploadOptions
---@return string url the file's URL
---@raise usage a bad argument, option or lifecycle field, before any I/O
---@raise http the storage API or the CDN refused the upload
---@raise network the connection failed after the retries
---@yields waits for the upload
---@example
--- local url = fal.upload("hello, fal", "text/plain", "hello.txt", { lifecycle = { expires_in = "1h" } })
--- print(url, (fal.download(url)))
function M.upload(bytes, content_type, file_name, opts)
  local operation = "fal.upload"
  options.arg(operation, 1, "bytes", bytes, "string")
  options.arg(operation, 2, "content_type", content_type, "line")
  if file_name ~= nil then options.arg(operation, 3, "file_name", file_name, "line") end
  opts = options.check(operation, opts, { lifecycle = "table" })
  local lifecycle = lifecycles.header(operation, opts.lifecycle)
  return M.send(operation, M.bytes_source(bytes, content_type, file_name), lifecycle)
end

---@class fal.UploadFileOptions
---@field lifecycle? fal.Lifecycle expiry and access of the file [default: the platform's]
---@field content_type? string the media type [default: from the file's extension]
---@field file_name? string the name the CDN gives the file [default: the file's own name]

--- Uploads a local file to fal's CDN, streamed from disk (never held in memory whole), and
--- returns its URL. Multipart above 100 MiB, as `fal.upload`.
---@param path string the file's path
---@param opts? fal.UploadFileOptions
---@return string url the file's URL
---@raise usage the file cannot be read, or a bad option, before any upload
---@raise http the storage API or the CDN refused the upload
---@raise network the connection failed after the retries
---@yields waits for the upload
---@example
--- local path = os.tmpname()
--- local f = assert(io.open(path, "w")) f:write("a,b\n1,2\n") f:close()
--- print(fal.upload_file(path, { content_type = "text/csv", file_name = "table.csv" }))
--- os.remove(path)
function M.upload_file(path, opts)
  local operation = "fal.upload_file"
  options.arg(operation, 1, "path", path, "string")
  opts = options.check(operation, opts, { lifecycle = "table", content_type = "line", file_name = "line" })
  local lifecycle = lifecycles.header(operation, opts.lifecycle)
  return M.send(operation, M.file_source(operation, path, opts.content_type, opts.file_name), lifecycle)
end

return M
