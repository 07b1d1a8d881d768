-- The API reference from the source: reads the LuaCATS annotations next to the public functions in
-- stdlib/fal/*.lua and writes docs/api.md and stdlib/meta/fal.lua (lua-language-server stubs).
--
--   falua scripts/gen_api.lua           write both files
--   falua scripts/gen_api.lua --check   write nothing; exit 1 when a public function lacks its
--                                       documentation or a generated file is stale
--
-- An annotation block is a run of `---` lines at the start of a line. Besides LuaCATS (`@param`,
-- `@return`, `@class`, `@field`, `@type`), it takes these tags:
--   @raise KIND text     an error the function raises (KIND: a `kind` of fal.Error, or `string` for
--                        a plain error message)
--   @yields text         the function waits for I/O or time, so other tasks run meanwhile
--   @example             the following lines are a runnable example (run by the tests)
--   @name fal.x.y        documents a value or a Swift function that has no Lua definition
--   @instance conn       a class's instance name in the reference (default: its short name, lower)
-- and, in `@field` and `@param` descriptions, `[default: VALUE]` and `[unit: UNIT]`.
-- The public functions are found at run time: every function reachable from `fal`, matched to its
-- block by identity, plus every `function Class:method` in stdlib/fal (a name not starting with _).

local root = (arg and arg[0] or ""):match("^(.*)/scripts/[^/]*$") or "."
local check_mode = false
for _, a in ipairs(arg or {}) do
  if a == "--check" then check_mode = true
  else io.stderr:write("gen_api: unknown argument " .. a .. " (usage: gen_api.lua [--check])\n") os.exit(2) end
end

local API_PATH, META_PATH = root .. "/docs/api.md", root .. "/stdlib/meta/fal.lua"
local problems = {}
local function problem(fmt, ...) problems[#problems + 1] = fmt:format(...) end

local function read(path)
  local f = io.open(path, "rb")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  return text
end

local function lines_of(text)
  local out = {}
  for line in (text .. "\n"):gmatch("(.-)\r?\n") do out[#out + 1] = line end
  if out[#out] == "" then out[#out] = nil end
  return out
end

-- MARK: - Parsing

-- Splits a LuaCATS type off the front of `s` (brackets may hold spaces): returns type, rest.
local function split_type(s)
  local depth, i = 0, 1
  while i <= #s do
    local c = s:sub(i, i)
    if c == "(" or c == "{" or c == "[" or c == "<" then depth = depth + 1
    elseif c == ")" or c == "}" or c == "]" or c == ">" then depth = depth - 1
    elseif c:match("%s") and depth == 0 then break end
    i = i + 1
  end
  return s:sub(1, i - 1), (s:sub(i):gsub("^%s+", ""))
end

-- `[default: X]` and `[unit: Y]` taken out of a field description.
local function field_facts(text)
  local default = text:match("%[default: (.-)%]")
  local unit = text:match("%[unit: (.-)%]")
  text = text:gsub("%s*%[default: .-%]", ""):gsub("%s*%[unit: .-%]", "")
  return (text:gsub("^%s+", "")), default, unit
end

local function parse_block(raw, file, line)
  local doc = { desc = {}, params = {}, returns = {}, raises = {}, fields = {}, file = file, line = line }
  local in_example = false
  for _, l in ipairs(raw) do
    local body = l:gsub("^%-%-%-", "")
    local tag, rest = body:match("^%s*@([%w_]+)%s*(.-)%s*$")
    if tag then in_example = false end
    if tag == "param" then
      local name, r = rest:match("^(%S+)%s*(.*)$")
      local optional = name:sub(-1) == "?"
      name = name:gsub("%?$", "")
      local ty, desc = split_type(r)
      local text, default, unit = field_facts(desc)
      local facts = {}
      if unit then facts[#facts + 1] = unit end
      if default then facts[#facts + 1] = "default " .. default end
      if #facts > 0 then text = ("%s (%s)"):format(text, table.concat(facts, "; ")) end
      doc.params[#doc.params + 1] = { name = name, type = ty, desc = text, optional = optional or ty:match("%?$") ~= nil }
    elseif tag == "return" then
      local ty, r = split_type(rest)
      local name, desc = r:match("^([%a_][%w_]*)%s*(.*)$")
      if r:match("^%.%.%.") then name, desc = "...", r:gsub("^%.%.%.%s*", "") end
      doc.returns[#doc.returns + 1] = { type = ty, name = name, desc = desc or r }
    elseif tag == "raise" then
      local kind, desc = rest:match("^(%S+)%s*(.*)$")
      doc.raises[#doc.raises + 1] = { kind = kind, desc = desc }
    elseif tag == "yields" then
      doc.yields = rest
    elseif tag == "example" then
      doc.example = {}
      in_example = true
    elseif tag == "name" then
      doc.name = rest
    elseif tag == "instance" then
      doc.instance = rest
    elseif tag == "type" then
      doc.type = rest
    elseif tag == "class" then
      local name, r = rest:match("^([%w_.]+)%s*(.*)$")
      local parent, desc = r:match("^:%s*([%w_.]+)%s*(.*)$")
      doc.class, doc.parent = name, parent
      if not parent then desc = r end
      if desc ~= "" then doc.desc[#doc.desc + 1] = desc end
    elseif tag == "field" then
      local name, r = rest:match("^(%S+)%s*(.*)$")
      local optional = name:sub(-1) == "?"
      name = name:gsub("%?$", "")
      local ty, desc = split_type(r)
      local text, default, unit = field_facts(desc)
      doc.fields[#doc.fields + 1] = { name = name, type = ty, desc = text, default = default, unit = unit,
        optional = optional or ty:match("%?$") ~= nil }
    elseif tag then
      problem("%s:%d: unknown tag @%s", file, line, tag)
    elseif in_example then
      doc.example[#doc.example + 1] = (body:gsub("^ ", ""))
    else
      doc.desc[#doc.desc + 1] = (body:gsub("^ ", ""))
    end
  end
  while doc.desc[#doc.desc] == "" do doc.desc[#doc.desc] = nil end
  if doc.example then while doc.example[#doc.example] == "" do doc.example[#doc.example] = nil end end
  return doc
end

local function param_names(list)
  local names = {}
  for name in list:gmatch("[^,%s]+") do names[#names + 1] = name end
  return names
end

-- Every annotation block of one module file, with what it is attached to.
local function parse_file(path, module)
  local lines = lines_of(assert(read(path), "cannot read " .. path))
  local short = path:gsub("^" .. root:gsub("%p", "%%%0") .. "/", "")
  local blocks, classes_by_var, methods = {}, {}, {}
  local i = 1
  while i <= #lines do
    if lines[i]:match("^%-%-%-") and not lines[i]:match("^%-%-%-%-") then
      local start, raw = i, {}
      while i <= #lines and lines[i]:match("^%-%-%-") do raw[#raw + 1] = lines[i]; i = i + 1 end
      local doc = parse_block(raw, short, start)
      doc.module = module
      local target = lines[i] or ""
      local owner, field, params = target:match("^function ([%w_]+)%.([%w_]+)%s*%((.-)%)")
      local class_var, method, mparams = target:match("^function ([%w_]+):([%w_]+)%s*%((.-)%)")
      local var = target:match("^local ([%w_]+)%s*=")
      if owner then
        doc.owner, doc.field, doc.signature = owner, field, param_names(params)
      elseif class_var then
        doc.class_var, doc.method, doc.signature = class_var, method, param_names(mparams)
        methods[class_var .. ":" .. method] = true
      elseif var and doc.class then
        classes_by_var[var] = doc
      end
      blocks[#blocks + 1] = doc
    else
      -- A public method with no block above it is still public: note it.
      local class_var, method = lines[i]:match("^function ([%w_]+):([%w_]+)%s*%(")
      if class_var and not method:match("^_") then
        local key = class_var .. ":" .. method
        if not methods[key] then
          blocks[#blocks + 1] = { undocumented = true, class_var = class_var, method = method, file = short, line = i,
            module = module }
        end
      end
      i = i + 1
    end
  end
  for _, doc in ipairs(blocks) do
    if doc.class_var then doc.class_doc = classes_by_var[doc.class_var] end
  end
  return blocks
end

-- MARK: - The public surface

local fal = require("fal")

-- name -> value of everything reachable from `fal` (plain tables are walked).
local public = {}
local function walk(t, prefix, seen)
  for k, v in pairs(t) do
    if type(k) == "string" then
      local name = prefix .. "." .. k
      if type(v) == "table" and getmetatable(v) == nil and not seen[v] then
        seen[v] = true
        walk(v, name, seen)
      else
        public[name] = v
      end
    end
  end
end
walk(fal, "fal", {})

local by_value = {}
for name, v in pairs(public) do
  if type(v) == "function" then
    by_value[v] = by_value[v] or {}
    table.insert(by_value[v], name)
  end
end

local files = {}
do
  local ls = io.popen(("ls %q"):format(root .. "/stdlib/fal"))
  for name in ls:lines() do
    if name:match("%.lua$") then files[#files + 1] = name end
  end
  ls:close()
  table.sort(files)
end

local docs = {}       -- public name -> doc
local classes = {}    -- class name -> doc
local order = {}      -- public names in source order
local methods = {}    -- public method names (from the source)

local function instance_of(class_doc)
  return class_doc.instance or class_doc.class:match("([%w_]+)$"):lower()
end

for _, file in ipairs(files) do
  local module = file == "init.lua" and "fal" or ("fal." .. file:gsub("%.lua$", ""))
  for _, doc in ipairs(parse_file(root .. "/stdlib/fal/" .. file, module)) do
    local name
    if doc.class then
      if classes[doc.class] then problem("%s:%d: class %s documented twice", doc.file, doc.line, doc.class) end
      classes[doc.class] = doc
    end
    if doc.name then
      name = doc.name
    elseif doc.owner == "fal" and module == "fal" then
      name = "fal." .. doc.field
    elseif doc.owner == "M" then
      local ok, mod = pcall(require, module)
      local names = ok and type(mod) == "table" and by_value[mod[doc.field]]
      if names then
        table.sort(names)
        name = names[1]
      end
    elseif doc.method and not doc.method:match("^_") then
      if not doc.class_doc then
        problem("%s:%d: %s:%s is public but %s has no ---@class block", doc.file, doc.line, doc.class_var,
          doc.method, doc.class_var)
      else
        name = instance_of(doc.class_doc) .. ":" .. doc.method
        doc.self_class = doc.class_doc.class
        methods[name] = true
        if doc.undocumented then problem("%s:%d: %s has no annotation block", doc.file, doc.line, name) end
      end
    end
    if name and not doc.undocumented then
      if docs[name] then problem("%s:%d: %s documented twice", doc.file, doc.line, name) end
      docs[name] = doc
      order[#order + 1] = name
    end
  end
end

-- MARK: - Checks

local function base_type(ty) return (ty:gsub("%?$", ""):gsub("|nil$", "")) end

-- The option class of a parameter (its type names a class with fields), or nil.
local function option_class(p)
  local class = classes[base_type(p.type)]
  if class and #class.fields > 0 then return class end
end

local KINDS = { string = true }
do
  local err = classes["fal.Error"]
  for _, f in ipairs(err and err.fields or {}) do
    if f.name == "kind" then for kind in f.type:gmatch('"([%w_]+)"') do KINDS[kind] = true end end
  end
  if not KINDS.http then problem("fal.Error has no kind field listing the error kinds") end
end

local function check_types(where, ty)
  for class in ty:gmatch("fal%.[%u][%w_]*") do
    if not classes[class] then problem("%s: type %s names no documented class", where, class) end
  end
end

for name, value in pairs(public) do
  if not docs[name] then
    problem("%s (a %s) is public but has no annotation block (add one above its definition)", name, type(value))
  end
end

for _, name in ipairs(order) do
  local doc = docs[name]
  local where = ("%s:%d: %s"):format(doc.file, doc.line, name)
  if not methods[name] and public[name] == nil then problem("%s is documented but fal has no such member", where) end
  if #doc.desc == 0 then problem("%s has no description", where) end
  local is_function = doc.method or type(public[name]) == "function"
  if is_function then
    if not doc.example or #doc.example == 0 then problem("%s has no ---@example", where) end
    if doc.signature then
      local documented = {}
      for _, p in ipairs(doc.params) do documented[#documented + 1] = p.name end
      if table.concat(documented, ", ") ~= table.concat(doc.signature, ", ") then
        problem("%s: ---@param lines (%s) do not match the parameters (%s)", where, table.concat(documented, ", "),
          table.concat(doc.signature, ", "))
      end
    end
    for _, p in ipairs(doc.params) do
      if p.desc == "" and not option_class(p) then problem("%s: parameter %s has no description", where, p.name) end
      check_types(where, p.type)
    end
    for _, r in ipairs(doc.returns) do check_types(where, r.type) end
    for _, r in ipairs(doc.raises) do
      if not KINDS[r.kind] then problem("%s: ---@raise %s is not a kind of fal.Error", where, r.kind) end
    end
  end
end

for cname, class in pairs(classes) do
  if class.parent and not classes[class.parent] then problem("class %s: parent %s is not documented", cname, class.parent) end
  for _, f in ipairs(class.fields) do
    if f.desc == "" then problem("class %s: field %s has no description", cname, f.name) end
  end
end

-- MARK: - Rendering helpers

local SECTIONS = {
  { "Calling endpoints", { "fal.run", "fal.subscribe" } },
  { "The queue", { "fal.submit", "fal.get_handle", "fal.status", "fal.result", "fal.cancel", "handle:" } },
  { "Streaming", { "fal.stream", "stream:" } },
  { "Realtime", { "fal.realtime", "conn:", "fal.bytes", "fal.msgpack." } },
  { "Tasks", { "fal.spawn", "fal.wait_all", "fal.wait_any", "fal.sleep", "task:" } },
  { "Long-running workflows", { "fal.map", "fal.semaphore", "semaphore:", "fal.retry", "fal.timeout" } },
  { "Files", { "fal.upload", "fal.upload_file", "fal.file", "fal.file_bytes", "fal.encode", "fal.encode_file",
    "fal.download", "fal.download_all" } },
  { "Webhooks", { "fal.webhook." } },
  { "JSON values", { "fal.json.", "fal.null", "fal.array", "fal.object" } },
  { "Errors and configuration", { "fal.is_error", "fal.config", "fal.clock" } },
}

local function section_of(name)
  for i, section in ipairs(SECTIONS) do
    for _, pattern in ipairs(section[2]) do
      if name == pattern or (pattern:match("[.:]$") and name:sub(1, #pattern) == pattern) then return i end
    end
  end
  return #SECTIONS + 1
end

local function rank(name)
  local s = section_of(name)
  local list = SECTIONS[s] and SECTIONS[s][2] or {}
  for i, pattern in ipairs(list) do
    if name == pattern then return s, i, 0 end
    if pattern:match("[.:]$") and name:sub(1, #pattern) == pattern then return s, i, 1 end
  end
  return s, #list + 1, 0
end

local source_index = {}
for i, name in ipairs(order) do source_index[name] = i end
table.sort(order, function(a, b)
  local sa, ia, ma = rank(a)
  local sb, ib, mb = rank(b)
  if sa ~= sb then return sa < sb end
  if ia ~= ib then return ia < ib end
  if ma ~= mb then return ma < mb end
  return source_index[a] < source_index[b]
end)

local function cell(text) return (text:gsub("|", "\\|")) end

local function code(text) return "`" .. cell(text) .. "`" end

local function anchor(text) return (text:lower():gsub("[^%w_%- ]", ""):gsub(" ", "-")) end

-- A type's heading differs from a function's of the same name (fal.Stream, fal.stream).
local function type_heading(cname) return cname .. " (type)" end
local function type_anchor(cname) return anchor(type_heading(cname)) end

-- Literal defaults (numbers, strings, booleans, tables) as code; prose ("none") as it is.
local function default_cell(value)
  if not value then return "" end
  if value:match('^[%d.%-]+$') or value:match('^".*"$') or value == "true" or value == "false" or value:match("^{.*}$") then
    return "`" .. value .. "`"
  end
  return cell(value)
end



-- Fields of a class, inherited ones first.
local function fields_of(class)
  local out = {}
  if class.parent and classes[class.parent] then
    for _, f in ipairs(fields_of(classes[class.parent])) do out[#out + 1] = f end
  end
  for _, f in ipairs(class.fields) do out[#out + 1] = f end
  return out
end

local function syntax(name, doc)
  local args = {}
  for _, p in ipairs(doc.params) do args[#args + 1] = p.name .. (p.optional and p.name ~= "..." and "?" or "") end
  local call = ("%s(%s)"):format(name, table.concat(args, ", "))
  if type(public[name]) ~= "function" and not doc.method then return name end
  local rets = {}
  for _, r in ipairs(doc.returns) do rets[#rets + 1] = r.name or "value" end
  if #rets == 0 then return call end
  return table.concat(rets, ", ") .. " = " .. call
end

-- MARK: - docs/api.md

local function api_markdown()
  local out = {}
  local function add(s) out[#out + 1] = s or "" end
  add("# falua API reference")
  add()
  add("Generated by `falua scripts/gen_api.lua` from the annotations beside each function in")
  add("`stdlib/fal/*.lua`: edit those, then run the script. Do not edit this file by hand; the tests")
  add("(`gen_api.lua --check`) fail when it is stale or when a public function has no annotations.")
  add()
  add("- **yields**: the function waits for I/O or time. Inside a task it blocks only that task; other")
  add("  tasks run meanwhile ([tasks and concurrency](concurrency.md)).")
  add("- **raises**: the `kind`s of the [`fal.Error`](#falerror-type) tables it raises")
  add("  ([errors and retries](errors.md)). Every function raises `usage` for a bad argument or option,")
  add("  before any I/O.")
  add("- Every example runs in the tests against the emulator: `falua --local example.lua`.")
  add("- Concepts: [tasks and concurrency](concurrency.md), [errors and retries](errors.md),")
  add("  [JSON and msgpack values](values.md), [the emulator](emulator.md).")
  add()
  add("## Contents")
  add()
  local current
  local entries = {}
  local function flush()
    if current then add(("- [%s](#%s): %s"):format(current, anchor(current), table.concat(entries, ", "))) end
    entries = {}
  end
  for _, name in ipairs(order) do
    local s = section_of(name)
    local title = SECTIONS[s] and SECTIONS[s][1] or "Other"
    if title ~= current then flush(); current = title end
    entries[#entries + 1] = ("[`%s`](#%s)"):format(name, anchor(name))
  end
  flush()
  add("- [Types](#types): " .. (function()
    local names = {}
    for cname in pairs(classes) do names[#names + 1] = cname end
    table.sort(names)
    local links = {}
    for _, cname in ipairs(names) do links[#links + 1] = ("[`%s`](#%s)"):format(cname, type_anchor(cname)) end
    return table.concat(links, ", ")
  end)())
  add()

  local shown_options = {}
  current = nil
  for _, name in ipairs(order) do
    local doc = docs[name]
    local s = section_of(name)
    local title = SECTIONS[s] and SECTIONS[s][1] or "Other"
    if title ~= current then
      current = title
      add("## " .. title)
      add()
    end
    add("### " .. name)
    add()
    local is_function = doc.method or type(public[name]) == "function"
    if is_function then
      add("**syntax:** `" .. syntax(name, doc) .. "`")
      add()
      add("**yields:** " .. (doc.yields and ("yes" .. (doc.yields ~= "" and (": " .. doc.yields) or "")) or "no"))
      add()
    elseif doc.type then
      add("**type:** `" .. doc.type .. "`")
      add()
    end
    for _, l in ipairs(doc.desc) do add(l) end
    add()
    if #doc.params > 0 then
      add("**Parameters**")
      add()
      add("| name | type | description |")
      add("|---|---|---|")
      for _, p in ipairs(doc.params) do
        local desc = p.desc
        if desc == "" and option_class(p) then desc = "options: see below" end
        add(("| %s | %s | %s |"):format(code(p.name), code(p.type), cell(desc)))
      end
      add()
    end
    for _, p in ipairs(doc.params) do
      local class = option_class(p)
      if class then
        shown_options[class.class] = true
        add(("**Options** (`%s`, [`%s`](#%s))"):format(p.name, class.class, type_anchor(class.class)))
        add()
        add("| option | type | default | unit | description |")
        add("|---|---|---|---|---|")
        for _, f in ipairs(fields_of(class)) do
          add(("| %s | %s | %s | %s | %s |"):format(code(f.name), code(f.type), default_cell(f.default),
            f.unit or "", cell(f.desc)))
        end
        add()
      end
    end
    if #doc.returns > 0 then
      add("**Returns**")
      add()
      add("| name | type | description |")
      add("|---|---|---|")
      for _, r in ipairs(doc.returns) do
        add(("| %s | %s | %s |"):format(code(r.name or "value"), code(r.type), cell(r.desc)))
      end
      add()
    end
    if #doc.raises > 0 then
      add("**Raises**")
      add()
      for _, r in ipairs(doc.raises) do
        if r.kind == "string" then add("- a string (not a `fal.Error`): " .. r.desc)
        else add(("- `%s`: %s"):format(r.kind, r.desc)) end
      end
      add()
    end
    if doc.example then
      add("**Example**")
      add()
      add("```lua")
      for _, l in ipairs(doc.example) do add(l) end
      add("```")
      add()
    end
  end

  add("## Types")
  add()
  local names = {}
  for cname in pairs(classes) do names[#names + 1] = cname end
  table.sort(names)
  for _, cname in ipairs(names) do
    local class = classes[cname]
    add("### " .. type_heading(cname))
    add()
    for _, l in ipairs(class.desc) do add(l) end
    if #class.desc > 0 then add() end
    local users = {}
    for _, name in ipairs(order) do
      for _, p in ipairs(docs[name].params) do
        if option_class(p) == class then users[#users + 1] = ("[`%s`](#%s)"):format(name, anchor(name)) end
      end
    end
    if #users > 0 then add("Options of " .. table.concat(users, ", ") .. ".") add() end
    if class.parent then add(("Has the fields of [`%s`](#%s), and:"):format(class.parent, type_anchor(class.parent))) add() end
    if #class.fields > 0 then
      local with_defaults = shown_options[cname]
      if with_defaults then
        add("| field | type | default | unit | description |")
        add("|---|---|---|---|---|")
      else
        add("| field | type | description |")
        add("|---|---|---|")
      end
      for _, f in ipairs(class.fields) do
        if with_defaults then
          add(("| %s | %s | %s | %s | %s |"):format(code(f.name), code(f.type), default_cell(f.default),
            f.unit or "", cell(f.desc)))
        else
          local extra = (f.default and (" Default: `" .. f.default .. "`.") or "") .. (f.unit and (" Unit: " .. f.unit .. ".") or "")
          add(("| %s | %s | %s |"):format(code(f.name), code(f.type), cell(f.desc .. extra)))
        end
      end
      add()
    end
  end
  return table.concat(out, "\n")
end

-- MARK: - stdlib/meta/fal.lua

local function meta_lua()
  local out = {}
  local function add(s) out[#out + 1] = s or "" end
  add("---@meta fal")
  add("-- Type stubs of the `fal` API for lua-language-server (add this folder to `workspace.library`).")
  add("-- Generated by `falua scripts/gen_api.lua` from the annotations in stdlib/fal/*.lua: do not edit.")
  add("-- Not loaded at run time.")
  add()

  local function field_line(f)
    local facts = {}
    if f.unit then facts[#facts + 1] = f.unit end
    if f.default then facts[#facts + 1] = "default " .. f.default end
    local text = #facts > 0 and ("%s (%s)"):format(f.desc, table.concat(facts, "; ")) or f.desc
    return ("---@field %s%s %s %s"):format(f.name, f.optional and "?" or "", (f.type:gsub("%?$", "")), text)
  end

  local function class_lines(class)
    add(("---@class %s%s"):format(class.class, class.parent and (": " .. class.parent) or ""))
    for _, l in ipairs(class.desc) do add("---" .. l) end
    for _, f in ipairs(class.fields) do add(field_line(f)) end
  end

  local function function_lines(name, doc, target)
    for _, l in ipairs(doc.desc) do add("---" .. l) end
    local notes = {}
    if doc.yields then notes[#notes + 1] = "* Yields" .. (doc.yields ~= "" and (": " .. doc.yields) or "") .. "." end
    for _, r in ipairs(doc.raises) do
      notes[#notes + 1] = r.kind == "string" and ("* Raises a string: " .. r.desc) or ("* Raises `%s`: %s"):format(r.kind, r.desc)
    end
    if #notes > 0 then
      add("---")
      for _, n in ipairs(notes) do add("---" .. n) end
    end
    if doc.example then
      add("---")
      add("---```lua")
      for _, l in ipairs(doc.example) do add("---" .. l) end
      add("---```")
    end
    local args = {}
    for _, p in ipairs(doc.params) do
      local line = ("---@param %s%s %s %s"):format(p.name, p.optional and p.name ~= "..." and "?" or "", (p.type:gsub("%?$", "")), p.desc)
      add((line:gsub("%s+$", "")))
      args[#args + 1] = p.name
    end
    for _, r in ipairs(doc.returns) do
      add(("---@return %s%s%s"):format(r.type, r.name and (" " .. r.name) or "", r.desc ~= "" and (" # " .. r.desc) or ""))
    end
    add(("function %s(%s) end"):format(target, table.concat(args, ", ")))
    add()
  end

  -- Plain classes (types, option tables) first; instance classes go with their methods.
  local instance_classes = {}
  for _, name in ipairs(order) do
    if docs[name].self_class then instance_classes[docs[name].self_class] = true end
  end
  local names = {}
  for cname in pairs(classes) do names[#names + 1] = cname end
  table.sort(names)
  for _, cname in ipairs(names) do
    if not instance_classes[cname] then
      class_lines(classes[cname])
      add()
    end
  end

  add("---@class fal")
  add("fal = {}")
  add()
  local tables = {}
  for _, name in ipairs(order) do
    local prefix = name:match("^(fal%..+)%.[^.]+$")
    if prefix and not tables[prefix] and not docs[name].method then
      tables[prefix] = true
      add(prefix .. " = {}")
    end
  end
  add()

  for _, name in ipairs(order) do
    local doc = docs[name]
    if not doc.method then
      if type(public[name]) == "function" then
        function_lines(name, doc, name)
      else
        for _, l in ipairs(doc.desc) do add("---" .. l) end
        if doc.type then add("---@type " .. doc.type) end
        add(name .. " = nil")
        add()
      end
    end
  end

  local done = {}
  for _, name in ipairs(order) do
    local doc = docs[name]
    if doc.method and not done[doc.self_class] then
      done[doc.self_class] = true
      local class = classes[doc.self_class]
      class_lines(class)
      local var = doc.self_class:match("([%w_]+)$")
      add(("local %s = {}"):format(var))
      add()
      for _, other in ipairs(order) do
        local d = docs[other]
        if d.method and d.self_class == doc.self_class then function_lines(other, d, var .. ":" .. d.method) end
      end
    end
  end
  add("return fal")
  return table.concat(out, "\n")
end

-- MARK: - Output

local outputs = { { API_PATH, api_markdown() .. "\n" }, { META_PATH, meta_lua() .. "\n" } }
for _, o in ipairs(outputs) do
  local path, text = o[1], o[2]
  if read(path) ~= text then
    if check_mode then
      problem("%s is stale: run `falua scripts/gen_api.lua`", path:gsub("^%./", ""))
    else
      local f = assert(io.open(path, "wb"))
      f:write(text)
      f:close()
      print("wrote " .. path:gsub("^%./", ""))
    end
  end
end

table.sort(problems)
for _, p in ipairs(problems) do io.stderr:write("gen_api: ", p, "\n") end
if #problems > 0 then os.exit(1) end
if check_mode then print(("gen_api: %d public names documented, generated files up to date"):format(#order)) end
