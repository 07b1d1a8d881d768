-- Tab completion for the REPL: keywords, globals, fields of tables reached by a dotted path
-- (through `__index` tables, and the names a metatable lists in `__completions`, which is how lazily
-- loaded modules offer theirs), methods after `:`, and file names inside a string.
local M = {}

local KEYWORDS = {
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
  "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
}

-- The names `value` offers, its own and those it inherits through `__index` tables.
local function names_of(value, add)
  local seen = {}
  local level = 0
  while value ~= nil and not seen[value] and level < 10 do
    seen[value] = true
    level = level + 1
    if type(value) == "table" then
      for k in next, value do
        if type(k) == "string" then add(k, rawget(value, k)) end
      end
    end
    local mt = getmetatable(value)
    if type(mt) ~= "table" then break end
    local extra = rawget(mt, "__completions")
    if type(extra) == "function" then
      local ok, list = pcall(extra, value)
      extra = ok and list or nil
    end
    if type(extra) == "table" then
      for _, k in ipairs(extra) do add(k, nil) end
    end
    local index = rawget(mt, "__index")
    value = type(index) == "table" and index or nil
  end
end

-- `t[k]` without raising (an `__index` function may fail); nil when it cannot be read.
local function field(t, k)
  if type(t) ~= "table" and type(t) ~= "string" and type(t) ~= "userdata" then return nil end
  local ok, v = pcall(function() return t[k] end)
  return ok and v or nil
end

-- Is the cursor inside a string? Returns the text typed after its opening quote.
local function open_string(line)
  local i, quote, start = 1, nil, nil
  while i <= #line do
    local c = line:sub(i, i)
    if quote then
      if c == "\\" then i = i + 1
      elseif c == quote then quote = nil end
    elseif c == "\"" or c == "'" then
      quote, start = c, i
    elseif c == "-" and line:sub(i, i + 1) == "--" then
      return nil
    end
    i = i + 1
  end
  if quote then return line:sub(start + 1) end
  return nil
end

-- Names the entry typed so far declares: `local a, b`, `local function f`, `for k, v in`, `for i =`
-- and function parameters. Their values are unknown until the entry runs: names only.
local function locals_in(text)
  local names = {}
  local function add_list(list)
    for name in list:gmatch("[%a_][%w_]*") do names[#names + 1] = name end
  end
  for list in text:gmatch("local%s+function%s+([%a_][%w_]*)") do add_list(list) end
  for list in text:gmatch("local%s+([%a_][%w_%s,<>]*)") do
    add_list((list:gsub("<%a+>", ""):gsub("^function%s+", "")))
  end
  for list in text:gmatch("for%s+([%a_][%w_%s,]*)[=i]") do add_list((list:gsub("%s+in$", ""))) end
  for list in text:gmatch("function[%s%w_%.:]*%(([%w_%s,]*)%)") do add_list(list) end
  return names
end

--- Candidates for the word before the cursor, in the form that replaces `word`: `line` is the text
--- up to the cursor, `word` the part of it the line editor will replace, `pending` the lines of an
--- unfinished entry before this one. Returns the candidates and "files" when `word` is a path inside
--- a string (the host lists the files).
function M.complete(line, word, pending)
  if open_string(line) then return {}, "files" end
  local path = word:match("[%a_][%w_%.:]*$")
  if not path then return {} end
  local before = word:sub(1, #word - #path)
  local parts = {}
  for name, sep in path:gmatch("([%w_]*)([%.:]?)") do
    parts[#parts + 1] = name
    if sep == "" then break end
    parts[#parts + 1] = sep
  end
  if #parts % 2 == 0 then parts[#parts + 1] = "" end  -- ends with a separator: nothing typed after it
  local partial = parts[#parts]
  local candidates, seen = {}, {}
  local function offer(prefix, name, want_function, value)
    if seen[name] or name:sub(1, #partial) ~= partial or not name:match("^[%a_][%w_]*$") then return end
    if want_function and type(value) ~= "function" then return end
    seen[name] = true
    candidates[#candidates + 1] = before .. prefix .. name
  end
  if #parts == 1 then
    for _, k in ipairs(KEYWORDS) do offer("", k) end
    for _, k in ipairs(locals_in((pending or "") .. "\n" .. line)) do offer("", k) end
    names_of(_ENV, function(k) offer("", k) end)
  else
    local value = _ENV
    for i = 1, #parts - 2, 2 do
      value = field(value, parts[i])
      if value == nil then return {} end
    end
    local sep = parts[#parts - 1]
    local prefix = path:sub(1, #path - #partial)
    names_of(value, function(k, v)
      if sep == ":" and v == nil then v = field(value, k) end
      offer(prefix, k, sep == ":", v)
    end)
  end
  table.sort(candidates)
  return candidates
end

return M
