-- realtime: a persistent WebSocket to a warm runner, for back-to-back requests without
-- reconnecting; the connection closes when `conn` goes out of scope (`<close>`).
-- (The inference-methods page uses fal-ai/fast-sdxl, which the emulator does not have: its
-- fal-ai/realtime-image app stands in and ignores num_inference_steps. The image comes back as
-- PNG bytes in the msgpack reply, not as a URL.)
local conn <close> = fal.realtime("fal-ai/realtime-image")
conn:send({
  prompt = "a sunset over mountains",
  num_inference_steps = 2,
})
local result = conn:recv(10)
local image = result.images[1]
print(("%s: %dx%d %s, %d bytes"):format(result.prompt, image.width, image.height, image.content_type, #image.content))
