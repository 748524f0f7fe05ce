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
  { "nine strategic goals are an error; nine goals of which six are strategic read", function()
    t.ok(has(problems(goals(9)), "9 strategic goals %(whose why is not another goal%): the guide advises five or six, never more than eight"))
    t.eq(#problems(goals(7)), 0)
    local p = problems(goals(6, [[
goal "s1" { text = "S1", why = goal "g1" }
goal "s2" { text = "S2", why = goal "g2" }
goal "s3" { text = "S3", why = goal "s1" }
]]))
    t.eq(p, {})
  end },
  { "a why in words that is another goal's text or id is not a reason", function()
    local p = problems([[
goal "internationalise" { text = "Internationalise our institution", why = mission }
goal "b" { text = "B", why = "internationalise our institution." }
goal "c" { text = "C", why = "internationalise" }
]])
    t.ok(has(p, [[^s%.lua:4: goal 'b': its why "internationalise our institution%." is itself a goal %('internationalise'%): ask why again]]))
    t.ok(has(p, [[^s%.lua:5: goal 'c': its why "internationalise" is itself a goal]]))
  end },
  { "a quoted vision or mission reads, with a warning naming the fix", function()
    local p, d = problems('goal "a" { text = "A", why = "vision" }\ngoal "b" { text = "B", why = "Mission" }')
    t.eq(p, {})
    t.eq(d.warnings, {
      [[s.lua:3: warning: goal 'a': why = "vision" is the word, not a link to the vision: write why = vision (unquoted)]],
      [[s.lua:4: warning: goal 'b': why = "Mission" is the word, not a link to the mission: write why = mission (unquoted)]] })
    local _, d2 = problems('goal "a" { text = "A", why = vision }')
    t.eq(d2.warnings, {})
  end },
  { "goal ids in any language: letters are Unicode letters", function()
    local p, d = problems([[
goal "mobilité" { text = "Mobilité pour tous", why = vision }
goal "internationalisering" { text = "Internationalisering", why = goal "mobilité" }
goal "εξωστρέφεια" { text = "Ε", why = mission }
action { goal = "mobilité", what = "w" }
]])
    t.eq(p, {})
    t.eq(d.goals[1].id, "mobilité")
    t.ok(has(problems('goal "a—b" { text = "A", why = vision }'), "goal needs an id of letters"))
    t.ok(has(problems('goal "a\255" { text = "A", why = vision }'), "goal needs an id of letters"))
  end },
  { "a self-loop is reported once; goals that feed into a cycle are named", function()
    local p = problems('goal "a" { text = "A", why = goal "a" }\n')
    t.eq(p, { "s.lua:3: goal 'a': its why is itself" })
    p = problems([[
goal "a" { text = "A", why = goal "b" }
goal "b" { text = "B", why = goal "a" }
goal "c" { text = "C", why = goal "b" }
goal "d" { text = "D", why = goal "c" }
]])
    t.eq(p, {
      "s.lua:3: the whys of goals a -> b -> a go round in a cycle: none of them reaches a reason",
      "s.lua:5: goal 'c': its whys lead into the cycle a -> b -> a, so they never reach a reason",
      "s.lua:6: goal 'd': its whys lead into the cycle a -> b -> a, so they never reach a reason" })
  end },
  { "unknown words and a broken period give problems with lines, never a crash", function()
    local d, p = sf.read('strategy { institution = "E1", period = { from = "2024-09", to = "soon" }, mission = "m", vision = "v" }\n'
      .. 'indicator "long_term_share" { targets = { [2025] = 3 } }\n', "s.lua")
    t.eq(d, nil)
    t.eq(p, { "s.lua:1: strategy: period needs from and to as 'YYYY-MM' or 'YYYY-MM-DD'" })
    t.eq(problems("action (foo)"), { "s.lua:3: action needs a table { ... }" })
    t.eq(problems("x = foo.bar"), { "s.lua:3: 'foo' is not a word of a strategy file" })
  end },
  { "misspelt ids get 'did you mean'", function()
    local p = problems([[
factor "labour_market" { level = "regional", category = "economic", text = "t", impact = 1, likelihood = 0.5 }
goal "workforce" { text = "W", why = factor "labour_markt", indicators = { "female_shar" } }
goal "staff" { text = "S", why = goal "workforse" }
goal "x" { text = "X", why = visoin }
action { goal = "workforc", what = "w", indicator = "long_term_shar" }
target "recognition_rte" { [2025] = 5 }
]])
    t.ok(has(p, "its why names factor 'labour_markt', which is not defined %(did you mean 'labour_market'%?%)"))
    t.ok(has(p, "no indicator 'female_shar' .*%(did you mean 'female_share'%?%)"))
    t.ok(has(p, "its why names goal 'workforse', which is not defined %(did you mean 'workforce'%?%)"))
    t.ok(has(p, "goal 'x': why = visoin: no such word %(did you mean 'vision'%?%)"))
    t.ok(has(p, "action 1: goal 'workforc' is not defined %(did you mean 'workforce'%?%)"))
    t.ok(has(p, "action 1: no indicator 'long_term_shar' .*%(did you mean 'long_term_share'%?%)"))
    t.ok(has(p, "target for 'recognition_rte': no such indicator .*%(did you mean 'recognition_rate'%?%)"))
  end },
  { "an unquoted id gets a hint to quote it", function()
    local p = problems('goal languages { text = "L", why = vision }\n')
    t.ok(has(p, [[^s%.lua:3: .*%(an id is quoted: write goal "languages" { ... }%)$]]))
    p = problems('goal "a" { text = "A", why = vision, indicators = { female_share } }\n')
    t.ok(has(p, [[goal 'a': indicator female_share is not quoted: write "female_share"]]))
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
    t.eq(a.advice, "few")
    t.eq(a.advice_text, "1 strategic goal: the guide advises five or six")
    t.eq(a.sub_goals, { { goal = "i", serves = "w" }, { goal = "s", serves = "i" },
                        { goal = "p", serves = "q" }, { goal = "q", serves = "p" } })
    t.eq(a.into_cycle, {})
    s.goals[#s.goals + 1] = { id = "r", text = "R", why_kind = "goal", why = "q", indicators = { "z" }, actions = { {} } }
    a = why.analyse(s)
    t.eq(#a.cycles, 1)
    t.eq(a.into_cycle, { { goal = "r", cycle = { "q", "p", "q" } } })
    t.ok(has(why.report(s)[2].lines, "^  r leads into the cycle q %-> p %-> q$"))
    table.remove(s.goals)
    local tree = table.concat(why.tree(s), "\n")
    t.ok(tree:find("why: factor f: labour market\n`%-%- w: W\n    `%-%- i: I\n        `%-%- s: S"), tree)
    t.ok(tree:find("why: %(no reason reached%)"), tree)
  end },
  { "the goal count against the guide counts strategic goals", function()
    t.eq((why.count_advice(6)), "as advised"); t.eq((why.count_advice(8)), "many")
    t.eq((why.count_advice(9)), "too many"); t.eq((why.count_advice(4)), "few")
    -- Two strategic goals and four sub-goals: not "as advised".
    local gs = {}
    for i, w in ipairs { "m", "v", "goal1", "goal1", "goal2", "goal2" } do
      gs[i] = { id = "goal" .. i, text = "G" .. i, why_kind = (w == "m" and "mission") or (w == "v" and "vision") or "goal",
                why = w, indicators = {}, actions = {} }
    end
    local a = why.analyse { goals = gs, factors = {}, mission = "m", vision = "v" }
    t.eq(a.advice, "few"); t.eq(a.strategic, { "goal1", "goal2" }); t.eq(#a.sub_goals, 4)
    local lines = why.report { goals = gs, factors = {}, mission = "m", vision = "v" }[2].lines
    t.ok(has(lines, "^Sub%-goals, which belong in the action plan of the goal they serve: goal3 %(serves goal1%), goal4"))
  end },
  { "why: a stored why in words naming a goal ends no chain", function()
    local a = why.analyse { goals = {
      { id = "a", text = "Grow", why_kind = "mission", indicators = {}, actions = {} },
      { id = "b", text = "B", why_kind = "text", why = "grow", indicators = {}, actions = {} } }, factors = {} }
    t.eq(a.strategic, { "a" })
    t.eq(a.answers_are_goals, { { goal = "b", why = "grow", names = "a" } })
  end },
  { "text in chains is cut by characters, never inside a UTF-8 sequence", function()
    local long = string.rep("é", 50)
    local a = why.analyse { goals = { { id = "a", text = "A", why_kind = "text", why = long, indicators = {}, actions = {} } }, factors = {} }
    t.eq(a.goals[1].chain, 'a -> "' .. string.rep("é", 37) .. '..."')
    t.eq(why.cut("abc", 40), "abc")
    t.eq(utf8.len(why.cut(string.rep("ж", 45), 40)), 40)
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
  { "factor themes: the fixed ids read; a misspelt one gets 'did you mean', a Scoreboard word its area", function()
    local function factor(theme)
      return goals(1) .. 'factor "f" { level = "regional", category = "economic", text = "F", impact = 1, likelihood = 1, theme = '
        .. theme .. ' }\n'
    end
    local p, d = problems(factor('"guidance"'))
    t.eq(p, {}); t.eq(d.factors[1].theme, "guidance")
    t.ok(has(problems(factor('"guidnace"')), "^s%.lua:4: factor 'f': theme 'guidnace' is not a theme %(did you mean 'guidance'%?%); themes: guidance, motivation,"))
    t.ok(has(problems(factor('"languages"')), "theme 'languages' is not a theme %(the Mobility Scoreboard files it under 'preparation'%)"))
    t.ok(has(problems(factor('"weather"')), "theme 'weather' is not a theme; themes: .*labour_market$"))
    t.ok(has(problems(factor('labour_market')), 'theme labour_market is not quoted: write theme = "labour_market"'))
    t.eq(#sf.themes, 11)
    t.eq(sf.theme_by_id.portability.name, "Portability of grants and loans")
  end },
  { "scan: themes covered and left out, from the theme field alone", function()
    local s = { goals = {}, factors = {
      { id = "a", level = "regional", category = "economic", text = "A", impact = 1, likelihood = 1, theme = "recognition" },
      { id = "b", level = "regional", category = "economic", text = "B", impact = 1, likelihood = 1, theme = "labour_market" },
      { id = "c", level = "global", category = "social", text = "C", impact = 1, likelihood = 1, theme = "recognition" },
      -- Words are no theme: this one covers neither guidance nor funding.
      { id = "d", level = "global", category = "social", text = "information and guidance on funding", impact = 1, likelihood = 1 },
    } }
    local a = scan.analyse(s)
    t.eq(a.themes_covered, { "recognition", "labour_market" })
    t.eq(a.themes_missing, { "guidance", "motivation", "preparation", "obstacles", "portability", "quality",
                             "disadvantaged", "funding", "multipliers" })
    t.eq(a.factors_without_theme, { "d" })
    t.eq(a.themes[7].covered_by, "a, c"); t.eq(a.themes[7].factors, 2)
    local json = require "vista.json"
    local none = scan.analyse { goals = {}, factors = {} }
    t.eq(json.encode { c = none.themes_covered, w = none.factors_without_theme }, '{"c":[],"w":[]}')
    t.eq(#none.themes_missing, 11)
  end },
  { "milestones: a country as an Erasmus+ code, a name gets its code suggested", function()
    local function ms(country)
      return goals(1) .. 'milestone { kind = "project", title = "T", from = 2018, country = ' .. country
        .. ', partner = "Stadin ammattiopisto" }\n'
    end
    local p, d = problems(ms('"fi"'))
    t.eq(p, {}); t.eq(d.milestones[1].country, "FI"); t.eq(d.milestones[1].partner, "Stadin ammattiopisto")
    t.eq(select(2, problems(ms('"GR"'))).milestones[1].country, "EL")
    t.ok(has(problems(ms('"Germany"')), "^s%.lua:4: milestone 1: country 'Germany' is not a code %(did you mean 'DE'%?%)"))
    t.ok(has(problems(ms('"QQ"')), "milestone 1: country 'QQ' is not an Erasmus%+ country code such as FI or DE"))
    t.ok(has(problems(ms('FI')), 'milestone 1: country FI must be a quoted code such as "FI"'))
  end },
  { "pdca: reached, missed, behind and on track against the line from the baseline", function()
    local vals = { ["2024"] = 10, ["2025"] = 14 }
    local base = { period = "2024", value = 10 }
    local function spec(targets, dir, b) return { targets = targets, direction = dir or "higher", baseline = b } end
    t.eq((pdca.judge_target(spec { ["2025"] = 12 }, "2025", vals, "2026-03-01")), "reached")
    t.eq((pdca.judge_target(spec { ["2024"] = 12 }, "2024", vals, "2026-03-01")), "missed")
    -- 2025 at 14 is above the line from 10 (2024) to 20 (2027): on track.
    t.eq((pdca.judge_target(spec({ ["2027"] = 20 }, nil, base), "2027", vals, "2026-03-01")), "on track")
    t.eq((pdca.judge_target(spec({ ["2027"] = 30 }, nil, base), "2027", vals, "2026-03-01")), "behind")
    t.eq((pdca.judge_target(spec({ ["2025"] = 12 }, "lower"), "2025", vals, "2026-03-01")), "missed")
    t.eq((pdca.judge_target(spec { ["2027"] = 20 }, "2027", {}, "2026-03-01")), "not recorded")
  end },
  { "pdca: a value in the baseline period is on the line; no baseline says so", function()
    local s = { targets = { ["2027"] = 20 }, direction = "higher", baseline = { period = "2024", value = 10 } }
    t.eq(pdca.judge_value(s, "2024", 10, "2026-03-01"), "on track")
    t.eq((pdca.judge_target(s, "2027", { ["2024"] = 10 }, "2026-03-01")), "on track")
    s.baseline = nil
    t.eq(pdca.judge_value(s, "2024", 3, "2026-03-01"), "no baseline: 3 of 20")
    t.eq((pdca.judge_target(s, "2027", { ["2024"] = 3 }, "2026-03-01")), "no baseline: 3 of 20")
  end },
  { "pdca: a period in progress is provisional, not judged", function()
    local s = { targets = { ["2025-26"] = 7 }, direction = "higher", baseline = { period = "2023-24", value = 4.5 } }
    t.eq(pdca.judge_value(s, "2025-26", 1.2, "2025-11-23"), "provisional")
    t.eq(pdca.judge_target(s, "2025-26", { ["2025-26"] = 1.2 }, "2025-11-23"), "provisional")
    t.eq(pdca.judge_value(s, "2025-26", 7.5, "2026-09-01"), "reached")
    t.eq(pdca.provisional("2025", "2025-12-31"), true); t.eq(pdca.provisional("2025", "2026-01-01"), false)
  end },
  { "pdca: direction lower and target bands: on track means moving toward them", function()
    local base = { period = "2023", value = 61.54 }
    local band = { targets = { ["2026"] = 50 }, direction = "band", baseline = base }
    t.eq(pdca.judge_value(band, "2024", 57, "2025-03-01"), "on track")
    t.eq(pdca.judge_value(band, "2024", 63, "2025-03-01"), "behind")
    band.targets = { ["2026"] = { 45, 55 } }
    t.eq(pdca.judge_value(band, "2026", 52, "2027-03-01"), "reached")
    t.eq(pdca.judge_value(band, "2026", 44, "2027-03-01"), "missed")
    t.eq(pdca.judge_value(band, "2024", 59, "2025-03-01"), "on track")
    local lower = { targets = { ["2026"] = 50 }, direction = "lower", baseline = base }
    t.eq(pdca.judge_value(lower, "2024", 57, "2025-03-01"), "on track")
    t.eq(pdca.judge_value(lower, "2026", 49, "2027-03-01"), "reached")
    local higher = { targets = { ["2026"] = 50 }, direction = "higher", baseline = base }
    t.eq(pdca.judge_value(higher, "2026", 49, "2027-03-01"), "missed")
  end },
  { "pdca: the status words are one set; actions say why they are listed", function()
    local s = { goals = { { id = "g", indicators = { "female_share" } } }, indicators = {
      { id = "female_share", direction = "band", targets = { ["2025"] = 50 }, baseline = { ["2023"] = 61.54 } } },
      actions = {
        { goal = "g", what = "late", owner = "O", start = "2024-09-01", due = "2025-01-31", status = "started", indicator = "x" },
        { goal = "g", what = "idle", start = "2024-09-01", due = "2026-06-30", status = "planned" },
        { goal = "g", what = "fine", owner = "O", start = "2024-09-01", due = "2026-06-30", status = "started", indicator = "x" } } }
    local results = { { indicator = "female_share", period = "2023", value = 61.54 },
                      { indicator = "female_share", period = "2024", value = 55 } }
    local sections, a = pdca.report(s, results, "2025-03-01")
    t.eq(a.checks[1].status, "on track")
    t.eq(a.checks[1].provisional, true)
    for _, c in ipairs(a.checks) do t.ok(c.status ~= "ok") end
    t.eq(#a.actions, 2)
    t.eq(a.actions[1].reasons, { "overdue" }); t.eq(a.actions[1].issue, "overdue since 2025-01-31")
    t.eq(a.actions[2].reasons, { "not started", "no owner", "no indicator" })
    t.eq(sections[3].title, "Actions to act on: overdue, not started, without an owner or without an indicator")
  end },
  { "a band indicator's target may be { low, high }; directions are checked", function()
    local p, d = problems('goal "a" { text = "A", why = vision, indicators = { "female_share" } }\n'
      .. 'indicator "female_share" { baseline = { [2023] = 61.54 }, targets = { [2026] = { 45, 55 } } }\n'
      .. 'indicator "mine" { name = "M", unit = "%", direction = "band", measured = { [2025] = 3 }, targets = { [2026] = { 2, 4 } } }')
    t.eq(p, {})
    t.eq(d.indicators[1].bands["2026"], { 45, 55 }); t.eq(d.indicators[1].direction, "band")
    t.eq(d.indicators[1].stored_direction, nil)
    p = problems('indicator "long_term_share" { targets = { [2026] = { 45, 55 } } }')
    t.ok(has(p, "the value for 2026 must be a number$"))
    p = problems('indicator "mine" { name = "M", unit = "%", direction = "sideways", measured = { [2025] = 3 } }')
    t.ok(has(p, "direction must be higher, lower or band"))
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
    vista.indicator.define { id = "mobilité", name = "M", unit = "learners", direction = "band", numerator = "learners" }
    t.eq(vista.indicator.definition("mobilité").direction, "band")
    t.raises(function() vista.indicator.define { id = "female_share", name = "x", unit = "%", numerator = "female" } end,
      "is a built-in indicator")
    t.raises(function() vista.indicator.define { id = "x", name = "x", unit = "%" } end,
      "give numerator")
  end },
}
