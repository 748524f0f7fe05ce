--- vista.consortium: a consortium's yearly figures — the schools that send
--- learners abroad together — as a consortium publishes them.
---
---   vista.consortium.report{ members = {"B  ANTWERP01", ...} | members_file = path
---                            | project = "2022-1-BE02-KA121-VET-000123",
---                            year = "2022-23", schools = false, publish = false, k = 5 } -> report
---
--- A school year runs from September to August, by the month the mobility
--- starts. The counting is C's (core/consortium.c): one pass over the
--- year's records, small cells suppressed there.
local _, M = ...
local period_of = require("vista.strategy_file").period

local function round2(x)
  if x == nil then return nil end
  local r = math.floor(x * 100 + 0.5) / 100
  return math.tointeger(r) or r
end

-- Institutions named by Erasmus code, else by name (and country): ids,
-- with the names that match nothing listed apart.
local function resolve(list)
  local ids, found, missing, seen = {}, {}, {}, {}
  for _, m in ipairs(list) do
    local row
    if math.type(m) == "integer" then
      row = vista.sql("SELECT id, erasmus_code AS code, name FROM institution WHERE id = ?", m)[1]
    else
      if type(m) == "string" then m = { code = m } end
      if m.code then
        row = vista.sql("SELECT id, erasmus_code AS code, name FROM institution WHERE erasmus_code = ?", m.code)[1]
      end
      if not row and m.name then
        local rows = vista.sql([[SELECT id, erasmus_code AS code, name FROM institution
          WHERE name = ? AND (? IS NULL OR country = ?)]], m.name, m.country, m.country)
        if #rows > 1 then
          error("member '" .. m.name .. "'" .. (m.line and " (line " .. m.line .. ")" or "") ..
                ": " .. #rows .. " institutions have that name; give its Erasmus code", 0)
        end
        row = rows[1]
      end
    end
    if row then
      if not seen[row.id] then
        seen[row.id] = true
        ids[#ids + 1] = row.id
        found[#found + 1] = row
      end
    else
      missing[#missing + 1] = type(m) == "table" and (m.code or m.name) or tostring(m)
    end
  end
  return ids, found, missing
end

--- The school year '2022-23' as start months 202209 .. 202308.
function M.school_year(year)
  local lbl, kind = period_of(year)
  if kind ~= "school" then error("a school year such as 2023-24, not '" .. tostring(year) .. "'", 3) end
  local a = tonumber(lbl:sub(1, 4))
  return lbl, a * 100 + 9, (a + 1) * 100 + 8
end

--- vista.consortium.report{...} -> {
---   year, members (count), members_found = rows, members_missing = names,
---   figures = the consortium's own (stable keys, see README),
---   schools = with schools = true, one row per member with records:
---     institution, code, name, learners, female, fewer_opportunities,
---     staff, incoming, ... (the total is then suppressed beside them) }
--- Suppressed figures are absent, their names in figures.suppressed.
function M.report(opts)
  opts = opts or {}
  local year, from, to = M.school_year(opts.year)
  local list
  if opts.project then
    if opts.members or opts.members_file then error("give project or members, not both", 2) end
    list = {}
    for _, r in ipairs(M.project_members(opts.project)) do list[#list + 1] = r.institution end
    if #list == 0 and not vista.scope then error("no mobility records under project '" .. opts.project .. "'", 2) end
  elseif opts.members_file then
    list = M.read_members(opts.members_file)
  elseif opts.members then
    list = opts.members
  else
    error("whose figures? give members = {...}, members_file = path or project = 'REF'", 2)
  end
  local ids, found, missing = resolve(list)
  local total, schools = M.figures { members = ids, project = opts.project, from = from, to = to,
                                     k = opts.k or 5, publish = opts.publish, by_school = opts.schools }
  schools = opts.schools and schools or {}
  local names = {}
  for _, r in ipairs(found) do names[r.id] = r end
  for _, r in ipairs(schools) do
    local n = names[r.institution] or {}
    r.code, r.name = n.code, n.name
  end
  table.sort(schools, function(a, b) return (a.name or "") < (b.name or "") end)
  local f = {
    year = year, members = #ids + #missing, schools = total.schools,
    learners = total.learners, female = total.female, male = total.male,
    fewer_opportunities = total.fewer_opportunities, special_needs = total.special_needs,
    destination_countries = total.destinations, staff = total.staff,
    accompanying = total.accompanying, incoming = total.incoming,
  }
  local l = total.learners
  local function share(x) if x ~= nil and l and l > 0 then return round2(100 * x / l) end end
  f.female_share, f.male_share = share(f.female), share(f.male)
  if f.female and f.male and l then
    f.gender_undefined = l - f.female - f.male
    f.gender_undefined_share = share(f.gender_undefined)
  end
  f.fewer_opportunities_share = share(f.fewer_opportunities)
  f.special_needs_share = share(f.special_needs)
  if total.age_sum and total.age_n and total.age_n > 0 then f.mean_age = round2(total.age_sum / total.age_n) end
  if l and f.schools and f.schools > 0 then f.learners_per_school = round2(l / f.schools) end
  if total.suppressed then
    local s = {}
    local key = { fewer_opportunities = "fewer_opportunities", special_needs = "special_needs", female = "female",
                  male = "male", age_sum = "mean_age", age_n = "mean_age", destinations = "destination_countries" }
    local seen = {}
    for _, c in ipairs(total.suppressed) do
      local k = key[c] or c
      if not seen[k] then seen[k] = true; s[#s + 1] = k end
    end
    f.suppressed = s
  end
  return { year = year, from = from, to = to, members = f.members, members_found = found,
           members_missing = missing, figures = f, schools = schools, project = opts.project,
           publish = opts.publish and true or false }
end

--- vista.consortium.resolve_members(list) -> ids, found rows, missing
--- names: a member list as report reads it (member_participation_rate
--- counts its members the same way).
M.resolve_members = resolve

return M
