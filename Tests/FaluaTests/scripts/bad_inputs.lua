-- The bad-input catalogue (issue 8), script API half: every case must raise a fal error of the
-- expected kind whose text names the problem, quickly. Run by BadInputCatalogueTests against the
-- emulator (FALUA_RUN_URL, FALUA_QUEUE_URL) and a misbehaving server (BAD_URL); prints one line
-- per case, "ok <category> <name>" or "FAIL <category> <name>: why", then "cases <n>".
local BAD = assert(os.getenv("BAD_URL"), "BAD_URL not set")
local KEY = os.getenv("FAL_KEY")
local SECRET = KEY and KEY:match(":(.*)$") or KEY
local defaults = fal.config()
local count = 0

-- Every string anywhere in `v` (keys too), to look for the key.
local function strings(v, out, seen)
  out, seen = out or {}, seen or {}
  if type(v) == "string" then out[#out + 1] = v
  elseif type(v) == "table" and not seen[v] then
    seen[v] = true
    for k, x in pairs(v) do strings(k, out, seen); strings(x, out, seen) end
  end
  return out
end

local function case(category, name, kind, needle, fn)
  count = count + 1
  local started = fal.clock()
  local ok, err = pcall(fn)
  local took = fal.clock() - started
  fal.config({ run_url = defaults.run_url, queue_url = defaults.queue_url, limits = defaults.limits })
  local problem
  if ok then
    problem = "no error"
  elseif not fal.is_error(err) then
    problem = "not a fal error: " .. tostring(err)
  elseif err.kind ~= kind then
    problem = ("kind %s, expected %s: %s"):format(tostring(err.kind), kind, tostring(err))
  elseif needle and not tostring(err):find(needle, 1, true) then
    problem = ("%q not in %q"):format(needle, tostring(err))
  elseif #tostring(err) > 400 then
    problem = ("message of %d characters"):format(#tostring(err))
  elseif not tostring(err):find("^[%w_.:]+: ") then
    problem = "message does not start with the operation: " .. tostring(err)
  elseif took > 5 then
    problem = ("took %.1f s"):format(took)
  end
  if not problem and SECRET then
    for _, s in ipairs(strings(err)) do
      if s:find(SECRET, 1, true) then problem = "the key is in a field: " .. s break end
    end
  end
  if problem then
    print(("FAIL %s %s: %s"):format(category, name, problem))
  else
    print(("ok %s %s [%s] %s"):format(category, name, err.kind, tostring(err)))
  end
end

-- Runs `fn`, then `check` (which raises a plain string when what `fn` left behind is wrong), then
-- raises what `fn` raised.
local function after(fn, check)
  local ok, err = pcall(fn)
  check()
  if not ok then error(err, 0) end
end

local function deep(n)
  local v = {}
  local top = v
  for _ = 1, n do local x = {} v[1] = x v = x end
  return top
end

-- Script API: arguments and options, refused before any I/O.
case("api", "input not a table", "usage", "input must be a table, got number", function() fal.run("fal-ai/echo", 5) end)
case("api", "endpoint missing", "usage", "fal.run", function() fal.run(nil, {}) end)
case("api", "endpoint empty", "usage", "fal.run", function() fal.run("", {}) end)
case("api", "endpoint with ..", "usage", "..", function() fal.run("fal-ai/../etc", {}) end)
case("api", "unknown option", "usage", "unknown option \"bogus\"", function() fal.run("fal-ai/echo", {}, { bogus = 1 }) end)
case("api", "negative timeout", "usage", "got number -1", function() fal.run("fal-ai/echo", {}, { timeout = -1 }) end)
case("api", "timeout as string", "usage", "got string \"5\"", function() fal.run("fal-ai/echo", {}, { timeout = "5" }) end)
case("api", "start_timeout too small", "usage", "start_timeout must be greater than 1", function()
  fal.submit("fal-ai/echo", {}, { start_timeout = 0.5 }) end)
case("api", "priority unknown", "usage", "priority must be", function() fal.submit("fal-ai/echo", {}, { priority = "high" }) end)
case("api", "path climbs out", "usage", "\"..\" segment", function() fal.run("fal-ai/echo", {}, { path = "/../../etc" }) end)
case("api", "path with dot", "usage", "\".\" segment", function() fal.submit("fal-ai/echo", {}, { path = "/./x" }) end)
case("api", "webhook not a url", "usage", "webhook_url must be an absolute", function()
  fal.submit("fal-ai/echo", {}, { webhook_url = "not a url" }) end)
case("api", "webhook ftp", "usage", "scheme \"ftp\"", function()
  fal.submit("fal-ai/echo", {}, { webhook_url = "ftp://example.com/hook" }) end)
case("api", "webhook without host", "usage", "has no host", function()
  fal.submit("fal-ai/echo", {}, { webhook_url = "https:///hook" }) end)
case("api", "header with line break", "usage", "line break", function()
  fal.run("fal-ai/echo", {}, { headers = { ["X-A"] = "a\r\nX-B: b" } }) end)
case("api", "input holds a function", "usage", "input", function() fal.run("fal-ai/echo", { f = print }) end)
case("api", "input with a cycle", "usage", "cycle", function() local t = {} t.t = t fal.run("fal-ai/echo", t) end)
case("api", "input 2000 deep", "usage", "nesting deeper than", function() fal.run("fal-ai/echo", { x = deep(2000) }) end)
case("api", "input with NaN", "usage", "input", function() fal.run("fal-ai/echo", { x = 0 / 0 }) end)
case("api", "download file://", "usage", "scheme \"file\"", function() fal.download("file:///etc/hostname") end)
case("api", "download gopher://", "usage", "scheme \"gopher\"", function() fal.download("gopher://127.0.0.1:1/x") end)
case("api", "download not a url", "usage", "must be an absolute", function() fal.download("etc/hostname") end)
case("api", "download into a missing folder", "usage", "No such file or directory", function()
  fal.download(BAD .. "/huge/x", "/nonexistent-falua-dir/out.bin") end)
case("api", "file is a folder", "usage", "is a directory", function() fal.run("fal-ai/echo", { f = fal.file("/tmp") }) end)
case("api", "file missing", "usage", "/nonexistent-falua-file", function()
  fal.run("fal-ai/echo", { f = fal.file("/nonexistent-falua-file") }) end)
case("api", "sleep negative", "usage", "non-negative", function() fal.sleep(-1) end)
case("api", "wait negative", "usage", "non-negative", function() fal.spawn(function() end):wait(-1) end)
case("api", "subscribe client_timeout zero", "usage", "client_timeout", function()
  fal.subscribe("fal-ai/echo", {}, { client_timeout = 0 }) end)

-- Configuration.
case("config", "unknown setting", "usage", "unknown option \"bogus\"", function() fal.config({ bogus = 1 }) end)
case("config", "retry attempts zero", "usage", "max_attempts", function() fal.config({ retry = { max_attempts = 0 } }) end)
case("config", "negative limit", "usage", "got number -5", function() fal.config({ limits = { max_response_bytes = -5 } }) end)
case("config", "max_depth past the ceiling", "usage", "limits.max_depth must be an integer from 1 to 5000", function()
  fal.config({ limits = { max_depth = 100000 } }) end)
case("config", "input deeper than limits.max_depth", "usage", "input.x[1][1][1][1]: nesting deeper than 5", function()
  fal.config({ limits = { max_depth = 5 } }) fal.run("fal-ai/echo", { x = deep(10) }) end)
case("config", "run_url ftp", "usage", "run_url must be an http or https URL, got scheme \"ftp\"", function()
  fal.config({ run_url = "ftp://example.com" }) fal.run("fal-ai/echo", {}) end)
case("config", "queue_url gopher", "usage", "queue_url must be an http or https URL, got scheme \"gopher\"", function()
  fal.config({ queue_url = "gopher://example.com" }) fal.submit("fal-ai/echo", {}) end)
case("config", "run_url without host", "usage", "has no host", function() fal.config({ run_url = "http://" }) fal.run("fal-ai/echo", {}) end)
case("config", "run_url not a url", "usage", "got scheme \"localhost\"", function() fal.config({ run_url = "localhost:8080" }) fal.run("fal-ai/echo", {}) end)
case("config", "run host refuses", "network", "attempts in", function()
  fal.config({ run_url = "http://127.0.0.1:1" }) fal.run("fal-ai/echo", {}) end)
case("config", "run host unresolvable", "network", "nonexistent.invalid", function()
  fal.config({ run_url = "http://nonexistent.invalid" }) fal.run("fal-ai/echo", {}) end)

-- Server side: apps that fail, a platform that refuses.
case("server", "app fails", "http", "echo failed as requested", function() fal.run("fal-ai/echo", { fail = true }) end)
case("server", "app refuses input", "validation", "sleep: value is not a valid number", function()
  fal.run("fal-ai/echo", { sleep = "x" }) end)
case("server", "app sleeps past timeout", "timeout", "timeout of 0.3 s", function() fal.run("fal-ai/echo", { sleep = 5 }, { timeout = 0.3 }) end)
case("server", "subscribe past client_timeout", "timeout", "client_timeout 0.5", function()
  fal.subscribe("fal-ai/echo", { sleep = 5 }, { client_timeout = 0.5 }) end)
case("server", "unknown endpoint", "http", "404", function() fal.run("fal-ai/no-such-app", {}) end)
case("server", "unknown request id", "http", "404", function() fal.status("fal-ai/echo", "no-such-request") end)
case("server", "cancel of a finished request", "http", "the request had already completed", function()
  local h = fal.submit("fal-ai/echo", {}) h:get() h:cancel() end)
case("server", "realtime reply over the size limit", "limit",
  "realtime message larger than the limit of 1000 bytes (fal.config limits.max_message_bytes)", function()
  fal.config({ limits = { max_message_bytes = 1000 } })
  local conn = fal.realtime("fal-ai/realtime-echo", { use_jwt = false })
  after(function()
    conn:send({ pad = string.rep("x", 5000) })
    conn:recv(5)
  end, function() assert(tostring(conn):find("closed"), "the connection was left open") end)
end)

-- Misbehaving servers.
local function bad() fal.config({ run_url = BAD, queue_url = BAD }) end
case("hostile", "never answers", "timeout", "timeout of 0.3 s", function() bad() fal.run("hang/app", {}, { timeout = 0.3 }) end)
case("hostile", "body cut short", "network", "", function() bad() fal.run("truncated/app", {}) end)
case("hostile", "truncated JSON", "http", "malformed reply", function() bad() fal.run("badjson/app", {}) end)
case("hostile", "HTML error page", "http", "500 Internal Server Error", function() bad() fal.run("html/app", {}) end)
case("hostile", "wrong content type", "http", "malformed reply", function() bad() fal.run("text/app", {}) end)
case("hostile", "oversized header", "network", "", function() bad() fal.run("bigheader/app", {}) end)
case("hostile", "2000-deep reply", "limit", "reply nested deeper than the limit of 1000 levels (fal.config limits.max_depth)",
  function() bad() fal.run("deep/app", {}) end)
case("hostile", "reply over the size limit", "limit", "larger than the limit of 1000 bytes", function()
  bad() fal.config({ limits = { max_response_bytes = 1000 } }) fal.run("huge/app", {}) end)
case("hostile", "echoes the key in a 422", "validation", "bad key <redacted>", function() bad() fal.run("echo/app", {}) end)
case("hostile", "echoes the key in a 401", "http", "invalid key <redacted>", function() bad() fal.run("echo401/app", {}) end)
case("hostile", "download redirected to file://", "network", "", function() fal.download(BAD .. "/redirectfile/x") end)
case("hostile", "unknown 2xx status", "http", "malformed reply", function() bad() fal.run("status/app", {}) end)
case("hostile", "status never completes", "timeout", "client_timeout 0.5", function()
  bad() fal.subscribe("pending/app", {}, { client_timeout = 0.5 }) end)
case("hostile", "redirect on a run", "http", "HTTP 302", function() bad() fal.run("redirect/app", {}) end)
case("hostile", "download redirect loop", "network", "redirects", function() fal.download(BAD .. "/redirect/x") end)
case("hostile", "event over the size limit", "limit", "larger than the limit of 1000 bytes", function()
  bad() fal.config({ limits = { max_event_bytes = 1000 } })
  for _ in fal.stream("sse/app", {}) do end end)
case("hostile", "realtime frame announcing 100 MiB", "limit", "larger than the limit of 67108864 bytes", function()
  bad()
  local conn <close> = fal.realtime("bigws/app", { use_jwt = false })
  conn:recv(3)
end)
case("hostile", "endless download into memory", "limit", "larger than the limit of 1000 bytes", function()
  fal.config({ limits = { max_response_bytes = 1000 } })
  fal.download(BAD .. "/endless/x")
end)
case("hostile", "webhook keys over the size limit", "webhook", "larger than the limit of 1000 bytes", function()
  fal.config({ limits = { max_response_bytes = 1000 } })
  local headers = { ["X-Fal-Webhook-Request-Id"] = "r", ["X-Fal-Webhook-User-Id"] = "u",
    ["X-Fal-Webhook-Timestamp"] = tostring(os.time()), ["X-Fal-Webhook-Signature"] = string.rep("0", 128) }
  fal.webhook.verify(headers, "{}", { jwks_url = BAD .. "/huge/jwks.json" })
end)
case("hostile", "download's error page over the size limit", "limit", "larger than the limit of 1000 bytes", function()
  fal.config({ limits = { max_response_bytes = 1000 } })
  local path = os.tmpname()
  after(function() fal.download(BAD .. "/bigerror/x", path) end, function()
    local left = io.open(path)
    if left then left:close() os.remove(path) error("the partial file was left behind") end
  end)
end)

print("cases " .. count)
