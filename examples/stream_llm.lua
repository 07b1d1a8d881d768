-- Streaming: tokens of fal-ai/any-llm printed as they arrive, then the final result.
local stream = fal.stream("fal-ai/any-llm", { prompt = "the quick brown fox jumps over the lazy dog" })
local printed = ""
for event in stream do
  if event.partial then
    io.write(event.output:sub(#printed + 1))  -- only what is new since the last event
    io.flush()
    printed = event.output
  end
end
io.write("\n")
print("final: " .. stream:result().output)
print("request " .. stream.request_id)
