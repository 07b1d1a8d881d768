-- Files (PROTOCOL.md §12, FEATURES.md §7): uploads to fal's CDN (simple, multipart above 100 MiB,
-- the legacy initiate path as fallback), `fal.file` markers uploaded automatically before a call,
-- data URIs, and downloads streamed to disk. Swift does the transfers; this file the protocol steps.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")
local http = require("fal.http")

local M = {}

M.MULTIPART_THRESHOLD = 100 * 1024 * 1024
M.PART_SIZE = 10 * 1024 * 1024
M.PART_CONCURRENCY = 10

local MEDIA_TYPES = {
  png = "image/png", jpg = "image/jpeg", jpeg = "image/jpeg", gif = "image/gif", webp = "image/webp",
  bmp = "image/bmp", svg = "image/svg+xml", tif = "image/tiff", tiff = "image/tiff", ico = "image/x-icon",
  heic = "image/heic", avif = "image/avif",
  mp3 = "audio/mpeg", wav = "audio/wav", ogg = "audio/ogg", flac = "audio/flac", m4a = "audio/mp4",
  aac = "audio/aac", opus = "audio/opus",
  mp4 = "video/mp4", mov = "video/quicktime", webm = "video/webm", mkv = "video/x-matroska",
  avi = "video/x-msvideo",
  txt = "text/plain", csv = "text/csv", html = "text/html", md = "text/markdown",
  json = "application/json", pdf = "application/pdf", zip = "application/zip", tar = "application/x-tar",
  gz = "application/gzip", bin = "application/octet-stream", safetensors = "application/octet-stream",
  glb = "model/gltf-binary", obj = "model/obj",
}

--- The media type for a file name's extension (application/octet-stream when unknown).
function M.content_type(name)
  local ext = tostring(name):match("%.([%w]+)$")
  return ext and MEDIA_TYPES[ext:lower()] or "application/octet-stream"
end

local function basename(path) return (tostring(path):match("([^/]+)$")) or "upload.bin" end

------------------------------------------------------------------------------------------------
-- Lifecycle (PROTOCOL.md §12.5)

local EXPIRES = { never = false, immediate = 60, ["1h"] = 3600, ["1d"] = 86400, ["7d"] = 604800,
  ["30d"] = 2592000, ["1y"] = 31536000 }
local DECISIONS = { hide = true, forbid = true, allow = true }

local function check_decision(operation, field, value)
  if not DECISIONS[value] then
    error(errors.usage(operation, ("%s must be \"hide\", \"forbid\" or \"allow\", got %s"):format(field,
      type(value) == "string" and ("%q"):format(value) or type(value))), 0)
  end
end

local function check_keys(operation, field, t, known)
  for key in pairs(t) do
    if not known[key] then
      error(errors.usage(operation, ("unknown field %s.%s"):format(field, tostring(key))), 0)
    end
  end
end

--- The lifecycle header value for `lifecycle` (nil when there is nothing to send); usage errors
--- name the bad field.
function M.lifecycle_json(operation, lifecycle)
  if lifecycle == nil then return nil end
  if type(lifecycle) ~= "table" then
    error(errors.usage(operation, "lifecycle must be a table, got " .. type(lifecycle)), 0)
  end
  check_keys(operation, "lifecycle", lifecycle, { expires_in = true, initial_acl = true })
  local out = {}
  local expires = lifecycle.expires_in
  if expires ~= nil then
    if math.type(expires) == "integer" and expires > 0 then
      out.expiration_duration_seconds = expires
    elseif type(expires) == "string" and EXPIRES[expires] ~= nil then
      out.expiration_duration_seconds = EXPIRES[expires] or nil
    else
      error(errors.usage(operation, "lifecycle.expires_in must be \"never\", \"immediate\", \"1h\", \"1d\", \"7d\", "
        .. "\"30d\", \"1y\" or a positive integer number of seconds, got " .. tostring(expires)), 0)
    end
  end
  local acl = lifecycle.initial_acl
  if acl ~= nil then
    if type(acl) ~= "table" then
      error(errors.usage(operation, "lifecycle.initial_acl must be a table, got " .. type(acl)), 0)
    end
    check_keys(operation, "lifecycle.initial_acl", acl, { default = true, rules = true })
    check_decision(operation, "lifecycle.initial_acl.default", acl.default)
    local rules = json.array({})
    if acl.rules ~= nil then
      if type(acl.rules) ~= "table" then
        error(errors.usage(operation, "lifecycle.initial_acl.rules must be a list, got " .. type(acl.rules)), 0)
      end
      for i, rule in ipairs(acl.rules) do
        local field = ("lifecycle.initial_acl.rules[%d]"):format(i)
        if type(rule) ~= "table" then error(errors.usage(operation, field .. " must be a table"), 0) end
        check_keys(operation, field, rule, { user = true, decision = true })
        if type(rule.user) ~= "string" or rule.user == "" then
          error(errors.usage(operation, field .. ".user must be a non-empty string"), 0)
        end
        check_decision(operation, field .. ".decision", rule.decision)
        rules[i] = { user = rule.user, decision = rule.decision }
      end
    end
    out.initial_acl = { default = acl.default, rules = rules }
  end
  if next(out) == nil then return nil end
  return json.encode(out)
