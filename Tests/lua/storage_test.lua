--! key=storage-key
-- Uploads, automatic upload of fal.file inputs, data URIs and downloads (PROTOCOL.md §12).
local t = require("support")
fal.config({ key = "storage-key" })

local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p " .. dir))

local function write(path, bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local bytes = f:read("a")
  f:close()
  return bytes
end

-- 0 bytes and a small payload, from memory: the same bytes come back with the right content type.
local empty_url = fal.upload("", "text/plain", "empty.txt")
assert(empty_url:find("^http://127%.0%.0%.1:%d+/files/.+/empty%.txt$"), empty_url)
local body, info = fal.download(empty_url)
t.eq(body, "", "empty upload")
t.eq(info.content_type, "text/plain", "content type of the empty upload")

local small = ("falua\0bytes\255"):rep(100)
local small_url = fal.upload(small, "application/octet-stream")
t.eq(fal.download(small_url), small, "small upload round trip")

-- from a file, with the content type from the extension; downloaded to disk
local png = fal.download(fal.run("fal-ai/flux/schnell", { prompt = "x", image_size = { width = 64, height = 48 } }).images[1].url)
write(dir .. "/cat.png", png)
local cat_url = fal.upload_file(dir .. "/cat.png")
assert(cat_url:find("/cat%.png$"), cat_url)
local saved, saved_info = fal.download(cat_url, dir .. "/copy.png")
t.eq(saved, dir .. "/copy.png", "download returns the path")
t.eq(saved_info.content_type, "image/png", "content type from the extension")
t.eq(read(saved), png, "file round trip")

-- a missing file is a usage error
t.expect_error("usage", "no such file", fal.upload_file, dir .. "/nope.png")

-- lifecycle: validated, field named; an expiry is honoured by the CDN (404 afterwards)
t.expect_error("usage", "lifecycle.expires_in", fal.upload, "x", "text/plain", nil, { lifecycle = { expires_in = "2h" } })
t.expect_error("usage", "lifecycle.expires_in", fal.upload, "x", "text/plain", nil, { lifecycle = { expires_in = 0 } })
t.expect_error("usage", "lifecycle.expires_in", fal.upload, "x", "text/plain", nil, { lifecycle = { expires_in = true } })
t.expect_error("usage", "lifecycle.initial_acl.default", fal.upload, "x", "text/plain", nil,
  { lifecycle = { initial_acl = { default = "maybe" } } })
t.expect_error("usage", "lifecycle.initial_acl.rules[2].decision", fal.upload, "x", "text/plain", nil,
  { lifecycle = { initial_acl = { default = "hide", rules = { { user = "usr_a", decision = "allow" }, { user = "usr_b", decision = "nope" } } } } })
t.expect_error("usage", "unknown field lifecycle.expire", fal.upload, "x", "text/plain", nil, { lifecycle = { expire = "1h" } })
t.expect_error("usage", "lifecycle.initial_acl.rules[1].user", fal.file, "a.png",
  { lifecycle = { initial_acl = { default = "allow", rules = { { decision = "allow" } } } } })
local kept = fal.upload("kept", "text/plain", "kept.txt", { lifecycle = { expires_in = "1d", initial_acl = {
  default = "hide", rules = { { user = "usr_a", decision = "allow" } } } } })
t.eq(fal.download(kept), "kept", "a 1-day file is served")
local brief = fal.upload("brief", "text/plain", "brief.txt", { lifecycle = { expires_in = 3 } })
local uploaded_at = fal.clock() -- the expiry was set before the reply: at most 3 s from now
t.eq(fal.download(brief), "brief", "served before it expires")
fal.sleep(math.max(0, uploaded_at + 3.1 - fal.clock())) -- the clock has to pass the expiry
local gone = t.expect_error("http", "not found", fal.download, brief)
t.eq(gone.status, 404, "expired file")

-- automatic upload of nested inputs: several files, replaced by URLs; the caller's table is unchanged
write(dir .. "/a.txt", "first file")
local input = {
  prompt = "p",
  image_url = fal.file(dir .. "/cat.png"),
  images = { fal.file(dir .. "/a.txt"), fal.file_bytes("in memory", "text/plain", "mem.txt") },
  deep = { list = { { file = fal.file(dir .. "/cat.png", { file_name = "renamed.png" }) } } },
  untouched = { 1, 2, 3 },
}
local echoed = fal.run("fal-ai/echo", input)
assert(type(echoed.image_url) == "string" and echoed.image_url:find("/cat%.png$"), tostring(echoed.image_url))
t.eq(fal.download(echoed.image_url), png, "image_url uploaded")
t.eq(fal.download(echoed.images[1]), "first file", "images[1] uploaded")
t.eq(fal.download(echoed.images[2]), "in memory", "file_bytes uploaded")
assert(echoed.deep.list[1].file:find("/renamed%.png$"), echoed.deep.list[1].file)
t.eq(echoed.untouched[3], 3, "plain values pass through")
assert(getmetatable(input.image_url) ~= nil, "the caller's table still holds the marker")

-- submit and subscribe upload too
local h = fal.submit("fal-ai/echo", { f = fal.file_bytes("queued", "text/plain") })
t.eq(fal.download(h:get().f), "queued", "submit uploads")
t.eq(fal.download(fal.subscribe("fal-ai/echo", { f = fal.file_bytes("sub", "text/plain") }).f), "sub", "subscribe uploads")

-- a missing local file: a clear error naming the input path, and nothing submitted
local before = t.stats()
local e = t.expect_error("usage", "input.images[2]: cannot read", fal.submit, "fal-ai/echo",
  { images = { fal.file(dir .. "/a.txt"), fal.file(dir .. "/missing.png") } })
assert(tostring(e):find("missing.png", 1, true), tostring(e))
local after = t.stats()
t.eq(after.submits, before.submits, "nothing submitted")
t.eq(after.requests, before.requests, "no fal request at all")

-- an upload that fails fails the call, naming the input path (the CDN host is wrong, and the
-- legacy fallback refuses the key)
local cdn = fal.config().cdn_url
fal.config({ key = "wrong-key", cdn_url = cdn .. "/broken" })
local failed = t.error_of(fal.run, "fal-ai/echo", { images = { "x", fal.file_bytes("y", "text/plain") } })
fal.config({ key = "storage-key", cdn_url = cdn })
assert(tostring(failed):find("uploading input.images[2] failed", 1, true), tostring(failed))
t.eq(failed.input_path, "input.images[2]", "input_path")

-- the legacy initiate path takes over when the CDN upload fails
fal.config({ cdn_url = cdn .. "/broken" })
local legacy = fal.upload("legacy bytes", "text/plain", "legacy.txt")
fal.config({ cdn_url = cdn })
t.eq(fal.download(legacy), "legacy bytes", "legacy upload")

-- multipart with small parts (thresholds lowered for the test), from memory and from a file:
-- parts whose PUT fails are retried, and the bytes come back whole
local upload = require("fal.upload")
local threshold, part = upload.MULTIPART_THRESHOLD, upload.PART_SIZE
upload.MULTIPART_THRESHOLD, upload.PART_SIZE = 1024 * 1024, 256 * 1024
local blob = {}
for i = 1, 1500 do blob[i] = ("%04d"):format(i):rep(256) end
blob = table.concat(blob) .. "ragged"
emulator.post("/_emulator/storage/fail-parts", fal.json.encode({ count = 3 }))
local multi = fal.upload(blob, "application/octet-stream", "multi.bin")
t.eq(fal.json.decode(emulator.get("/_emulator/storage/fail-parts")).pending, 0, "three part PUTs failed")
t.eq(fal.download(multi), blob, "multipart from memory, parts retried")
write(dir .. "/multi.bin", blob)
local from_file = fal.upload_file(dir .. "/multi.bin")
t.eq(fal.download(from_file), blob, "multipart from a file")
upload.MULTIPART_THRESHOLD, upload.PART_SIZE = threshold, part

-- data URIs
t.eq(fal.encode("hi", "text/plain"), "data:text/plain;base64,aGk=", "encode")
assert(fal.encode_file(dir .. "/cat.png"):find("^data:image/png;base64,iVBORw0KGgo"), "encode_file")
t.expect_error("usage", "cannot read", fal.encode_file, dir .. "/nope.bin")

-- download_all: every file URL of a result, overwrite needed to replace
local result = fal.run("fal-ai/flux/schnell", { prompt = "two", num_images = 2, image_size = "square" })
local paths = fal.download_all(result, dir)
t.eq(#paths, 2, "two files")
for i, path in ipairs(paths) do
  t.eq(read(path), fal.download(result.images[i].url), "downloaded file " .. i)
end
t.expect_error("usage", "overwrite = true", fal.download_all, result, dir)
t.eq(#fal.download_all(result, dir, { overwrite = true }), 2, "overwrite")
t.expect_error("usage", "not a directory", fal.download_all, result, dir .. "/nope")

os.execute("rm -rf " .. dir)
