-- conformance/slow: one runner, so a test can keep it busy and make later requests wait in the queue.
--   sleep = seconds   sleep (cancellable)
--   crash = true      raise a plain Lua error (fal's unhandled exception: runner_server_error)
return {
  id = "conformance/slow",
  runners = 1,
  run = function(input, ctx)
    if input.crash == true then error("crashed as requested", 0) end
    if type(input.sleep) == "number" then ctx.sleep(input.sleep) end
    return input
  end,
}
