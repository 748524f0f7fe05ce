--- vista.pdca: the Check step of the Deming circle. For each goal, its
--- indicators against their targets over the periods, the trend, and the
--- actions to act on (overdue, not started, without an owner or an
--- indicator) — ready for the Act step.
---
--- One set of status words, in every format: reached, on track, behind,
--- missed, provisional, no target, "no baseline: V of T", denominator
--- missing (...), not recorded. A period that has not ended on the as-of
--- date is provisional: its value is shown but not judged (mobility is
--- seasonal, so a pro-rata share of a year's target would call a school
--- "behind" every autumn); the judgements use ended periods only.
---
---   vista.pdca.judge_value(spec, period, value, series, as_of) -> status
---   vista.pdca.judge_target(spec, period, series, as_of [, status]) -> status, value
---   vista.pdca.analyse(strategy, results, as_of) -> checks, actions
---   vista.pdca.report(strategy, results, as_of) -> sections
local M = {}
local sf = require "vista.strategy_file"

M.STATUSES = { "reached", "on track", "behind", "missed", "provisional", "no target",
               "no baseline", "denominator missing", "not recorded" }

-- A period's position on a time line: its first day as a number of months.
local function months(period)
  local _, _, first = sf.period(period)
  return tonumber(first:sub(1, 4)) * 12 + tonumber(first:sub(6, 7))
end

--- Whether period p is still in progress (or yet to come) on date as_of.
function M.provisional(period, as_of)
  local _, _, _, last = sf.period(period)
  return last ~= nil and as_of ~= nil and last >= as_of
end

-- A target as a band { low, high }: a number is a band of one value.
local function band(target)
  if type(target) == "table" then return target[1], target[2] end
  return target, target
end

-- How far value v is from target, in the indicator's direction: 0 when the
-- target is met. Higher: how much below; lower: how much above; band: how
-- far outside.
local EPS = 1e-9
local function gap(v, target, direction)
  local lo, hi = band(target)
  if direction == "lower" then return math.max(0, v - hi) end
  if direction == "band" then
    if v < lo then return lo - v end
    if v > hi then return v - hi end
    return 0
  end
  return math.max(0, lo - v)
end

--- A target written for people: 12, or 45-55 for a band.
function M.target_text(target)
  if type(target) == "table" then return string.format("%s-%s", target[1], target[2]) end
  return target
end

-- Where the straight line from the baseline to the target stands at
-- period p: the value expected then. For a band, the line runs from the
-- baseline to the band's nearest edge (a baseline inside the band stays).
local function expected(spec, target, tperiod, p)
  local b = spec.baseline
  local lo, hi = band(target)
  local goal = spec.direction == "lower" and hi or lo
  if spec.direction == "band" then
    goal = b.value < lo and lo or (b.value > hi and hi or b.value)
  end
  local span = months(tperiod) - months(b.period)
  if span <= 0 then return goal end
  return b.value + (goal - b.value) * (months(p) - months(b.period)) / span
end

-- The first target after period p, and its period.
local function next_target(spec, p)
  local best
  for tp in pairs(spec.targets or {}) do
    if tp > p and (not best or tp < best) then best = tp end
  end
  return best, best and spec.targets[best]
end

local function num(x)
  if type(x) ~= "number" then return tostring(x) end
  local r = math.floor(x * 100 + 0.5) / 100
  return tostring(math.tointeger(r) or r)
end

--- The status of value (of an ended period p) on the way to the next target:
--- "on track" or "behind" against the straight line from the baseline;
--- on the line by definition in the baseline period; "no baseline: V of T"
--- without a baseline; "no target" when no target lies ahead.
local function on_the_way(spec, p, value)
  local tp, target = next_target(spec, p)
  if not tp then return "no target" end
  local b = spec.baseline
  if not b then return string.format("no baseline: %s of %s", num(value), num(M.target_text(target))) end
  if p < b.period then return "no target" end
  if p == b.period then return "on track" end
  local e = expected(spec, target, tp, p)
  if spec.direction == "band" then
    return gap(value, target, "band") <= gap(e, target, "band") + EPS and "on track" or "behind"
  end
  return gap(value, e, spec.direction) <= EPS and "on track" or "behind"
end

