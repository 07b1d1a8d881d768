-- Fire and forget: the platform POSTs the result to your webhook when the request completes.
local handle = fal.submit("fal-ai/flux/schnell", { prompt = "a sunset over mountains" }, {
  webhook_url = "https://your-server.com/api/webhook",
})
print("Request ID: " .. handle.request_id)
