-- pdca: Check — each goal's indicators against their targets, and the actions to act on.
local usage = [[usage: vista run pdca [--institution CODE] [--as-of YYYY-MM-DD] [--format table|csv|json|md]
  For each goal, its indicators against their targets per period: reached,
  on track, behind or missed (judged from the latest value against a straight
  line from the baseline to the target), with the trend; then the actions
  that are overdue, not started or without an owner on the --as-of date
  (default: today).]]
local args = require "vista.args"
local o, fmt = args.parse(arg, { institution = "value", ["as-of"] = "value" }, usage)
if o.help then return end
local s = vista.strategy.get(o.institution)
local results = vista.indicator.compute { institution = s.institution.id, strategy = s }
require("vista.format").sections(require("vista.pdca").report(s, results, args.as_of(o["as-of"])), fmt)
