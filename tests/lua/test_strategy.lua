-- Lua-level tests of the strategy checker and the analyses over a strategy:
-- why-chains, the environment scan, PDCA judgements, the plan, and custom
-- indicators. (The analyses on stored data run in tests/cli.)
local t = require "vista.test"
local sf = require "vista.strategy_file"
local why = require "vista.why"
local scan = require "vista.scan"
local pdca = require "vista.pdca"
local plan = require "vista.plan"

local HEAD = [[
strategy { institution = "E1", period = { from = "2024-09", to = "2027-08" },
           mission = "m", vision = "v" }
]]

-- Reads a strategy text; returns the problems (or {} when it reads).
local function problems(body)
  local d, p = sf.read(HEAD .. body, "s.lua")
  return p or {}, d
end

local function has(list, pattern)
  for _, x in ipairs(list) do if x:find(pattern) then return true end end
  return false, table.concat(list, "\n")
end

local function goals(n, extra)
  local out = {}
  for i = 1, n do out[#out + 1] = string.format('goal "g%d" { text = "goal %d", why = mission, indicators = { "female_share" } }', i, i) end
  return table.concat(out, "\n") .. "\n" .. (extra or "")
end

t.run {
  { "a strategy with six goals and their whys reads", function()
    local p, d = problems(goals(6))
    t.eq(#p, 0)
    t.eq(#d.goals, 6)
    t.eq(d.strategy.from, "2024-09-01"); t.eq(d.strategy.to, "2027-08-31")
  end },
  { "a cycle of whys is an error naming the goals and the line", function()
    local p = problems([[
goal "a" { text = "A", why = goal "b" }
goal "b" { text = "B", why = goal "c" }
goal "c" { text = "C", why = goal "a" }
]])
    t.ok(has(p, "^s%.lua:%d+: the whys of goals a %-> b %-> c %-> a go round in a cycle"))
  end },
  { "a why naming a missing goal is an error at the goal's line", function()
    local p = problems('goal "a" { text = "A", why = goal "nope" }\n')
    t.ok(has(p, "^s%.lua:3: goal 'a': its why names goal 'nope', which is not defined"))
  end },
  { "nine goals are an error; seven are allowed", function()
    t.ok(has(problems(goals(9)), "9 goals: the guide advises five or six, never more than eight"))
    t.eq(#problems(goals(7)), 0)
  end },
  { "a target for a missing indicator is an error", function()
    local p = problems(goals(5, 'target "no_such_thing" { [2025] = 5 }'))
    t.ok(has(p, "target for 'no_such_thing': no such indicator"))
    p = problems('goal "a" { text = "A", why = vision, indicators = { "nope" } }')
    t.ok(has(p, "goal 'a': no indicator 'nope'"))
  end },
  { "unknown fields, dates out of the period and bad values are errors with lines", function()
    local p = problems([[
goal "a" { text = "A", why = vision, colour = "red" }
action { goal = "a", what = "w", start = "2023-01", due = "2024-13" }
factor "f" { level = "planetary", category = "economic", text = "t", impact = 5, likelihood = 2 }
indicator "mine" { name = "Mine", unit = "%", targets = { [2031] = 4 } }
]])
    t.ok(has(p, "^s%.lua:3: goal 'a': unknown field 'colour'"))
    t.ok(has(p, "^s%.lua:4: action 1: start 2023%-01%-01 is outside the strategy period"))
    t.ok(has(p, "^s%.lua:4: action 1: due '2024%-13' is not a date"))
    t.ok(has(p, "factor 'f': level must be one of"))
    t.ok(has(p, "factor 'f': impact must be a whole number"))
    t.ok(has(p, "factor 'f': likelihood must be a number from 0 to 1"))
    t.ok(has(p, "indicator 'mine': say how it is measured"))
    t.ok(has(p, "indicator 'mine' target: 2031 is outside the strategy period"))
  end },
  { "a target's period must match the indicator's period type", function()
    local p = problems('indicator "gi_student_exchange_rate" { targets = { [2025] = 5 } }')
    t.ok(has(p, "'2025' is a calendar%-year period, but the indicator counts by school year"))
  end },
  { "a built-in indicator's definition cannot be changed", function()
    local p = problems('indicator "female_share" { name = "Girls", targets = { [2025] = 50 } }')
    t.ok(has(p, "indicator 'female_share' is built in: its name is fixed"))
  end },
  { "a file that does not run says where", function()
    local p = problems('goal "a" { text = "A", why = vision\n')
    t.ok(has(p, "^s%.lua:%d+:"))
    p = problems("goal(42)")
    t.ok(has(p, "goal needs an id"))
  end },
  { "the strategy file cannot reach the sandbox's globals", function()
    local p = problems('vista.sql("SELECT 1")')
    t.ok(has(p, "vista"))
  end },
  { "periods: calendar years and school years", function()
    t.eq({ sf.period(2025) }, { "2025", "calendar", "2025-01-01", "2025-12-31" })
    t.eq({ sf.period("2024-25") }, { "2024-25", "school", "2024-09-01", "2025-08-31" })
    t.eq(sf.period("2024-26"), nil)
    t.eq(sf.date("2024-02", true), "2024-02-29")
    t.eq(sf.date("2023-02-29"), nil)
  end },
  { "why: strategic goals, depths, cycles, goals without indicator or action", function()
    local s = { goals = {
      { id = "w", text = "W", why_kind = "factor", why = "f", indicators = { "x" }, actions = { {} } },
      { id = "i", text = "I", why_kind = "goal", why = "w", indicators = {}, actions = { {} } },
      { id = "s", text = "S", why_kind = "goal", why = "i", indicators = { "y" }, actions = {} },
      { id = "p", text = "P", why_kind = "goal", why = "q", indicators = { "z" }, actions = { {} } },
      { id = "q", text = "Q", why_kind = "goal", why = "p", indicators = { "z" }, actions = { {} } },
    }, factors = { { id = "f", text = "labour market" } }, mission = "m", vision = "v" }
    local a = why.analyse(s)
    t.eq(a.strategic, { "w" })
    t.eq(a.goals[3].depth, 2)
    t.eq(a.goals[3].chain, "s -> i -> w -> factor f")
    t.eq(#a.cycles, 1)
    t.eq(a.cycles[1], { "p", "q", "p" })
    t.eq(a.no_indicator, { "i" }); t.eq(a.no_action, { "s" })
    t.eq(a.advice, "ok")
    local tree = table.concat(why.tree(s), "\n")
    t.ok(tree:find("why: factor f: labour market\n`%-%- w: W\n    `%-%- i: I\n        `%-%- s: S"), tree)
    t.ok(tree:find("why: %(no reason reached%)"), tree)
  end },
  { "the goal count against the guide", function()
    t.eq((why.count_advice(6)), "ok"); t.eq((why.count_advice(8)), "many")
    t.eq((why.count_advice(9)), "too many"); t.eq((why.count_advice(4)), "few")
  end },
  { "scan: weighted cells, undocumented levels, unanswered factors", function()
    local s = { goals = { { id = "g", why_kind = "factor", why = "a" } }, factors = {
      { id = "a", level = "regional", category = "economic", text = "A", impact = 3, likelihood = 0.5, source = "doc" },
      { id = "b", level = "regional", category = "economic", text = "B", impact = -1, likelihood = 1 },
      { id = "c", level = "global", category = "social", text = "C", impact = 2, likelihood = 0.5 },
    } }
    local a = scan.analyse(s)
    t.eq(a.matrix[2].level, "regional"); t.eq(a.matrix[2].economic, "2 (+0.50)")
    t.eq(a.matrix[6].social, "1 (+1.00)")
    t.eq(a.levels_without_sources, { "global" })
    t.eq(#a.levels_without_factors, 4)
    t.eq(a.unanswered, { "b", "c" })
    t.eq(a.factors[1].factor, "a")
  end },
  { "pdca: reached, missed, behind and on track", function()
    local vals = { ["2024"] = 10, ["2025"] = 14 }
    t.eq(pdca.judge("2025", 12, "higher", vals, nil, "2026-03-01"), "reached")
    t.eq(pdca.judge("2024", 12, "higher", vals, nil, "2026-03-01"), "missed")
    t.eq(pdca.judge("2025", 15, "higher", vals, nil, "2025-06-01"), "behind")
    -- 2025 at 14 is above the line from 10 (2024) to 20 (2027): on track.
    t.eq(pdca.judge("2027", 20, "higher", vals, { period = "2024", value = 10 }, "2026-03-01"), "on track")
    t.eq(pdca.judge("2027", 30, "higher", vals, { period = "2024", value = 10 }, "2026-03-01"), "behind")
    t.eq(pdca.judge("2025", 12, "lower", vals, nil, "2026-03-01"), "missed")
    t.eq(pdca.judge("2027", 20, "higher", {}, nil, "2026-03-01"), "no data yet")
  end },
  { "plan: quarters and sums", function()
    t.eq(plan.quarter("2025-03-31"), "2025-Q1"); t.eq(plan.quarter("2025-10-01"), "2025-Q4")
    local a = plan.analyse { actions = {
      { goal = "a", what = "x", owner = "O", due = "2025-02-01", budget = 100, person_days = 2, status = "done" },
      { goal = "a", what = "y", due = "2025-03-01", budget = 50.5, status = "planned" },
      { goal = "b", what = "z", owner = "O", due = "2025-04-01", person_days = 3, status = "started" } } }
    t.eq(a.by_goal[1].budget, 150.5); t.eq(a.by_goal[1].done, 1)
    t.eq(a.by_owner[1].owner, "(none)"); t.eq(a.by_owner[2].person_days, 5)
    t.eq(a.by_quarter[1].due, "2025-Q1"); t.eq(a.by_quarter[1].actions, 2)
    t.eq(a.total.budget, 150.5)
  end },
  { "custom indicators: defined once, listed like built-ins, checked", function()
    vista.indicator.define { id = "hosted", name = "Hosted", unit = "learners",
      compute = function(f) return f.incoming_learners end }
    local ids = {}
    for _, d in ipairs(vista.indicator.list()) do ids[d.id] = d end
    t.ok(ids.female_share and ids.female_share.builtin)
    t.ok(ids.hosted and not ids.hosted.builtin)
    t.eq(#vista.indicator.list(), 16)
    t.raises(function() vista.indicator.define { id = "female_share", name = "x", unit = "%", numerator = "female" } end,
      "is a built-in indicator")
    t.raises(function() vista.indicator.define { id = "x", name = "x", unit = "%" } end,
      "give numerator")
  end },
}
