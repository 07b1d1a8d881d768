-- How long N concurrent fal.subscribe calls from spawned tasks take, and whether every request
-- came back with its own result. Usage: falua --local scripts/bench/concurrent_subscribes.lua [N]
local n = tonumber(arg[1]) or 100
local started = fal.clock()
local tasks = {}
for i = 1, n do tasks[i] = fal.spawn(fal.subscribe, "fal-ai/echo", { i = i }) end
local ok, ids = 0, {}
for i, r in ipairs(fal.wait_all(tasks)) do
  if r.ok and r.value.i == i and not ids[r.values[2].request_id] then
    ok = ok + 1
    ids[r.values[2].request_id] = true
  end
end
print(("%d/%d subscribes completed with their own result in %.3f s"):format(ok, n, fal.clock() - started))
