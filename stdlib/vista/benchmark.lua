--- vista.benchmark: where each institution stands among its peers, for any
--- indicator (built-in or custom) and any period.
---
---   vista.benchmark.run{ indicator = "female_share", periods = {"2023"},
---                        group = "country", k = 5, publish = false } -> result
---   vista.benchmark.trend(result) -> one row per institution across periods
---   vista.benchmark.figures{...}  (C) every institution's figures by period
---
--- The figures come from one SQL pass in C, small cells already suppressed
--- there (core/benchmark.c); this file divides, groups and ranks one row per
--- institution.
local _, M = ...
local period_of = require("vista.strategy_file").period

--- Measures that are figures themselves (besides the indicators).
M.measures = {
  participants = { unit = "participants", name = "Participants sent (all profiles)" },
  learners = { unit = "learners", name = "Learners sent" },
  staff = { unit = "staff", name = "Staff mobilities sent" },
  incoming_learners = { unit = "learners", name = "Learners received" },
  mean_age = { unit = "years", name = "Mean age of learners sent", mean = { "age_sum", "age_n" } },
  mean_duration = { unit = "days", name = "Mean duration of learner mobilities", mean = { "duration_sum", "duration_n" } },
}

--- The peer groups by name; a function of the row works as well.
M.groups = {
  all = function() return "all" end,
  country = function(r) return r.country or "unknown" end,
  na = function(r) return r.na or "unknown" end,
  key_action = function(r) return r.key_action or "unknown" end,
  size = function(r) return r.size_band end,
}
M.size_bands = { "1-19", "20-49", "50-99", "100-249", "250+" }

local function measure_def(id)
  local m = M.measures[id]
  if not m then return nil end
  local def = { id = id, name = m.name, unit = m.unit, direction = "higher", builtin = false, measure = true }
  if m.mean then
    def.compute = function(f)
      local s, n = f[m.mean[1]], f[m.mean[2]]
      if s == nil or n == nil then return nil end
      if n == 0 then return "no data" end
      return s / n, s, n
    end
  else
    def.compute = function(f) return f[id], f[id] end
  end
  return def
end

