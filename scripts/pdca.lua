-- pdca: Check — each goal's indicators against their targets, and the actions to act on.
local usage = [[usage: vista run pdca [--institution CODE] [--as-of YYYY-MM-DD] [--format table|csv|json|md]
                      [--lang en|nl|de|fr|fi]
  For each goal, its indicators against their targets per period: reached
  or missed once the period has ended; on track or behind before it (the
  latest ended period's value against the straight line from the baseline
  to the target; "no baseline: V of T" without one); provisional while the
  period runs on the --as-of date (default: today), when its value is shown
  but not judged. Then the actions to act on, each with why it is listed:
  overdue, not started, no owner, no indicator.
  --lang L   the table's and Markdown's words, numbers and dates in English,
             Dutch, German, French or Finnish (default: $VISTA_LANG, else
             the locale's, else English); CSV and JSON stay English]]
local args = require "vista.args"
local o, fmt = args.parse(arg, { institution = "value", ["as-of"] = "value", lang = "value" }, usage)
if o.help then return end
local s = vista.strategy.get(o.institution)
local as_of = args.as_of(o["as-of"])
local results = vista.indicator.compute { institution = s.institution.id, strategy = s, as_of = as_of }
local human = fmt == "table" or fmt == "md"
local L = require("vista.i18n").new(human and require("vista.i18n").resolve(o.lang) or "en")
require("vista.format").sections(require("vista.pdca").report(s, results, as_of, L), fmt, { decimal = L.decimal })
