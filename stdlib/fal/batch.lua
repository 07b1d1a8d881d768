-- `falua batch ENDPOINT INPUTS.jsonl -o OUTPUTS.jsonl`: one queue request per input line, through
-- `fal.map` and a journal next to the output, so rerunning the same command after an
-- interruption finishes the rest without paying twice. BatchCommand.swift parses the flags.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")
local journal = require("fal.journal")
local queue = require("fal.queue")
local map = require("fal.map")
local download = require("fal.download")
local scheduler = require("fal.scheduler")

local M = {}

-- The input lines this machine takes: `{ index = line number, text }`, every n-th with --shard.
local function read_inputs(path, shard, shards)
  local file, reason = io.open(path, "r")
  if not file then error(errors.usage("falua batch", "cannot open " .. tostring(reason)), 0) end
  local items, number = {}, 0
  for line in file:lines() do
    number = number + 1
    if line:find("%S") and (number - 1) % shards == shard - 1 then
      items[#items + 1] = { index = number, text = line }
    end
  end
  file:close()
  return items
end

-- Every http(s) URL in a result, in a stable order.
local function urls_in(value, out)
  if type(value) == "string" then
    if value:match("^https?://") then out[#out + 1] = value end
  elseif type(value) == "table" then
    local keys = {}
    for k in pairs(value) do keys[#keys + 1] = k end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(keys) do urls_in(value[k], out) end
  end
  return out
end

local function save(dir, index, output)
  for k, url in ipairs(urls_in(output, {})) do
    local ext = url:gsub("[?#].*$", ""):match("(%.[%w]+)$") or ""
    download.download(url, ("%s/%d-%d%s"):format(dir:gsub("/$", ""), index, k, ext))
  end
end

-- The progress line: done / running / queued / failed, rate and ETA.
local function progress_text(s, total, started)
  local elapsed = core.now() - started
  local rate = elapsed > 0 and s.done / elapsed or 0
  local left = total - s.done - s.failed
  local eta = rate > 0 and ("%ds"):format(math.ceil(left / rate)) or "?"
  return ("done %d / running %d / queued %d / failed %d, %.1f/s, ETA %s"):format(s.done, s.running,
    total - s.done - s.failed - s.running, s.failed, rate, eta)
end

--- Runs the batch. `opts`: concurrency, save (a directory), shard and shards, journal (a path, or
--- "" for none), retry_failed, tty (whether stderr shows a live progress line).
function M.run(endpoint, inputs_path, output_path, opts)
  local items = read_inputs(inputs_path, opts.shard, opts.shards)
  if opts.journal ~= "" then
    journal.retry_failed = opts.retry_failed
    journal.open(opts.journal)
  end
  local out, reason = io.open(output_path, "w")
  if not out then error(errors.usage("falua batch", "cannot write " .. tostring(reason)), 0) end
  local s = { done = 0, running = 0, failed = 0 }
  local started, shown = core.now(), 0
  local function show(final)
    if not (opts.tty or final) then return end
    local now = core.now()
    if not final and now - shown < 0.2 then return end
    shown = now
    io.stderr:write(opts.tty and "\r\27[K" or "", "falua batch: ", progress_text(s, #items, started), final and "\n" or "")
  end
  local function write(line)
    out:write(json.encode(line), "\n")
    out:flush()
  end
  local _, failures = map.map(items, function(item)
    local ok, input = pcall(json.decode, item.text)
    if not ok or type(input) ~= "table" then
      s.failed = s.failed + 1
      write({ index = item.index, error = { kind = "usage", message = "line is not a JSON object: " .. tostring(input) } })
      return nil
    end
    s.running = s.running + 1
    show()
    local r = table.pack(pcall(queue.subscribe, endpoint, input, { interval = opts.interval }))
    s.running = s.running - 1
    if r[1] then
      if opts.save then save(opts.save, item.index, r[2]) end
      s.done = s.done + 1
      write({ index = item.index, request_id = r[3] and r[3].request_id, output = r[2] })
    else
      local err = r[2]
      if errors.is(err) and (err.kind == "interrupted" or err.kind == "cancelled") then error(err, 0) end
      s.failed = s.failed + 1
      local fields = errors.is(err) and { kind = err.kind, message = err.message, status = err.status,
        request_id = err.request_id } or { message = tostring(err) }
      write({ index = item.index, error = fields })
    end
    show()
  end, { concurrency = opts.concurrency })
  out:close()
  show(true)
  assert(failures == nil, failures and tostring(select(2, next(failures))))
  return s.failed
end

return M
