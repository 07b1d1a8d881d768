-- The Lua half of an app runner, loaded once per runner state with `(json, primitive)`. It returns
-- `invoke(run, request_id, path, hint, body)`, which decodes the input, builds `ctx`, calls the app
-- in protected mode and classifies the ending for Swift (AppRunner.swift):
-- `"ok", 200, output_json` | `"app_error", status, detail_json, error_type, detail_text` |
-- `"cancelled"` | `"error", 500, nil, nil, message`.
-- It lives in Lua because `ctx.error` details are Lua values (a 422 list) that only the codec,
-- inside the state, can encode.
local json, primitive = ...
-- Taken now, before an app could replace it.
local sethook = debug.sethook

-- How many VM instructions run between two looks at the request's cancel flag: a CPU-bound app
-- that never calls ctx.sleep or ctx.emit still stops within milliseconds of a cancel (issue 8).
local CANCEL_CHECK_INSTRUCTIONS = 100000

-- ctx.error raises one of these; the runner turns it into the reply the app asked for.
local AppError = { __name = "fal.AppError" }
function AppError.__tostring(e)
  if type(e.detail) == "string" then return ("HTTP %d: %s"):format(e.status, e.detail) end
  return ("HTTP %d"):format(e.status)
end

-- ctx.sleep raises this once the request is cancelled.
local Cancelled = setmetatable({}, {
  __name = "fal.Cancelled",
  __tostring = function() return "Request cancelled" end,
})

local function raise(status, detail, error_type)
  if math.type(status) ~= "integer" or status < 400 or status > 599 then
    error("ctx.error: status must be an integer from 400 to 599", 2)
  end
  if detail == nil then error("ctx.error: detail is required", 2) end
  if error_type ~= nil and type(error_type) ~= "string" then
    error("ctx.error: error_type must be a string", 2)
  end
  error(setmetatable({ status = status, detail = detail, error_type = error_type }, AppError), 0)
end

local function message_of(err)
  if type(err) == "string" then return err end
  local mt = getmetatable(err)
  if type(mt) == "table" and mt.__tostring then
    local ok, text = pcall(tostring, err)
    if ok and type(text) == "string" then return text end
  end
  return "(error object is a " .. type(err) .. " value)"
end

-- ctx.validate(input, schema): schema maps field = "string" | "integer" | "number" | "boolean" |
-- "array" | "object", with a trailing "?" when optional. Every problem goes into one fal 422
-- detail list (pydantic v1 wording), raised through ctx.error.
local checks = {
  string = { function(v) return type(v) == "string" end, "str type expected", "type_error.str" },
  integer = { function(v) return math.type(v) == "integer" end, "value is not a valid integer", "type_error.integer" },
  number = { function(v) return type(v) == "number" end, "value is not a valid float", "type_error.float" },
  boolean = { function(v) return type(v) == "boolean" end, "value could not be parsed to a boolean", "type_error.bool" },
  array = { function(v) return type(v) == "table" and (next(v) == nil or v[1] ~= nil) end, "value is not a valid list", "type_error.list" },
  object = { function(v) return type(v) == "table" and (next(v) == nil or v[1] == nil) end, "value is not a valid dict", "type_error.dict" },
}

local function validate(input, schema)
  if type(schema) ~= "table" then error("ctx.validate: schema must be a table of field = type", 2) end
  local fields = {}
  for field in pairs(schema) do fields[#fields + 1] = field end
  table.sort(fields)
  local detail = {}
  for _, field in ipairs(fields) do
    local kind = schema[field]
    local optional = type(kind) == "string" and kind:sub(-1) == "?"
    local check = type(kind) == "string" and checks[optional and kind:sub(1, -2) or kind]
    if not check then error(("ctx.validate: unknown type %q for field %s"):format(tostring(kind), field), 2) end
    local value = input[field]
    if value == nil or value == json.null then
      if not optional then
        detail[#detail + 1] = { loc = { "body", field }, msg = "field required", type = "value_error.missing" }
      end
    elseif not check[1](value) then
      detail[#detail + 1] = { loc = { "body", field }, msg = check[2], type = check[3] }
    end
  end
  if #detail > 0 then raise(422, detail) end
  return input
end

local function invalid_body(msg, kind)
  return "app_error", 422, json.encode({ { loc = { "body" }, msg = msg, type = kind } })
end

return function(run, request_id, path, hint, body)
  local input
  if body:match("^%s*$") then
    input = json.object({})
  else
    local ok, decoded = pcall(json.decode, body)
    if not ok then return invalid_body("Invalid JSON body: " .. message_of(decoded), "value_error.jsondecode") end
    if type(decoded) ~= "table" then return invalid_body("value is not a valid dict", "type_error.dict") end
    input = decoded
  end
  local ctx = {
    request_id = request_id,
    path = path,
    hint = hint,
    log = function(message, level) primitive.log(tostring(message), level) end,
    -- progress(fraction, message?): a log line "progress 40%: message", the way apps report it.
    progress = function(fraction, message)
      if type(fraction) ~= "number" or fraction < 0 or fraction > 1 then
        error("ctx.progress: fraction must be a number from 0 to 1", 2)
      end
      local text = ("progress %d%%"):format(math.floor(fraction * 100 + 0.5))
      primitive.log(message ~= nil and (text .. ": " .. tostring(message)) or text, "INFO")
    end,
    validate = validate,
    sleep = function(seconds)
      if primitive.sleep(seconds) then error(Cancelled, 0) end
    end,
    cancelled = primitive.cancelled,
    error = raise,
    store = primitive.store,
    png = primitive.png,
    emit = function(value)
      if not primitive.emit(json.encode(value)) then error(Cancelled, 0) end
    end,
    fetch = primitive.fetch,
  }
  -- The hook raises the same Cancelled as ctx.sleep; an app's own pcall may swallow it once, but
  -- the next check raises it again.
  sethook(function()
    if primitive.cancelled() then error(Cancelled, 0) end
  end, "", CANCEL_CHECK_INSTRUCTIONS)
  local ok, output = pcall(run, input, ctx)
  sethook()
  if ok then
    local encoded_ok, encoded = pcall(json.encode, output)
    if encoded_ok then return "ok", 200, encoded end
    return "error", 500, nil, nil, "cannot encode the app's output: " .. message_of(encoded)
  end
  if rawequal(output, Cancelled) then return "cancelled" end
  if getmetatable(output) == AppError then
    local encoded_ok, encoded = pcall(json.encode, output.detail)
    if not encoded_ok then
      return "error", 500, nil, nil, "ctx.error: cannot encode detail: " .. message_of(encoded)
    end
    local text = type(output.detail) == "string" and output.detail or nil
    return "app_error", output.status, encoded, output.error_type, text
  end
  return "error", 500, nil, nil, message_of(output)
end
