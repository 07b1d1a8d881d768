-- subscribe: the queue under the hood (retries, durability), with the blocking feel of run.
-- (The inference-methods page's fal-ai/nano-banana-2 is not in the emulator: fal-ai/flux/schnell
-- stands in for it.)
local result = fal.subscribe("fal-ai/flux/schnell", {
  prompt = "a sunset over mountains",
})

print(result.images[1].url)
