-- falua's `coroutine.wrap` (which lets tasks do I/O inside wrapped coroutines) fails as Lua 5.4's:
-- an error inside closes the coroutine (its to-be-closed variables run) and a string error gets
-- the position of the call, as `luaB_auxwrap` adds it.
local t = require("support")

local function call_line(fn)
  local line
  local ok, err = pcall(function()
    line = debug.getinfo(1, "l").currentline; local v = fn(); return v
  end)
  assert(not ok, "expected an error")
  return err, line
end

local closed = false
local gen = coroutine.wrap(function()
  local guard <close> = setmetatable({}, { __close = function() closed = true end })
  coroutine.yield(1)
  error("broken", 0)
end)
t.eq(gen(), 1, "first value")
local err, line = call_line(gen)
t.eq(closed, true, "the error closed the coroutine")
t.eq(err:match(":(%d+): broken$"), tostring(line), "the caller's position is added: " .. err)

-- a dead coroutine: the error names the call's position too
err, line = call_line(gen)
t.eq(err:match(":(%d+): cannot resume dead coroutine$"), tostring(line), "dead coroutine: " .. err)

-- with I/O inside (the scheduler's yields pass through the wrapped coroutine)
closed = false
local io_gen = coroutine.wrap(function()
  local guard <close> = setmetatable({}, { __close = function() closed = true end })
  fal.sleep(0)
  error({ code = 7 })
end)
err = call_line(io_gen)
t.eq(closed, true, "closed after I/O")
t.eq(err.code, 7, "a table error passes unchanged")

-- an error raised while closing replaces the original one, as in Lua 5.4
local failing_close = coroutine.wrap(function()
  local guard <close> = setmetatable({}, { __close = function() error("close failed", 0) end })
  error("first", 0)
end)
err, line = call_line(failing_close)
t.eq(err:match(":(%d+): close failed$"), tostring(line), "the close error wins: " .. err)
