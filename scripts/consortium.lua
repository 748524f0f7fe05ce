-- consortium: a consortium's figures for a school year, as it publishes them.
local usage = [==[usage: vista run consortium (--members FILE | --project REF) --year 2023-24
                            [--schools] [--publish] [--k 3|5|10] [--format table|csv|json|md]
  The figures of a consortium of schools for one school year (September to
  August, by the month a mobility starts): learners sent and by how many
  schools, mean age, the gender split, the share with fewer opportunities,
  destination countries, staff mobilities (staff, not the group leaders and
  accompanying persons, who are counted apart), and incoming learners placed
  by the member schools (learners from another country received by a member
  from a sender that is not one). Percentages to two decimals, from summed
  participants.

  --members FILE  a CSV of the members: 'erasmus code' (or 'oid', 'pic')
                  and/or 'name' (and 'country', 'city') columns; a member
                  named by a code is matched by that code only; a member
                  without records counts as a school that sent no one, and
                  one that matched no institution is listed with why
  --project REF   the sending organisations of a project and its records
  --schools       one line per member school as well
  --publish       apply the small-cell rules to every figure; without it the
                  consortium's own figures are exact, except fewer
                  opportunities and special needs per school, which are
                  always suppressed below the rules
  --format json   the figures under stable keys (README, "Consortium")]==]
local o, fmt = require("vista.args").parse(arg, {
  members = "value", project = "value", year = "value", schools = "flag", publish = "flag", k = "value" }, usage)
if o.help then return end
if not o.year then error("--year is needed (a school year such as 2023-24)\n" .. usage, 0) end
if (o.members == nil) == (o.project == nil) then error("give --members FILE or --project REF\n" .. usage, 0) end
local k = 5
if o.k then
  k = tonumber(o.k)
  if k ~= 3 and k ~= 5 and k ~= 10 then error("--k must be 3, 5 or 10, not '" .. o.k .. "'", 0) end
end
local r = vista.consortium.report { members_file = o.members, project = o.project, year = o.year,
                                    publish = o.publish, k = k, schools = o.schools }
local f = r.figures
local format = require "vista.format"
if fmt == "json" then
  local out = {}
  for key, v in pairs(f) do out[key] = v end
  out.members_missing = #r.members_missing > 0 and r.members_missing or nil
  if #r.members_unmatched > 0 then
    out.members_unmatched = {}
    for _, x in ipairs(r.members_unmatched) do
      out.members_unmatched[#out.members_unmatched + 1] = { member = x.member, line = x.line, why = x.why }
    end
  end
  out.project = r.project
  if o.schools then out.by_school = r.schools end
  print(format.json(out))
  return
end
local S = "suppressed"
local function pct(v) return v ~= nil and string.format("%.2f%%", v) or S end
local function val(v) return v ~= nil and v or S end
local rows = {
  { figure = "learners sent", value = val(f.learners) },
  { figure = "schools that sent learners", value = f.schools .. " of " .. f.members .. " members" },
  { figure = "learners per school", value = val(f.learners_per_school) },
  { figure = "mean age", value = val(f.mean_age) },
  { figure = "female", value = pct(f.female_share), count = f.female },
  { figure = "male", value = pct(f.male_share), count = f.male },
  { figure = "gender undefined", value = pct(f.gender_undefined_share), count = f.gender_undefined },
  { figure = "fewer opportunities", value = pct(f.fewer_opportunities_share), count = f.fewer_opportunities },
  { figure = "special needs", value = pct(f.special_needs_share), count = f.special_needs },
  { figure = "destination countries", value = val(f.destination_countries) },
  { figure = "staff mobilities", value = val(f.staff) },
  { figure = "group leaders and accompanying persons", value = val(f.accompanying) },
  { figure = "incoming learners placed", value = val(f.incoming) },
}
local title = "Consortium " .. (r.project or o.members) .. ", school year " .. r.year ..
  (r.publish and " (published: counts under " .. k .. " suppressed)" or "")
local sections = { { key = "figures", title = title, rows = rows, cols = { "figure", "value", "count" }, main = true } }
local lines = {}
for _, x in ipairs(r.members_unmatched) do
  lines[#lines + 1] = "member " .. x.text .. " (counted as sending no one)"
end
if f.schools and f.members > f.schools then
  lines[#lines + 1] = (f.members - f.schools) .. " of " .. f.members ..
    " members sent no learners in " .. r.year
end
if f.suppressed then
  lines[#lines + 1] = "suppressed (small cells, README \"Small cells\"): " .. table.concat(f.suppressed, ", ")
end
if #lines > 0 then sections[#sections + 1] = { key = "notes", lines = lines } end
if o.schools then
  sections[#sections + 1] = { key = "schools", title = "By school", rows = r.schools,
    cols = { "code", "name", "learners", "female", "fewer_opportunities", "destinations", "staff", "incoming" } }
end
format.sections(sections, fmt)