local function definition(id, strategy)
  local def = vista.indicator.definition(id, strategy) or measure_def(id)
  if def then return def end
  local ids = {}
  for _, d in ipairs(vista.indicator.list(strategy)) do ids[#ids + 1] = d.id end
  for k in pairs(M.measures) do ids[#ids + 1] = k end
  table.sort(ids)
  error("vista.benchmark: no indicator '" .. tostring(id) .. "' (one of: " .. table.concat(ids, ", ") .. ")", 3)
end

--- The quantile p of sorted values (linear between closest ranks: R's
--- and numpy's default, "type 7").
function M.quantile(sorted, p)
  local n = #sorted
  if n == 0 then return nil end
  local h = (n - 1) * p + 1
  local lo = math.floor(h)
  local hi = lo < n and lo + 1 or n
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo])
end

local function round2(x)
  if x == nil then return nil end
  local r = math.floor(x * 100 + 0.5) / 100
  return math.tointeger(r) or r
end
M.round2 = round2

-- The value of def for one row of figures: value, numerator, denominator,
-- status. A figure that was suppressed, read by the indicator, suppresses
-- the value; so does a ratio of fewer than 23 when the row is protected
-- (published, or another's in a scoped session; the data owner's own
-- figures are exact).
local function value_of(def, row, protect, k)
  local hidden = {}
  for _, c in ipairs(row.suppressed or {}) do hidden[c] = true end
  local touched = false
  local f = setmetatable({}, { __index = function(_, key)
    if hidden[key] then touched = true; return nil end
    return row[key]
  end })
  local ok, value, num, den, status = pcall(vista.indicator.evaluate, def, f)
  if not ok then error(value, 0) end
  if touched then return nil, nil, nil, "suppressed" end
  if value ~= nil and protect then
    if den ~= nil and type(den) == "number" and den < 23 and not def.measure then
      return nil, nil, nil, "suppressed"
    end
    if def.measure and def.unit ~= "years" and def.unit ~= "days" and value > 0 and value < k then
      return nil, nil, nil, "suppressed"
    end
  end
  if value == nil then return nil, num, den, status or "no data" end
  return value, num, den, "ok"
end

local function group_function(spec)
  if spec == nil then return M.groups.all, "all" end
  if type(spec) == "function" then return spec, "custom" end
  local g = M.groups[spec]
  if not g then error("vista.benchmark: group must be all, country, na, key_action, size or a function", 3) end
  return g, spec
end

-- Fact sums of a group's members for the pooled value: a fact counts only
-- when every member has it.
local function pool_facts(total, members)
  local names = {}
  for _, d in ipairs(require("vista.indicator_catalog").facts) do names[#names + 1] = d.name end
  for _, name in ipairs(names) do
    local sum, all = 0, true
    for _, r in ipairs(members) do
      if r[name] == nil then all = false; break end
      sum = sum + r[name]
    end
    if all and #members > 0 then total[name] = sum end
  end
end

--- vista.benchmark.run{ indicator = id, periods = {...} | period = p,
---   group = "all" | "country" | "na" | "key_action" | "size" | function(row),
---   k = 5, publish = false, strategy = s } -> {
---   indicator = definition, period_type = ..., periods = {...},
---   rows = one per institution and period: institution, code, name, group,
---     period, value, numerator, denominator, status, rank, ranked (n),
---     percentile, q1, median, q3, distance, own,
---   groups = one per group and period: group, period, institutions,
---     ranked, suppressed, q1, median, q3, min, max, pooled value }
--- Every institution with outgoing mobility in the period is listed;
--- those whose value is suppressed or missing are not ranked.
function M.run(opts)
  opts = opts or {}
  local def = definition(opts.indicator or "learners", opts.strategy)
  local periods = opts.periods or (opts.period and { opts.period }) or nil
  local ptype = def.period or "calendar"
  if periods then
    local kinds = {}
    for i, p in ipairs(periods) do
      local lbl, pt = period_of(p)
      if not lbl then error("vista.benchmark: '" .. tostring(p) .. "' is not a period (2024 or 2024-25)", 2) end
      periods[i] = lbl
      kinds[pt] = true
      ptype = pt
    end
    if kinds.calendar and kinds.school then error("vista.benchmark: periods must be all calendar years or all school years", 2) end
  end
  local k = opts.k or 5
  local groupf, group_name = group_function(opts.group)
  local rows = M.figures { period = ptype, periods = periods, k = k, publish = opts.publish }
  if not periods then
    -- The latest period with records.
    local last
    for _, r in ipairs(rows) do if not last or r.period > last then last = r.period end end
    if not last then error("vista.benchmark: no mobility records to compare (vista import mobility FILE)", 2) end
    periods = { last }
    local keep = {}
    for _, r in ipairs(rows) do if r.period == last then keep[#keep + 1] = r end end
    rows = keep
  end
  local groups_by_inst, labels = {}, {}
  for _, r in ipairs(rows) do
    local g = groupf(r)
    g = g == nil and "none" or tostring(g)
    r.group = g
    groups_by_inst[r.institution] = g
    labels[g] = true
  end
  -- The totals, suppressed in C against the members' hidden cells; a
  -- built-in group is made in C (a scoped session may total no other).
  local totals = {}
  if type(opts.group) ~= "function" then
    totals = select(2, M.figures { period = ptype, periods = periods, k = k, publish = opts.publish,
                                   group_by = group_name })
  elseif not vista.scope then
    totals = select(2, M.figures { period = ptype, periods = periods, k = k, publish = opts.publish,
                                   groups = groups_by_inst })
  end
  local scope = vista.scope
  local out, by_gp = {}, {}
  for _, r in ipairs(rows) do
    local protect = opts.publish or (scope ~= nil and r.institution ~= scope)
    local value, num, den, status = value_of(def, r, protect, k)
    local row = { institution = r.institution, code = r.code, name = r.name, country = r.country,
                  group = r.group, period = r.period, value = value, numerator = num, denominator = den,
                  status = status, own = r.own, size_band = r.size_band, key_action = r.key_action, na = r.na }
    out[#out + 1] = row
    local key = r.group .. "\0" .. r.period
    by_gp[key] = by_gp[key] or { group = r.group, period = r.period, rows = {}, members = {} }
    table.insert(by_gp[key].rows, row)
    table.insert(by_gp[key].members, r)
  end
  local sign = def.direction == "lower" and -1 or 1
  local summary = {}
  for _, t in ipairs(totals) do
    local g = by_gp[t.group .. "\0" .. t.period]
    if g then g.total = t end
  end
  local keys = {}
  for key in pairs(by_gp) do keys[#keys + 1] = key end
  table.sort(keys)
  for _, key in ipairs(keys) do
    local g = by_gp[key]
    local ranked, suppressed = {}, 0
    for _, row in ipairs(g.rows) do
      if row.value ~= nil then ranked[#ranked + 1] = row end
      if row.status == "suppressed" then suppressed = suppressed + 1 end
    end
    table.sort(ranked, function(a, b)
      if a.value ~= b.value then return a.value * sign > b.value * sign end
      return (a.code or a.name or "") < (b.code or b.name or "")
    end)
    local values = {}
    for i, row in ipairs(ranked) do values[i] = row.value end
    table.sort(values)
    local n = #ranked
    local q1, med, q3 = M.quantile(values, 0.25), M.quantile(values, 0.5), M.quantile(values, 0.75)
    for i, row in ipairs(ranked) do
      -- Competition ranking: ties share the best rank.
      row.rank = (i > 1 and ranked[i - 1].value == row.value) and ranked[i - 1].rank or i
      local worse = 0
      for _, other in ipairs(ranked) do
        if other.value * sign < row.value * sign then worse = worse + 1 end
      end
      row.percentile = n > 1 and round2(100 * worse / (n - 1)) or 100
      row.ranked = n
      row.distance = round2(row.value - med)
      row.q1, row.median, row.q3 = round2(q1), round2(med), round2(q3)
    end
    for _, row in ipairs(g.rows) do row.value = round2(row.value) end
    local pooled, pooled_status = nil, not g.total and "no totals for a custom group in a scoped session" or nil
    if g.total then
      pool_facts(g.total, g.members)
      g.total.period, g.total.institution = g.period, nil
      local v, _, _, st = value_of(def, g.total, opts.publish or scope ~= nil, k)
      pooled, pooled_status = round2(v), st
    end
    summary[#summary + 1] = {
      group = g.group, period = g.period, institutions = #g.rows, ranked = n, suppressed = suppressed,
      min = round2(values[1]), q1 = round2(q1), median = round2(med), q3 = round2(q3),
      max = round2(values[#values]), pooled = pooled, pooled_status = pooled_status,
    }
  end
  table.sort(out, function(a, b)
    if a.period ~= b.period then return a.period < b.period end
    if a.group ~= b.group then return a.group < b.group end
    if (a.rank ~= nil) ~= (b.rank ~= nil) then return a.rank ~= nil end
    if a.rank and a.rank ~= b.rank then return a.rank < b.rank end
    return (a.code or a.name or "") < (b.code or b.name or "")
  end)
  return { indicator = def, group = group_name, period_type = ptype, periods = periods, k = k,
           publish = opts.publish and true or false, rows = out, groups = summary }
end

--- vista.benchmark.trend(result) -> one row per institution over the
--- result's periods: first and last period with a value, the values, the
--- change, the rank and percentile then and now, and whether it moved up
--- or down in its group (by percentile, as groups change size).
function M.trend(result)
  local by = {}
  local order = {}
  for _, r in ipairs(result.rows) do
    local t = by[r.institution]
    if not t then
      t = { institution = r.institution, code = r.code, name = r.name, group = r.group, own = r.own, values = {} }
      by[r.institution] = t
      order[#order + 1] = t
    end
    t.values[r.period] = r.value
    if r.value ~= nil then
      if not t.first or r.period < t.first then
        t.first, t.first_value, t.first_rank, t.first_percentile = r.period, r.value, r.rank, r.percentile
      end
      if not t.last or r.period > t.last then
        t.last, t.last_value, t.last_rank, t.last_percentile = r.period, r.value, r.rank, r.percentile
        t.group = r.group
      end
    end
  end
  for _, t in ipairs(order) do
    if t.first and t.last ~= t.first then
      t.change = round2(t.last_value - t.first_value)
      local d = t.last_percentile - t.first_percentile
      t.movement = d > 0 and "up" or d < 0 and "down" or "same"
    end
  end
  table.sort(order, function(a, b)
    if (a.last_percentile ~= nil) ~= (b.last_percentile ~= nil) then return a.last_percentile ~= nil end
    if a.last_percentile and a.last_percentile ~= b.last_percentile then return a.last_percentile > b.last_percentile end
    return (a.code or a.name or "") < (b.code or b.name or "")
  end)
  return order
end

return M
