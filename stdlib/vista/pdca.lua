--- vista.pdca: the Check step of the Deming circle. For each goal, its
--- indicators against their targets over the periods, the trend, and the
--- actions overdue or without an owner — ready for the Act step.
---
---   vista.pdca.analyse(strategy, results, as_of) -> checks, actions
---   vista.pdca.report(strategy, results, as_of) -> sections
local M = {}
local sf = require "vista.strategy_file"

local function meets(value, target, direction)
  if direction == "lower" then return value <= target end
  return value >= target
end

-- A period's position on a time line: its first day as a number of months.
local function months(period)
  local _, _, first = sf.period(period)
  return tonumber(first:sub(1, 4)) * 12 + tonumber(first:sub(6, 7))
end

--- Status of one target: "reached" (the period's value meets it), "missed"
--- (the period is over and it does not), "behind" or "on track" (judged
--- from the latest value against a straight line from the baseline to the
--- target), "no data".
function M.judge(target_period, target, direction, values, baseline, as_of)
  local _, _, _, last = sf.period(target_period)
  local v = values[target_period]
  if v ~= nil then
    if meets(v, target, direction) then return "reached", v end
    return last < as_of and "missed" or "behind", v
  end
  -- The latest value before the target period.
  local latest_p, latest_v
  for p, x in pairs(values) do
    if p < target_period and (not latest_p or p > latest_p) then latest_p, latest_v = p, x end
  end
  if not latest_p then return last < as_of and "missed (no data)" or "no data yet", nil end
  local expected = target
  if baseline and baseline.period < latest_p and months(target_period) > months(baseline.period) then
    local t = (months(latest_p) - months(baseline.period)) / (months(target_period) - months(baseline.period))
    expected = baseline.value + (target - baseline.value) * t
  end
  if last < as_of then return "missed (no data)", nil end
  return meets(latest_v, expected, direction) and "on track" or "behind", nil
end

local function trend(values, direction)
  local ps = {}
  for p in pairs(values) do ps[#ps + 1] = p end
  table.sort(ps)
  if #ps < 2 then return nil end
  local a, b = values[ps[#ps - 1]], values[ps[#ps]]
  if b == a then return "flat" end
  local up = b > a
  local better = (direction == "lower") ~= up
  return (up and "up" or "down") .. (better and " (better)" or " (worse)")
end

--- results: vista.indicator.compute's rows for the strategy's institution.
function M.analyse(s, results, as_of)
  local values = {}
  for _, r in ipairs(results) do
    if r.value ~= nil then
      values[r.indicator] = values[r.indicator] or {}
      values[r.indicator][r.period] = r.value
    end
  end
  local ind = {}
  for _, i in ipairs(s.indicators) do ind[i.id] = i end
  local dirs = {}
  for _, d in ipairs(vista.indicator.list(s)) do dirs[d.id] = d end
  local checks = {}
  for _, g in ipairs(s.goals) do
    for _, id in ipairs(g.indicators) do
      local i = ind[id] or { targets = {}, baseline = {} }
      local def = dirs[id] or {}
      local direction = def.direction or "higher"
      local vals = values[id] or {}
      local baseline
      for p, v in pairs(i.baseline or {}) do
        if not baseline or p > baseline.period then baseline = { period = p, value = v } end
      end
      local tps = {}
      for p in pairs(i.targets or {}) do tps[#tps + 1] = p end
      table.sort(tps)
      local tr = trend(vals, direction)
      if #tps == 0 then
        local latest
        for p in pairs(vals) do if not latest or p > latest then latest = p end end
        checks[#checks + 1] = { goal = g.id, indicator = id, period = latest, value = latest and vals[latest],
                                status = "no target", trend = tr, unit = def.unit }
      end
      for _, p in ipairs(tps) do
        local status, v = M.judge(p, i.targets[p], direction, vals, baseline, as_of)
        checks[#checks + 1] = { goal = g.id, indicator = id, period = p, target = i.targets[p],
                                value = v, status = status, trend = tr, unit = def.unit,
                                baseline = baseline and baseline.value }
      end
    end
  end
  local actions = {}
  for _, a in ipairs(s.actions) do
    local issues = {}
    local open = a.status ~= "done" and a.status ~= "dropped"
    if open and a.due and a.due < as_of then issues[#issues + 1] = "overdue since " .. a.due end
    if open and not a.owner then issues[#issues + 1] = "no owner" end
    if open and a.start and a.start < as_of and a.status == "planned" then issues[#issues + 1] = "not started" end
    if not a.indicator then issues[#issues + 1] = "no indicator" end
    if #issues > 0 then
      actions[#actions + 1] = { goal = a.goal, action = a.what, owner = a.owner, due = a.due,
                                status = a.status, issue = table.concat(issues, "; ") }
    end
  end
  return { checks = checks, actions = actions }
end

function M.report(s, results, as_of)
  local a = M.analyse(s, results, as_of)
  local count = {}
  for _, c in ipairs(a.checks) do count[c.status] = (count[c.status] or 0) + 1 end
  local parts = {}
  for _, k in ipairs { "reached", "on track", "behind", "missed", "missed (no data)", "no data yet", "no target" } do
    if count[k] then parts[#parts + 1] = count[k] .. " " .. k end
  end
  return {
    { key = "summary", title = "Check, as of " .. as_of, lines = {
        "Targets: " .. (#parts > 0 and table.concat(parts, ", ") or "none"),
        "Actions needing attention: " .. #a.actions } },
    { key = "checks", title = "Indicators against targets, by goal", rows = a.checks, main = true,
      cols = { "goal", "indicator", "period", "baseline", "target", "value", "unit", "status", "trend" } },
    { key = "actions", title = "Actions overdue, not started or without an owner", rows = a.actions,
      cols = { "goal", "action", "owner", "due", "status", "issue" }, empty = "none" },
  }, a
end

return M