end

------------------------------------------------------------------------------------------------
-- Transfers

-- One storage request from a task; raises the error object on failure.
local function request(operation, method, url, headers, body, opts)
  return http.perform(operation, core.storage_request, operation, method, url, headers, body, opts or {})
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
  return http.perform(operation, core.storage_token)
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

-- Runs `fns` concurrently as tasks (sequentially where the caller cannot yield); returns the
-- results in order or raises the first failure after cancelling the rest.
local function parallel(fns)
  if scheduler.current() == nil or not coroutine.isyieldable() then
    local out = {}
    for i, fn in ipairs(fns) do out[i] = fn() end
    return out
  end
  local tasks = {}
  for i, fn in ipairs(fns) do tasks[i] = scheduler.spawn(fn) end
  local out = {}
  for i, task in ipairs(tasks) do
    local ok, value = task:wait()
    if not ok then
      -- The rest are cancelled, or collected if already done, so no failure goes unreported twice.
      for j = i + 1, #tasks do
        if not tasks[j]:cancel() then tasks[j]:wait() end
      end
      error(value, 0)
    end
    out[i] = value
  end
  return out
end

local function multipart(operation, source, cdn, lifecycle)
  local headers = lifecycle_headers({ Authorization = cdn.authorization, Accept = "application/json",
    ["Content-Type"] = source.content_type, ["X-Fal-File-Name"] = source.file_name }, lifecycle)
  local c = request(operation, "POST", cdn.base_url .. "/files/upload/multipart", headers, "", {})
  local access_url, reply = reply_field(operation, c, "access_url")
  local upload_id = reply.uploadId
  if type(upload_id) ~= "string" then
    error(errors.new({ kind = "http", operation = operation, message = "malformed storage reply: no uploadId" }), 0)
  end
  local count = (source.size + M.PART_SIZE - 1) // M.PART_SIZE
  local etags, next_part = {}, 1
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
    end
  end
  local workers = {}
  for i = 1, math.min(M.PART_CONCURRENCY, count) do workers[i] = worker end
  parallel(workers)
  local parts = json.array({})
  for n = 1, count do parts[n] = { partNumber = n, etag = etags[n] } end
  request(operation, "POST", ("%s/multipart/%s/complete"):format(access_url, upload_id),
    { Authorization = cdn.authorization, ["Content-Type"] = "application/json", Accept = "application/json" },
    json.encode({ parts = parts }), {})
  return access_url
end

local function upload_v3(operation, source, lifecycle)
  local cdn = token(operation)
  if source.size > M.MULTIPART_THRESHOLD then return multipart(operation, source, cdn, lifecycle), true end
  local headers = lifecycle_headers({ Authorization = cdn.authorization, Accept = "application/json",
    ["Content-Type"] = source.content_type, ["X-Fal-File-Name"] = source.file_name }, lifecycle)
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

-- Uploads `source` ({bytes | path, size, content_type, file_name}); returns the URL. A failed CDN
-- upload falls back to the legacy path (not after a multipart upload, as the Python client).
local function upload_source(operation, source, lifecycle)
  local ok, url, was_multipart = pcall(upload_v3, operation, source, lifecycle)
  if ok then return url end
  if was_multipart or source.size > M.MULTIPART_THRESHOLD or (errors.is(url) and url.kind == "usage") then
    error(url, 0)
  end
  local ok2, legacy = pcall(upload_legacy, operation, source, lifecycle)
  if ok2 then return legacy end
  if errors.is(legacy) then
    legacy.message = ("%s (after the CDN upload failed: %s)"):format(legacy.message, errors.is(url) and url.message or tostring(url))
  end
  error(legacy, 0)
end

local upload_options = { lifecycle = "table" }

