-- Ctrl-C (issue 8): every queue request still in flight is cancelled at once, each cancel bounded
-- by a short deadline (the server may be down), and one line on stderr says what happened, with
-- the ids that could not be cancelled so the user can cancel them later.
local core = require("fal.core")

local M = {}

--- The whole-call deadline of each cancel, in seconds.
M.timeout = 2

local function plural(n, word) return ("%d %s%s"):format(n, word, n == 1 and "" or "s") end

--- Cancels every request of `in_flight` (request id -> endpoint id) and reports on stderr; returns
--- the number cancelled and the list of ids that could not be.
function M.cancel(in_flight)
  local pending, failed, cancelled, finished = {}, {}, 0, 0
  for request_id, endpoint in pairs(in_flight) do
    local ok, op = pcall(core.request, "cancel", endpoint, request_id, nil, { timeout = M.timeout })
    if ok then pending[op] = request_id else failed[#failed + 1] = request_id end
  end
  if next(pending) == nil and #failed == 0 then return 0, failed end
  -- Driven here rather than by the scheduler: every task is being torn down.
  local give_up = core.now() + M.timeout + 0.5
  while next(pending) ~= nil and core.now() < give_up do
    for _, c in ipairs(core.poll(0.1)) do
      local request_id = pending[c.id]
      if request_id then
        pending[c.id] = nil
        if c.ok then
          cancelled = cancelled + 1
        elseif c.error and c.error.status == 400 then
          finished = finished + 1  -- ALREADY_COMPLETED: nothing left to cancel
        else
          failed[#failed + 1] = request_id
        end
      end
    end
  end
  for op, request_id in pairs(pending) do
    core.cancel(op)
    failed[#failed + 1] = request_id
  end
  table.sort(failed)
  local line = "falua: interrupted: cancelled " .. plural(cancelled, "queue request")
  if finished > 0 then line = line .. (", %d already finished"):format(finished) end
  if #failed > 0 then
    line = line .. ("; could not cancel %d (server unreachable?): %s"):format(#failed, table.concat(failed, " "))
  end
  pcall(function() require("fal.progress").clear() end)
  io.stderr:write(line, "\n")
  return cancelled, failed
end

return M
