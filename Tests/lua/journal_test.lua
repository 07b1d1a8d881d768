-- The request journal (issue 12) in one process: reopening the journal starts a new "run", as a
-- rerun of the script would. The emulator's counters show what each run sent.
local t = require("support")
local journal = require("fal.journal")
local core = require("fal.core")

local path = os.tmpname()
os.remove(path)
local function rerun() fal.config({ journal = path }) end
rerun()
fal.config({ retry = { max_attempts = 1 } })
t.eq(fal.config().journal, path, "fal.config() reports the journal")

local function workflow()
  local a, info = fal.subscribe("fal-ai/echo", { n = 1 }, { interval = 0.01 })
  -- The same input twice: the n-th identical request matches the n-th entry, so both are sent.
  local b = fal.subscribe("fal-ai/echo", { n = 1 }, { interval = 0.01 })
  local r = fal.run("fal-ai/echo", { run = true })
  local got = fal.submit("fal-ai/echo", { submitted = true }):get({ interval = 0.01 })
  local f = fal.run("fal-ai/echo", { doc = fal.file_bytes("some bytes", "text/plain", "a.txt") })
  local err = t.error_of(fal.subscribe, "fal-ai/flux/schnell", {}, { interval = 0.01 })
  return { a = a, id = info.request_id, b = b, r = r, got = got, f = f, err = err }
end

local before = t.stats()
local first = workflow()
local after_first = t.stats()
t.eq(after_first.submits - before.submits, 4, "first run: four queue submits")
local c = journal.counts()
t.eq(c.submitted, 6, "first run: six new requests")
t.eq(first.err.status, 422, "the failure")

-- The rerun sends nothing: every result, the failure too, comes from the journal.
rerun()
local second = workflow()
local after_second = t.stats()
t.eq(after_second.requests, after_first.requests, "a rerun makes no request")
c = journal.counts()
t.eq(c.from_journal, 6, "six answers from the journal")
t.eq(c.submitted + c.resubmitted + c.resumed, 0, "nothing sent")
t.eq(second.a.n, 1, "stored result")
t.eq(second.id, first.id, "same request id")
t.eq(second.r.run, true, "stored run result")
t.eq(second.got.submitted, true, "a stored submit's handle answers get")
t.eq(second.f.doc, first.f.doc, "a fal.file input matched by content, not re-uploaded")
t.eq(second.err.kind, "validation", "the stored failure comes back as the same error")
t.eq(second.err.status, 422, "with its status")
assert(journal.summary():find("from journal 6, submitted 0", 1, true), journal.summary())

-- --retry-failed sends the failed one again (and only it).
journal.retry_failed = true
rerun()
workflow()
t.eq(t.stats().submits - after_second.submits, 1, "only the failed request is sent again")
t.eq(journal.counts().resubmitted, 1, "counted as resubmitted")
journal.retry_failed = false

-- A request submitted but not finished when the process died: the rerun resumes it.
rerun()
local h = fal.submit("fal-ai/echo", { resume = 1, sleep = 0.05 })
local submits = t.stats().submits
rerun()
local out, info = fal.subscribe("fal-ai/echo", { resume = 1, sleep = 0.05 }, { interval = 0.01 })
t.eq(info.request_id, h.request_id, "the same request")
t.eq(out.resume, 1, "its result")
t.eq(t.stats().submits, submits, "not submitted again")
t.eq(journal.counts().resumed, 1, "counted as resumed")

-- ... and with the status stream too.
rerun()
local streamed = fal.submit("fal-ai/echo", { resume = 2, sleep = 0.05 })
rerun()
local out2, info2 = fal.subscribe("fal-ai/echo", { resume = 2, sleep = 0.05 }, { mode = "streaming" })
t.eq(info2.request_id, streamed.request_id, "the same request, streamed")
t.eq(out2.resume, 2, "its result")
t.eq(journal.counts().resumed, 1, "counted as resumed")

-- An intent with no request id (the submit failed, or the process died during it): sent again,
-- counted as a possible duplicate.
rerun()
t.inject("submit", 503, 1, true)
t.error_of(fal.subscribe, "fal-ai/echo", { lost = 1 }, { interval = 0.01 })
rerun()
local lost = fal.subscribe("fal-ai/echo", { lost = 1 }, { interval = 0.01 })
t.eq(lost.lost, 1, "resubmitted")
c = journal.counts()
t.eq(c.resubmitted, 1, "resubmitted")
t.eq(c.duplicates, 1, "a possible duplicate")
local entries = core.journal_entries({ "completed" })
local flagged = 0
for _, e in ipairs(entries) do flagged = flagged + e.possible_duplicates end
t.eq(flagged, 1, "the journal keeps the possible duplicate")

-- A recorded request the queue no longer knows (its result expired): sent again, counted as a
-- resubmit, not a possible duplicate.
rerun()
fal.submit("fal-ai/echo", { expired = 1 })
for _, e in ipairs(core.journal_entries({ "submitted" })) do core.journal_submitted(e.id, "forgotten-request") end
rerun()
submits = t.stats().submits
t.eq(fal.subscribe("fal-ai/echo", { expired = 1 }, { interval = 0.01 }).expired, 1, "sent again")
t.eq(t.stats().submits, submits + 1, "one submit")
c = journal.counts()
t.eq(c.resubmitted, 1, "counted as resubmitted")
t.eq(c.resumed, 0, "not as resumed")
t.eq(c.duplicates, 0, "not a possible duplicate")

-- The key never enters the journal.
local f = assert(io.open(path, "rb"))
local bytes = f:read("a")
f:close()
assert(not bytes:find("Key ", 1, true), "no Authorization in the journal")

-- A journal that cannot be opened is a usage error naming the file.
t.expect_error("usage", "/nonexistent-dir/x.db", fal.config, { journal = "/nonexistent-dir/x.db" })
core.journal_close()
for _, suffix in ipairs({ "", "-wal", "-shm" }) do os.remove(path .. suffix) end
print("journal ok")
