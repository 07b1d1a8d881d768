-- N fal.subscribe calls to fal-ai/echo at once from spawned tasks; each must come back with its
-- own result and its own request id.
--   falua subscribe_concurrent.lua N     (URLs from FALUA_RUN_URL / FALUA_QUEUE_URL)
local n = math.tointeger(tonumber(arg[1])) or error("usage: subscribe_concurrent.lua N")
local started = fal.clock()
local tasks = {}
for i = 1, n do tasks[i] = fal.spawn(fal.subscribe, "fal-ai/echo", { i = i }) end
local checked, ids = 0, {}
for i, r in ipairs(fal.wait_all(tasks)) do
  if not r.ok then error(("subscribe %d: %s"):format(i, tostring(r.error))) end
  local id = r.values[2].request_id
  if r.value.i ~= i or ids[id] then error(("subscribe %d: wrong answer or repeated request id"):format(i)) end
  ids[id] = true
  checked = checked + 1
end
print(fal.json.encode({ checked = checked, seconds = fal.clock() - started }))
