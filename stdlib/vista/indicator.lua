--- vista.indicator: the built-in indicators and custom ones, computed per
--- institution and period (what they count: docs/definitions.md). The
--- figures they are made of come from one SQL pass each (core/indicator.c);
--- this file only divides.
---
---   vista.indicator.list([strategy]) -> the definitions
---   vista.indicator.define{ id = ..., name = ..., unit = ..., numerator = ...,
---                           denominator = ..., scale = 100 | compute = function(f) ... end }
---   vista.indicator.compute{ institution = ..., ids = {...}, periods = {...} } -> results
local _, M = ...
local catalog = require "vista.indicator_catalog"
local strategy_file = require "vista.strategy_file"
local pdca = require "vista.pdca"

local defined = {}   -- this session's own definitions, by id
local defined_order = {}

local function round2(x)
  if x == nil then return nil end
  local r = math.floor(x * 100 + 0.5) / 100
  return math.tointeger(r) or r
end

-- The built-ins: each gets the figures f of one institution and period and
-- returns numerator, denominator, scale and what goes beside the value
-- (extra): coverage = { known, all } of the attribute a share is over
-- (C8: a share is of the participants whose value is recorded), persons =
-- true where it counts distinct learners, and figures reported apart.
local builtin = {}
local function share(num, den, scale, extra)
  return function(f)
    return f[num], f[den], scale, extra and extra(f) or nil
  end
end
builtin.eu_ivet_mobility_rate = share("ivet_10d", "graduates", 100, function(f)
  return { coverage = { f.vet_10d_level_known, f.vet_10d, "education level" }, persons = true }
end)
builtin.gi_student_exchange_rate = share("learners_15d", "learners_enrolled", 100,
  function() return { persons = true } end)
builtin.fewer_opps_share = share("fewer", "fewer_known", 100, function(f)
  return { coverage = { f.fewer_known, f.learners, "fewer opportunities" }, persons = true }
end)
builtin.female_share = share("female", "gender_known", 100, function(f)
  return { coverage = { f.gender_known, f.learners, "gender" }, persons = true,
           apart = { gender_undefined = f.gender_other } }
end)
builtin.long_term_share = share("long_term", "learner_mobilities", 100)
builtin.staff_exchanges_5d = function(f) return f.staff_5d end
builtin.staff_exchange_rate_fte = share("staff_5d", "staff_fte", 100)
builtin.external_funding_share = share("external_funding", "budget", 100)
builtin.skills_competition_rate = share("competition_learners", "graduates", 100)
builtin.iah_programmes = function(f) return f.iah_programmes, f.programmes, "count" end
builtin.recognition_rate = share("recognised", "completed", 100, function(f)
  return { coverage = { f.recognition_known, f.completed, "recognition" } }
end)
builtin.incoming_outgoing_ratio = share("incoming_learners", "learner_mobilities", 1)
builtin.destination_diversity = function(f)
  return f.destinations, nil, nil, { apart = { concentration = f.concentration } }
end
builtin.partner_activity_rate = share("active_partners", "partners_in_agreement", 100, function(f)
  return { apart = { active_without_agreement = f.active_without_agreement } }
end)
builtin.member_participation_rate = share("active_members", "members", 100, function(f)
  return { apart = { learners_per_active_member = f.learners_per_active_member },
           unmatched = f.members_missing }
end)

-- Where each figure comes from, for "denominator missing" messages.
local fact_figure = {}
for _, x in ipairs(catalog.facts) do fact_figure[x.name] = true end

local function check_def(d, level)
  local function bad(msg) error("vista.indicator.define: " .. msg, level + 1) end
  if type(d) ~= "table" then bad("needs a table { id = ..., name = ..., unit = ... }") end
  if not strategy_file.is_id(d.id) then bad("id must be a name of letters, digits, '_' and '-'") end
  if catalog.by_id[d.id] then bad("'" .. d.id .. "' is a built-in indicator") end
  if type(d.name) ~= "string" then bad("name must be a string") end
  if type(d.unit) ~= "string" then bad("unit must be a string") end
  if d.direction ~= nil and d.direction ~= "higher" and d.direction ~= "lower" and d.direction ~= "band" then
    bad("direction must be higher, lower or band")
  end
  if d.period ~= nil and d.period ~= "calendar" and d.period ~= "school" then bad("period must be calendar or school") end
  if (d.compute == nil) == (d.numerator == nil) then bad("give numerator (and denominator) or compute = function(f) ... end") end
  if d.compute ~= nil and type(d.compute) ~= "function" then bad("compute must be a function") end
