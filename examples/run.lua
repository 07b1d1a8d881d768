-- run: one direct HTTP request to the endpoint, no queue; the result comes back on the same
-- connection. (The inference-methods page calls fal-ai/nano-banana-2, which the emulator does not
-- have: the same call against its closest app, the fal-ai/flux/schnell text-to-image stand-in.)
local result = fal.run("fal-ai/flux/schnell", {
  prompt = "a sunset over mountains",
})

print(result.images[1].url)
