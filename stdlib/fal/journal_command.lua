-- `falua journal FILE`: what a request journal holds, and the few things to do with it: list the
-- entries (all, unfinished or failed), cancel the unfinished ones on the server, export the
-- results as JSON lines. JournalCommand.swift parses the flags and calls this as the main task.
local core = require("fal.core")
local json = require("fal.json")
local journal = require("fal.journal")
local queue = require("fal.queue")

local function age(seconds)
  if seconds < 60 then return ("%ds"):format(seconds) end
  if seconds < 3600 then return ("%dm"):format(seconds // 60) end
  if seconds < 86400 then return ("%dh"):format(seconds // 3600) end
  return ("%dd"):format(seconds // 86400)
end

local function totals(entries)
  local by, duplicates = {}, 0
  for _, e in ipairs(entries) do
    by[e.state] = (by[e.state] or 0) + 1
    duplicates = duplicates + (e.possible_duplicates or 0)
  end
  return ("%d entries: completed %d, submitted %d, intent %d, failed %d, cancelled %d; possible duplicates %d")
    :format(#entries, by.completed or 0, by.submitted or 0, by.intent or 0, by.failed or 0, by.cancelled or 0,
      duplicates)
end

-- Endpoint ids are owner/alias; what follows was the call's `path`, kept for display.
local function endpoint_id(endpoint)
  return endpoint:match("^([^/]+/[^/]+)") or endpoint
end

--- Runs the command: `path` the journal, `mode` "list" | "pending" | "failed" | "cancel" | "export".
return function(path, mode)
  journal.open(path)
  local all = journal.entries()
  local shown = all
  if mode == "pending" or mode == "cancel" then
    shown = journal.entries({ "intent", "submitted" })
  elseif mode == "failed" then
    shown = journal.entries({ "failed" })
  end
  if mode == "export" then
    for _, e in ipairs(all) do
      if e.state == "completed" or e.state == "failed" then
        local line = { endpoint = e.endpoint, request_id = e.request_id, input_digest = e.input_digest }
        if e.state == "completed" then
          line.output = json.decode(e.result)
        else
          line.error = json.decode(e.error or "{}")
        end
        io.stdout:write(json.encode(line), "\n")
      end
    end
    return
  end
  if mode == "cancel" then
    local cancelled, unknown = 0, 0
    for _, e in ipairs(shown) do
      if e.request_id then
        local ok, err = pcall(queue.cancel, endpoint_id(e.endpoint), e.request_id)
        if ok or (type(err) == "table" and err.status == 400) then  -- 400: it had completed
          core.journal_finish(e.id, "cancelled", nil, nil)
          cancelled = cancelled + 1
        else
          io.stderr:write(("falua journal: cannot cancel %s: %s\n"):format(e.request_id, tostring(err)))
        end
      else
        unknown = unknown + 1
      end
    end
    print(("cancelled %d; %d intents have no request id (never confirmed submitted)"):format(cancelled, unknown))
    return
  end
  local now = os.time()
  for _, e in ipairs(shown) do
    print(("%-9s  %-28s  %-36s  %5s  %s"):format(e.state, e.endpoint, e.request_id or "-",
      age(math.max(0, math.floor(now - e.created))), e.input_digest:sub(1, 12)))
  end
  print(totals(all))
end
