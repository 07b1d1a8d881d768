-- Helpers for the Lua test scripts (run by Tests/FalRuntimeTests/LuaScriptTests.swift against an
-- in-process emulator; the harness provides the global `emulator`).
local M = {}

--- Calls `fn` and returns the error it raised; fails when it returns normally.
function M.error_of(fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected an error, got success")
  return err
end

--- Asserts that `fn` raises an error of `kind` whose text contains `text` (plain match).
function M.expect_error(kind, text, fn, ...)
  local err = M.error_of(fn, ...)
  assert(fal.is_error(err), "expected a fal error object, got: " .. tostring(err))
  assert(err.kind == kind, ("expected kind %s, got %s (%s)"):format(kind, tostring(err.kind), tostring(err)))
  if text then
    assert(tostring(err):find(text, 1, true), ("expected %q in %q"):format(text, tostring(err)))
  end
  return err
end

--- Asserts a == b with a message showing both.
function M.eq(a, b, what)
  if a ~= b then error(("%s: expected %s, got %s"):format(what or "value", tostring(b), tostring(a)), 2) end
end

--- The emulator's counters.
function M.stats() return fal.json.decode(emulator.get("/_emulator/stats")) end

--- Makes the next `count` requests of `route` fail with `status` (with `body`: reply that text).
function M.inject(route, status, count, ingress, body)
  emulator.post("/_emulator/faults", fal.json.encode({ route = route, status = status, count = count or 1,
    ingress = ingress or false, body = body }))
end

return M
