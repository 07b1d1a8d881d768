-- Media types by file extension, for uploads and data URIs that name none.
local M = {}

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
function M.of(name)
  local ext = tostring(name):match("%.([%w]+)$")
  return ext and MEDIA_TYPES[ext:lower()] or "application/octet-stream"
end

return M
