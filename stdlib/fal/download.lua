-- Downloads (FEATURES.md §7): one URL to memory or streamed to a file, or every file URL of a
-- result into a directory, concurrently.
local core = require("fal.core")
local errors = require("fal.errors")
local options = require("fal.options")
local scheduler = require("fal.scheduler")
local operations = require("fal.operation")

local M = {}

local function download_to(operation, url, path)
  return operations.perform(operation, core.download, url, path, require("fal.progress").enabled)
end

--- Fetches a URL (a result's file): streamed to `path` when given (and the path returned), else
--- returned as a string, at most `limits.max_response_bytes` of `fal.config` (256 MiB; a file has no
--- cap). No fal key is sent. On failure no partial file is left.
---@param url string the URL
---@param path? string where to save the file (replaced if it exists)
---@return string path_or_bytes `path`, or the bytes when no path was given
---@return {size: integer, content_type: string?} info the size in bytes and the media type
---@raise usage a bad argument, or a path that cannot be written
---@raise http an error reply
---@raise limit a body kept in memory (no `path`, or an error reply) over `limits.max_response_bytes`
---@raise network the connection failed after the retries
---@yields waits for the transfer
---@example
--- local out = fal.run("fal-ai/flux/schnell", { prompt = "a lighthouse" })
--- local bytes, info = fal.download(out.images[1].url)
--- print(#bytes == info.size, info.content_type, bytes:sub(2, 4))
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

---@class fal.DownloadAllOptions
---@field overwrite? boolean replace files that exist (otherwise an existing file is a usage error, before any download) [default: false]

--- Saves every file URL found in a result (any `http(s)://` string, anywhere in it) into a
--- directory, concurrently, named after the URL's last segment (`name-2.png` on a clash); returns
--- the paths, one per URL, in the order found.
---@param result table a call's result
---@param dir string an existing directory
---@param opts? fal.DownloadAllOptions
---@return string[] paths the saved files
---@raise usage `dir` is not a directory, or a file exists and `overwrite` is not set
---@raise http an error reply
---@raise network the connection failed after the retries
---@yields waits for the transfers
---@example
--- local dir = os.tmpname()
--- os.remove(dir)
--- assert(os.execute("mkdir " .. dir))
--- local out = fal.run("fal-ai/flux/schnell", { prompt = "two cats", num_images = 2 })
--- for _, path in ipairs(fal.download_all(out, dir)) do print(path:match("[^/]+$")) end
--- os.execute("rm -r " .. dir)
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
  return scheduler.parallel(jobs)
end

return M
