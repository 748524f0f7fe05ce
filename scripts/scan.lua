-- scan: the operating-environment scan, levels by categories, weighted.
local usage = [[usage: vista run scan [--institution CODE] [--format table|csv|json|md]
  Prints the factors of the strategy's operating environment as a table of
  levels (institutional ... global) by categories (political ... environmental)
  with their count and weighted impact (impact x likelihood), the factors
  strongest first, the levels with no factor or no source document, the
  factors no goal answers, and which themes the field asks a scan to cover
  (the Mobility Scoreboard areas and labour-market needs) the factors cover
  and which they leave out, by each factor's theme = "...". csv gives one
  row per factor.]]
local o, fmt = require("vista.args").parse(arg, { institution = "value" }, usage)
if o.help then return end
local s = vista.strategy.get(o.institution)
require("vista.format").sections(require("vista.scan").report(s), fmt)
