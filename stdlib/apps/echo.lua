-- fal-ai/echo: returns its input unchanged, for protocol tests.
--   sleep = seconds   sleep first (cancellable), logging "sleeping N s"
--   logs = N          write N log lines
--   fail = true       fail with HTTP 500 "echo failed as requested"
return {
  id = "fal-ai/echo",
  run = function(input, ctx)
    if input.logs ~= nil then
      if math.type(input.logs) ~= "integer" or input.logs < 0 then
        ctx.error(422, { { loc = { "body", "logs" }, msg = "value is not a valid integer", type = "type_error.integer" } })
      end
      for i = 1, input.logs do ctx.log(("log line %d/%d"):format(i, input.logs)) end
    end
    if input.sleep ~= nil then
      if type(input.sleep) ~= "number" or input.sleep < 0 then
        ctx.error(422, { { loc = { "body", "sleep" }, msg = "value is not a valid number", type = "type_error.float" } })
      end
      ctx.log(("sleeping %s s"):format(input.sleep))
      ctx.sleep(input.sleep)
    end
    if input.fail == true then ctx.error(500, "echo failed as requested") end
    return input
  end,
}
