-- fal-ai/realtime-image: a stand-in for realtime image models (fast-lcm style). Each message
-- `{prompt, width = 256, height = 256, seed}` gets `{images = {{content = <PNG bytes>, width,
-- height, content_type}}, seed, prompt}`; the PNG travels as msgpack bin, not as a URL.
return {
  id = "fal-ai/realtime-image",
  run = function() error("fal-ai/realtime-image serves realtime connections only", 0) end,
  realtime = function(msg, ctx)
    if type(msg) ~= "table" or type(msg.prompt) ~= "string" then error("prompt is required", 0) end
    local width, height = msg.width or 256, msg.height or 256
    local seed = math.type(msg.seed) == "integer" and msg.seed or #msg.prompt
    return {
      images = { { content = ctx.png(width, height, seed), width = width, height = height, content_type = "image/png" } },
      seed = seed,
      prompt = msg.prompt,
    }
  end,
}
