--- vista.strategy_file: reads and checks a strategy written as a Lua data
--- file. `vista import strategy FILE.lua` stores what read() returns; the
--- indicator module reads the stored text again for custom indicators'
--- numerators, denominators and functions, and vista.strategy.get for
--- directions and target bands. The one entry point is
--- read(text, name) -> declarations (with their warnings) | nil, problems.
---
---   strategy { institution = ..., period = { from = "2024-09", to = "2027-08" },
---              mission = ..., vision = ..., values = {...}, core_skills = {...} }
---   factor "id" { level = ..., category = ..., text = ..., impact = ..., likelihood = ...,
---                 theme = "guidance" | ... (one of M.themes) }
---   goal "id" { text = ..., why = goal "other" | mission | vision | factor "id" | "text",
---               indicators = { "id", ... } }
---   action { goal = "id", what = ..., owner = ..., start = ..., due = ..., ... }
---   indicator "id" { targets = { ["2025-26"] = 6 }, direction = "higher" | "lower" | "band", ... }
---     (a band indicator's target may be { low, high })
---   target "id" { [2025] = 10 }
---   facts "2024-25" { learners_enrolled = 1180, staff_fte = 96.5 }
---   milestone { kind = "accreditation", title = ..., from = "2021-03", to = ...,
---               reference = ..., role = ..., partners = ..., funding = ...,
---               country = "FI", partner = "Stadin ammattiopisto" }
local catalog = require "vista.indicator_catalog"

local M = {}

local LEVELS = { "institutional", "regional", "national", "sectoral", "european", "global" }
local CATEGORIES = { "political", "economic", "social", "technological", "legal", "environmental" }
local TRENDS = { "rising", "stable", "falling" }
local STATUSES = { "planned", "started", "done", "dropped" }
local DIRECTIONS = { "higher", "lower", "band" }
local PERIOD_TYPES = { "calendar", "school" }
local MILESTONE_KINDS = { "project", "accreditation", "charter", "partnership", "network",
                          "competition", "strategy", "milestone" }
M.milestone_kinds = MILESTONE_KINDS

--- The themes an operating-environment scan should cover (the Cedefop
--- Mobility Scoreboard areas and EQAVET indicator 9):
--- the ten key action areas of Cedefop's Mobility Scoreboard for initial
--- VET, by their names there, and labour-market needs (EQAVET indicator 9).
--- Ids are stable: they are stored with the factors.
M.themes = {
  { id = "guidance", name = "Information and guidance on opportunities" },
  { id = "motivation", name = "Motivating learners for mobility" },
  { id = "preparation", name = "Preparing learners for mobility" },
  { id = "obstacles", name = "Removing obstacles to mobility" },
  { id = "portability", name = "Portability of grants and loans" },
  { id = "quality", name = "Ensuring mobility quality" },
  { id = "recognition", name = "Recognition of learning outcomes" },
  { id = "disadvantaged", name = "Support to disadvantaged learners" },
  { id = "funding", name = "Partnerships and funding" },
  { id = "multipliers", name = "Involving multipliers" },
  { id = "labour_market", name = "Labour-market needs (EQAVET indicator 9)" },
}
M.theme_by_id = {}
for _, th in ipairs(M.themes) do M.theme_by_id[th.id] = th end
-- Words people write for a theme that the Scoreboard files under another.
local THEME_WORDS = {
  languages = "preparation", language = "preparation", information = "guidance",
  partnerships = "funding", partnership = "funding", inclusion = "disadvantaged",
  labour = "labour_market", labor_market = "labour_market", employers = "labour_market",
}
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

--- An id: a letter or '_', then letters, digits, '_' and '-'. Letters are
--- Unicode letters (`mobilité`, `internationalisering`, `εξωστρέφεια`), so
--- the id is read as UTF-8; a code point counts as a letter unless it lies
--- in a block of punctuation, symbols, spaces or controls. (A full Unicode
--- letter table is not worth its size here: the blocks below are what a
--- hand-written id can slip in by mistake.)
local NOT_LETTERS = {
  { 0x80, 0xBF }, { 0xD7, 0xD7 }, { 0xF7, 0xF7 }, { 0x2000, 0x2BFF },
  { 0x3000, 0x303F }, { 0xD800, 0xF8FF }, { 0xFE10, 0xFE6F }, { 0xFF00, 0xFF20 },
  { 0xFFF0, 0xFFFF }, { 0x1F000, 0x10FFFF },
}
local function is_letter(c)
  if c < 0x80 then return (c >= 65 and c <= 90) or (c >= 97 and c <= 122) end
  for _, r in ipairs(NOT_LETTERS) do if c >= r[1] and c <= r[2] then return false end end
  return true
end
function M.is_id(id)
  if type(id) ~= "string" or id == "" or not utf8.len(id) then return false end
  local first = true
  for _, c in utf8.codes(id) do
    local ok = is_letter(c) or c == 95 or (not first and ((c >= 48 and c <= 57) or c == 45))
    if not ok then return false end
    first = false
  end
  return true
end

--- The name in names nearest to name (edit distance at most 2, and less
--- than half its length), for "did you mean": nil when none is close.
function M.nearest(name, names)
  if type(name) ~= "string" then return nil end
  local a = {}
  for _, c in utf8.codes(utf8.len(name) and name or "") do a[#a + 1] = c end
  if #a == 0 then return nil end
  local best, best_d
  for _, cand in ipairs(names) do
    local b = {}
    if utf8.len(cand) then for _, c in utf8.codes(cand) do b[#b + 1] = c end end
    local prev = {}
    for j = 0, #b do prev[j] = j end
    for i = 1, #a do
      local cur = { [0] = i }
      for j = 1, #b do
        cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i] == b[j] and 0 or 1))
      end
      prev = cur
    end
    local dist = prev[#b]
    if dist > 0 and dist <= 2 and dist * 2 < #a and (not best_d or dist < best_d) then
      best, best_d = cand, dist
    end
  end
  return best
end

-- " (did you mean 'x'?)" or "".
local function did_you_mean(name, names)
  local near = M.nearest(name, names)
  return near and (" (did you mean '" .. near .. "'?)") or ""
end
M.did_you_mean = did_you_mean

--- A country as an Erasmus+ code: 'fi' or 'FI' gives 'FI', 'GR' gives
--- 'EL' (the code the data writes); a country's English name, or any word
--- that is not a code, gives nil and a message (with the code when the
--- name is known). Checked against the database's country table when a
--- database is open; otherwise only the form is checked.
function M.country(v)
  local sql = type(vista) == "table" and vista.sql
  if type(v) ~= "string" then
    -- An unquoted FI reads as a marker table whose tostring is the word.
    return nil, string.format("country %s must be a quoted code such as \"FI\" or \"DE\"", tostring(v))
  end
  if v:match("^%a%a$") then
    local code = v:upper()
    if not sql then return code end
    local r = sql("SELECT code FROM country WHERE code = ?1 OR iso = ?1", code)[1]
    if r then return r.code end
  elseif sql then
    local r = sql("SELECT code FROM country WHERE lower(name) = lower(?)", v)[1]
    if r then return nil, string.format("country '%s' is not a code (did you mean '%s'?)", v, r.code) end
  end
  return nil, string.format("country '%s' is not an Erasmus+ country code such as FI or DE", v)
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
                partners = true, funding = true, country = true, partner = true },
  action = { goal = true, what = true, owner = true, start = true, due = true,
             budget = true, person_days = true, status = true, indicator = true },
  factor = { level = true, category = true, text = true, source = true, trend = true,
             impact = true, likelihood = true, theme = true },
  indicator = { name = true, unit = true, definition = true, direction = true,
                period = true, baseline = true, targets = true, measured = true,
                numerator = true, denominator = true, scale = true, compute = true },
}