--- The status of one indicator's value in period p. spec: { direction =
--- "higher" | "lower" | "band", targets = { [period] = number or
--- {low, high} }, baseline = { period = ..., value = ... } or nil }.
function M.judge_value(spec, period, value, as_of)
  if value == nil then return "not recorded" end
  if M.provisional(period, as_of) then return "provisional" end
  local target = spec.targets and spec.targets[period]
  if target ~= nil then return gap(value, target, spec.direction) <= EPS and "reached" or "missed" end
  return on_the_way(spec, period, value)
end

--- The status of the target of period p, given the indicator's values by
--- period (series) and the statuses of periods without a value (why):
--- reached or missed once the period has ended; provisional while it runs
--- and has a value; else the latest ended value against the straight line.
function M.judge_target(spec, period, series, as_of, why)
  local v = series[period]
  if not M.provisional(period, as_of) then
    if v == nil then return why or "not recorded", nil end
    return M.judge_value(spec, period, v, as_of), v
  end
  -- While the period runs, its value is provisional; without one yet, the
  -- way there is judged as for a period to come.
  if v ~= nil then return "provisional", v end
  local latest
  for p in pairs(series) do
    if p < period and not M.provisional(p, as_of) and (not latest or p > latest) then latest = p end
  end
  if not latest or (spec.baseline and latest < spec.baseline.period) then return "not recorded", nil end
  local target = spec.targets[period]
  local b = spec.baseline
  if not b then return string.format("no baseline: %s of %s", num(series[latest]), num(M.target_text(target))), nil end
  if latest == b.period then return "on track", nil end
  local e = expected(spec, target, period, latest)
  local x = series[latest]
  if spec.direction == "band" then
    return (gap(x, target, "band") <= gap(e, target, "band") + EPS) and "on track" or "behind", nil
  end
  return gap(x, e, spec.direction) <= EPS and "on track" or "behind", nil
end

