-- fal-ai/flux (paths schnell and dev): a stand-in text-to-image model. It validates its input the
-- way fal's FastAPI apps do (422 detail lists), "denoises" for a few logged steps and returns real
-- PNG gradients stored on the emulator's CDN route.
local PRESETS = {
  square_hd = { 1024, 1024 },
  square = { 512, 512 },
  portrait_4_3 = { 768, 1024 },
  portrait_16_9 = { 576, 1024 },
  landscape_4_3 = { 1024, 768 },
  landscape_16_9 = { 1024, 576 },
}
local MAX_SIDE = 2048

local function field_error(ctx, field, msg, kind)
  ctx.error(422, { { loc = { "body", field }, msg = msg, type = kind } })
end

local function integer_field(ctx, input, field, default, min, max)
  local value = input[field]
  if value == nil then return default end
  if math.type(value) ~= "integer" then
    field_error(ctx, field, "value is not a valid integer", "type_error.integer")
  end
  if value < min then
    field_error(ctx, field, ("ensure this value is greater than or equal to %d"):format(min), "value_error.number.not_ge")
  end
  if value > max then
    field_error(ctx, field, ("ensure this value is less than or equal to %d"):format(max), "value_error.number.not_le")
  end
  return value
end

local function image_size(ctx, value)
  if value == nil then return table.unpack(PRESETS.landscape_4_3) end
  if type(value) == "string" then
    local preset = PRESETS[value]
    if not preset then
      local names = {}
      for name in pairs(PRESETS) do names[#names + 1] = "'" .. name .. "'" end
      table.sort(names)
      field_error(ctx, "image_size", "value is not a valid enumeration member; permitted: " .. table.concat(names, ", "),
        "type_error.enum")
    end
    return preset[1], preset[2]
  end
  if type(value) == "table" then
    local width = integer_field(ctx, value, "width", nil, 1, MAX_SIDE)
    local height = integer_field(ctx, value, "height", nil, 1, MAX_SIDE)
    if width and height then return width, height end
  end
  field_error(ctx, "image_size", "expected a preset name or {width, height}", "type_error")
end

-- dev/image-to-image: fetches `image_url` from the emulator's file store, checks it is a PNG and
-- returns a new image of the same size.
local function image_to_image(input, ctx)
  if type(input.prompt) ~= "string" then field_error(ctx, "prompt", "field required", "value_error.missing") end
  if type(input.image_url) ~= "string" then field_error(ctx, "image_url", "field required", "value_error.missing") end
  local ok, bytes = pcall(ctx.fetch, input.image_url)
  if not ok then field_error(ctx, "image_url", "could not fetch the image: " .. tostring(bytes), "image_load_error") end
  if #bytes < 24 or bytes:sub(1, 8) ~= "\137PNG\r\n\26\n" then
    field_error(ctx, "image_url", "the image is not a PNG", "image_load_error")
  end
  local width, height = string.unpack(">I4I4", bytes, 17)
  if width < 1 or height < 1 or width > MAX_SIDE or height > MAX_SIDE then
    field_error(ctx, "image_url", "image too large", "image_too_large")
  end
  local strength = input.strength or 0.95
  if type(strength) ~= "number" or strength < 0 or strength > 1 then
    field_error(ctx, "strength", "ensure this value is between 0 and 1", "value_error.number")
  end
  local seed = integer_field(ctx, input, "seed", math.random(0, 2147483647), 0, math.maxinteger)
  ctx.log(("editing a %dx%d image"):format(width, height))
  local url = ctx.store(ctx.png(width, height, seed), "image/png")
  return {
    images = { { url = url, width = width, height = height, content_type = "image/png" } },
    seed = seed,
    prompt = input.prompt,
    has_nsfw_concepts = { false },
  }
end

return {
  id = "fal-ai/flux",
  run = function(input, ctx)
    if ctx.path == "dev/image-to-image" then return image_to_image(input, ctx) end
    if ctx.path ~= "" and ctx.path ~= "schnell" and ctx.path ~= "dev" then
      ctx.error(404, "Path /" .. ctx.path .. " not found")
    end
    if input.prompt == nil then
      field_error(ctx, "prompt", "field required", "value_error.missing")
    elseif type(input.prompt) ~= "string" then
      field_error(ctx, "prompt", "str type expected", "type_error.str")
    end
    local width, height = image_size(ctx, input.image_size)
    local num_images = integer_field(ctx, input, "num_images", 1, 1, 4)
    local steps = integer_field(ctx, input, "num_inference_steps", 4, 1, 50)
    local seed = integer_field(ctx, input, "seed", math.random(0, 2147483647), 0, math.maxinteger)

    for i = 1, steps do
      ctx.log(("step %d/%d"):format(i, steps))
      ctx.sleep(0.01)
    end

    local images, nsfw = {}, {}
    for i = 1, num_images do
      local url = ctx.store(ctx.png(width, height, seed + i - 1), "image/png")
      images[i] = { url = url, width = width, height = height, content_type = "image/png" }
      nsfw[i] = false
    end
    return {
      images = images,
      seed = seed,
      prompt = input.prompt,
      -- The simulated denoising time: the steps' sleeps.
      timings = { inference = steps * 0.01 },
      has_nsfw_concepts = nsfw,
    }
  end,
}
