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

local member_keys = { code = true, name = true, country = true, city = true, line = true }

-- The members as institutions (vista.org, the one resolver): a member named
-- by a code (Erasmus code, OID or PIC) by that code only; one named by its
-- name by name, country and city. Returns ids, the rows found, and the
-- members that matched nothing, each with why: they stay members (that
-- sent nobody), never silently dropped.
local function resolve(list)
  local ids, found, missing, seen = {}, {}, {}, {}
  for i, m in ipairs(list) do
    local row, why, label
    if math.type(m) == "integer" then
      row = vista.sql("SELECT id, erasmus_code AS code, name FROM institution WHERE id = ?", m)[1]
      label, why = tostring(m), "no institution with id " .. m
    else
      if type(m) == "string" then m = { code = m } end
      if type(m) ~= "table" then
        error("member " .. i .. " is a " .. type(m) .. ": give a code, a name or a table", 3)
      end
      for k in pairs(m) do
        if not member_keys[k] then
          local near = ({ erasmus_code = "code", erasmus = "code", oid = "code", pic = "code",
                          organisation = "name", school = "name" })[k]
          error("member " .. i .. ": unknown field '" .. tostring(k) .. "'" ..
                (near and " (did you mean " .. near .. "?)" or " (a member has code, name, country, city)"), 3)
        end
      end
      label = m.code or m.name
      if not label then error("member " .. i .. ": give its code or its name", 3) end
      local r
      if m.code then
        r, why = vista.org.find(m.code)
        if r and (r.by == "name" or r.by == "alias") then
          r, why = nil, "no institution with Erasmus code, OID or PIC '" .. m.code .. "' (it is a name: put it in the name column)"
        end
      else
        r, why = vista.org.find(m.name, { country = m.country, city = m.city })
      end
      if r then row = { id = r.id, code = r.code, name = r.name } end
    end
    if row then
      if not seen[row.id] then
        seen[row.id] = true
        ids[#ids + 1] = row.id
        found[#found + 1] = row
      end
    else
      local where = type(m) == "table" and m.line and ("line " .. m.line .. " ") or ""
      missing[#missing + 1] = { member = label, line = type(m) == "table" and m.line or nil,
                                why = why, text = where .. "'" .. label .. "': " .. why }
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
---   members_unmatched = {member, line, why} for each member no institution
---   matched (still counted: a member that sent nobody),
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
  if #ids == 0 and #missing > 0 then
    local lines = {}
    for _, x in ipairs(missing) do lines[#lines + 1] = x.text end
    error("none of the " .. #missing .. " members matched an institution: " .. table.concat(lines, "; "), 2)
  end
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
  local names_missing = {}
  for _, x in ipairs(missing) do names_missing[#names_missing + 1] = x.member end
  return { year = year, from = from, to = to, members = f.members, members_found = found,
           members_missing = names_missing, members_unmatched = missing, figures = f,
           schools = schools, project = opts.project,
           publish = opts.publish and true or false }
end

--- vista.consortium.resolve_members(list) -> ids, found rows, missing
--- names: a member list as report reads it (member_participation_rate
--- counts its members the same way).
M.resolve_members = resolve

return M
