-- Data URIs: `fal.encode` and `fal.encode_file`, inputs carried inline instead of uploaded.
local core = require("fal.core")
local errors = require("fal.errors")
local options = require("fal.options")
local media_types = require("fal.media_types")

local M = {}

--- Returns a `data:` URI of the bytes, to carry a small file inline in an input instead of
--- uploading it.
---@param bytes string the bytes
---@param content_type? string their media type [default: "application/octet-stream"]
---@return string uri `data:{content_type};base64,...`
---@raise usage a bad argument
---@example
--- print(fal.encode("hi", "text/plain"))
function M.encode(bytes, content_type)
  options.arg("fal.encode", 1, "bytes", bytes, "string")
  if content_type ~= nil then options.arg("fal.encode", 2, "content_type", content_type, "string") end
  return ("data:%s;base64,%s"):format(content_type or "application/octet-stream", core.base64_encode(bytes))
end

--- Returns a `data:` URI of a local file, its media type from the extension.
---@param path string the file's path
---@return string uri `data:{type};base64,...`
---@raise usage the file cannot be read
---@example
--- local path = os.tmpname() .. ".txt"
--- local f = assert(io.open(path, "w")) f:write("hello") f:close()
--- print(fal.encode_file(path))
--- os.remove(path)
function M.encode_file(path)
  options.arg("fal.encode_file", 1, "path", path, "string")
  local bytes, reason = core.read_file(path)
  if not bytes then error(errors.usage("fal.encode_file", reason), 2) end
  return M.encode(bytes, media_types.of(path))
end

return M
