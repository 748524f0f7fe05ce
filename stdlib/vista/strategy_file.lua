--- vista.strategy_file: reads and checks a strategy written as a Lua data
--- file. `vista import strategy FILE.lua` stores what read() returns; the
--- indicator module reads the stored text again for custom indicators'
--- numerators, denominators and functions.
---
---   strategy { institution = ..., period = { from = "2024-09", to = "2027-08" },
---              mission = ..., vision = ..., values = {...}, core_skills = {...} }
---   factor "id" { level = ..., category = ..., text = ..., impact = ..., likelihood = ... }
---   goal "id" { text = ..., why = goal "other" | mission | vision | factor "id" | "text",
---               indicators = { "id", ... } }
---   action { goal = "id", what = ..., owner = ..., start = ..., due = ..., ... }
---   indicator "id" { targets = { ["2025-26"] = 6 }, ... }
---   target "id" { [2025] = 10 }
---   facts "2024-25" { learners_enrolled = 1180, staff_fte = 96.5 }
---   milestone { kind = "accreditation", title = ..., from = "2021-03", to = ...,
---               reference = ..., role = ..., partners = ..., funding = ... }
local catalog = require "vista.indicator_catalog"

local M = {}

local LEVELS = { "institutional", "regional", "national", "sectoral", "european", "global" }
local CATEGORIES = { "political", "economic", "social", "technological", "legal", "environmental" }
local TRENDS = { "rising", "stable", "falling" }
local STATUSES = { "planned", "started", "done", "dropped" }
local DIRECTIONS = { "higher", "lower" }
local PERIOD_TYPES = { "calendar", "school" }
local MILESTONE_KINDS = { "project", "accreditation", "charter", "partnership", "network",
                          "competition", "strategy", "milestone" }
M.milestone_kinds = MILESTONE_KINDS
M.levels, M.categories, M.statuses = LEVELS, CATEGORIES, STATUSES

local function one_of(list, v)
  for _, x in ipairs(list) do if x == v then return true end end
  return false
end

--- The line of the data file a DSL call sits on: error() at a level
--- names that level's line, and pcall hands the message back. The first
--- level outside this file is the data file.
local function line_at()
  for level = 3, 12 do
    local _, msg = pcall(error, "", level)
    if msg ~= "" and not msg:find("strategy_file%.lua:%d+: $") then
      return tonumber(msg:match(":(%d+): $")) or 0
    end
  end
  return 0
end

local DAYS = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
local function leap(y) return y % 4 == 0 and (y % 100 ~= 0 or y % 400 == 0) end

--- A date as 'YYYY-MM-DD', or 'YYYY-MM' read as the month's first (or, with
--- last = true, its last) day; nil when it is no date.
function M.date(text, last)
  if type(text) ~= "string" then return nil end
  local y, m, d = text:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then y, m = text:match("^(%d%d%d%d)%-(%d%d)$") end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if not y or m < 1 or m > 12 then return nil end
  local dim = DAYS[m] + ((m == 2 and leap(y)) and 1 or 0)
  if d == nil then d = last and dim or 1 end
  if d < 1 or d > dim then return nil end
  return string.format("%04d-%02d-%02d", y, m, d)
end

--- A period label: 2025 or '2025' (calendar) or '2024-25' (school year,
--- September to August). Returns the label, its type, first and last day.
function M.period(p)
  if math.type(p) == "integer" then p = tostring(p) end
  if type(p) ~= "string" then return nil end
  local y = p:match("^(%d%d%d%d)$")
  if y then return p, "calendar", y .. "-01-01", y .. "-12-31" end
  local a, b = p:match("^(%d%d%d%d)%-(%d%d)$")
  if a and (tonumber(a) + 1) % 100 == tonumber(b) then
    return p, "school", a .. "-09-01", string.format("%04d-08-31", tonumber(a) + 1)
  end
  return nil
end

local FIELDS = {
  strategy = { institution = true, title = true, period = true, mission = true,
               vision = true, values = true, core_skills = true },
  goal = { text = true, why = true, indicators = true, indicator = true, needs = true },
  milestone = { kind = true, title = true, from = true, to = true, reference = true, role = true,
                partners = true, funding = true },
  action = { goal = true, what = true, owner = true, start = true, due = true,
             budget = true, person_days = true, status = true, indicator = true },
  factor = { level = true, category = true, text = true, source = true, trend = true,
             impact = true, likelihood = true },
  indicator = { name = true, unit = true, definition = true, direction = true,
                period = true, baseline = true, targets = true, measured = true,
                numerator = true, denominator = true, scale = true, compute = true },
}

