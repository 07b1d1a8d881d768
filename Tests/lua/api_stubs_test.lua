-- The editor stubs (stdlib/meta/fal.lua) describe every public `fal.*` function and table.
local here = debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$")
local file = assert(io.open(here .. "/../../stdlib/meta/fal.lua"))
local stubs = file:read("a")
file:close()
local missing = {}
for name, value in pairs(fal) do
  local kind = type(value)
  if kind == "function" and not stubs:find("function fal%." .. name .. "%(") then
    missing[#missing + 1] = "fal." .. name
  elseif kind == "table" and not stubs:find("fal%." .. name .. " = ") then
    missing[#missing + 1] = "fal." .. name
  end
end
table.sort(missing)
assert(#missing == 0, "stdlib/meta/fal.lua lacks: " .. table.concat(missing, ", "))
