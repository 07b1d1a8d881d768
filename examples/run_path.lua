-- The `path` option: a route of the app other than its root, appended to the endpoint id.
-- (The page's fal-ai/nano-banana-2 with path "/custom-endpoint" is not in the emulator: its
-- fal-ai/flux app serves the routes /schnell and /dev, so the twin picks one of those.)
local result = fal.run("fal-ai/flux", { prompt = "a sunset over mountains" }, { path = "/dev" })
print(result.images[1].url)

-- The same as naming the route in the endpoint id.
local same = fal.run("fal-ai/flux/dev", { prompt = "a sunset over mountains", seed = result.seed })
print(same.seed == result.seed)

-- A route the app does not have is an HTTP 404, raised as an error table.
local ok, err = pcall(fal.run, "fal-ai/flux", { prompt = "a sunset" }, { path = "/custom-endpoint" })
print(ok, err.kind, err.status)
