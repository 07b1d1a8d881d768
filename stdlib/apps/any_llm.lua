-- fal-ai/any-llm: a stand-in language model that "generates" by echoing the prompt back, to
-- exercise streaming. Input: `prompt` (required string), `model` (optional string).
-- `stream` emits {output = "<text so far>", partial = true} word by word, then the final
-- {output = ..., partial = false}; `run` returns {output = ...}.
-- Test knobs:
--   delay = seconds      pause between tokens (default 0.02)
--   events = N           instead, emit N small events {index = i} as fast as possible
--   fail_after = N       fail with HTTP 500 "any-llm failed as requested" after N token events
local function check(input, ctx)
  if type(input.prompt) ~= "string" then
    ctx.error(422, { { loc = { "body", "prompt" }, msg = "field required", type = "value_error.missing" } })
  end
  if input.model ~= nil and type(input.model) ~= "string" then
    ctx.error(422, { { loc = { "body", "model" }, msg = "str type expected", type = "type_error.str" } })
  end
end

local function reply(input)
  return ("%s: %s"):format(input.model or "any-llm", input.prompt)
end

return {
  id = "fal-ai/any-llm",
  run = function(input, ctx)
    check(input, ctx)
    return { output = reply(input) }
  end,
  stream = function(input, ctx)
    check(input, ctx)
    if math.type(input.events) == "integer" then
      for i = 1, input.events do ctx.emit({ index = i }) end
      return
    end
    local delay = type(input.delay) == "number" and input.delay or 0.02
    local text, count = "", 0
    for word in reply(input):gmatch("%S+") do
      if input.fail_after ~= nil and count >= input.fail_after then ctx.error(500, "any-llm failed as requested") end
      text = text == "" and word or (text .. " " .. word)
      count = count + 1
      ctx.emit({ output = text, partial = true })
      ctx.sleep(delay)
    end
    ctx.emit({ output = text, partial = false })
  end,
}
