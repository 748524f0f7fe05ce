-- timeline: what the institution has done so far, year by year, and what changed.
local usage = [==[usage: vista run timeline [--institution CODE] [--since YYYY-MM-DD] [--events]
                          [--format table|csv|json|md]
  The strategy journey's first step: per calendar year, what started and
  ended (projects, accreditations, charters, partnerships, networks,
  competitions, strategies), the first mobility to each new country, and
  the learners and staff sent and the learners received. Then the countries
  and partners new since --since (default: the start of the strategy
  period) and those that went quiet, and the kinds of activity never tried.
  Milestones come from the strategy file (milestone { ... }) and from
  `vista import timeline FILE`; the rest from the mobility records. The
  two are merged: a milestone naming a country or partner earlier than the
  records makes the first mobility there, and every event says its source
  in brackets: [records], [milestone] (timeline file) or [strategy] (the
  strategy file's milestones and the stored strategy itself).
  --events lists every event with its date instead of the years.]==]
local o, fmt = require("vista.args").parse(arg, { institution = "value", since = "value", events = "flag" }, usage)
if o.help then return end
local tl = require "vista.timeline"
local inst = tl.institution(o.institution)
if o.events then
  require("vista.format").print(tl.events(inst), fmt,
    { "date", "until", "kind", "title", "source", "country", "partner", "reference", "role", "partners", "funding",
      "note" })
  return
end
local years = tl.years(inst)
-- As rows for csv and json; as a readable list for people.
local year_lines = {}
for _, y in ipairs(years) do
  y.started_text = table.concat(y.started, "; ")
  y.ended_text = table.concat(y.ended, "; ")
  local volume = y.learners and string.format("%d learners and %d staff sent, %d learners received",
    y.learners, y.staff, y.incoming) or "no mobility records"
  year_lines[#year_lines + 1] = string.format("%d  %s", y.year, volume)
  for _, e in ipairs(y.started) do year_lines[#year_lines + 1] = "      + " .. e end
  for _, e in ipairs(y.ended) do year_lines[#year_lines + 1] = "      - ended: " .. e end
end
-- New and quiet since --since, else since the strategy period began.
local since_ok, ch = pcall(tl.changes, inst, o.since)
if not since_ok and o.since then error(ch, 0) end
local function names(list, key)
  local t = {}
  for _, x in ipairs(list) do t[#t + 1] = x[key] .. (x.country and key ~= "country" and " (" .. x.country .. ")" or "") end
  return #t > 0 and table.concat(t, ", ") or "none"
end
local lines = since_ok and {
  "new countries: " .. names(ch.new_countries, "name"),
  "new partners: " .. names(ch.new_partners, "partner"),
  "gone quiet (countries): " .. names(ch.quiet_countries, "name"),
  "gone quiet (partners): " .. names(ch.quiet_partners, "partner"),
} or { "no strategy period to compare with: give --since YYYY-MM-DD" }
local untried = tl.untried(inst)
local never = {}
for _, a in ipairs(untried) do never[#never + 1] = "- " .. a.text end
if #never == 0 then never[1] = "every kind of activity has been tried" end
local people = fmt == "table" or fmt == "md"
require("vista.format").sections({
  people and { key = "years", title = "Timeline", lines = year_lines }
    or { key = "years", title = "Timeline", rows = years, main = true,
         cols = { "year", "learners", "staff", "incoming", "started_text", "ended_text" } },
  { key = "changes", title = since_ok and ("Since " .. ch.since) or "New and quiet", lines = lines,
    value = since_ok and ch or nil },
  { key = "untried", title = "Never tried", lines = never, value = untried },
}, fmt)