-- The last two ended periods' values: up or down, and whether that is
-- better in the indicator's direction (for a band: closer to it).
local function trend(values, spec)
  local ps = {}
  for p in pairs(values) do ps[#ps + 1] = p end
  table.sort(ps)
  if #ps < 2 then return nil end
  local a, b = values[ps[#ps - 1]], values[ps[#ps]]
  if b == a then return "flat" end
  local up = b > a
  local better
  if spec.direction == "band" then
    local _, t = next_target(spec, "")
    if t == nil then return up and "up" or "down" end
    local ga, gb = gap(a, t, "band"), gap(b, t, "band")
    if ga == gb then return up and "up" or "down" end
    better = gb < ga
  else
    better = (spec.direction == "lower") ~= up
  end
  return (up and "up" or "down") .. (better and " (better)" or " (worse)")
end

--- The judging spec of an indicator of strategy s (nil when s has no such
--- indicator): direction, targets (bands as { low, high }) and baseline.
function M.spec(s, id, def)
  local i
  for _, x in ipairs(s and s.indicators or {}) do if x.id == id then i = x end end
  local spec = { direction = (i and i.direction) or (def and def.direction) or "higher", targets = {} }
  if not i then return spec end
  for p, v in pairs(i.targets or {}) do spec.targets[p] = (i.bands or {})[p] or v end
  for p, v in pairs(i.baseline or {}) do
    if not spec.baseline or p > spec.baseline.period then spec.baseline = { period = p, value = v } end
  end
  return spec
end

--- results: vista.indicator.compute's rows for the strategy's institution.
function M.analyse(s, results, as_of)
  local values, ended, why, prov = {}, {}, {}, {}
  for _, r in ipairs(results) do
    local id = r.indicator
    values[id], ended[id], why[id] = values[id] or {}, ended[id] or {}, why[id] or {}
    if r.value ~= nil then
      values[id][r.period] = r.value
      if not M.provisional(r.period, as_of) then ended[id][r.period] = r.value end
    elseif r.status and r.status ~= "not recorded" then
      why[id][r.period] = r.status
    end
    prov[id .. "@" .. r.period] = M.provisional(r.period, as_of)
  end
  local dirs = {}
  for _, d in ipairs(vista.indicator.list(s)) do dirs[d.id] = d end
  local checks = {}
  for _, g in ipairs(s.goals) do
    for _, id in ipairs(g.indicators) do
      local def = dirs[id] or {}
      local spec = M.spec(s, id, def)
      local vals = values[id] or {}
      local tps = {}
      for p in pairs(spec.targets) do tps[#tps + 1] = p end
      table.sort(tps)
      local tr = trend(ended[id] or {}, spec)
      local base = spec.baseline and spec.baseline.value
      if #tps == 0 then
        local latest
        for p in pairs(vals) do if not latest or p > latest then latest = p end end
        checks[#checks + 1] = { goal = g.id, indicator = id, period = latest, value = latest and vals[latest],
                                provisional = latest and M.provisional(latest, as_of) or false,
                                status = "no target", trend = tr, unit = def.unit, direction = spec.direction,
                                baseline = base }
      end
      for _, p in ipairs(tps) do
        local status, v = M.judge_target(spec, p, vals, as_of, (why[id] or {})[p])
        checks[#checks + 1] = { goal = g.id, indicator = id, period = p, target = M.target_text(spec.targets[p]),
                                value = v, provisional = M.provisional(p, as_of), status = status, trend = tr,
                                unit = def.unit, direction = spec.direction, baseline = base }
      end
    end
  end
  local actions = {}
  for _, a in ipairs(s.actions) do
    local issues, reasons = {}, {}
    local function add(reason, text) reasons[#reasons + 1] = reason; issues[#issues + 1] = text or reason end
    local open = a.status ~= "done" and a.status ~= "dropped"
    if open and a.due and a.due < as_of then add("overdue", "overdue since " .. a.due) end
    if open and a.start and a.start < as_of and a.status == "planned" then add("not started") end
    if open and not a.owner then add("no owner") end
    if not a.indicator then add("no indicator") end
    if #issues > 0 then
      actions[#actions + 1] = { goal = a.goal, action = a.what, owner = a.owner, due = a.due,
                                status = a.status, issue = table.concat(issues, "; "), reasons = reasons }
    end
  end
  return { checks = checks, actions = actions }
end

--- The Check as sections for vista.format. L (vista.i18n's writer, for
--- table and Markdown) puts the fixed words, statuses, dates and numbers
--- in the reader's language; without it, English.
function M.report(s, results, as_of, L)
  local a = M.analyse(s, results, as_of)
  L = L or require("vista.i18n").new("en")
  local T = L.t
  local count, order = {}, {}
  for _, c in ipairs(a.checks) do
    local k = c.status:match("^(no baseline)") or c.status:match("^(denominator missing)") or c.status
    if not count[k] then order[#order + 1] = k end
    count[k] = (count[k] or 0) + 1
  end
  local parts = {}
  for _, k in ipairs(M.STATUSES) do
    if count[k] then parts[#parts + 1] = count[k] .. " " .. T(k) end
  end
  for _, k in ipairs(order) do
    local known = false
    for _, x in ipairs(M.STATUSES) do if x == k then known = true end end
    if not known then parts[#parts + 1] = count[k] .. " " .. L.status(k) end
  end
  local checks, actions = a.checks, a.actions
  if L.code ~= "en" then
    -- Copies in the reader's words; analyse's rows stay as they are.
    checks, actions = {}, {}
    for i, c in ipairs(a.checks) do
      local r = {}
      for k, v in pairs(c) do r[k] = v end
      r.status, r.trend = L.status(c.status), c.trend and T(c.trend)
      r.unit, r.target = c.unit and T(c.unit), c.target and L.numtext(c.target)
      r.provisional = T(c.provisional and "yes" or "no")
      checks[i] = r
    end
    for i, x in ipairs(a.actions) do
      local r = {}
      for k, v in pairs(x) do r[k] = v end
      r.status, r.issue, r.due = T(x.status), L.status(x.issue), L.date(x.due)
      actions[i] = r
    end
  end
  local function headers(cols)
    local out = {}
    for i, c in ipairs(cols) do out[i] = T(c) end
    return out
  end
  local check_cols = { "goal", "indicator", "period", "baseline", "target", "value", "unit", "provisional", "status", "trend" }
  local action_cols = { "goal", "action", "owner", "due", "status", "issue" }
  return {
    { key = "summary", title = T("Check, as of %s", L.date(as_of)), lines = {
        T("Targets: %s", #parts > 0 and table.concat(parts, ", ") or T("none")),
        T("Actions to act on: %d", #a.actions),
        T("A period not ended by %s is provisional: its value is shown, not judged.", L.date(as_of)) } },
    { key = "checks", title = T("Indicators against targets, by goal"), rows = checks, main = true,
      cols = check_cols, headers = headers(check_cols) },
    { key = "actions", title = T("Actions to act on: overdue, not started, without an owner or without an indicator"),
      rows = actions, cols = action_cols, headers = headers(action_cols), empty = T("none") },
  }, a
end

return M
