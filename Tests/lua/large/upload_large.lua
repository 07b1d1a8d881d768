-- Run by Tests/FaluaTests/LargeUploadTests.swift against an emulator: uploads a file above the
-- multipart threshold (written here, 10 MiB parts streamed from disk), downloads it to disk and
-- compares SHA-256, then prints the process's peak resident set (VmHWM) so the test can check
-- that the client never held the file in memory.
local core = require("fal.core")
local size_mib = tonumber(arg and arg[1]) or 200
local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -p " .. dir))
local source, copy = dir .. "/big.bin", dir .. "/copy.bin"

-- 1 MiB blocks, each different (its number, then a repeated pattern), plus a ragged tail.
local f = assert(io.open(source, "wb"))
local pattern = ("0123456789abcdef"):rep(65536)
for i = 1, size_mib do
  f:write(("%08d"):format(i), pattern:sub(9))
end
f:write("tail")
f:close()
local bytes = size_mib * 1048576 + 4
pattern = nil
collectgarbage()

local started = fal.clock()
local url = fal.upload_file(source)
local uploaded = fal.clock() - started
fal.download(url, copy)
local want, got = core.sha256_file_hex(source), core.sha256_file_hex(copy)
local status = assert(io.open("/proc/self/status")):read("a")
local hwm = tonumber(status:match("VmHWM:%s*(%d+) kB"))
print(("size %d bytes"):format(bytes))
print(("sha256 %s %s"):format(want == got and "match" or "differ", got))
print(("upload %.1f s"):format(uploaded))
print(("VmHWM %d kB"):format(hwm))
os.execute("rm -rf " .. dir)
