-- The request journal (issue 12): with `falua --journal FILE`, `FALUA_JOURNAL` or
-- `fal.config{journal = FILE}`, every queue request and direct run is recorded in a SQLite file
-- (FalJournal, through `core.journal_*`): the intent before the submit, the request id as soon
-- as the reply arrives, the result or error at the end. A rerun matches its requests against the
-- file and resumes them instead of paying again. queue.lua calls the functions below around its
-- I/O; each one is a no-op when no journal is open (`entry` is nil).
--
-- An entry is found by a key, the digest of: the kind ("queue" or "run"), the endpoint and its
-- `path`, the canonical input (the JSON the request would send, `fal.file` markers replaced by
-- their content's SHA-256) and the result-affecting options (`headers`); and by its occurrence,
-- the n-th identical request of this run, so a script that sends one input twice still sends it
-- twice. Options that only change how the result is waited for (priority, hint, timeouts,
-- polling, callbacks, webhooks) are not in the key. The key and input are never stored, only
-- digests; the API key is never near any of it.
local core = require("fal.core")
local json = require("fal.json")
local errors = require("fal.errors")

local M = {}

-- Whether a failed request stored in the journal is sent again (`--retry-failed`).
M.retry_failed = false

local path_open = nil  -- the open journal's file
local seen = {}        -- key -> identical requests claimed so far in this run
local counts = { resumed = 0, from_journal = 0, submitted = 0, resubmitted = 0, duplicates = 0 }

--- Opens the journal at `path` for the requests that follow (closing one already open).
function M.open(path)
  local ok, err = pcall(core.journal_open, path)
  if not ok then error(errors.new({ kind = "usage", operation = "fal.config", message = tostring(err) }), 0) end
  path_open, seen = path, {}
  counts = { resumed = 0, from_journal = 0, submitted = 0, resubmitted = 0, duplicates = 0 }
end

--- The open journal's path, or nil.
function M.path() return path_open end

--- For the command line: opens `path` and returns nil, or the error message.
function M.cli_open(path, retry_failed)
  M.retry_failed = retry_failed == true
  if path == nil then return nil end
  local ok, err = pcall(M.open, path)
  if not ok then return tostring(err.message or err) end
  return nil
end

--- The end-of-run line (nil without a journal): what was resumed, replayed and sent.
function M.summary()
  if not path_open then return nil end
  return ("journal %s: resumed %d, from journal %d, submitted %d, resubmitted %d (possible duplicates %d)")
    :format(path_open, counts.resumed, counts.from_journal, counts.submitted, counts.resubmitted, counts.duplicates)
end

--- The counters of the run so far (a copy).
function M.counts()
  local copy = {}
  for k, v in pairs(counts) do copy[k] = v end
  return copy
end

-- A copy of `value` with every `fal.file` marker replaced by a digest of its content, so the
-- key does not depend on the URL an upload would get.
local function canonical(value, memo)
  local mt = getmetatable(value)
  if mt and mt.__name == "fal.file" then
    local digest = value.path and core.sha256_file_hex(value.path) or value.bytes and core.sha256_hex(value.bytes)
    return { ["$file"] = digest or ("missing:" .. tostring(value.path)), content_type = value.content_type,
      file_name = value.file_name }
  end
  if type(value) ~= "table" then return value end
  if memo[value] then return memo[value] end
  local copy = setmetatable({}, mt)
  memo[value] = copy
  for k, v in pairs(value) do copy[k] = canonical(v, memo) end
  return copy
end

--- The digest of an input as the journal sees it (the short form `falua journal` shows).
function M.input_digest(input)
  local ok, text = pcall(json.encode, canonical(input or {}, {}))
  if not ok then return nil end
  return core.sha256_hex(text)
end

--- Claims the next entry for a request, or nil without a journal (or for an input that cannot
--- be encoded: the call itself then fails with the usage error).
---@return table? entry { key, occurrence, kind, endpoint, digest, found = the stored row or nil }
function M.claim(kind, endpoint, path, input, headers)
  if not path_open then return nil end
  local digest = M.input_digest(input)
  if not digest then return nil end
  local ok, options = pcall(json.encode, headers or {})
  if not ok then return nil end
  local full = endpoint .. (path or "")
  local key = core.sha256_hex(table.concat({ kind, full, digest, options }, "\0"))
  seen[key] = (seen[key] or 0) + 1
  local entry = { key = key, occurrence = seen[key], kind = kind, endpoint = full, digest = digest }
  entry.found = core.journal_find(key, entry.occurrence)
  return entry
end

-- An error object from its stored JSON, now raised by `operation`.
local function stored_error(text, operation)
  local ok, fields = pcall(json.decode, text)
  if not ok or type(fields) ~= "table" then fields = { kind = "http", message = "failed (stored in the journal)" } end
  fields.operation = operation
  return errors.new(fields)
end

--- A finished request's stored outcome: `{ result = ..., request_id = ... }` for a completed
--- one; a failed one is raised as its stored error (unless `--retry-failed`). Nil otherwise.
function M.stored(entry, operation)
  local found = entry and entry.found
  if not found then return nil end
  if found.state == "completed" then
    counts.from_journal = counts.from_journal + 1
    return { result = json.decode(found.result), request_id = found.request_id }
  end
  if found.state == "failed" and not M.retry_failed then
    counts.from_journal = counts.from_journal + 1
    error(stored_error(found.error, operation), 0)
  end
  return nil
end

--- The request id of an unfinished request to resume (state submitted), counted; else nil.
function M.resumable(entry)
  local found = entry and entry.found
  if found and found.state == "submitted" and found.request_id then
    counts.resumed = counts.resumed + 1
    return found.request_id
  end
  return nil
end

--- A resumed request the platform no longer knows (its result expired): sent again, counted.
function M.expired(entry)
  counts.resumed = counts.resumed - 1
  entry.found = { state = "expired" }
end

--- Records the intent to send (before the submit or run): counted as a new submit, or as a
--- resubmit, a possible duplicate when an earlier process died with no request id recorded.
function M.intent(entry)
  if not entry then return end
  local found = entry.found
  if found == nil then
    counts.submitted = counts.submitted + 1
  else
    counts.resubmitted = counts.resubmitted + 1
    if found.state == "intent" then counts.duplicates = counts.duplicates + 1 end
  end
  entry.id = core.journal_intent(entry.key, entry.occurrence, entry.kind, entry.endpoint, entry.digest)
end

--- Records the request id of the submit reply (committed before the script goes on).
function M.submitted(entry, request_id)
  if entry and entry.id then core.journal_submitted(entry.id, request_id) end
end

--- Records a completed request's result body (JSON text) and, for a run, its request id.
function M.complete(entry, body, request_id)
  if not (entry and entry.id) then return end
  if request_id then core.journal_submitted(entry.id, request_id) end
  core.journal_finish(entry.id, "completed", body, nil)
end

-- The plain fields of an error object, as JSON.
local function error_json(err)
  local fields = {}
  for k, v in pairs(err) do
    local t = type(v)
    if t == "string" or t == "number" or t == "boolean" or (t == "table" and (k == "detail" or k == "field_errors")) then
      fields[k] = v
    end
  end
  local ok, text = pcall(json.encode, fields)
  return ok and text or json.encode({ kind = err.kind, message = tostring(err.message) })
end

-- Whether `err` is the request's own outcome (to store), not a failure to reach it (to retry
-- on the rerun): an error reply to the result, or a 4xx (but 404) to a submit or run.
local function final(err, is_result)
  if not errors.is(err) or not err.status then return false end
  if err.kind ~= "http" and err.kind ~= "validation" then return false end
  if err.status == 404 then return false end
  return is_result or err.status < 500
end

--- Calls `fn(...)`; an error that is the request's outcome is recorded as failed before it is
--- raised again. `is_result`: the call fetches the result (any error reply is final).
function M.guard(entry, is_result, fn, ...)
  if not (entry and entry.id) then return fn(...) end
  local r = table.pack(pcall(fn, ...))
  if r[1] then return table.unpack(r, 2, r.n) end
  if final(r[2], is_result) then core.journal_finish(entry.id, "failed", nil, error_json(r[2])) end
  error(r[2], 0)
end

--- Every entry (for `falua journal`), optionally only those in `states`.
function M.entries(states) return core.journal_entries(states) end

return M
