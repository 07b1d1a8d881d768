-- N fal.run calls to fal-ai/echo one after another, each answer checked.
--   falua run_sequential.lua N     (URLs from FALUA_RUN_URL / FALUA_QUEUE_URL)
local n = math.tointeger(tonumber(arg[1])) or error("usage: run_sequential.lua N")
local started, checked = fal.clock(), 0
for i = 1, n do
  if fal.run("fal-ai/echo", { i = i }).i ~= i then error(("run %d: wrong answer"):format(i)) end
  checked = checked + 1
end
print(fal.json.encode({ checked = checked, seconds = fal.clock() - started }))
