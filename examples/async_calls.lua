-- The Python page's `run_async` and `subscribe_async` (asyncio) twins. In falua every call blocks
-- only its own task, so the async versions are the same calls inside tasks: these three run
-- concurrently on one event loop, and `fal.wait_all` waits for them.
local prompt = "a sunset over mountains"

local run_task = fal.spawn(function()
  local result = fal.run("fal-ai/flux/schnell", { prompt = prompt })
  print("run: " .. result.images[1].url)
end)

local subscribe_task = fal.spawn(function()
  local result = fal.subscribe("fal-ai/flux/schnell", { prompt = prompt })
  print("subscribe: " .. result.images[1].url)
end)

local progress_task = fal.spawn(function()
  local printed = 0  -- each status carries the logs so far: print the new ones
  local result = fal.subscribe("fal-ai/flux/schnell", { prompt = prompt }, {
    with_logs = true,
    on_queue_update = function(update)
      -- The last lines may first show in the COMPLETED status: print from every status.
      local logs = update.logs or {}
      for i = printed + 1, #logs do print("log: " .. logs[i].message) end
      printed = #logs
    end,
  })
  print("subscribe with progress: " .. result.images[1].url)
end)

for _, r in ipairs(fal.wait_all({ run_task, subscribe_task, progress_task })) do
  assert(r.ok, r.error)
end
