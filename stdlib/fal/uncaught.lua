-- How an error nobody caught is shown, in one place: the CLI's script runs (fal.main), REPL entries
-- (fal.repl) and the C message handler of protected calls (lua_bridge.c) all render with `message`.
local M = {}

--- The text of the error value `err`: `tostring` of it, as lua.c prints an error object.
function M.message(err)
  local ok, message = pcall(tostring, err)
  if ok and type(message) == "string" then return message end
  return ("(error object is a %s value)"):format(type(err))
end

--- The error's kind: its `kind` field ("usage", "http", "interrupted", ...), or "error".
function M.kind(err)
  return type(err) == "table" and type(err.kind) == "string" and err.kind or "error"
end

return M