end

local function custom(def)
  return {
    id = def.id, name = def.name, unit = def.unit, definition = def.definition or "",
    direction = def.direction or "higher", period = def.period or "calendar",
    builtin = false, numerator = def.numerator, denominator = def.denominator,
    scale = def.scale, compute = def.compute,
  }
end

--- vista.indicator.define{...}: a custom indicator for this session; it
--- then behaves exactly like a built-in in compute, pdca and the scripts.
function M.define(def)
  check_def(def, 2)
  if not defined[def.id] then defined_order[#defined_order + 1] = def.id end
  defined[def.id] = custom(def)
  return defined[def.id]
end

--- The custom indicators a stored strategy defines, read again from its
--- text (numerators, denominators and functions are not SQL data).
local function strategy_customs(s)
  if not s or not s.source then return {} end
  local d, problems = strategy_file.read(s.source, s.source_path)
  if not d then error("the stored strategy no longer reads: " .. problems[1], 3) end
  local out = {}
  for _, i in ipairs(d.indicators) do
    if not i.builtin then
      local t = i.raw
      out[#out + 1] = custom { id = i.id, name = i.name, unit = i.unit, definition = i.definition,
        direction = i.direction, period = i.period_type, numerator = t.numerator,
        denominator = t.denominator, scale = t.scale, compute = t.compute }
      out[#out].measured_only = t.numerator == nil and t.compute == nil
    end
  end
  return out
end

--- vista.indicator.list([strategy]) -> every definition: the fifteen
--- built-ins, then the strategy's custom ones, then this session's.
function M.list(strategy)
  local out = {}
  for _, b in ipairs(catalog.list) do
    out[#out + 1] = { id = b.id, name = b.name, unit = b.unit, definition = b.definition,
                      direction = b.direction, period = b.period, periods = b.periods, builtin = true,
                      special = b.special, unknowns = b.unknowns, counts = b.counts }
  end
  for _, c in ipairs(strategy_customs(strategy)) do out[#out + 1] = c end
  for _, id in ipairs(defined_order) do out[#out + 1] = defined[id] end
  return out
end

-- Figures of one institution, by period type then period label: the
-- terms' (what custom indicators name), then the built-ins' own from the
-- records (vista.indicator.records), which take their place.
local function gather(inst, ptype, as_of, recent_graduates)
  local by = {}
  local function row(period)
    local r = by[period]
    if not r then
      r = { period = period }
      by[period] = r
    end
    return r
  end
  local opts = { period = ptype, institution = inst }
  for _, r in ipairs(M.base(opts)) do
    local x = row(r.period)
    for k, v in pairs(r) do if k ~= "institution" and k ~= "period" then x[k] = v end end
  end
  for _, r in ipairs(M.incoming(opts)) do
    row(r.period).incoming_learners = r.learners
    row(r.period).incoming_staff = r.staff
  end
  local month = tonumber(as_of:sub(1, 4)) * 100 + tonumber(as_of:sub(6, 7))
  for _, r in ipairs(M.records { period = ptype, institution = inst, as_of = month,
                                 recent_graduates = recent_graduates }) do
    local x = row(r.period)
    for k, v in pairs(r) do if k ~= "period" then x[k] = v end end
  end
  -- Destinations: the receiving countries of the learners sent.
  local dest = {}
  for _, r in ipairs(M.learner_destinations(opts)) do
    local d = dest[r.period] or { total = 0, list = {} }
    dest[r.period] = d
    d.total = d.total + r.learners
    d.list[#d.list + 1] = r
  end
  for period, d in pairs(dest) do
    local c = 0
    for _, r in ipairs(d.list) do c = c + (r.learners / d.total) ^ 2 end
    row(period).concentration = c
    row(period).destinations = #d.list
  end
  for _, x in pairs(by) do
    if not dest[x.period] then x.destinations = 0 end
    x.active_partner_ids = {}
  end
  for _, r in ipairs(M.active_partners(opts)) do
    local ids = row(r.period).active_partner_ids or {}
    row(r.period).active_partner_ids = ids
    ids[#ids + 1] = r.partner
    row(r.period).active_partners = #ids
  end
  return by
end

local function facts_of(inst)
  local by = {}
  for _, r in ipairs(M.facts(inst)) do
    by[r.period] = by[r.period] or {}
    by[r.period][r.name] = r.value
  end
  return by
end

local function period_range(label)
  local _, ptype, first, last = strategy_file.period(label)
  return ptype, first, last
end

-- Partners with an agreement in effect during the period (compared by
-- month: an agreement to 2024-01 is in effect in 2024), and of those
-- active in it (ids), the ones with and without an agreement. nil when
-- the institution has no partner on record.
local function partner_figures(inst, label, active_ids)
  local _, first, last = period_range(label)
  local any = vista.sql("SELECT count(*) AS n FROM partner WHERE institution_id = ?", inst)[1].n
  if any == 0 then return nil, 0, nil end -- no partner on record: the denominator is missing
  local in_agreement, n = {}, 0
  for _, r in ipairs(vista.sql([[SELECT DISTINCT p.id FROM partner p JOIN agreement a ON a.partner_id = p.id
      WHERE p.institution_id = ? AND substr(coalesce(a.valid_from, '0000'), 1, 7) <= ?
        AND substr(coalesce(a.valid_to, '9999'), 1, 7) >= ?]], inst, last:sub(1, 7), first:sub(1, 7))) do
    in_agreement[r.id] = true
    n = n + 1
  end
  local active, without = 0, 0
  for _, id in ipairs(active_ids or {}) do
    if in_agreement[id] then active = active + 1 else without = without + 1 end
  end
  return n, active, without
end

-- Consortium members (ids found, and how many listed) and, in the school
-- year label, those that sent a learner and their learners.
local function member_figures(members, label)
  local _, first, last = period_range(label)
  local from = tonumber(first:sub(1, 4)) * 100 + tonumber(first:sub(6, 7))
  local to = tonumber(last:sub(1, 4)) * 100 + tonumber(last:sub(6, 7))
  local active, learners = 0, 0
  for _, r in ipairs(M.member_activity { members = members.ids, from = from, to = to }) do
    active = active + 1
    learners = learners + r.learners
  end
  return members.count, active, active > 0 and learners / active or nil
end

local function resolve_institution(inst)
  if math.type(inst) == "integer" then return inst end
  if type(inst) == "string" then
    local r, why = vista.org.find(inst)
    if r then return r.id end
    error("vista.indicator.compute: " .. why, 3)
  end
  error("vista.indicator.compute: no institution " .. tostring(inst), 3)
end

local MISSING = "denominator missing"

--- Coverage (known ÷ all, %) below which a share is flagged low.
M.coverage_threshold = 80

-- The records' figures a benchmark row (terms) stands in for.
local term_figure = { gender_known = "learners", fewer_known = "learners", learner_mobilities = "learners",
                      completed = "recognition_known" }

-- Built-ins made of facts alone: they need no mobility records.
local facts_only = { external_funding_share = true, skills_competition_rate = true, iah_programmes = true }

-- Evaluates definition def for figures f: a result row.
local function evaluate(def, f, ctx, threshold)
  local num, den, scale, value, status, note, extra
  if def.builtin then
    num, den, scale, extra = builtin[def.id](f)
    if def.id == "iah_programmes" then
      value = num
      if num == nil then status = "not recorded (no iah_programmes fact for " .. f.period .. ")" end
      if num and den and den > 0 then note = string.format("%s%% of %s programmes", round2(num / den * 100), round2(den)) end
      return value, num, den, status, note
    end
  elseif def.compute then
    local a, b, c = def.compute(ctx)
    if type(a) == "string" then return nil, nil, nil, a end
    if a == nil and type(b) == "string" then return nil, nil, nil, b end
    value, num, den = a, b, c
    if value ~= nil and type(value) ~= "number" then
      error("indicator '" .. def.id .. "': compute returned a " .. type(value) .. ", not a number", 0)
    end
    return value, num, den, value == nil and "not recorded" or nil
  else
    local function part(spec)
      if spec == nil then return nil, true end
      if type(spec) == "string" then return ctx.figure(spec), true end
      return ctx.mobility(spec.mobility), true
    end
    num = part(def.numerator)
    if def.denominator ~= nil then den = part(def.denominator) end
    scale = def.scale or (def.denominator ~= nil and 100 or 1)
  end
  -- Beside the value: coverage, what was counted, figures reported apart.
  local out, notes = {}, {}
  if extra then
    for k, v in pairs(extra.apart or {}) do out[k] = round2(v) end
    if extra.persons then
      local without, all = f.learners_without_person, f.learner_mobilities
      if without and all and all > 0 then
        if without == 0 then out.counted = "persons"
        elseif without == all then
          out.counted = "participations"
          notes[#notes + 1] = "participations counted (no person id)"
        else
          out.counted = "persons and participations"
          notes[#notes + 1] = without .. " participations without a person id, each counted as one person"
        end
      end
    end
    if out.gender_undefined and out.gender_undefined > 0 then
      notes[#notes + 1] = out.gender_undefined .. " with gender undefined or other"
    end
    if out.active_without_agreement and out.active_without_agreement > 0 then
      notes[#notes + 1] = out.active_without_agreement .. " active without agreement"
    end
    if out.concentration then notes[#notes + 1] = "concentration " .. out.concentration end
    if out.learners_per_active_member then
      notes[#notes + 1] = out.learners_per_active_member .. " learners per active member"
    end
    if extra.unmatched and #extra.unmatched > 0 then
      out.members_not_found = extra.unmatched
      notes[#notes + 1] = #extra.unmatched .. " listed member(s) with no records (counted, sent nobody): " ..
                          table.concat(extra.unmatched, ", ")
    end
    local c = extra.coverage
    if c and c[1] and c[2] and c[2] > 0 then
      out.coverage = round2(c[1] / c[2] * 100)
      if c[1] == 0 then
        return nil, num, den, "not recorded (" .. c[3] .. " not recorded)", table.concat(notes, "; "), out
      end
      if out.coverage < threshold then
        out.low_coverage = true
        notes[#notes + 1] = string.format("low coverage: %s known for %s%%", c[3], out.coverage)
      end
    end
  end
  note = #notes > 0 and table.concat(notes, "; ") or nil
  local needs_den = def.builtin and catalog.by_id[def.id].denominator or (not def.builtin and def.denominator ~= nil)
  if num == nil then
    return nil, nil, den, "not recorded", note, out
  end
  if not needs_den then
    return num, num, nil, nil, note, out
  end
  if den == nil then
    local what = def.builtin and (catalog.by_id[def.id].denominator_fact or catalog.by_id[def.id].denominator)
                 or tostring(def.denominator)
    return nil, num, nil, MISSING .. " (" .. what .. " for " .. f.period .. ")", note, out
  end
  if den == 0 then
    return nil, num, den, num == 0 and "not recorded (0 of 0)" or "not recorded (denominator is 0)", note, out
  end
  value = num / den * (scale or 1)
  return value, num, den, nil, note, out
end

--- vista.indicator.definition(id [, strategy]) -> the definition of an
--- indicator: built-in, the strategy's custom ones, or this session's.
function M.definition(id, strategy)
  for _, d in ipairs(M.list(strategy)) do
    if d.id == id then return d end
  end
  return nil
end

--- vista.indicator.evaluate(def, f) -> value, numerator, denominator,
--- status, note: an indicator of figures already gathered (one row of
--- vista.benchmark.figures with the facts beside it); runs no query. A
--- custom indicator's compute function sees ctx.figure, ctx.fact and
--- ctx.value; ctx.mobility, which would query the records, is refused.
function M.evaluate(def, f)
  local cache = {}
  local ctx
  ctx = setmetatable({
    period = f.period, institution = f.institution, figures = f,
    figure = function(name) return f[name] end,
    fact = function(name) return f[name] end,
    value = function(id)
      if cache[id] == nil then
        local d = M.definition(id)
        cache[id] = false
        cache[id] = d and M.evaluate(d, f) or false
      end
      return cache[id] or nil
    end,
    mobility = function()
      error("indicator '" .. def.id .. "': ctx.mobility{} queries one institution's records; " ..
            "a benchmark computes from figures (f.learners, f.female, ...): rewrite it with those", 0)
    end,
  }, { __index = f })
  if def.measured_only then return nil, nil, nil, "not recorded (entered by hand: not benchmarked)" end
  -- The benchmark's figures are the terms': where they hold no
  -- known-count, its shares are over all learners sent
  -- (docs/definitions.md, Known limitations).
  local g = setmetatable({}, { __index = function(_, k)
    local v = f[k]
    if v == nil and term_figure[k] then v = f[term_figure[k]] end
    return v
  end })
  return evaluate(def, g, ctx, M.coverage_threshold)
end

--- vista.indicator.compute{ institution = id or Erasmus code, ids = {...},
--- periods = {...}, strategy = s, as_of = 'YYYY-MM-DD' } -> one result per
--- indicator and period: indicator, name, period, value (two decimals),
--- numerator, denominator, unit, provisional (the period had not ended on
--- as_of, default today), status, note. The status is judged against the
--- strategy's targets (vista.pdca): reached, missed, on track, behind,
--- "no baseline: V of T", no target, provisional; without a value,
--- "denominator missing (...)" or "not recorded (...)". Without strategy,
--- the institution's stored strategy, if any, gives the custom indicators
--- and targets. Periods default to those with mobility, facts or targets.
--- Options: members = {...} or members_file = path (the consortium's
--- member list, for member_participation_rate), recent_graduates = true
--- (counts them in gi_student_exchange_rate), coverage_threshold = 80.
--- An indicator that may be counted by calendar or school year
--- (incoming_outgoing_ratio) is computed for both, unless the strategy
--- chooses one.
function M.compute(opts)
  opts = opts or {}
  local inst = resolve_institution(opts.institution)
  local as_of = opts.as_of or os.date("!%Y-%m-%d")
  if opts.strategy == nil then
    local ok, s = pcall(vista.strategy.get, inst)
    if ok then opts = setmetatable({ strategy = s }, { __index = opts }) end
  end
  local defs = M.list(opts.strategy)
  if opts.ids then
    local want, out = {}, {}
    for _, id in ipairs(opts.ids) do want[id] = true end
    for _, d in ipairs(defs) do if want[d.id] then out[#out + 1] = d; want[d.id] = nil end end
    local missing = next(want)
    if missing then error("vista.indicator.compute: no indicator '" .. missing .. "'", 2) end
    defs = out
  end
  local facts = facts_of(inst)
  local figures = { calendar = gather(inst, "calendar", as_of, opts.recent_graduates),
                    school = gather(inst, "school", as_of, opts.recent_graduates) }
  local threshold = opts.coverage_threshold or M.coverage_threshold
  local members
  if opts.members or opts.members_file then
    if vista.scope then
      error("member_participation_rate: a scoped session cannot choose a member list " ..
            "(vista run consortium --project REF gives its project's consortium)", 0)
    end
    local list = opts.members
    if not list then
      local ok, rows = pcall(vista.consortium.read_members, opts.members_file)
      if not ok then error((tostring(rows):gsub("^[^:]*%.lua:%d+: ", "")), 0) end
      list = rows
    end
    local ids, _, unmatched = vista.consortium.resolve_members(list)
    -- A listed member with no records sent nobody: still a member. The
    -- resolver says which and why; the indicator names them.
    local missing = {}
    for i, m in ipairs(unmatched) do missing[i] = m.member end
    members = { ids = ids, count = #ids + #missing, missing = missing }
  end
  local last_figures = {}
  for ptype, by in pairs(figures) do
    for p in pairs(by) do
      if not last_figures[ptype] or p > last_figures[ptype] then last_figures[ptype] = p end
    end
  end
  local strategy_values = {}
  if opts.strategy then
    for _, i in ipairs(opts.strategy.indicators) do strategy_values[i.id] = i end
  end
  local out = {}
  local cache = {}
  local compute_one
  local function context(def, period)
    local _, ptype = strategy_file.period(period)
    local f = setmetatable({ period = period }, { __index = figures[ptype][period] or {} })
    for k, v in pairs(facts[period] or {}) do f[k] = v end
    -- Mobility figures absent for the period are 0; facts absent are nil.
    for _, k in ipairs { "learners", "learners_10d", "learners_15d", "ivet_10d", "fewer", "special",
                         "female", "male", "long_term", "recognised", "recognition_known", "staff_5d",
                         "staff", "destinations", "incoming_learners", "incoming_staff", "active_partners",
                         "learner_mobilities", "learners_without_person", "gender_other", "gender_known",
                         "fewer_known", "vet_10d", "vet_10d_level_known", "completed" } do
      if f[k] == nil then f[k] = 0 end
    end
    if def.id == "partner_activity_rate" then
      f.partners_in_agreement, f.active_partners, f.active_without_agreement =
        partner_figures(inst, period, f.active_partner_ids)
    end
    if def.id == "member_participation_rate" then
      if members then
        f.members, f.active_members, f.learners_per_active_member = member_figures(members, period)
        f.members_missing = members.missing
      else
        f.active_members = 0 -- no list: its denominator is missing
      end
    end
    local ctx = {
      period = period, institution = inst, figures = f,
      figure = function(name) return f[name] end,
      fact = function(name) return (facts[period] or {})[name] end,
      value = function(id) local r = compute_one(id, period); return r and r.value end,
      mobility = function(filters)
        local q = { institution = inst, by = ptype == "school" and "start_month" or "year" }
        for k, v in pairs(filters or {}) do q[k] = v end
        local total = 0
        for _, r in ipairs(vista.mobility.figures(q)) do
          local key = ptype == "school" and r.start_month or r.year
          if key then
            local lbl = ptype == "school"
              and string.format("%d-%02d", key // 100 - (key % 100 < 9 and 1 or 0), (key // 100 - (key % 100 < 9 and 1 or 0) + 1) % 100)
              or tostring(key)
            if lbl == period then total = total + r.participants end
          end
        end
        return total
      end,
    }
    setmetatable(ctx, { __index = f })
    return f, ctx
  end
  local by_id = {}
  for _, d in ipairs(M.list(opts.strategy)) do by_id[d.id] = d end
  compute_one = function(id, period)
    local key = id .. "@" .. period
    if cache[key] ~= nil then return cache[key] or nil end
    local def = by_id[id]
    if not def then error("no indicator '" .. tostring(id) .. "'", 0) end
    cache[key] = false -- a definition that asks for itself gets nil
    local r = { indicator = id, name = def.name, period = period, unit = def.unit, builtin = def.builtin }
    local ptype = select(2, strategy_file.period(period))
    local sv = strategy_values[id]
    if def.measured_only or (sv and sv.measured[period] ~= nil and not def.builtin and not def.compute and not def.numerator) then
      local v = sv and sv.measured[period]
      r.value, r.status, r.source = round2(v), v == nil and "not recorded" or nil, "entered"
    elseif not (figures[ptype][period] or facts[period])
        or (not facts_only[def.id] and period > (last_figures[ptype] or "")) then
      -- After the last period with mobility records, zero is not a count.
      r.status, r.source = "not recorded", "computed"
    else
      local f, ctx = context(def, period)
      local value, num, den, status, note, extra = evaluate(def, f, ctx, threshold)
      r.value, r.numerator, r.denominator = round2(value), num, den
      r.status, r.note, r.source = status, note, "computed"
      for k, v in pairs(extra or {}) do r[k] = v end
    end
    r.provisional = pdca.provisional(period, as_of)
    if r.value ~= nil then
      r.status = pdca.judge_value(pdca.spec(opts.strategy, id, def), period, r.value, as_of)
    end
    cache[key] = r
    return r
  end
  for _, def in ipairs(defs) do
    -- The kinds of period it is counted by: its own, or those it allows
    -- (the strategy may choose one).
    local kinds = {}
    local sv = strategy_values[def.id]
    if sv and sv.period_type and sv.period_type ~= def.period then
      kinds[sv.period_type] = true
    else
      for _, k in ipairs(def.periods or { def.period }) do kinds[k] = true end
    end
    local periods = opts.periods
    if not periods then
      local seen = {}
      periods = {}
      local function add(p)
        local lbl, pt = strategy_file.period(p)
        if lbl and kinds[pt] and not seen[lbl] then seen[lbl] = true; periods[#periods + 1] = lbl end
      end
      for kind in pairs(kinds) do
        for p in pairs(figures[kind]) do add(p) end
      end
      for p in pairs(facts) do add(p) end
      local sv = strategy_values[def.id]
      if sv then
        for _, kind in ipairs { "baseline", "targets", "measured" } do
          for p in pairs(sv[kind]) do add(p) end
        end
      end
      table.sort(periods)
    end
    for _, p in ipairs(periods) do
      local lbl, pt = strategy_file.period(p)
      if lbl and kinds[pt] then out[#out + 1] = compute_one(def.id, lbl) end
    end
  end
  out.columns = { "indicator", "period", "value", "unit", "numerator", "denominator", "status", "note" }
  out.as_of = as_of
  return out
end

return M