--- fal.upload(bytes, content_type, file_name?, opts?) -> url
function M.upload(bytes, content_type, file_name, opts)
  local operation = "fal.upload"
  options.arg(operation, 1, "bytes", bytes, "string")
  options.arg(operation, 2, "content_type", content_type, "string")
  if file_name ~= nil then options.arg(operation, 3, "file_name", file_name, "string") end
  opts = options.check(operation, opts, upload_options)
  local lifecycle = M.lifecycle_json(operation, opts.lifecycle)
  return upload_source(operation, { bytes = bytes, size = #bytes, content_type = content_type,
    file_name = file_name or "upload.bin" }, lifecycle)
end

local function file_source(operation, path, content_type, file_name)
  local size, reason = core.file_size(path)
  if not size then error(errors.usage(operation, ("cannot read %s: %s"):format(path, reason)), 0) end
  return { path = path, size = size, content_type = content_type or M.content_type(path),
    file_name = file_name or basename(path) }
end

--- fal.upload_file(path, opts?) -> url (streamed from disk; content type from the extension)
function M.upload_file(path, opts)
  local operation = "fal.upload_file"
  options.arg(operation, 1, "path", path, "string")
  opts = options.check(operation, opts, { lifecycle = "table", content_type = "string", file_name = "string" })
  local lifecycle = M.lifecycle_json(operation, opts.lifecycle)
  return upload_source(operation, file_source(operation, path, opts.content_type, opts.file_name), lifecycle)
end

------------------------------------------------------------------------------------------------
-- Automatic upload of inputs

