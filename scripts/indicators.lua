-- indicators: the built-in and custom indicators of the institution, by period.
local usage = [==[usage: vista run indicators [--institution CODE] [--indicator ID[,ID...]]
                            [--period P[,P...]] [--all] [--list] [--as-of YYYY-MM-DD]
                            [--format table|csv|json|md] [--lang en|nl|de|fr|fi]
  Computes each indicator per period (a calendar year such as 2024, or a
  school year such as 2024-25, as the indicator declares) from the mobility
  records and the institution's facts: value, numerator, denominator, unit
  and status. Where a denominator is missing the status says so; nothing is
  guessed. The status judges the value against the strategy's targets
  (reached, missed, on track, behind, no baseline, no target); a period not
  ended on the --as-of date (default: today) is provisional, not judged.
  By default: the strategy's indicators (all fifteen built-ins and the
  custom ones with --all) over the periods with data or targets.
  --list describes every indicator instead. --lang L writes the table's and
  Markdown's column names, statuses and numbers in English, Dutch, German,
  French or Finnish (default: $VISTA_LANG, else the locale's, else
  English); CSV and JSON stay English.]==]
local o, fmt = require("vista.args").parse(arg,
  { institution = "value", indicator = "value", period = "value", all = "flag", list = "flag", ["as-of"] = "value", lang = "value" }, usage)
if o.help then return end
local format = require "vista.format"
local ok, s = pcall(vista.strategy.get, o.institution)
if not ok then s = nil end
if o.list then
  local rows = vista.indicator.list(s)
  for _, d in ipairs(rows) do d.kind = d.builtin and "built-in" or "custom" end
  format.print(rows, fmt, { "id", "kind", "period", "unit", "direction", "name", "definition" })
  return
end
local inst = o.institution or (s and s.institution.id)
if not inst then error("whose indicators? give --institution CODE or import a strategy", 0) end
local function split(text)
  if not text then return nil end
  local t = {}
  for x in text:gmatch("[^,]+") do t[#t + 1] = x end
  return t
end
local ids = split(o.indicator)
if not ids and s and not o.all then
  local seen = {}
  ids = {}
  for _, i in ipairs(s.indicators) do if not seen[i.id] then ids[#ids + 1] = i.id; seen[i.id] = true end end
  for _, g in ipairs(s.goals) do
    for _, id in ipairs(g.indicators) do if not seen[id] then ids[#ids + 1] = id; seen[id] = true end end
  end
end
local rows = vista.indicator.compute { institution = inst, strategy = s or false, ids = ids, periods = split(o.period),
                                       as_of = require("vista.args").as_of(o["as-of"]) }
if s and fmt ~= "csv" then
  -- Targets beside the values, where the strategy sets them.
  local t = {}
  for _, i in ipairs(s.indicators) do t[i.id] = i end
  local pdca = require "vista.pdca"
  for _, r in ipairs(rows) do
    local i = t[r.indicator]
    r.target = i and pdca.target_text((i.bands or {})[r.period] or i.targets[r.period])
  end
end
local cols = { "indicator", "period", "value", "unit", "numerator", "denominator", "target", "status", "note" }
if fmt == "json" then
  local out = {}
  for i, r in ipairs(rows) do
    out[i] = { indicator = r.indicator, name = r.name, period = r.period, value = r.value, unit = r.unit,
               numerator = r.numerator, denominator = r.denominator, target = r.target,
               provisional = r.provisional, status = r.status, note = r.note, source = r.source }
  end
  print(format.json(out))
elseif (fmt == "table" or fmt == "md") and require("vista.i18n").resolve(o.lang) ~= "en" then
  -- The reader's words: copies of the rows, their statuses and units
  -- translated, numbers with the language's decimal mark.
  local L = require("vista.i18n").new(require("vista.i18n").resolve(o.lang))
  local out, headers = {}, {}
  for i, r in ipairs(rows) do
    out[i] = { indicator = r.indicator, period = r.period, value = r.value, unit = L.t(r.unit or ""),
               numerator = r.numerator, denominator = r.denominator, target = r.target and L.numtext(r.target),
               status = L.status(r.status), note = r.note }
  end
  for i, c in ipairs(cols) do headers[i] = L.t(c) end
  format.print(out, fmt, cols, { headers = headers, decimal = L.decimal })
else
  format.print(rows, fmt, cols)
end
