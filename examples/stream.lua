-- stream: progressive output over server-sent events, each event printed as it arrives.
-- (The inference-methods page streams fal-ai/flux-kontext-lora, which the emulator does not have:
-- its fal-ai/any-llm app stands in, sending its answer word by word.)
for event in fal.stream("fal-ai/any-llm", {
  prompt = "a sunset over mountains",
}) do
  print(fal.json.encode(event))
end