--- Reads a strategy file's text. Returns the declarations, or nil and the
--- list of problems, each "name:line: message", in file order.
function M.read(text, name)
  local problems = {}
  local function problem(line, msg, ...)
    problems[#problems + 1] = { line = line, text = string.format(msg, ...) }
  end
  local d = { goals = {}, actions = {}, factors = {}, indicators = {}, targets = {},
              facts = {}, milestones = {}, goal_ids = {}, factor_ids = {}, indicator_ids = {} }
  local env = {}
  local refs = {}

  local function ref(kind, id, line)
    local r = { kind = kind, id = id, line = line }
    refs[#refs + 1] = r
    return r
  end
  local function check_fields(kind, t, line, label)
    for k in pairs(t) do
      if type(k) ~= "string" or not FIELDS[kind][k] then
        if not (kind == "goal" and k == 1) then
          local known = {}
          for f in pairs(FIELDS[kind]) do known[#known + 1] = f end
          table.sort(known)
          problem(line, "%s: unknown field '%s' (known: %s)", label, tostring(k),
                  table.concat(known, ", "))
        end
      end
    end
  end
  -- `kind "id"` refers to an entry; `kind "id" { ... }` defines it.
  local function definer(kind, store)
    return function(id)
      local line = line_at()
      if type(id) ~= "string" or not id:match("^[%a_][%w_%-]*$") then
        error(string.format("%s needs an id of letters, digits, '_' and '-', not %s",
                            kind, type(id) == "string" and ("'" .. id .. "'") or type(id)), 2)
      end
      local r = ref(kind, id, line)
      return setmetatable(r, { __call = function(_, t)
        if type(t) ~= "table" then error(kind .. " '" .. id .. "' needs a table { ... }", 2) end
        r.defined = true
        store(id, t, line_at())
      end })
    end
  end

  env.mission = { kind = "mission" }
  env.vision = { kind = "vision" }

  env.strategy = function(t)
    local line = line_at()
    if type(t) ~= "table" then error("strategy needs a table { ... }", 2) end
    if d.strategy then problem(line, "a second strategy { }; a file holds one (the first is on line %d)", d.strategy.line); return end
    check_fields("strategy", t, line, "strategy")
    d.strategy = { line = line, raw = t }
  end

  env.goal = definer("goal", function(id, t, line)
    if d.goal_ids[id] then problem(line, "goal '%s' is defined twice (first on line %d)", id, d.goal_ids[id].line); return end
    check_fields("goal", t, line, "goal '" .. id .. "'")
    local g = { id = id, line = line, text = t.text or t[1], why = t.why, pos = #d.goals + 1,
                needs = t.needs }
    local inds = t.indicators or t.indicator
    if type(inds) == "string" then inds = { inds } end
    g.indicators = {}
    if inds ~= nil and type(inds) ~= "table" then
      problem(line, "goal '%s': indicators must be a list of indicator ids", id)
    else
      for _, v in ipairs(inds or {}) do g.indicators[#g.indicators + 1] = v end
    end
    d.goals[#d.goals + 1] = g
    d.goal_ids[id] = g
  end)

  env.factor = definer("factor", function(id, t, line)
    if d.factor_ids[id] then problem(line, "factor '%s' is defined twice (first on line %d)", id, d.factor_ids[id].line); return end
    check_fields("factor", t, line, "factor '" .. id .. "'")
    local f = { id = id, line = line, level = t.level, category = t.category, text = t.text,
                source = t.source, trend = t.trend, impact = t.impact, likelihood = t.likelihood }
    d.factors[#d.factors + 1] = f
    d.factor_ids[id] = f
  end)

  env.indicator = definer("indicator", function(id, t, line)
    if d.indicator_ids[id] then problem(line, "indicator '%s' is defined twice (first on line %d)", id, d.indicator_ids[id].line); return end
    check_fields("indicator", t, line, "indicator '" .. id .. "'")
    local i = { id = id, line = line, raw = t, builtin = catalog.by_id[id] ~= nil }
    d.indicators[#d.indicators + 1] = i
    d.indicator_ids[id] = i
  end)

  env.target = function(id)
    local line = line_at()
    return function(t)
      if type(t) ~= "table" then error("target '" .. tostring(id) .. "' needs a table { [period] = value }", 2) end
      d.targets[#d.targets + 1] = { id = id, line = line, values = t }
    end
  end

  env.action = function(t)
    local line = line_at()
    if type(t) ~= "table" then error("action needs a table { ... }", 2) end
    check_fields("action", t, line, "action")
    local a = { line = line, pos = #d.actions + 1 }
    for k in pairs(FIELDS.action) do a[k] = t[k] end
    d.actions[#d.actions + 1] = a
  end

  env.milestone = function(t)
    local line = line_at()
    if type(t) ~= "table" then error("milestone needs a table { kind = ..., title = ..., from = ... }", 2) end
    check_fields("milestone", t, line, "milestone")
    local m = { line = line }
    for k in pairs(FIELDS.milestone) do m[k] = t[k] end
    d.milestones[#d.milestones + 1] = m
  end

  env.facts = function(period)
    local line = line_at()
    return function(t)
      if type(t) ~= "table" then error("facts '" .. tostring(period) .. "' needs a table { name = value }", 2) end
      d.facts[#d.facts + 1] = { period = period, line = line, values = t }
    end
  end

  local chunk, err = load(text, "@" .. name, "t", env)
  if not chunk then
    return nil, { err }
  end
  local ok, rerr = pcall(chunk)
  if not ok then
    return nil, { tostring(rerr) }
  end

  -- The strategy itself.
  local s = d.strategy
  if not s then
    problem(1, "no strategy { institution = ..., period = ..., mission = ..., vision = ... } in the file")
    s = { line = 1, raw = {} }
  end
  local raw = s.raw
  local function text_field(obj, field, line, label, required)
    local v = obj[field]
    if v == nil then
      if required then problem(line, "%s: %s is missing", label, field) end
      return nil
    end
    if type(v) ~= "string" or v:match("^%s*$") then
      problem(line, "%s: %s must be a non-empty string", label, field)
      return nil
    end
    return v
  end
  s.mission = text_field(raw, "mission", s.line, "strategy", true)
  s.vision = text_field(raw, "vision", s.line, "strategy", true)
  s.title = text_field(raw, "title", s.line, "strategy", false)
  local inst = raw.institution
  if type(inst) == "string" and inst ~= "" then
    s.institution = { code = inst }
  elseif type(inst) == "table" then
    s.institution = { code = inst.code, name = inst.name, country = inst.country, city = inst.city }
    if type(inst.name) ~= "string" or inst.name == "" then
      problem(s.line, "strategy: institution.name must be a non-empty string")
    end
    if inst.country ~= nil and (type(inst.country) ~= "string" or not inst.country:match("^%u%u$")) then
      problem(s.line, "strategy: institution.country must be a two-letter code such as BE or EL")
    end
  elseif d.strategy then
    problem(s.line, "strategy: institution is missing (an Erasmus code, or { code = ..., name = ..., country = ... })")
  end
  local period = raw.period
  if type(period) == "table" then
    s.from = M.date(period.from or period[1])
    s.to = M.date(period.to or period[2], true)
    if not s.from or not s.to then
      problem(s.line, "strategy: period needs from and to as 'YYYY-MM' or 'YYYY-MM-DD'")
    elseif s.to < s.from then
      problem(s.line, "strategy: the period ends (%s) before it starts (%s)", s.to, s.from)
    end
  elseif d.strategy then
    problem(s.line, "strategy: period is missing ({ from = '2024-09', to = '2027-08' })")
  end
  s.title = s.title or (s.from and s.to and ("Strategy " .. s.from:sub(1, 4) .. "-" .. s.to:sub(1, 4))) or "Strategy"
  for _, kind in ipairs { "values", "core_skills" } do
    local v = raw[kind]
    s[kind] = {}
    if v ~= nil then
      if type(v) ~= "table" then
        problem(s.line, "strategy: %s must be a list of strings", kind)
      else
        for i, x in ipairs(v) do
          if type(x) ~= "string" then problem(s.line, "strategy: %s[%d] must be a string", kind, i)
          else s[kind][#s[kind] + 1] = x end
        end
      end
    end
  end
  local function in_period(date) return s.from and s.to and date >= s.from and date <= s.to end

  -- Indicators: built-in ones take targets only; custom ones say what they are.
  local function known_indicator(id) return catalog.by_id[id] or d.indicator_ids[id] end
  local function check_values(label, values, line, ptype, out)
    if type(values) ~= "table" then problem(line, "%s must be a table { [period] = value }", label); return end
    for p, v in pairs(values) do
      local lbl, pt, first, last = M.period(p)
      if not lbl then
        problem(line, "%s: '%s' is not a period (2025 for a calendar year, '2024-25' for a school year)", label, tostring(p))
      elseif ptype and pt ~= ptype then
        problem(line, "%s: '%s' is a %s period, but the indicator counts by %s", label, lbl,
                pt == "school" and "school-year" or "calendar-year", ptype == "school" and "school year" or "calendar year")
      elseif type(v) ~= "number" then
        problem(line, "%s: the value for %s must be a number", label, lbl)
      else
        -- Both ends: a period with a bad end has only one (the fuzzer found
        -- the comparison with nil).
        if label:find("target") and s.from and s.to and (last < s.from or first > s.to) then
          problem(line, "%s: %s is outside the strategy period %s to %s", label, lbl, s.from, s.to)
        end
        out[#out + 1] = { period = lbl, value = v }
      end
    end
    table.sort(out, function(a, b) return a.period < b.period end)
  end
  for _, i in ipairs(d.indicators) do
    local t, label = i.raw, "indicator '" .. i.id .. "'"
    local b = catalog.by_id[i.id]
    if b then
      for _, f in ipairs { "name", "unit", "definition", "direction", "period", "numerator", "denominator", "scale", "compute" } do
        if t[f] ~= nil then problem(i.line, "%s is built in: its %s is fixed (give only baseline, targets and measured)", label, f) end
      end
      i.name, i.unit, i.definition, i.direction, i.period_type = b.name, b.unit, b.definition, b.direction, b.period
    else
      i.name = text_field(t, "name", i.line, label, true)
      i.unit = text_field(t, "unit", i.line, label, true)
      i.definition = text_field(t, "definition", i.line, label, false)
      i.direction = t.direction or "higher"
      if not one_of(DIRECTIONS, i.direction) then problem(i.line, "%s: direction must be higher or lower", label) end
      i.period_type = t.period or "calendar"
      if not one_of(PERIOD_TYPES, i.period_type) then problem(i.line, "%s: period must be calendar or school", label) end
      local how = (t.numerator ~= nil and 1 or 0) + (t.compute ~= nil and 1 or 0) + (t.measured ~= nil and 1 or 0)
      if how == 0 then
        problem(i.line, "%s: say how it is measured: numerator (and denominator), compute = function, or measured values", label)
      end
      if t.compute ~= nil and type(t.compute) ~= "function" then problem(i.line, "%s: compute must be a function", label) end
      if t.compute ~= nil and t.numerator ~= nil then problem(i.line, "%s: give numerator or compute, not both", label) end
      if t.denominator ~= nil and t.numerator == nil then problem(i.line, "%s: a denominator needs a numerator", label) end
      for _, part in ipairs { "numerator", "denominator" } do
        local v = t[part]
        if v ~= nil and type(v) ~= "string" and not (type(v) == "table" and type(v.mobility) == "table") then
          problem(i.line, "%s: %s must name a figure or a fact, or be { mobility = { filters } }", label, part)
        end
      end
      if t.scale ~= nil and type(t.scale) ~= "number" then problem(i.line, "%s: scale must be a number", label) end
    end
    i.values = {}
    for _, kind in ipairs { "baseline", "targets", "measured" } do
      if t[kind] ~= nil then
        local out = {}
        check_values(label .. " " .. (kind == "targets" and "target" or kind), t[kind], i.line, i.period_type, out)
        for _, v in ipairs(out) do
          i.values[#i.values + 1] = { kind = kind == "targets" and "target" or kind, period = v.period, value = v.value }
        end
      end
    end
  end
  for _, tg in ipairs(d.targets) do
    local ind = type(tg.id) == "string" and known_indicator(tg.id)
    if not ind then
      problem(tg.line, "target for '%s': no such indicator (neither built in nor defined in this file)", tostring(tg.id))
    else
      local i = d.indicator_ids[tg.id]
      if not i then
        -- A target for a built-in the file does not mention otherwise.
        local b = catalog.by_id[tg.id]
        i = { id = tg.id, line = tg.line, raw = {}, builtin = true, values = {}, name = b.name, unit = b.unit,
              definition = b.definition, direction = b.direction, period_type = b.period }
        d.indicators[#d.indicators + 1] = i
        d.indicator_ids[tg.id] = i
      end
      local out = {}
      check_values("target for '" .. tg.id .. "'", tg.values, tg.line, i.period_type, out)
      for _, v in ipairs(out) do
        i.values[#i.values + 1] = { kind = "target", period = v.period, value = v.value }
      end
    end
  end

  -- Factors.
  for _, f in ipairs(d.factors) do
    local label = "factor '" .. f.id .. "'"
    if not one_of(LEVELS, f.level) then problem(f.line, "%s: level must be one of %s", label, table.concat(LEVELS, ", ")) end
    if not one_of(CATEGORIES, f.category) then problem(f.line, "%s: category must be one of %s", label, table.concat(CATEGORIES, ", ")) end
    f.text = text_field(f, "text", f.line, label, true)
    if f.source ~= nil then f.source = text_field(f, "source", f.line, label, false) end
    if f.trend ~= nil and not one_of(TRENDS, f.trend) then problem(f.line, "%s: trend must be one of %s", label, table.concat(TRENDS, ", ")) end
    if math.type(f.impact) ~= "integer" or f.impact < -3 or f.impact > 3 then
      problem(f.line, "%s: impact must be a whole number from -3 (hinders a lot) to 3 (helps a lot)", label)
    end
    if type(f.likelihood) ~= "number" or f.likelihood < 0 or f.likelihood > 1 then
      problem(f.line, "%s: likelihood must be a number from 0 to 1", label)
    end
  end

  -- Goals: their whys and their indicators.
  if #d.goals > 8 then
    problem(d.goals[9].line, "%d goals: the guide advises five or six, never more than eight", #d.goals)
  end
  for _, g in ipairs(d.goals) do
    local label = "goal '" .. g.id .. "'"
    if type(g.text) ~= "string" or g.text:match("^%s*$") then problem(g.line, "%s: text is missing", label) end
    local w = g.why
    if w == nil then
      problem(g.line, "%s: why is missing (another goal, mission, vision, a factor, or a reason in words)", label)
    elseif type(w) == "string" then
      if w:match("^%s*$") then problem(g.line, "%s: why is empty", label) end
      g.why_kind, g.why_ref = "text", w
    elseif type(w) == "table" and (w.kind == "mission" or w.kind == "vision") then
      g.why_kind = w.kind
    elseif type(w) == "table" and w.kind == "goal" then
      g.why_kind, g.why_ref = "goal", w.id
      if not d.goal_ids[w.id] then
        problem(g.line, "%s: its why names goal '%s', which is not defined", label, w.id)
      elseif w.id == g.id then
        problem(g.line, "%s: its why is itself", label)
      end
    elseif type(w) == "table" and w.kind == "factor" then
      g.why_kind, g.why_ref = "factor", w.id
      if not d.factor_ids[w.id] then problem(g.line, "%s: its why names factor '%s', which is not defined", label, w.id) end
    else
      problem(g.line, "%s: why must be goal \"id\", mission, vision, factor \"id\" or a reason in words", label)
    end
    for _, id in ipairs(g.indicators) do
      if type(id) ~= "string" or not known_indicator(id) then
        problem(g.line, "%s: no indicator '%s' (neither built in nor defined in this file)", label, tostring(id))
      end
    end
  end
  -- A chain of whys that comes back to where it started never reaches a reason.
  local state = {}
  for _, g in ipairs(d.goals) do
    local path, seen, cur = {}, {}, g
    while cur and cur.why_kind == "goal" and not state[cur.id] do
      if seen[cur.id] then
        local cycle, started = {}, false
        for _, id in ipairs(path) do
          if id == cur.id then started = true end
          if started then cycle[#cycle + 1] = id end
        end
        cycle[#cycle + 1] = cur.id
        problem(cur.line, "the whys of goals %s go round in a cycle: none of them reaches a reason", table.concat(cycle, " -> "))
        break
      end
      seen[cur.id] = true
      path[#path + 1] = cur.id
      cur = d.goal_ids[cur.why_ref]
    end
    for id in pairs(seen) do state[id] = true end
  end

  -- Actions.
  for _, a in ipairs(d.actions) do
    local label = "action " .. a.pos
    if type(a.goal) ~= "string" or not d.goal_ids[a.goal] then
      problem(a.line, "%s: goal '%s' is not defined", label, tostring(a.goal))
    end
    a.what = text_field(a, "what", a.line, label, true)
    if a.owner ~= nil then a.owner = text_field(a, "owner", a.line, label, false) end
    a.status = a.status or "planned"
    if not one_of(STATUSES, a.status) then problem(a.line, "%s: status must be one of %s", label, table.concat(STATUSES, ", ")) end
    for _, f in ipairs { "start", "due" } do
      if a[f] ~= nil then
        local date = M.date(a[f], f == "due")
        if not date then
          problem(a.line, "%s: %s '%s' is not a date (YYYY-MM or YYYY-MM-DD)", label, f, tostring(a[f]))
          a[f] = nil
        elseif not in_period(date) then
          if s.from and s.to then problem(a.line, "%s: %s %s is outside the strategy period %s to %s", label, f, date, s.from, s.to) end
          a[f] = date
        else
          a[f] = date
        end
      end
    end
    if a.start and a.due and a.due < a.start then problem(a.line, "%s: due %s is before start %s", label, a.due, a.start) end
    for _, f in ipairs { "budget", "person_days" } do
      if a[f] ~= nil and (type(a[f]) ~= "number" or a[f] < 0) then problem(a.line, "%s: %s must be a number, 0 or more", label, f) end
    end
    if a.indicator ~= nil and (type(a.indicator) ~= "string" or not known_indicator(a.indicator)) then
      problem(a.line, "%s: no indicator '%s' (neither built in nor defined in this file)", label, tostring(a.indicator))
    end
  end

  -- Milestones: dates as a year, a month or a day.
  local function milestone_date(v, last)
    if math.type(v) == "integer" then v = tostring(v) end
    if type(v) == "string" and v:match("^%d%d%d%d$") then return v .. (last and "-12-31" or "-01-01") end
    return M.date(v, last)
  end
  for i, m in ipairs(d.milestones) do
    local label = "milestone " .. i
    if not one_of(MILESTONE_KINDS, m.kind) then
      problem(m.line, "%s: kind must be one of %s", label, table.concat(MILESTONE_KINDS, ", "))
    end
    m.title = text_field(m, "title", m.line, label, true)
    m.start = milestone_date(m.from, false)
    if not m.start then problem(m.line, "%s: from '%s' is not a date (2019, 2019-09 or 2019-09-01)", label, tostring(m.from)) end
    if m.to ~= nil then
      m["until"] = milestone_date(m.to, true)
      if not m["until"] then problem(m.line, "%s: to '%s' is not a date", label, tostring(m.to))
      elseif m.start and m["until"] < m.start then problem(m.line, "%s: to %s is before from %s", label, m["until"], m.start) end
    end
    for _, f in ipairs { "reference", "role", "partners" } do
      if m[f] ~= nil then m[f] = text_field(m, f, m.line, label, false) end
    end
    if m.funding ~= nil and (type(m.funding) ~= "number" or m.funding < 0) then
      problem(m.line, "%s: funding must be a number of euros, 0 or more", label)
    end
  end

  -- What goals need (checked against the staff survey by vista run skills).
  for _, g in ipairs(d.goals) do
    if g.needs ~= nil then
      if type(g.needs) ~= "table" then
        problem(g.line, "goal '%s': needs must be a table { languages = {...}, leads = {...} }", g.id)
      else
        for k, v in pairs(g.needs) do
          if k ~= "languages" and k ~= "leads" then
            problem(g.line, "goal '%s': needs has languages and leads, not '%s'", g.id, tostring(k))
          elseif type(v) ~= "table" then
            problem(g.line, "goal '%s': needs.%s must be a list", g.id, k)
          end
        end
      end
    end
  end

  -- Facts.
  for _, f in ipairs(d.facts) do
    local lbl = M.period(f.period)
    if not lbl then
      problem(f.line, "facts: '%s' is not a period (2025 or '2024-25')", tostring(f.period))
    else
      f.period = lbl
      for k, v in pairs(f.values) do
        if type(k) ~= "string" or not catalog.fact_names[k] then
          local names = {}
          for _, x in ipairs(catalog.facts) do names[#names + 1] = x.name end
          problem(f.line, "facts %s: unknown fact '%s' (known: %s)", lbl, tostring(k), table.concat(names, ", "))
        elseif type(v) ~= "number" or v < 0 then
          problem(f.line, "facts %s: %s must be a number, 0 or more", lbl, k)
        end
      end
    end
  end

  -- References made but never defined (goal "x" alone, outside a why).
  for _, r in ipairs(refs) do
    if not r.defined and r.kind == "indicator" then
      problem(r.line, "indicator '%s' is mentioned but has no { ... }", r.id)
    end
  end

  if #problems > 0 then
    table.sort(problems, function(a, b) return a.line < b.line end)
    local out = {}
    for i, p in ipairs(problems) do out[i] = string.format("%s:%d: %s", name, p.line, p.text) end
    return nil, out
  end
  d.goal_ids, d.factor_ids = nil, nil
  return d
end

return M
