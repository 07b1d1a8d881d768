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

--- fal.file(path, opts?): a marker uploaded (and replaced by its URL) when the input is sent.
function M.file(path, opts)
  options.arg("fal.file", 1, "path", path, "string")
  opts = options.check("fal.file", opts, { content_type = "line", file_name = "line", lifecycle = "table" })
  lifecycles.header("fal.file", opts.lifecycle)
  return setmetatable({ path = path, content_type = opts.content_type, file_name = opts.file_name,
    lifecycle = opts.lifecycle }, FileMarker)
end

--- fal.file_bytes(bytes, content_type, file_name?): the same from bytes in memory.
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
