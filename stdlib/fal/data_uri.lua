-- Data URIs: `fal.encode` and `fal.encode_file`, inputs carried inline instead of uploaded.
local core = require("fal.core")
local errors = require("fal.errors")
local options = require("fal.options")
local media_types = require("fal.media_types")

local M = {}

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
  return M.encode(bytes, media_types.of(path))
end

return M
