-- scan: the operating-environment scan, levels by categories, weighted.
local usage = [[usage: vista run scan [--institution CODE] [--format table|csv|json|md] [--lang en|nl|de|fr|fi]
  Prints the factors of the strategy's operating environment as a table of
  levels (institutional ... global) by categories (political ... environmental)
  with their count and weighted impact (impact x likelihood), the factors
  strongest first, the levels with no factor or no source document, the
  factors no goal answers, and which themes the field asks a scan to cover
  (the Mobility Scoreboard areas and labour-market needs) the factors cover
  and which they leave out, by each factor's theme = "...". csv gives one
  row per factor. --lang L writes the table and Markdown in English, Dutch,
  German, French or Finnish (default: $VISTA_LANG, else the locale's, else
  English).]]
local o, fmt = require("vista.args").parse(arg, { institution = "value", lang = "value" }, usage)
if o.help then return end
local s = vista.strategy.get(o.institution)
local i18n = require "vista.i18n"
local L = i18n.new((fmt == "table" or fmt == "md") and i18n.resolve(o.lang) or "en")
require("vista.format").sections(require("vista.scan").report(s, L), fmt, { decimal = L.decimal })