local FileMarker = { __name = "fal.file" }
FileMarker.__index = FileMarker
function FileMarker.__tostring(f) return ("fal.file(%s)"):format(f.path or ("<%d bytes>"):format(#f.bytes)) end

--- fal.file(path, opts?): a marker uploaded (and replaced by its URL) when the input is sent.
function M.file(path, opts)
  options.arg("fal.file", 1, "path", path, "string")
  opts = options.check("fal.file", opts, { content_type = "string", file_name = "string", lifecycle = "table" })
  M.lifecycle_json("fal.file", opts.lifecycle)
  return setmetatable({ path = path, content_type = opts.content_type, file_name = opts.file_name,
    lifecycle = opts.lifecycle }, FileMarker)
end

--- fal.file_bytes(bytes, content_type, file_name?): the same from bytes in memory.
function M.file_bytes(bytes, content_type, file_name)
  options.arg("fal.file_bytes", 1, "bytes", bytes, "string")
  options.arg("fal.file_bytes", 2, "content_type", content_type, "string")
  if file_name ~= nil then options.arg("fal.file_bytes", 3, "file_name", file_name, "string") end
  return setmetatable({ bytes = bytes, content_type = content_type, file_name = file_name }, FileMarker)
end

--- True for values made by fal.file / fal.file_bytes.
function M.is_file(v) return getmetatable(v) == FileMarker end

local function child_path(path, key)
  if math.type(key) == "integer" then return ("%s[%d]"):format(path, key) end
  if type(key) == "string" and key:match("^[%a_][%w_]*$") then return path .. "." .. key end
  return ("%s[%q]"):format(path, tostring(key))
end

-- Finds every marker under `value`; `found` maps marker -> first path it was seen at.
local function collect(value, path, found, order, seen)
  if getmetatable(value) == FileMarker then
    if not found[value] then found[value] = path; order[#order + 1] = value end
    return
  end
  if type(value) ~= "table" or seen[value] then return end
  seen[value] = true
  for key, child in pairs(value) do collect(child, child_path(path, key), found, order, seen) end
end

-- A copy of `value` with markers replaced by URLs; tables without markers are kept as they are.
local function replace(value, urls, memo)
  if getmetatable(value) == FileMarker then return urls[value], true end
  if type(value) ~= "table" then return value, false end
  if memo[value] ~= nil then return memo[value], memo[value] ~= value end
  memo[value] = value
  local copy, changed = {}, false
  for key, child in pairs(value) do
    local new, did = replace(child, urls, memo)
    copy[key] = new
    changed = changed or did
  end
  if not changed then return value, false end
  memo[value] = setmetatable(copy, getmetatable(value))
  return memo[value], true
end

--- Uploads every fal.file marker in `input` (concurrently) and returns the input with their URLs
--- in place; the caller's table is not modified. A missing local file fails before any upload.
function M.resolve_files(operation, input)
  if type(input) ~= "table" then return input end
  local found, order = {}, {}
  collect(input, "input", found, order, {})
  if #order == 0 then return input end
  local sources = {}
  for i, marker in ipairs(order) do
    if marker.path then
      local size, reason = core.file_size(marker.path)
      if not size then
        error(errors.usage(operation, ("%s: cannot read %s: %s"):format(found[marker], marker.path, reason)), 0)
      end
      sources[i] = { path = marker.path, size = size, content_type = marker.content_type or M.content_type(marker.path),
        file_name = marker.file_name or basename(marker.path) }
    else
      sources[i] = { bytes = marker.bytes, size = #marker.bytes, content_type = marker.content_type,
        file_name = marker.file_name or "upload.bin" }
    end
  end
  local jobs = {}
  for i, marker in ipairs(order) do
    jobs[i] = function()
      local ok, url = pcall(upload_source, operation, sources[i], M.lifecycle_json(operation, marker.lifecycle))
      if ok then return url end
      local failure = errors.is(url) and url or errors.new({ kind = "upload", message = tostring(url) })
      failure.operation = operation
      failure.input_path = found[marker]
      failure.message = ("uploading %s failed: %s"):format(found[marker], failure.message)
      error(failure, 0)
    end
  end
  local results = parallel(jobs)
  local urls = {}
  for i, marker in ipairs(order) do urls[marker] = results[i] end
  return (replace(input, urls, {}))
end

------------------------------------------------------------------------------------------------
-- Data URIs

--- fal.encode(bytes, content_type) -> "data:{type};base64,..."
function M.encode(bytes, content_type)
  options.arg("fal.encode", 1, "bytes", bytes, "string")
  if content_type ~= nil then options.arg("fal.encode", 2, "content_type", content_type, "string") end
  return ("data:%s;base64,%s"):format(content_type or "application/octet-stream", core.base64_encode(bytes))
end

--- fal.encode_file(path) -> data URI with the type from the extension.
function M.encode_file(path)
  options.arg("fal.encode_file", 1, "path", path, "string")
  local bytes, reason = core.read_file(path)
  if not bytes then error(errors.usage("fal.encode_file", reason), 2) end
  return M.encode(bytes, M.content_type(path))
end

------------------------------------------------------------------------------------------------
-- Downloads

local function download_to(operation, url, path)
  return http.perform(operation, core.download, url, path, true)
end

--- fal.download(url, path?): saves to `path` (streamed) and returns it, or returns the bytes.
function M.download(url, path)
  options.arg("fal.download", 1, "url", url, "string")
  if path ~= nil then options.arg("fal.download", 2, "path", path, "string") end
  local c = download_to("fal.download", url, path)
  if path then return path, { size = c.size, content_type = c.content_type } end
  return c.body, { size = c.size, content_type = c.content_type }
end

local function file_urls(value, out, seen)
  if type(value) == "string" then
    if value:match("^https?://[^/]+/.*[^/]$") and not seen[value] then
      seen[value] = true
      out[#out + 1] = value
    end
  elseif type(value) == "table" and not seen[value] then
    seen[value] = true
    if #value > 0 then
      for _, child in ipairs(value) do file_urls(child, out, seen) end
    end
    local keys = {}
    for key in pairs(value) do
      if not (math.type(key) == "integer" and key >= 1 and key <= #value) then keys[#keys + 1] = key end
    end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, key in ipairs(keys) do file_urls(value[key], out, seen) end
  end
end

--- fal.download_all(result, dir, {overwrite = false}) -> list of saved paths, one per file URL.
function M.download_all(result, dir, opts)
  local operation = "fal.download_all"
  options.arg(operation, 1, "result", result, "table")
  options.arg(operation, 2, "dir", dir, "string")
  opts = options.check(operation, opts, { overwrite = "boolean" })
  local _, reason = core.file_size(dir)
  if reason ~= "is a directory" then error(errors.usage(operation, dir .. " is not a directory"), 2) end
  local urls = {}
  file_urls(result, urls, {})
  local paths, taken = {}, {}
  for i, url in ipairs(urls) do
    local name = url:gsub("[?#].*$", ""):match("([^/]+)$")
    local stem, ext = name:match("^(.-)(%.[^.]*)$")
    local candidate, n = name, 1
    while taken[candidate] do
      n = n + 1
      candidate = ("%s-%d%s"):format(stem or name, n, ext or "")
    end
    taken[candidate] = true
    paths[i] = dir:gsub("/$", "") .. "/" .. candidate
    if not opts.overwrite and core.file_size(paths[i]) then
      error(errors.usage(operation, paths[i] .. " exists (pass overwrite = true to replace it)"), 2)
    end
  end
  local jobs = {}
  for i, url in ipairs(urls) do jobs[i] = function() download_to(operation, url, paths[i]) return paths[i] end end
  return parallel(jobs)
end

return M
