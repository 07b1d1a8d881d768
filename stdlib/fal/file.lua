-- `fal.file` markers (FEATURES.md §7): values put in a call's input that are uploaded, concurrently,
-- and replaced by their URLs when the input is sent.
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")
local lifecycles = require("fal.lifecycle")
local upload = require("fal.upload")

local M = {}

local FileMarker = { __name = "fal.file" }
function FileMarker.__tostring(f) return ("fal.file(%s)"):format(f.path or ("<%d bytes>"):format(#f.bytes)) end

---@class fal.FileOptions
---@field content_type? string the media type [default: from the file's extension]
---@field file_name? string the name the CDN gives the file [default: the file's own name]
---@field lifecycle? fal.Lifecycle expiry and access of the file [default: the platform's]

--- Returns a marker for a local file, to put anywhere in a call's input: when the input is sent,
--- every marker is uploaded (concurrently, streamed from disk) and replaced by its URL. The
--- caller's table is not changed. A missing file fails the call before any upload, naming where in
--- the input the marker was.
---@param path string the file's path (read when the input is sent)
---@param opts? fal.FileOptions
---@return table marker the marker (`tostring` shows the path)
---@raise usage a bad argument or option
---@example
--- local path = os.tmpname()
--- local f = assert(io.open(path, "w")) f:write("some notes") f:close()
--- local out = fal.run("fal-ai/echo", { notes = fal.file(path, { content_type = "text/plain" }) })
--- print(out.notes)
--- os.remove(path)
function M.file(path, opts)
  options.arg("fal.file", 1, "path", path, "string")
  opts = options.check("fal.file", opts, { content_type = "line", file_name = "line", lifecycle = "table" })
  lifecycles.header("fal.file", opts.lifecycle)
  return setmetatable({ path = path, content_type = opts.content_type, file_name = opts.file_name,
    lifecycle = opts.lifecycle }, FileMarker)
end

--- Returns a marker for bytes in memory, as `fal.file` does for a file: uploaded and replaced by
--- its URL when the input is sent.
---@param bytes string the bytes
---@param content_type string their media type
---@param file_name? string the name the CDN gives the file [default: "upload.bin"]
---@return table marker the marker
---@raise usage a bad argument
---@example
--- local out = fal.run("fal-ai/echo", { docs = { fal.file_bytes("inline bytes", "text/plain", "a.txt") } })
--- print(out.docs[1])
function M.file_bytes(bytes, content_type, file_name)
  options.arg("fal.file_bytes", 1, "bytes", bytes, "string")
  options.arg("fal.file_bytes", 2, "content_type", content_type, "line")
  if file_name ~= nil then options.arg("fal.file_bytes", 3, "file_name", file_name, "line") end
  return setmetatable({ bytes = bytes, content_type = content_type, file_name = file_name }, FileMarker)
end

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
function M.resolve(operation, input)
  if type(input) ~= "table" then return input end
  -- Markers are tables: an input without tables in it (most of them) has none, and is not walked.
  local nested = false
  for _, value in pairs(input) do
    if type(value) == "table" then nested = true break end
  end
  if not nested and getmetatable(input) ~= FileMarker then return input end
  local found, order = {}, {}
  collect(input, "input", found, order, {})
  if #order == 0 then return input end
  local sources = {}
  for i, marker in ipairs(order) do
    if marker.path then
      sources[i] = upload.file_source(operation, marker.path, marker.content_type, marker.file_name, found[marker])
    else
      sources[i] = upload.bytes_source(marker.bytes, marker.content_type, marker.file_name)
    end
  end
  local jobs = {}
  for i, marker in ipairs(order) do
    jobs[i] = function()
      local ok, url = pcall(upload.send, operation, sources[i], lifecycles.header(operation, marker.lifecycle))
      if ok then return url end
      local failure = errors.is(url) and url or errors.new({ kind = "upload", message = tostring(url) })
      failure.operation = operation
      failure.input_path = found[marker]
      failure.message = ("uploading %s failed: %s"):format(found[marker], failure.message)
      error(failure, 0)
    end
  end
  local results = scheduler.parallel(jobs)
  local urls = {}
  for i, marker in ipairs(order) do urls[marker] = results[i] end
  return (replace(input, urls, {}))
end

return M
