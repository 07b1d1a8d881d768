-- falua side of the benchmark: the same workloads as workloads.py, timed inside the process.
-- Usage: falua workloads.lua N  (URLs from FALUA_RUN_URL / FALUA_QUEUE_URL)
local n = tonumber(arg[1]) or 200

local function timed(name, fn)
  local started = fal.clock()
  fn()
  print(("%s %.4f"):format(name, fal.clock() - started))
end

timed("run_sequential", function()
  for i = 1, n do assert(fal.run("fal-ai/echo", { i = i }).i == i) end
end)

timed("subscribe_concurrent", function()
  local tasks = {}
  for i = 1, n do tasks[i] = fal.spawn(fal.subscribe, "fal-ai/echo", { i = i }) end
  for i, r in ipairs(fal.wait_all(tasks)) do assert(r.ok and r.value.i == i, tostring(r.error)) end
end)

timed("run_concurrent", function()
  local tasks = {}
  for i = 1, n do tasks[i] = fal.spawn(fal.run, "fal-ai/echo", { i = i }) end
  for i, r in ipairs(fal.wait_all(tasks)) do assert(r.ok and r.value.i == i, tostring(r.error)) end
end)
