-- subscribe's queue options: save the request id on enqueue, bound the whole wait, send headers.
local ok, err = pcall(fal.subscribe, "fal-ai/echo", { sleep = 10 }, {
  on_enqueue = function(request_id) print("enqueued " .. request_id) end,
  client_timeout = 2,           -- give up after 2 s; the request is cancelled on the server
  headers = { ["x-fal-no-retry"] = "1" },
  priority = "low",
})
print(ok, err.kind, err.message)

-- Cancel a request yourself. A running request stops once the app notices, so wait for its end.
local handle = fal.submit("fal-ai/echo", { sleep = 10 })
handle:cancel()
local last
for status in handle:iter_events({ interval = 0.05 }) do last = status end
print(last.status, last.error_type)
