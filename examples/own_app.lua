-- Calling your own deployed app: every calling pattern works the same with your app's endpoint
-- id ("your-username/your-app-name"). The emulator has no such app, so the closest built-in apps
-- stand in: fal-ai/echo (returns its input; `logs = N` makes it log N lines) for the queue
-- patterns, fal-ai/any-llm for streaming and fal-ai/realtime-echo for realtime.
local app = "fal-ai/echo"

-- Subscribe: submit, wait for completion (the status stream), return the result.
local result = fal.subscribe(app, { prompt = "a sunset over mountains" })
print(fal.json.encode(result))

-- With progress updates: the runner's logs while it works (each status carries all so far).
local printed = 0
fal.subscribe(app, { prompt = "a sunset over mountains", logs = 2 }, {
  with_logs = true,
  on_queue_update = function(update)
    if update.status == "IN_PROGRESS" or update.status == "COMPLETED" then
      local logs = update.logs or {}
      for i = printed + 1, #logs do print(logs[i].message) end
      printed = #logs
    end
  end,
})

-- Queue: submit, keep the request id, check the status, get the result when ready.
local handle = fal.submit(app, { prompt = "a sunset over mountains" })
print("Request ID: " .. handle.request_id)
local status = handle:status()
print(status.status)
print(fal.json.encode(handle:get()))

-- Streaming: the app's /stream route, event by event.
for event in fal.stream("fal-ai/any-llm", { prompt = "a sunset over mountains" }) do
  print(fal.json.encode(event))
end

-- Real-time: a WebSocket to the app's /realtime route.
do
  local connection <close> = fal.realtime("fal-ai/realtime-echo")
  connection:send({ prompt = "Hello, world!" })
  print("realtime: " .. connection:recv(10).prompt)
end

-- The async version of the same: a task, while this one goes on.
local task = fal.spawn(function()
  local connection <close> = fal.realtime("fal-ai/realtime-echo")
  connection:send({ prompt = "Hello, world!" })
  return connection:recv(10)
end)
local ok, reply = task:wait()
print("realtime async: " .. (ok and reply.prompt or tostring(reply)))

-- Webhooks: the platform POSTs the result to your URL when the request completes.
local hooked = fal.submit(app, { prompt = "a sunset over mountains" }, {
  webhook_url = "https://your-server.com/api/webhook",
})
print("Request ID: " .. hooked.request_id)

-- Platform headers on any call, e.g. no server-side retries.
local plain = fal.subscribe(app, { prompt = "a sunset" }, {
  headers = { ["x-fal-no-retry"] = "1" },
})
print(plain.prompt)
