--- vista.args: the options of a ready script. --format is read by
--- vista.format; the others are named in spec: spec[name] = "value" for an
--- option that takes one, "flag" for one that does not.
---   local o, fmt = require("vista.args").parse(arg, { institution = "value", ["as-of"] = "value" }, usage)
local M = {}
local format = require "vista.format"

function M.parse(args, spec, usage)
  local fmt, rest = format.from_args(args)
  local o, i = {}, 1
  while rest[i] do
    local a = rest[i]
    local name, value = a:match("^%-%-([%w-]+)=(.*)$")
    name = name or a:match("^%-%-([%w-]+)$")
    if a == "--help" or a == "-h" then
      print(usage)
      o.help = true
      return o, fmt
    end
    if not name or not spec[name] then
      error("unknown argument '" .. a .. "'\n" .. usage, 0)
    end
    if spec[name] == "value" then
      if not value then
        i = i + 1
        value = rest[i]
        if value == nil then error("--" .. name .. " needs a value\n" .. usage, 0) end
      end
      o[name] = value
    else
      o[name] = true
    end
    i = i + 1
  end
  return o, fmt
end

--- A date given with --as-of, checked; today when none was given.
function M.as_of(text)
  if text == nil then return os.date("!%Y-%m-%d") end
  local d = require("vista.strategy_file").date(text)
  if not d then error("--as-of '" .. text .. "' is not a date (YYYY-MM-DD)", 0) end
  return d
end

return M
