-- Subscribe with progress: the queue position while waiting, the runner's logs while it works.
local printed = 0
local out = fal.subscribe("fal-ai/flux/schnell", { prompt = "a sunset", num_inference_steps = 4 }, {
  with_logs = true,
  on_enqueue = function(request_id) print("enqueued " .. request_id) end,
  on_queue_update = function(update)
    if update.status == "IN_QUEUE" then
      print("queue position " .. update.queue_position)
    else
      -- IN_PROGRESS and COMPLETED carry the logs so far: print the new ones
      local logs = update.logs or {}
      for i = printed + 1, #logs do print("log: " .. logs[i].message) end
      printed = #logs
    end
  end,
})
print("image " .. out.images[1].url)
