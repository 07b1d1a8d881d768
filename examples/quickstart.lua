-- falua quickstart: one image through the queue, then three at once.
local out, info = fal.subscribe("fal-ai/flux/schnell", { prompt = "a sunset over mountains" })
local image = out.images[1]
print(("%dx%d %s (request %s)"):format(image.width, image.height, image.url, info.request_id))

local prompts = { "a red fox in the snow", "a lighthouse at night", "a bowl of ramen" }
local tasks = {}
for i, prompt in ipairs(prompts) do
  tasks[i] = fal.spawn(fal.subscribe, "fal-ai/flux/schnell", { prompt = prompt, seed = i })
end
for i, r in ipairs(fal.wait_all(tasks)) do
  print(prompts[i], r.ok and r.value.images[1].url or tostring(r.error))
end