-- A word the file uses but the strategy file does not know (an id written
-- without quotes, `goal languages { ... }`, or a misspelt `visoin`) reads as
-- this marker, so the checker can say what to write instead of Lua's
-- "attempt to call a nil value".
local UNQUOTED = {}
local function unquoted(v) return type(v) == "table" and rawget(v, UNQUOTED) or nil end
local function is_table(v) return type(v) == "table" and not rawget(v, UNQUOTED) end

--- Reads a strategy file's text. Returns the declarations, or nil and the
--- list of problems, each "name:line: message", in file order. What is
--- allowed but probably not meant is in the declarations' `warnings`, each
--- "name:line: warning: message".
function M.read(text, name)
  local problems, warnings = {}, {}
  local function problem(line, msg, ...)
    problems[#problems + 1] = { line = line, text = string.format(msg, ...) }
  end
  local function warning(line, msg, ...)
    warnings[#warnings + 1] = { line = line, text = string.format(msg, ...) }
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
      local bare = unquoted(id)
      if bare then
        error(string.format("%s %s: an id is quoted: write %s \"%s\"", kind, bare, kind, bare), 2)
      end
      if not M.is_id(id) then
        error(string.format("%s needs an id of letters, digits, '_' and '-', not %s",
                            kind, type(id) == "string" and ("'" .. id .. "'") or type(id)), 2)
      end
      local r = ref(kind, id, line)
      return setmetatable(r, { __call = function(_, t)
        if not is_table(t) then error(kind .. " '" .. id .. "' needs a table { ... }", 2) end
        r.defined = true
        store(id, t, line_at())
      end })
    end
  end

  -- While the file runs, using an unknown word as a table (`vista.sql`)
  -- stops it; the checks after it read such a word as nothing.
  local running = true
  local unquoted_mt = {
    __call = function(self) return self end,
    __index = function(self)
      if running then error(string.format("'%s' is not a word of a strategy file", rawget(self, UNQUOTED)), 2) end
      return nil
    end,
    __tostring = function(self) return rawget(self, UNQUOTED) end,
    -- Read as a table after the run, it is an empty one.
    __pairs = function() return next, {}, nil end,
  }
  setmetatable(env, { __index = function(_, word)
    return setmetatable({ [UNQUOTED] = word }, unquoted_mt)
  end })
  env.mission = { kind = "mission" }
  env.vision = { kind = "vision" }

  env.strategy = function(t)
    local line = line_at()
    if not is_table(t) then error("strategy needs a table { ... }", 2) end
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
    if type(inds) == "string" or unquoted(inds) then inds = { inds } end
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
                source = t.source, trend = t.trend, impact = t.impact, likelihood = t.likelihood,
                theme = t.theme }
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
      if not is_table(t) then error("target '" .. tostring(id) .. "' needs a table { [period] = value }", 2) end
      d.targets[#d.targets + 1] = { id = id, line = line, values = t }
    end
  end

  env.action = function(t)
    local line = line_at()
    if not is_table(t) then error("action needs a table { ... }", 2) end
    check_fields("action", t, line, "action")
    local a = { line = line, pos = #d.actions + 1 }
    for k in pairs(FIELDS.action) do a[k] = t[k] end
    d.actions[#d.actions + 1] = a
  end

  env.milestone = function(t)
    local line = line_at()
    if not is_table(t) then error("milestone needs a table { kind = ..., title = ..., from = ... }", 2) end
    check_fields("milestone", t, line, "milestone")
    local m = { line = line }
    for k in pairs(FIELDS.milestone) do m[k] = t[k] end
    d.milestones[#d.milestones + 1] = m
  end

  env.facts = function(period)
    local line = line_at()
    return function(t)
      if not is_table(t) then error("facts '" .. tostring(period) .. "' needs a table { name = value }", 2) end
      d.facts[#d.facts + 1] = { period = period, line = line, values = t }
    end
  end

  local chunk, err = load(text, "@" .. name, "t", env)
  if not chunk then
    -- `goal languages { ... }` is a syntax error to Lua: say what was meant.
    local at = tonumber(err:match(":(%d+): syntax error near"))
    local line, n = nil, 0
    for l in (text .. "\n"):gmatch("([^\n]*)\n") do
      n = n + 1
      if n == at then line = l; break end
    end
    local kind, id = (line or ""):match("^%s*(%a+)%s+([^%s\"'{(]+)%s*{")
    if kind and (kind == "goal" or kind == "factor" or kind == "indicator" or kind == "target") then
      err = string.format("%s (an id is quoted: write %s \"%s\" { ... })", err, kind, id)
    end
    return nil, { err }
  end
  local ok, rerr = pcall(chunk)
  running = false
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
  local function indicator_names()
    local names = {}
    for _, b in ipairs(catalog.list) do names[#names + 1] = b.id end
    for _, i in ipairs(d.indicators) do names[#names + 1] = i.id end
    return names
  end
  -- A value is a number; a target of a band indicator may be { low, high }.
  local function check_values(label, values, line, ptype, out, bands)
    if not is_table(values) then problem(line, "%s must be a table { [period] = value }", label); return end
    for p, v in pairs(values) do
      local lbl, pt, first, last = M.period(p)
      if not lbl then
        problem(line, "%s: '%s' is not a period (2025 for a calendar year, '2024-25' for a school year)", label, tostring(p))
      elseif ptype and pt ~= ptype then
        problem(line, "%s: '%s' is a %s period, but the indicator counts by %s", label, lbl,
                pt == "school" and "school-year" or "calendar-year", ptype == "school" and "school year" or "calendar year")
      elseif bands and type(v) == "table" and type(v[1]) == "number" and type(v[2]) == "number" and v[3] == nil then
        if v[1] > v[2] then problem(line, "%s: the band for %s runs from its low to its high end, not %s to %s", label, lbl, v[1], v[2])
        else out[#out + 1] = { period = lbl, value = (v[1] + v[2]) / 2, band = { v[1], v[2] } } end
      elseif type(v) ~= "number" then
        problem(line, "%s: the value for %s must be a number%s", label, lbl,
                bands and " or a band { low, high }" or "")
      else
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
        if t[f] ~= nil and not (f == "period" and b.periods) then
          problem(i.line, "%s is built in: its %s is fixed (give only baseline, targets and measured)", label, f)
        end
      end
      i.name, i.unit, i.definition, i.direction, i.period_type = b.name, b.unit, b.definition, b.direction, b.period
      -- One it allows to be counted by either kind of period: the strategy chooses.
      if b.periods and t.period ~= nil then
        if one_of(b.periods, t.period) then i.period_type = t.period
        else problem(i.line, "%s: period must be %s", label, table.concat(b.periods, " or ")) end
      end
    else
      i.name = text_field(t, "name", i.line, label, true)
      i.unit = text_field(t, "unit", i.line, label, true)
      i.definition = text_field(t, "definition", i.line, label, false)
      i.direction = t.direction or "higher"
      if not one_of(DIRECTIONS, i.direction) then problem(i.line, "%s: direction must be higher, lower or band", label) end
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
    i.values, i.bands = {}, {}
    for _, kind in ipairs { "baseline", "targets", "measured" } do
      if t[kind] ~= nil then
        local out = {}
        check_values(label .. " " .. (kind == "targets" and "target" or kind), t[kind], i.line, i.period_type, out,
                     kind == "targets" and i.direction == "band")
        for _, v in ipairs(out) do
          i.values[#i.values + 1] = { kind = kind == "targets" and "target" or kind, period = v.period, value = v.value }
          if v.band then i.bands[v.period] = v.band end
        end
      end
    end
  end
  for _, tg in ipairs(d.targets) do
    local ind = type(tg.id) == "string" and known_indicator(tg.id)
    if not ind then
      problem(tg.line, "target for '%s': no such indicator (neither built in nor defined in this file)%s", tostring(tg.id),
              did_you_mean(tg.id, indicator_names()))
    else
      local i = d.indicator_ids[tg.id]
      if not i then
        -- A target for a built-in the file does not mention otherwise.
        local b = catalog.by_id[tg.id]
        i = { id = tg.id, line = tg.line, raw = {}, builtin = true, values = {}, bands = {}, name = b.name, unit = b.unit,
              definition = b.definition, direction = b.direction, period_type = b.period }
        d.indicators[#d.indicators + 1] = i
        d.indicator_ids[tg.id] = i
      end
      local out = {}
      check_values("target for '" .. tg.id .. "'", tg.values, tg.line, i.period_type, out, i.direction == "band")
      for _, v in ipairs(out) do
        i.values[#i.values + 1] = { kind = "target", period = v.period, value = v.value }
        if v.band then i.bands[v.period] = v.band end
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
    if unquoted(f.theme) and M.theme_by_id[unquoted(f.theme)] then
      problem(f.line, "%s: theme %s is not quoted: write theme = \"%s\"", label, unquoted(f.theme), unquoted(f.theme))
    elseif f.theme ~= nil and not M.theme_by_id[f.theme] then
      local word = unquoted(f.theme) or f.theme
      local ids = {}
      for _, th in ipairs(M.themes) do ids[#ids + 1] = th.id end
      local hint = type(word) == "string" and THEME_WORDS[word:lower()]
      hint = hint and (" (the Mobility Scoreboard files it under '" .. hint .. "')")
        or did_you_mean(type(word) == "string" and word:lower() or word, ids)
      problem(f.line, "%s: theme '%s' is not a theme%s; themes: %s", label, tostring(word), hint, table.concat(ids, ", "))
    end
  end

  -- Goals: their whys and their indicators.
  local goal_names, factor_names = {}, {}
  for _, g in ipairs(d.goals) do goal_names[#goal_names + 1] = g.id end
  for _, f in ipairs(d.factors) do factor_names[#factor_names + 1] = f.id end
  -- A why in words that is a goal's id or text is that goal, not a reason.
  local function norm(x) return (x:lower():gsub("[%s%p]+", " "):gsub("^ ", ""):gsub(" $", "")) end
  local goal_by_words = {}
  for _, g in ipairs(d.goals) do
    goal_by_words[norm(g.id)] = goal_by_words[norm(g.id)] or g
    if type(g.text) == "string" then goal_by_words[norm(g.text)] = goal_by_words[norm(g.text)] or g end
  end
  for _, g in ipairs(d.goals) do
    local label = "goal '" .. g.id .. "'"
    if type(g.text) ~= "string" or g.text:match("^%s*$") then problem(g.line, "%s: text is missing", label) end
    local w = g.why
    if w == nil then
      problem(g.line, "%s: why is missing (another goal, mission, vision, a factor, or a reason in words)", label)
    elseif type(w) == "string" then
      g.why_kind, g.why_ref = "text", w
      local other = goal_by_words[norm(w)]
      if w:match("^%s*$") then
        problem(g.line, "%s: why is empty", label)
      elseif norm(w) == "vision" or norm(w) == "mission" then
        warning(g.line, "%s: why = \"%s\" is the word, not a link to the %s: write why = %s (unquoted)",
                label, w, norm(w), norm(w))
      elseif other then
        problem(g.line, "%s: its why \"%s\" is itself a goal ('%s'): ask why again (to link the two, write why = goal \"%s\")",
                label, w, other.id, other.id)
      end
    elseif type(w) == "table" and (w.kind == "mission" or w.kind == "vision") then
      g.why_kind = w.kind
    elseif type(w) == "table" and w.kind == "goal" then
      g.why_kind, g.why_ref = "goal", w.id
      if not d.goal_ids[w.id] then
        problem(g.line, "%s: its why names goal '%s', which is not defined%s", label, w.id, did_you_mean(w.id, goal_names))
      elseif w.id == g.id then
        problem(g.line, "%s: its why is itself", label)
      end
    elseif type(w) == "table" and w.kind == "factor" then
      g.why_kind, g.why_ref = "factor", w.id
      if not d.factor_ids[w.id] then
        problem(g.line, "%s: its why names factor '%s', which is not defined%s", label, w.id, did_you_mean(w.id, factor_names))
      end
    elseif unquoted(w) then
      problem(g.line, "%s: why = %s: no such word%s", label, unquoted(w),
              did_you_mean(unquoted(w), { "mission", "vision" }))
    else
      problem(g.line, "%s: why must be goal \"id\", mission, vision, factor \"id\" or a reason in words", label)
    end
    for _, id in ipairs(g.indicators) do
      if unquoted(id) then
        problem(g.line, "%s: indicator %s is not quoted: write \"%s\"", label, unquoted(id), unquoted(id))
      elseif type(id) ~= "string" or not known_indicator(id) then
        problem(g.line, "%s: no indicator '%s' (neither built in nor defined in this file)%s", label, tostring(id),
                did_you_mean(id, indicator_names()))
      end
    end
  end
  -- A chain of whys that comes back to where it started never reaches a
  -- reason: each cycle is reported once (a goal whose why is itself, above),
  -- and every goal whose chain runs into a cycle is named.
  local fate = {} -- goal id -> the cycle its chain ends in, or false
  for _, g in ipairs(d.goals) do
    local path, at, cur = {}, {}, g
    local cycle
    while cur and cur.why_kind == "goal" and fate[cur.id] == nil do
      if at[cur.id] then
        cycle = {}
        for k = at[cur.id], #path do cycle[#cycle + 1] = path[k] end
        cycle[#cycle + 1] = cur.id
        if #cycle > 2 then
          problem(cur.line, "the whys of goals %s go round in a cycle: none of them reaches a reason", table.concat(cycle, " -> "))
        end
        for k = at[cur.id], #path do fate[path[k]] = cycle end
        path[at[cur.id]] = nil
        for k = at[cur.id] + 1, #path do path[k] = nil end
        break
      end
      at[cur.id] = #path + 1
      path[#path + 1] = cur.id
      cur = d.goal_ids[cur.why_ref]
    end
    if not cycle then cycle = cur and fate[cur.id] or false end
    for _, id in ipairs(path) do
      if fate[id] == nil then
        fate[id] = cycle
        if cycle then
          problem(d.goal_ids[id].line, "goal '%s': its whys lead into the cycle %s, so they never reach a reason",
                  id, table.concat(cycle, " -> "))
        end
      end
    end
  end
  -- The guide's count advice is about strategic goals: those whose why is
  -- no longer another goal. The goals that serve them belong in the plan.
  local strategic = {}
  for _, g in ipairs(d.goals) do
    if g.why_kind and g.why_kind ~= "goal" then strategic[#strategic + 1] = g end
  end
  if #strategic > 8 then
    problem(strategic[9].line, "%d strategic goals (whose why is not another goal): the guide advises five or six, never more than eight; let some serve others (why = goal \"id\")",
            #strategic)
  end

  -- Actions.
  for _, a in ipairs(d.actions) do
    local label = "action " .. a.pos
    if type(a.goal) ~= "string" or not d.goal_ids[a.goal] then
      problem(a.line, "%s: goal '%s' is not defined%s", label, tostring(a.goal), did_you_mean(a.goal, goal_names))
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
      problem(a.line, "%s: no indicator '%s' (neither built in nor defined in this file)%s", label, tostring(a.indicator),
              did_you_mean(a.indicator, indicator_names()))
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
    if m.partner ~= nil then m.partner = text_field(m, "partner", m.line, label, false) end
    if m.country ~= nil then
      local code, why = M.country(m.country)
      if not code then problem(m.line, "%s: %s", label, why) end
      m.country = code
    end
  end

  -- What goals need (checked against the staff survey by vista run skills).
  for _, g in ipairs(d.goals) do
    if g.needs ~= nil then
      if not is_table(g.needs) then
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

  -- Text is text: a string with a control character (other than tab and
  -- line ends) or bytes that are not UTF-8 came from an escape such as
  -- "\0", never from what the file meant to say.
  -- A declaration keeps what the file gave (raw) beside what was read
  -- from it: a value is named, and reported, once.
  local seen, said = {}, {}
  local function check_text(t, line, where)
    if seen[t] then return end
    seen[t] = true
    line = math.type(t.line) == "integer" and t.line or line
    for k, v in pairs(t) do
      local at = k == "raw" and where or where .. "." .. tostring(k)
      local why
      if type(v) == "string" then
        local c = v:find("[%z\1-\8\11\12\14-\31\127]")
        if c then
          why = string.format("%s holds a control character (0x%02X): not text", at, v:byte(c))
        elseif not utf8.len(v) then
          why = at .. " is not valid UTF-8"
        end
      end
      if why and not said[line .. why] then
        said[line .. why] = true
        problem(line, "%s", why)
      elseif type(v) == "table" then
        check_text(v, line, type(v.id) == "string" and v.id or at)
      end
    end
  end
  for k, v in pairs(d) do
    if type(v) == "table" then check_text(v, 1, k) end
  end

  if #problems > 0 then
    table.sort(problems, function(a, b) return a.line < b.line end)
    local out = {}
    for i, p in ipairs(problems) do out[i] = string.format("%s:%d: %s", name, p.line, p.text) end
    return nil, out
  end
  d.goal_ids, d.factor_ids = nil, nil
  -- The database's direction column predates bands: a band is stored as
  -- NULL (and a band target as its middle), and vista.strategy.get reads
  -- the band again from the stored text.
  for _, i in ipairs(d.indicators) do
    if i.direction ~= "band" then i.stored_direction = i.direction end
  end
  d.warnings = {}
  for i, w in ipairs(warnings) do d.warnings[i] = string.format("%s:%d: warning: %s", name, w.line, w.text) end
  return d
end

return M
