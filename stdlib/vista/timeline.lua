--- vista.timeline: what an institution has done so far — the guide's first
--- step of the strategy journey ("draw a timeline of the developments
--- achieved so far, together with the major milestones").
---
---   local tl = require "vista.timeline"
---   tl.events(inst)               -> milestones and what the records show
---   tl.years(inst)                -> per year: started, ended, milestones, volumes
---   tl.changes(inst, since)       -> countries and partners new since, and gone quiet
---   tl.untried(inst)              -> activity types never tried
---
--- inst is an institution id or Erasmus code (default: the one with a
--- strategy). Milestones come from the strategy file and `vista import
--- timeline`; the rest is derived from the mobility records. The two are
--- merged, and every event says where it comes from (its source): the
--- records, a milestone of the timeline file, or the strategy (its file's
--- milestones and the stored strategy itself). A milestone that names a
--- country or a partner counts as activity with it: the first mobility to a
--- country is the earlier of what the records and the milestones say.
local M = {}

local function institution(inst)
  if math.type(inst) == "integer" then return inst end
  if type(inst) == "string" then
    local r, why = vista.org.find(inst)
    if r then return r.id end
    error(why, 3)
  end
  local ok, s = pcall(vista.strategy.get)
  if ok and s then return s.institution.id end
  error("which institution? give --institution CODE (an Erasmus code), or import a strategy", 3)
end
M.institution = institution

local function month_date(m)
  if not m then return nil end
  return string.format("%04d-%02d-01", m // 100, m % 100)
end

local LEARNER = "m.profile = 1 AND coalesce(m.band, 0) <> 4"

local MILESTONE_SOURCE = "CASE WHEN strategy_id IS NULL THEN 'milestone' ELSE 'strategy' END"

-- Folds the milestones that name a country or a partner into the rows
-- from the records: a milestone earlier than the records' first moves
-- first (and says so in first_source, first_title, records_first); a
-- country or partner only milestones name gets a row of its own.
local function merge_milestones(inst, rows, key, column)
  local by = {}
  for _, r in ipairs(rows) do
    r.first_source = "records"
    by[r[key]:lower()] = r
  end
  for _, m in ipairs(vista.sql([[SELECT ]] .. column .. [[ AS name, kind, title, start, coalesce(until, start) AS last,
      country, ]] .. MILESTONE_SOURCE .. [[ AS source
    FROM milestone WHERE institution_id = ? AND ]] .. column .. [[ IS NOT NULL ORDER BY start, title]], inst)) do
    local r = by[m.name:lower()]
    if not r then
      r = { [key] = m.name, country = m.country, first = m.start, last = m.last, first_source = m.source,
            first_title = m.title, first_kind = m.kind }
      if key == "country" then
        local c = vista.sql("SELECT name FROM country WHERE code = ?", m.name)[1]
        r.name = c and c.name or m.name
      end
      rows[#rows + 1] = r
      by[m.name:lower()] = r
    elseif m.start < r.first then
      r.records_first = r.records_first or (r.first_source == "records" and r.first or nil)
      r.first, r.first_source, r.first_title, r.first_kind = m.start, m.source, m.title, m.kind
    end
    if m.last > r.last then r.last = m.last end
  end
  table.sort(rows, function(a, b)
    if a.first ~= b.first then return a.first < b.first end
    return a[key] < b[key]
  end)
end

--- The first and last outgoing mobility to each partner (receiving
--- organisation) and to each country: rows partner/country, first, last
--- (YYYY-MM-DD), participants (from the records), first_source ("records",
--- "milestone" or "strategy") and, when a milestone came first, its title
--- and kind and the records' own first (records_first).
function M.reach(inst)
  inst = institution(inst)
  local partners = vista.sql([[SELECT r.id AS institution, r.name AS partner, r.country,
      min(m.start_month) AS first, max(m.start_month) AS last, sum(m.participants) AS participants
    FROM mobility_fact m JOIN institution r ON r.id = m.receiving_id
    WHERE m.sending_id = ? AND coalesce(m.direction, 1) = 1 AND m.start_month IS NOT NULL
    GROUP BY r.id ORDER BY first, r.name]], inst)
  local countries = vista.sql([[SELECT c.code AS country, c.name,
      min(m.start_month) AS first, max(m.start_month) AS last, sum(m.participants) AS participants
    FROM mobility_fact m JOIN country c ON c.id = m.receiving_country_id
    WHERE m.sending_id = ? AND coalesce(m.direction, 1) = 1 AND m.start_month IS NOT NULL
    GROUP BY c.code ORDER BY first, c.code]], inst)
  for _, list in ipairs { partners, countries } do
    for _, r in ipairs(list) do r.first, r.last = month_date(r.first), month_date(r.last) end
  end
  merge_milestones(inst, partners, "partner", "partner")
  merge_milestones(inst, countries, "country", "country")
  return partners, countries
end

--- Every event: the milestones, the projects seen in the records, the
--- first mobility to each country, the first long-term mobility, the first
--- incoming learner, and the stored strategy when no milestone records
--- it. Rows: date, until, kind, title, reference, role, partners, funding,
--- country, partner, source ("records", "milestone" or "strategy"), note.
function M.events(inst)
  inst = institution(inst)
  local out = {}
  local refs = {}
  local strategy_milestone = false
  for _, m in ipairs(vista.sql([[SELECT kind, title, start AS date, until, reference, role, partners, funding,
      country, partner, ]] .. MILESTONE_SOURCE .. [[ AS source
    FROM milestone WHERE institution_id = ? ORDER BY start, kind, title]], inst)) do
    out[#out + 1] = m
    if m.reference then refs[m.reference] = true end
    if m.kind == "strategy" then strategy_milestone = true end
  end
  -- A stored strategy is a strategy milestone, unless one already says so.
  if not strategy_milestone then
    for _, st in ipairs(vista.sql([[SELECT title, period_from, period_to FROM strategy
        WHERE institution_id = ? ORDER BY period_from]], inst)) do
      out[#out + 1] = { kind = "strategy", date = st.period_from, ["until"] = st.period_to,
                        title = "strategy: " .. st.title, source = "strategy" }
    end
  end
  -- Projects under which the institution sent someone.
  for _, p in ipairs(vista.sql([[SELECT p.reference, p.key_action, min(m.start_month) AS first,
      max(coalesce(m.end_month, m.start_month)) AS last, sum(m.participants) AS participants
    FROM mobility_fact m JOIN project p ON p.id = m.project_id
    WHERE m.sending_id = ? AND coalesce(m.direction, 1) = 1 AND m.start_month IS NOT NULL
    GROUP BY p.id ORDER BY first]], inst)) do
    if not refs[p.reference] then
      local last = p.last and string.format("%04d-%02d-28", p.last // 100, p.last % 100)
      out[#out + 1] = { kind = "project", date = month_date(p.first), ["until"] = last,
        title = string.format("%s project: %d participants sent", p.key_action, p.participants),
        reference = p.reference, role = "sending", source = "records" }
    end
  end
  local _, countries = M.reach(inst)
  for _, c in ipairs(countries) do
    local name = c.name or c.country
    local e = { kind = "first", date = c.first, country = c.country, source = c.first_source,
                title = (c.first_source == "records" or c.first_kind == "project") and "first mobility to " .. name
                        or "first activity with " .. name }
    if c.first_source ~= "records" then
      e.note = "milestone '" .. c.first_title .. "'" ..
        (c.records_first and ("; the mobility records begin " .. c.records_first:sub(1, 7)) or "; none in the mobility records")
    end
    out[#out + 1] = e
  end
  local function first(sql, title)
    local r = vista.sql(sql, inst)[1]
    if r and r.m then out[#out + 1] = { kind = "first", date = month_date(r.m), title = title, source = "records" } end
  end
  first("SELECT min(start_month) AS m FROM mobility_fact WHERE sending_id = ? AND band = 2 AND coalesce(direction, 1) = 1",
        "first long-term (ErasmusPro) learner mobility")
  first("SELECT min(start_month) AS m FROM mobility_fact m WHERE m.receiving_id = ? AND " .. LEARNER ..
        " AND coalesce(m.direction, 2) = 2", "first incoming learner")
  first("SELECT min(start_month) AS m FROM mobility_fact WHERE sending_id = ? AND band = 3 AND coalesce(direction, 1) = 1",
        "first staff mobility")
  table.sort(out, function(a, b)
    if a.date ~= b.date then return (a.date or "") < (b.date or "") end
    return a.title < b.title
  end)
  return out
end

--- The timeline by calendar year: what started, what ended, the other
--- milestones, and the volume sent and received (learners, staff,
--- incoming learners) — from the first year with either to the last.
function M.years(inst)
  inst = institution(inst)
  local by = {}
  local function year(y)
    y = tonumber(y)
    by[y] = by[y] or { year = y, started = {}, ended = {}, learners = 0, staff = 0, incoming = 0 }
    return by[y]
  end
  for _, e in ipairs(M.events(inst)) do
    if e.date then
      local label = e.title .. (e.kind ~= "first" and e.kind ~= "milestone" and " (" .. e.kind .. ")" or "") ..
        " [" .. e.source .. "]"
      table.insert(year(e.date:sub(1, 4)).started, label)
      if e["until"] and e["until"]:sub(1, 4) ~= e.date:sub(1, 4) then
        table.insert(year(e["until"]:sub(1, 4)).ended, e.title)
      end
    end
  end
  for _, r in ipairs(vista.sql([[SELECT term / 2 AS y, sum(learners) AS learners, sum(staff) AS staff
    FROM mobility_term WHERE institution_id = ? GROUP BY 1]], inst)) do
    local t = year(r.y)
    t.learners, t.staff = r.learners, r.staff
  end
  for _, r in ipairs(vista.sql([[SELECT term / 2 AS y, sum(learners) AS learners
    FROM mobility_term_incoming WHERE institution_id = ? GROUP BY 1]], inst)) do
    year(r.y).incoming = r.learners
  end
  -- Outside the years with records, the volumes are unknown, not 0.
  local first, last
  for y, t in pairs(by) do
    if t.learners > 0 or t.staff > 0 or t.incoming > 0 then
      if not first or y < first then first = y end
      if not last or y > last then last = y end
    end
  end
  local out = {}
  for y, t in pairs(by) do
    if not first or y < first or y > last then t.learners, t.staff, t.incoming = nil, nil, nil end
    out[#out + 1] = t
  end
  table.sort(out, function(a, b) return a.year < b.year end)
  return out
end

--- Countries and partners new since a date (their first mobility on or
--- after it), and those that went quiet (mobility before it, none since).
--- since defaults to the start of the stored strategy's period.
function M.changes(inst, since)
  inst = institution(inst)
  if not since then
    local ok, s = pcall(vista.strategy.get, inst)
    since = ok and s and s.from or error("changes since when? give a date (YYYY-MM-DD)", 2)
  end
  since = require("vista.strategy_file").date(since) or error("'" .. tostring(since) .. "' is not a date", 2)
  local partners, countries = M.reach(inst)
  -- Lists, so that JSON writes an empty one as [].
  local array = require("vista.json").array
  local r = { since = since, new_partners = array {}, quiet_partners = array {}, new_countries = array {},
              quiet_countries = array {} }
  for _, p in ipairs(partners) do
    if p.first >= since then r.new_partners[#r.new_partners + 1] = p
    elseif p.last < since then r.quiet_partners[#r.quiet_partners + 1] = p end
  end
  for _, c in ipairs(countries) do
    if c.first >= since then r.new_countries[#r.new_countries + 1] = c
    elseif c.last < since then r.quiet_countries[#r.quiet_countries + 1] = c end
  end
  -- Partners with an agreement but no mobility since: quiet too.
  for _, p in ipairs(vista.sql([[SELECT p.name AS partner, p.country FROM partner p
      WHERE p.institution_id = ? AND NOT EXISTS (SELECT 1 FROM mobility_fact m JOIN institution r ON r.id = m.receiving_id
        WHERE m.sending_id = p.institution_id AND (r.erasmus_code = p.erasmus_code OR (r.name = p.name AND r.country = p.country))
        AND m.start_month >= ?)]], inst, tonumber(since:sub(1, 4) .. since:sub(6, 7)))) do
    local known = false
    for _, q in ipairs(r.quiet_partners) do if q.partner == p.partner then known = true end end
    if not known then
      p.note = "partner on record, no mobility since " .. since
      r.quiet_partners[#r.quiet_partners + 1] = p
    end
  end
  return r
end

--- The kinds of activity the guide and the programme offer, and how to
--- tell that an institution has done one.
M.activities = {
  { id = "short_learner", text = "short-term learner mobility (10-89 days)", band = 1 },
  { id = "long_learner", text = "long-term learner mobility (ErasmusPro, 90 days or more)", band = 2 },
  { id = "staff_mobility", text = "staff mobility abroad", band = 3 },
  { id = "job_shadowing", text = "staff job shadowing", activity = "%job shadowing%" },
  { id = "teaching", text = "teaching or training assignments abroad", activity = "%teaching%" },
  { id = "courses", text = "staff courses and training abroad", activity = "%course%" },
  { id = "incoming_learners", text = "hosting learners from abroad", incoming = "learner" },
  { id = "incoming_staff", text = "hosting staff from abroad", incoming = "staff" },
  { id = "accreditation", text = "an Erasmus accreditation or charter", milestone = { "accreditation", "charter" } },
  { id = "partnership", text = "a cooperation partnership (KA2)", milestone = { "partnership" } },
  { id = "network", text = "a network or association", milestone = { "network" } },
  { id = "competition", text = "international skills competitions", milestone = { "competition" } },
  { id = "strategy", text = "a written internationalisation strategy", milestone = { "strategy" } },
}

--- The activity types the institution has never tried: rows id, text.
function M.untried(inst)
  inst = institution(inst)
  local out = {}
  for _, a in ipairs(M.activities) do
    local n
    if a.band then
      n = vista.sql("SELECT count(*) AS n FROM mobility_fact WHERE sending_id = ? AND band = ? AND coalesce(direction, 1) = 1",
                    inst, a.band)[1].n
    elseif a.activity then
      n = vista.sql([[SELECT count(*) AS n FROM mobility_fact m JOIN label l ON l.id = m.activity_id
        WHERE m.sending_id = ? AND l.text LIKE ? AND coalesce(m.direction, 1) = 1]], inst, a.activity)[1].n
    elseif a.incoming then
      n = vista.sql("SELECT count(*) AS n FROM mobility_fact m WHERE m.receiving_id = ? AND coalesce(m.direction, 2) = 2 AND " ..
                    (a.incoming == "learner" and LEARNER or "m.band = 3"), inst)[1].n
    else
      n = 0
      for _, kind in ipairs(a.milestone) do
        n = n + vista.sql("SELECT count(*) AS n FROM milestone WHERE institution_id = ? AND kind = ?", inst, kind)[1].n
      end
      -- A stored strategy is a written strategy, milestone or not.
      if a.id == "strategy" then
        n = n + vista.sql("SELECT count(*) AS n FROM strategy WHERE institution_id = ?", inst)[1].n
      end
    end
    if n == 0 then out[#out + 1] = { id = a.id, text = a.text } end
  end
  return out
end

return M
