--- vista.plan: a strategy's action plan, summed by goal, owner and quarter.
local M = {}

--- The quarter of a date: '2025-Q1'.
function M.quarter(date)
  if not date then return nil end
  return date:sub(1, 4) .. "-Q" .. ((tonumber(date:sub(6, 7)) - 1) // 3 + 1)
end

local function sum_by(actions, key)
  local by, order = {}, {}
  for _, a in ipairs(actions) do
    local k = a[key] or "(none)"
    local r = by[k]
    if not r then
      r = { [key] = k, actions = 0, budget = 0, person_days = 0, done = 0 }
      by[k] = r
      order[#order + 1] = k
    end
    r.actions = r.actions + 1
    r.budget = r.budget + (a.budget or 0)
    r.person_days = r.person_days + (a.person_days or 0)
    if a.status == "done" then r.done = r.done + 1 end
  end
  table.sort(order)
  local out = {}
  for _, k in ipairs(order) do out[#out + 1] = by[k] end
  return out
end

function M.analyse(s)
  local actions = {}
  for _, a in ipairs(s.actions) do
    actions[#actions + 1] = { goal = a.goal, what = a.what, owner = a.owner, start = M.quarter(a.start),
                              due = M.quarter(a.due), budget = a.budget, person_days = a.person_days,
                              status = a.status, indicator = a.indicator }
  end
  local total = { actions = #actions, budget = 0, person_days = 0 }
  for _, a in ipairs(actions) do
    total.budget = total.budget + (a.budget or 0)
    total.person_days = total.person_days + (a.person_days or 0)
  end
  return { actions = actions, by_goal = sum_by(actions, "goal"), by_owner = sum_by(actions, "owner"),
           by_quarter = sum_by(actions, "due"), total = total }
end

local function n(x) return math.tointeger(x) or x end

function M.report(s)
  local a = M.analyse(s)
  return {
    { key = "actions", title = "Action plan: " .. (s.title or ""), rows = a.actions, main = true,
      cols = { "goal", "what", "owner", "start", "due", "budget", "person_days", "status", "indicator" } },
    { key = "by_goal", title = "By goal", rows = a.by_goal, cols = { "goal", "actions", "done", "budget", "person_days" } },
    { key = "by_owner", title = "By owner", rows = a.by_owner, cols = { "owner", "actions", "done", "budget", "person_days" } },
    { key = "by_quarter", title = "By quarter due", rows = a.by_quarter, cols = { "due", "actions", "done", "budget", "person_days" } },
    { key = "total", title = "Total", value = a.total,
      lines = { string.format("%d actions, budget %s EUR, %s person-days", a.total.actions, n(a.total.budget), n(a.total.person_days)) } },
  }, a
end

return M
