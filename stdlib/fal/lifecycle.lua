-- Object lifecycle (PROTOCOL.md §12.5): the `lifecycle` option of uploads, checked field by field
-- and turned into the JSON value of the lifecycle headers.
local json = require("fal.json")
local errors = require("fal.errors")

local M = {}

---@class fal.Lifecycle How long an uploaded file lives and who may read it (PROTOCOL.md §12.5); sent in the `X-Fal-Object-Lifecycle` headers.
---@field expires_in? "never"|"immediate"|"1h"|"1d"|"7d"|"30d"|"1y"|integer when the file expires: a named duration or a positive number of seconds [default: the platform's]
---@field initial_acl? {default: "hide"|"forbid"|"allow", rules: {user: string, decision: "hide"|"forbid"|"allow"}[]?} the file's access rules: a default decision and per-user ones
local EXPIRES = { never = false, immediate = 60, ["1h"] = 3600, ["1d"] = 86400, ["7d"] = 604800,
  ["30d"] = 2592000, ["1y"] = 31536000 }
local DECISIONS = { hide = true, forbid = true, allow = true }

local function check_decision(operation, field, value)
  if not DECISIONS[value] then
    error(errors.usage(operation, ("%s must be \"hide\", \"forbid\" or \"allow\", got %s"):format(field,
      type(value) == "string" and ("%q"):format(value) or type(value))), 0)
  end
end

local function check_keys(operation, field, t, known)
  for key in pairs(t) do
    if not known[key] then
      error(errors.usage(operation, ("unknown field %s.%s"):format(field, tostring(key))), 0)
    end
  end
end

--- The lifecycle header value for `lifecycle` (nil when there is nothing to send); usage errors
--- name the bad field.
function M.header(operation, lifecycle)
  if lifecycle == nil then return nil end
  if type(lifecycle) ~= "table" then
    error(errors.usage(operation, "lifecycle must be a table, got " .. type(lifecycle)), 0)
  end
  check_keys(operation, "lifecycle", lifecycle, { expires_in = true, initial_acl = true })
  local out = {}
  local expires = lifecycle.expires_in
  if expires ~= nil then
    if math.type(expires) == "integer" and expires > 0 then
      out.expiration_duration_seconds = expires
    elseif type(expires) == "string" and EXPIRES[expires] ~= nil then
      out.expiration_duration_seconds = EXPIRES[expires] or nil
    else
      error(errors.usage(operation, "lifecycle.expires_in must be \"never\", \"immediate\", \"1h\", \"1d\", \"7d\", "
        .. "\"30d\", \"1y\" or a positive integer number of seconds, got " .. tostring(expires)), 0)
    end
  end
  local acl = lifecycle.initial_acl
  if acl ~= nil then
    if type(acl) ~= "table" then
      error(errors.usage(operation, "lifecycle.initial_acl must be a table, got " .. type(acl)), 0)
    end
    check_keys(operation, "lifecycle.initial_acl", acl, { default = true, rules = true })
    check_decision(operation, "lifecycle.initial_acl.default", acl.default)
    local rules = json.array({})
    if acl.rules ~= nil then
      if type(acl.rules) ~= "table" then
        error(errors.usage(operation, "lifecycle.initial_acl.rules must be a list, got " .. type(acl.rules)), 0)
      end
      for i, rule in ipairs(acl.rules) do
        local field = ("lifecycle.initial_acl.rules[%d]"):format(i)
        if type(rule) ~= "table" then error(errors.usage(operation, field .. " must be a table"), 0) end
        check_keys(operation, field, rule, { user = true, decision = true })
        if type(rule.user) ~= "string" or rule.user == "" then
          error(errors.usage(operation, field .. ".user must be a non-empty string"), 0)
        end
        check_decision(operation, field .. ".decision", rule.decision)
        rules[i] = { user = rule.user, decision = rule.decision }
      end
    end
    out.initial_acl = { default = acl.default, rules = rules }
  end
  if next(out) == nil then return nil end
  return json.encode(out)
end

return M
