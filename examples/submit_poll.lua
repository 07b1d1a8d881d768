-- The queue by hand: submit, poll the status with logs, then fetch the result.
local handle = fal.submit("fal-ai/flux/schnell", { prompt = "a sunset over mountains" })
print("request " .. handle.request_id)

local printed = 0  -- each status carries the logs so far

while true do
  local status = handle:status({ with_logs = true })
  if status.status == "IN_QUEUE" then
    print("in queue, position " .. status.queue_position)
  elseif status.status == "IN_PROGRESS" then
    local logs = status.logs or {}
    for i = printed + 1, #logs do print(logs[i].message) end
    printed = #logs
  elseif status.status == "COMPLETED" then
    print(("done in %.3fs"):format(status.metrics and status.metrics.inference_time or 0))
    break
  end
  fal.sleep(0.1)
end

local result = handle:get()
print(result.images[1].url)

-- A saved request id is enough to come back later.
local again = fal.get_handle("fal-ai/flux/schnell", handle.request_id)
print(again:status().status, fal.result("fal-ai/flux/schnell", handle.request_id).seed == result.seed)
