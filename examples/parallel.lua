-- The async twins of the Python examples are tasks: every call blocks only its own task.
local started = fal.clock()
local tasks = {}
for i = 1, 8 do
  tasks[i] = fal.spawn(fal.subscribe, "fal-ai/echo", { index = i, sleep = 0.5 })
end
local ok_count = 0
for _, r in ipairs(fal.wait_all(tasks)) do
  if r.ok then ok_count = ok_count + 1 end
end
print(("%d of %d requests done in %.1f s"):format(ok_count, #tasks, fal.clock() - started))

-- The first to finish wins; the others are cancelled.
local racers = {
  fal.spawn(fal.run, "fal-ai/echo", { who = "slow", sleep = 1 }),
  fal.spawn(fal.run, "fal-ai/echo", { who = "fast" }),
}
local index, ok, value = fal.wait_any(racers)
print("winner: " .. value.who)
for i, task in ipairs(racers) do if i ~= index then task:cancel() end end
