-- skills: the staff's international core skills from the anonymous survey, and the gaps.
local usage = [==[usage: vista run skills [--institution CODE] [--k 3|5|10] [--format table|csv|json|md]
  The strategy journey's third step, from the latest staff survey (vista
  import survey FILE): the languages covered at B2 or above and by how many
  staff; the share of staff with any international experience (a stay
  abroad, a project, hosting, skills-competition expert) and interested in
  taking part, by department; who could lead what; the support asked for;
  and the gaps against the strategy's goals (goal needs = { languages,
  leads } in the strategy file) and this year's destinations.
  Small groups are suppressed by the benchmarks' rules: departments under k
  respondents are pooled, then no count of 1 to k-1 and no share of fewer
  than 23 is shown ("suppressed"), so no answer can be traced to a person.]==]
local o, fmt = require("vista.args").parse(arg, { institution = "value", k = "value" }, usage)
if o.help then return end
local k = 5
if o.k then
  k = tonumber(o.k)
  if k ~= 3 and k ~= 5 and k ~= 10 then error("--k must be 3, 5 or 10, not '" .. o.k .. "'", 0) end
end
local r = require("vista.skills").report { institution = o.institution, k = k }
local S = "suppressed"
-- Suppressed cells say so (in JSON too: a figure is a number or "suppressed").
local function shown(rows)
  for _, row in ipairs(rows) do
    for _, c in ipairs(row.suppressed or {}) do row[c] = S end
  end
  return rows
end
require("vista.format").sections({
  { key = "languages", title = string.format("Languages (%d respondents)", r.respondents),
    rows = shown(r.languages), cols = { "language", "name", "b2_or_above", "any_level" }, main = true },
  { key = "departments", title = "International experience by department", rows = shown(r.departments),
    cols = { "department", "respondents", "experienced", "experienced_share", "interested", "interested_share" } },
  { key = "experience", title = "Experience", rows = shown(r.experience), cols = { "text", "staff" } },
  { key = "leads", title = "Who could lead what", rows = shown(r.leads), cols = { "text", "staff", "experienced" } },
  { key = "support", title = "Support asked for", rows = shown(r.support), cols = { "support", "staff" } },
  { key = "gaps", title = "Gaps against the strategy", rows = r.gaps, cols = { "goal", "need", "found" },
    empty = "none: the goals' needs are covered" },
}, fmt)
