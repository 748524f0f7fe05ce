--- vista.report: the reports people look at. An institution's strategy and
--- indicators as one self-contained HTML page (inline SVG from
--- vista.chart, no scripts, no fonts, nothing fetched) or as Markdown; and
--- a National Agency's benchmark of every institution, small cells
--- suppressed.
---
---   local report = require "vista.report"
---   local d = report.collect{ institution = ..., as_of = "2026-11-23", lang = "nl" }
---   report.html(d) / report.markdown(d)
---
--- as_of judges the indicators as vista run pdca does (a period not ended
--- then is provisional: shown, marked, not judged); lang (en, nl, de, fr,
--- fi; default en) writes the fixed words, numbers and dates through
--- vista.i18n. The HTML and the Markdown are made from one content().
---   report.benchmark_html{ indicators = {...}, period = ..., group = ..., k = 5 }
local M = {}
local chart = require "vista.chart"
local pdca = require "vista.pdca"
local esc, num = chart.escape, chart.number

local STATUS_ORDER = { "done", "started", "planned", "dropped" }
local BAND_NAMES = { short = "short-term learners (10-89 days)", long = "long-term learners (ErasmusPro, 90+ days)",
                     staff = "staff", accompanying = "group leaders and accompanying persons", other = "other learner activities" }

local function sorted_keys(t)
  local out = {}
  for k in pairs(t) do out[#out + 1] = k end
  table.sort(out)
  return out
end

--- Everything the institution's report shows, gathered once.
function M.collect(opts)
  opts = opts or {}
  local s = vista.strategy.get(opts.institution)
  local inst = s.institution.id
  local as_of = opts.as_of or os.date("!%Y-%m-%d")
  local d = { strategy = s, institution = s.institution, as_of = as_of, generated = os.date("!%Y-%m-%d"),
              lang = require("vista.i18n").new(opts.lang or "en") }
  -- The same as-of date as vista run pdca and indicators: what is
  -- provisional here is provisional there.
  d.results = vista.indicator.compute { institution = inst, strategy = s, as_of = as_of }
  d.pdca = require("vista.pdca").analyse(s, d.results, as_of)
  d.why = require("vista.why").analyse(s)
  d.plan = s.actions
  d.definitions = {}
  for _, def in ipairs(vista.indicator.list(s)) do d.definitions[def.id] = def end
  -- The strategy's indicators, in the order the goals name them.
  d.indicators, d.goal_of = {}, {}
  local seen = {}
  for _, g in ipairs(s.goals) do
    for _, id in ipairs(g.indicators) do
      if not seen[id] then seen[id] = true; d.indicators[#d.indicators + 1] = id; d.goal_of[id] = g.id end
    end
  end
  for _, i in ipairs(s.indicators) do
    if not seen[i.id] then seen[i.id] = true; d.indicators[#d.indicators + 1] = i.id end
  end
  d.targets = {}
  for _, i in ipairs(s.indicators) do d.targets[i.id] = i end
  -- Mobility: by destination, by band, by year.
  d.by_country = vista.mobility.figures { by = "receiving_country", institution = inst }
  table.sort(d.by_country, function(a, b)
    if a.participants ~= b.participants then return a.participants > b.participants end
    return (a.receiving_country or "") < (b.receiving_country or "")
  end)
  for _, r in ipairs(d.by_country) do
    local c = r.receiving_country and vista.sql("SELECT name FROM country WHERE code = ?", r.receiving_country)[1]
    r.country_name = c and c.name or r.receiving_country or "unknown"
  end
  d.by_band = vista.mobility.figures { by = "band", institution = inst }
  local tl = require "vista.timeline"
  d.years = tl.years(inst)
  d.events = tl.events(inst)
  d.peers = {}
  local own = {}
  for _, r in ipairs(d.results) do
    if r.value ~= nil then own[r.indicator] = own[r.indicator] or {}; own[r.indicator][r.period] = r.value end
  end
  -- Peers: the latest period in which three or more others have a value.
  local figs = {}
  for _, ptype in ipairs { "calendar", "school" } do
    figs[ptype] = {}
    for _, r in ipairs(vista.benchmark.figures { period = ptype }) do
      if r.institution == inst then figs[ptype][#figs[ptype] + 1] = r end
    end
    table.sort(figs[ptype], function(a, b) return a.period > b.period end)
  end
  for _, id in ipairs(opts.peer_indicators or { "learners", "long_term_share", "female_share", "fewer_opps_share" }) do
    local def = vista.indicator.definition(id, s) or { period = "calendar" }
    for _, mine_fig in ipairs(figs[def.period or "calendar"] or {}) do
      local ok, res = pcall(vista.benchmark.run, { indicator = id, period = mine_fig.period, group = "all",
                                                   publish = true, strategy = s })
      if not ok then break end
      local others, mine = {}, nil
      for _, r in ipairs(res.rows) do
        if r.institution == inst then mine = r
        elseif r.value ~= nil then others[#others + 1] = r.value end
      end
      local exact = id == "learners" and mine_fig.learners or (own[id] and own[id][mine_fig.period])
      if #others >= 3 and exact ~= nil then
        d.peers[#d.peers + 1] = { indicator = id, name = res.indicator.name, unit = res.indicator.unit,
          period = mine_fig.period, values = others, own = exact, rank = mine and mine.rank,
          ranked = mine and mine.ranked, median = mine and mine.median, institutions = #res.rows }
        break
      end
    end
  end
  local okk, sk = pcall(require("vista.skills").report, { institution = inst })
  d.skills = okk and sk or nil
  return d
end

--- Periods with the ones between them that are missing: 2023, 2025 gives
--- 2023, 2024, 2025 (school years too: 2023-24, 2025-26 gives 2024-25
--- between), so that an axis reads as equal steps of time.
function M.fill_periods(periods)
  local first, last = periods[1], periods[#periods]
  if not first then return periods end
  local out = {}
  if first:match("^%d%d%d%d$") and last:match("^%d%d%d%d$") then
    for y = tonumber(first), tonumber(last) do out[#out + 1] = tostring(y) end
  elseif first:match("^%d%d%d%d%-%d%d$") and last:match("^%d%d%d%d%-%d%d$") then
    for y = tonumber(first:sub(1, 4)), tonumber(last:sub(1, 4)) do
      out[#out + 1] = string.format("%d-%02d", y, (y + 1) % 100)
    end
  else
    return periods
  end
  -- Keep any period of another form as it was.
  local have = {}
  for _, p in ipairs(out) do have[p] = true end
  for _, p in ipairs(periods) do if not have[p] then out[#out + 1] = p end end
  table.sort(out)
  return out
end

-- The values and targets of one indicator by period.
local function series_of(d, id)
  local periods, vals, status = {}, {}, {}
  local seen = {}
  for _, r in ipairs(d.results) do
    if r.indicator == id then
      if not seen[r.period] then seen[r.period] = true; periods[#periods + 1] = r.period end
      vals[r.period] = r.value
      status[r.period] = r.status
    end
  end
  local t = d.targets[id]
  if t then
    for _, kind in ipairs { "targets", "baseline" } do
      for p in pairs(t[kind] or {}) do
        if not seen[p] then seen[p] = true; periods[#periods + 1] = p end
      end
    end
  end
  table.sort(periods)
  return M.fill_periods(periods), vals, status, t
end

--- Per indicator, the check that matters now: the first target at or
--- after its latest value, else its last target.
function M.current_checks(d)
  local latest = {}
  for _, r in ipairs(d.results) do
    if r.value ~= nil and (not latest[r.indicator] or r.period > latest[r.indicator]) then latest[r.indicator] = r.period end
  end
  local out = {}
  for _, c in ipairs(d.pdca.checks) do
    local cur = out[c.indicator]
    local l = latest[c.indicator] or ""
    if not cur then out[c.indicator] = c
    elseif (cur.period or "") < l and (c.period or "") > (cur.period or "") then out[c.indicator] = c end
  end
  return out
end

local function why_nodes(d)
  local s = d.strategy
  local T = d.lang.t
  local nodes, reasons = {}, {}
  local goal_ids = {}
  for _, g in ipairs(s.goals) do goal_ids[g.id] = true end
  local function reason(key, label)
    if not reasons[key] then
      reasons[key] = true
      nodes[#nodes + 1] = { id = "r:" .. key, label = label, kind = "reason" }
    end
    return "r:" .. key
  end
  for _, g in ipairs(s.goals) do
    local parent, kind = nil, "goal"
    if g.why_kind == "goal" then
      parent = goal_ids[g.why] and "g:" .. g.why or nil
      if not parent then kind = "problem" end
    elseif g.why_kind == "mission" then parent, kind = reason("mission", T("Mission") .. ": " .. s.mission), "strategic"
    elseif g.why_kind == "vision" then parent, kind = reason("vision", T("Vision") .. ": " .. s.vision), "strategic"
    elseif g.why_kind == "factor" then
      local text = g.why
      for _, f in ipairs(s.factors) do if f.id == g.why then text = f.text end end
      parent, kind = reason("f:" .. g.why, T("Environment") .. ": " .. text), "strategic"
    else parent, kind = reason("t:" .. g.id, T("Why") .. ": " .. tostring(g.why)), "strategic" end
    nodes[#nodes + 1] = { id = "g:" .. g.id, label = g.text, parent = parent, kind = kind }
  end
  -- Cycles leave goals whose parents never reach a root: shown as problems.
  return nodes
end

local CSS = [[
:root { --ink: #1b2430; --muted: #5b6573; --line: #dde3ea; --accent: #1f5fa8; --bg: #f7f9fb; }
* { box-sizing: border-box; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       background: var(--bg); line-height: 1.45; }
header { background: #14365f; color: #fff; padding: 28px 20px 22px; }
header .inner, main { max-width: 1040px; margin: 0 auto; }
header h1 { margin: 0 0 4px; font-size: 1.9rem; }
header p { margin: 0; color: #c9d8ec; }
main { padding: 8px 20px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 20px; margin: 18px 0; }
h2 { font-size: 1.3rem; margin: 0 0 10px; color: #14365f; }
h3 { font-size: 1.02rem; margin: 14px 0 6px; }
.lead { font-size: 1.08rem; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.chips { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 6px; }
.chips li { background: #e8eef7; border-radius: 14px; padding: 3px 12px; font-size: .92rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 14px; }
figure.fig { margin: 8px 0; }
figure.fig svg.chart { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .9rem; margin-top: 2px; }
figure.wide { overflow-x: auto; }
figure.wide svg.chart { min-width: 720px; }
details { margin: 4px 0 8px; font-size: .9rem; }
summary { cursor: pointer; color: var(--accent); }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: 6px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f7; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.status { display: inline-block; border-radius: 10px; padding: 1px 9px; font-size: .82rem; font-weight: 600; }
.s-reached, .s-done, .s-on-track { background: #dff3e4; color: #1d6b34; }
.s-behind, .s-started, .s-planned { background: #fff1d6; color: #8a5a00; }
.s-missed, .s-dropped, .s-overdue { background: #fbe3e0; color: #9c2b1f; }
.s-no-target, .s-no-data, .s-not-recorded, .s-no-baseline, .s-denominator-missing, .s-target-only
  { background: #eceff3; color: #4a5563; }
.s-provisional { background: #fff; color: #4a5563; border: 1px dashed #8a94a3; }
td.d, span.d { white-space: nowrap; }
.scroll { overflow-x: auto; }
.kpi { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 8px 0 4px; }
.kpi div { background: #f0f5fb; border-radius: 8px; padding: 10px 12px; }
.kpi b { display: block; font-size: 1.5rem; color: #14365f; }
.note { color: var(--muted); font-size: .88rem; }
footer { color: var(--muted); font-size: .85rem; text-align: center; padding: 10px; }
@media (max-width: 700px) { .pair { grid-template-columns: 1fr; } header h1 { font-size: 1.45rem; }
  section { padding: 14px 12px; } th, td { padding: 4px 5px; }
  table.cards thead { display: none; } table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; }
  table.cards tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.cards td { border: none; padding: 1px 0; }
  table.cards td::before { content: attr(data-label) ": "; color: var(--muted); font-size: .85rem; }
  table.cards td:empty { display: none; } }
@media print { body { background: #fff; } figure.wide svg.chart { min-width: 0; } header { background: #fff; color: #000; border-bottom: 2px solid #000; }
  header p { color: #333; } section { border: none; padding: 0; break-inside: avoid-page; }
  h2 { break-after: avoid; } details > summary { display: none; } details { display: block; }
  details > table { display: table; } .grid { grid-template-columns: 1fr 1fr; } }
]]

-- The status's CSS class, from its English word (the text shown is the
-- reader's language).
local function status_class(st)
  local key = tostring(st):match("^(no baseline)") or tostring(st):match("^(denominator missing)") or tostring(st)
  return "s-" .. key:gsub("[^%w]+", "-")
end

local function status_chip(L, st)
  if not st then return "" end
  return string.format('<span class="status %s">%s</span>', esc(status_class(st)), esc(L.status(st)))
end

local function page(L, title, subtitle, body)
  return table.concat {
    '<!DOCTYPE html>\n<html lang="', L.code, '"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>", esc(title), "</title><style>", CSS, "</style></head><body>",
    '<header><div class="inner"><h1>', esc(title), "</h1><p>", esc(subtitle), "</p></div></header><main>",
    body, "</main><footer>", esc(L.t("Made with vista %s — every figure weighted by participants.", vista.version)),
    "</footer></body></html>\n" }
end

-- Renders with the language's decimal mark in the charts, and puts the
-- default back even when rendering fails.
local function with_decimal(L, f, ...)
  local before = chart.decimal
  chart.decimal = L.decimal
  local ok, res = pcall(f, ...)
  chart.decimal = before
  if not ok then error(res, 0) end
  return res
end

-- A milestone's title in the reader's language when vista wrote it (from
-- the records); a title the institution wrote stays as written.
local function event_title(L, e)
  if e.source == "records" then
    local action, n = e.title:match("^(.-) project: (%d+) participants sent$")
    if action then return L.t("%s project: %s participants sent", action, L.num(tonumber(n))) end
  end
  local st = e.title:match("^strategy: (.+)$")
  if st and e.source == "strategy" then return L.t("strategy: %s", st) end
  return e.title
end

-- What the report shows, in the reader's language: the parts the HTML and
-- the Markdown both write, so that they say the same.
local function content(d)
  local L = d.lang
  local s = d.strategy
  local c = { L = L }
  local goal_text = {}
  for _, g in ipairs(s.goals) do goal_text[g.id] = g.text end
  local factor_text = {}
  for _, f in ipairs(s.factors or {}) do factor_text[f.id] = f.text end
  c.goal_text = goal_text
  -- Why: the reason in words, named (a goal's text, the factor's text).
  c.goals = {}
  for _, g in ipairs(s.goals) do
    local why
    if g.why_kind == "goal" then why = L.t("goal: %s", goal_text[g.why] or tostring(g.why))
    elseif g.why_kind == "mission" then why = L.t("the mission")
    elseif g.why_kind == "vision" then why = L.t("the vision")
    elseif g.why_kind == "factor" then why = L.t("the environment: %s", factor_text[g.why] or tostring(g.why))
    else why = tostring(g.why or "") end
    local names = {}
    for _, id in ipairs(g.indicators) do
      local def = d.definitions[id]
      names[#names + 1] = def and L.t(def.name) or id
    end
    c.goals[#c.goals + 1] = { goal = g.id, text = g.text, why = why, indicators = table.concat(names, "; ") }
  end
  -- Indicators: per indicator its periods (gaps filled), values, targets,
  -- statuses and the check that matters now.
  local checks = M.current_checks(d)
  c.indicators = {}
  for _, id in ipairs(d.indicators) do
    local def = d.definitions[id] or { name = id, unit = "" }
    local periods, vals, status, t = series_of(d, id)
    if #periods > 0 then
      local rows, prov = {}, {}
      for _, p in ipairs(periods) do
        local target = t and ((t.bands or {})[p] or (t.targets and t.targets[p]))
        local st = status[p] or (vals[p] == nil and (target ~= nil and "target only" or "not recorded")) or nil
        local provisional = pdca.provisional(p, d.as_of)
        if provisional and vals[p] ~= nil then prov[p] = true end
        rows[#rows + 1] = { period = p, value = vals[p], target = target ~= nil and L.numtext(pdca.target_text(target)) or nil,
                            status = st and L.status(st) or "", status_key = st, provisional = provisional }
      end
      local baseline
      for _, v in pairs(t and t.baseline or {}) do baseline = v end
      c.indicators[#c.indicators + 1] = { id = id, name = L.t(def.name), unit = L.t(def.unit or ""), periods = periods,
        values = vals, rows = rows, provisional = prov, target = t, baseline = baseline, check = checks[id] }
    end
  end
  -- Mobility by year: the year in progress is provisional; years without
  -- a mobility are left out of the table (the chart keeps its axis).
  c.years = {}
  local this_year = tonumber(d.as_of:sub(1, 4))
  for _, y in ipairs(d.years) do
    local any = (y.learners or 0) + (y.staff or 0) + (y.incoming or 0) > 0
    c.years[#c.years + 1] = { year = y.year, learners = y.learners, staff = y.staff, incoming = y.incoming, any = any,
      note = y.year >= this_year and L.t("provisional") or nil }
  end
  c.kpi = { learners = 0, staff = 0, incoming = 0 }
  for _, y in ipairs(d.years) do
    c.kpi.learners = c.kpi.learners + (y.learners or 0)
    c.kpi.staff = c.kpi.staff + (y.staff or 0)
    c.kpi.incoming = c.kpi.incoming + (y.incoming or 0)
  end
  c.bands = {}
  for _, r in ipairs(d.by_band) do
    c.bands[#c.bands + 1] = { band = L.t(BAND_NAMES[r.band] or r.band or "unknown"), participants = r.participants,
                              mean_duration = r.mean_duration }
  end
  c.countries = {}
  for _, r in ipairs(d.by_country) do
    c.countries[#c.countries + 1] = { country = r.country_name == "unknown" and L.t("unknown") or r.country_name,
      participants = r.participants, learners = r.learners, staff = r.staff }
  end
  c.events = {}
  for _, e in ipairs(d.events) do
    if e.kind ~= "first" and e.date then
      c.events[#c.events + 1] = { n = #c.events + 1, year = e.date:sub(1, 4), date = e.date:sub(1, 7),
        ["until"] = e["until"] and e["until"]:sub(1, 7) or nil, kind = L.t(e.kind), title = event_title(L, e) }
    end
  end
  -- The action plan: the goal's text, the action, who, when, and why it is
  -- to act on.
  local issues = {}
  for _, a in ipairs(d.pdca.actions) do issues[a.action] = a.issue end
  c.plan = {}
  c.plan_counts = {}
  for _, a in ipairs(d.plan) do
    c.plan_counts[a.status] = (c.plan_counts[a.status] or 0) + 1
    c.plan[#c.plan + 1] = { goal = goal_text[a.goal] or a.goal, what = a.what, owner = a.owner or "—",
      due = L.date(a.due), status = L.t(a.status), status_key = a.status,
      issue = issues[a.what] and L.status(issues[a.what]) or "" }
  end
  c.peers = {}
  for _, pdat in ipairs(d.peers) do
    c.peers[#c.peers + 1] = { indicator = L.t(pdat.name), unit = L.t(pdat.unit or ""), period = pdat.period,
      us = pdat.own, median = pdat.median, rank = pdat.rank, ranked = pdat.ranked, others = #pdat.values,
      values = pdat.values, institutions = pdat.institutions }
  end
  c.title = s.institution.name .. ": " .. (s.title or L.t("internationalisation strategy"))
  c.subtitle = L.t("Strategy %s to %s · indicators as of %s", L.date(s.from), L.date(s.to), L.date(d.as_of))
  return c
end

--- The institution's report as one HTML page.
function M.html(d)
  d.lang = d.lang or require("vista.i18n").new("en")
  return with_decimal(d.lang, function()
  local L = d.lang
  local T = L.t
  local c = content(d)
  local s = d.strategy
  local b = {}
  local function add(x) b[#b + 1] = x end
  local function figure(o)
    o.data_label = T("Data")
    return chart.figure(o)
  end
  -- 1. The strategy on a page.
  add('<section id="strategy"><h2>' .. esc(T("The strategy on a page")) .. '</h2><div class="pair"><div>')
  add("<h3>" .. esc(T("Mission")) .. '</h3><p class="lead">' .. esc(s.mission) .. "</p>")
  add("<h3>" .. esc(T("Vision")) .. '</h3><p class="lead">' .. esc(s.vision) .. "</p></div><div>")
  add("<h3>" .. esc(T("Values")) .. '</h3><ul class="chips">')
  for _, v in ipairs(s.values) do add("<li>" .. esc(v) .. "</li>") end
  add("</ul><h3>" .. esc(T("Core skills")) .. "</h3><ul>")
  for _, v in ipairs(s.core_skills) do add("<li>" .. esc(v) .. "</li>") end
  add("</ul></div></div></section>")
  -- 2. Goals and their whys.
  local nodes = why_nodes(d)
  local strategic = {}
  for _, n in ipairs(nodes) do if n.kind == "strategic" then strategic[#strategic + 1] = n.label end end
  add('<section id="goals"><h2>' .. esc(T("Goals and why we pursue them")) .. "</h2>")
  add('<p class="note">' .. esc(T("Read from left to right: the reason (mission, vision, the environment), the strategic goal that answers it, and the goals that serve it.")) .. "</p>")
  add(figure { svg = chart.tree { title = T("Why-chains of the goals"), nodes = nodes,
    desc = T("%d goals; strategic goals: %s", #s.goals, table.concat(strategic, "; ")) },
    wide = true,
    caption = T("%d goals, %d of them strategic (their why is no longer another goal).", #s.goals, #strategic),
    rows = c.goals, cols = { "goal", "text", "why", "indicators" },
    headers = { T("Goal"), T("Text"), T("Why"), T("Indicators") } })
  add("</section>")
  -- 3. Indicators against targets.
  add('<section id="indicators"><h2>' .. esc(T("Indicators against targets")) .. '</h2><div class="grid">')
  for _, ind in ipairs(c.indicators) do
    local values = {}
    for i, p in ipairs(ind.periods) do values[i] = ind.values[p] end
    local t, chk = ind.target, ind.check
    local targets = t and t.targets
    local svg = chart.line { title = ind.name .. " (" .. ind.unit .. ")", x = ind.periods,
      series = { { name = ind.name, values = values } }, targets = targets, baseline = ind.baseline,
      provisional = ind.provisional, provisional_label = T("provisional"),
      desc = T("%s by period", ind.name) .. (chk and (", " .. L.status(chk.status)
        .. (chk.period and (" " .. T("for %s", chk.period)) or "")) or "") }
    add('<div class="ind" id="ind-' .. esc(ind.id) .. '"><h3>' .. esc(ind.name) .. " " .. status_chip(L, chk and chk.status)
      .. "</h3>")
    local has_target = targets and next(targets) ~= nil
    local caption = ind.unit .. "; " .. (has_target and T("the dashed red line is the target") or T("no target set"))
      .. (ind.baseline and (", " .. T("the dotted line the baseline")) or "")
      .. (next(ind.provisional) and (", " .. T("a hollow point is provisional (the period has not ended)")) or "") .. "."
    add(figure { svg = svg, caption = caption, rows = ind.rows, cols = { "period", "value", "target", "status" },
      headers = { T("Period"), T("Value"), T("Target"), T("Status") } })
    -- The figures as text, machine-checkable (data-value: a decimal point).
    add('<p class="note">')
    local parts = {}
    for _, p in ipairs(ind.periods) do
      local v = ind.values[p]
      if v ~= nil then
        parts[#parts + 1] = string.format('%s: <span class="figure" data-indicator="%s" data-period="%s" data-value="%s">%s</span>%s',
          esc(p), esc(ind.id), esc(p), chart.raw_number(v), L.num(v),
          ind.provisional[p] and (" (" .. esc(T("provisional")) .. ")") or "")
      end
    end
    add(table.concat(parts, " · ") .. "</p></div>")
  end
  add("</div></section>")
  -- 4. Mobility.
  add('<section id="mobility"><h2>' .. esc(T("Mobility")) .. "</h2>")
  add(string.format('<div class="kpi"><div><b>%s</b>%s</div><div><b>%s</b>%s</div><div><b>%s</b>%s</div><div><b>%s</b>%s</div></div>',
    L.num(c.kpi.learners), esc(T("learners sent")), L.num(c.kpi.staff), esc(T("staff mobilities")),
    L.num(c.kpi.incoming), esc(T("learners received")), L.num(#c.countries), esc(T("destination countries"))))
  local labels, values = {}, {}
  for _, r in ipairs(c.countries) do labels[#labels + 1] = r.country; values[#values + 1] = r.participants end
  add(figure { svg = chart.bar { title = T("Participants by destination country"), labels = labels,
    series = { { values = values } }, horizontal = true, width = 640, desc = T("%d countries", #labels) },
    title = T("Where they went"), caption = T("All years, participants sent."), rows = c.countries,
    cols = { "country", "participants", "learners", "staff" },
    headers = { T("Country"), T("Participants"), T("Learners"), T("Staff") } })
  labels, values = {}, {}
  for _, r in ipairs(c.bands) do labels[#labels + 1] = r.band; values[#values + 1] = r.participants end
  add(figure { svg = chart.bar { title = T("Participants by duration band"), labels = labels,
    series = { { values = values } }, horizontal = true, width = 640 }, title = T("For how long"),
    caption = T("Learners: short-term 10-89 days, long-term 90 days and more."),
    rows = c.bands, cols = { "band", "participants", "mean_duration" },
    headers = { T("Band"), T("Participants"), T("Mean days") } })
  local years, ls, ss, is, notes = {}, {}, {}, {}, {}
  local table_years = {}
  for _, y in ipairs(c.years) do
    if y.any then
      years[#years + 1] = tostring(y.year)
      ls[#ls + 1], ss[#ss + 1], is[#is + 1] = y.learners, y.staff, y.incoming
      notes[#years] = y.note
      table_years[#table_years + 1] = y
    end
  end
  add(figure { svg = chart.bar { title = T("Mobility by year"), labels = years, width = 960, height = 300, notes = notes,
    series = { { name = T("learners sent"), values = ls }, { name = T("staff sent"), values = ss },
               { name = T("learners received"), values = is } } },
    title = T("Year by year"), caption = T("By the calendar year a mobility starts; a year in progress is provisional."),
    rows = table_years, cols = { "year", "learners", "staff", "incoming", "note" },
    headers = { T("Year"), T("Learners sent"), T("Staff sent"), T("Learners received"), T("Note") } })
  add("</section>")
  -- 5. The timeline.
  local tyears, tl, ts, ti, tnotes = {}, {}, {}, {}, {}
  for i, y in ipairs(c.years) do
    tyears[i] = tostring(y.year)
    tl[i], ts[i], ti[i] = y.learners, y.staff, y.incoming
    tnotes[i] = y.any and y.note or nil
  end
  local events = {}
  for _, e in ipairs(c.events) do events[#events + 1] = { year = e.year, label = e.title .. " (" .. e.kind .. ")" } end
  add('<section id="timeline"><h2>' .. esc(T("What we have done so far")) .. "</h2>")
  add(figure { svg = chart.timeline { title = T("Timeline: milestones and mobility by year"), years = tyears, width = 960,
    series = { { name = T("learners sent"), values = tl }, { name = T("staff sent"), values = ts },
               { name = T("learners received"), values = ti } }, notes = tnotes,
    events = events, desc = T("%d milestones from %s to %s", #events, tyears[1] or "", tyears[#tyears] or "") },
    caption = T("Numbered circles are the milestones listed below."), rows = c.events,
    cols = { "n", "date", "until", "kind", "title" },
    headers = { "#", T("From"), T("Until"), T("Kind"), T("Milestone") } })
  add("<ol>")
  for _, e in ipairs(c.events) do
    add(string.format('<li><span class="d">%s</span> — %s (%s)</li>', esc(e.date), esc(e.title), esc(e.kind)))
  end
  add("</ol></section>")
  -- 6. The action plan.
  labels, values = {}, {}
  for _, st in ipairs(STATUS_ORDER) do
    if c.plan_counts[st] then labels[#labels + 1] = T(st); values[#values + 1] = c.plan_counts[st] end
  end
  add('<section id="plan"><h2>' .. esc(T("The action plan")) .. "</h2>")
  add(figure { svg = chart.bar { title = T("Actions by status"), labels = labels, series = { { values = values } },
    horizontal = true, width = 640 }, caption = T("%d actions, as of %s.", #d.plan, L.date(d.as_of)) })
  add('<div class="scroll"><table class="cards"><thead><tr>')
  for _, h in ipairs { "Goal", "Action", "Owner", "Due", "Status", "To act on" } do add("<th>" .. esc(T(h)) .. "</th>") end
  add("</tr></thead><tbody>")
  for _, a in ipairs(c.plan) do
    local h = {}
    for i, x in ipairs { "Goal", "Action", "Owner", "Due", "Status", "To act on" } do h[i] = esc(T(x)) end
    add(string.format('<tr><td data-label="%s">%s</td><td data-label="%s">%s</td><td data-label="%s">%s</td>' ..
      '<td class="d" data-label="%s">%s</td><td data-label="%s">%s</td><td data-label="%s">%s</td></tr>',
      h[1], esc(a.goal), h[2], esc(a.what), h[3], esc(a.owner), h[4], esc(a.due), h[5], status_chip(L, a.status_key),
      h[6], esc(a.issue)))
  end
  add("</tbody></table></div></section>")
  -- 7. Peers.
  if #c.peers > 0 then
    add('<section id="peers"><h2>' .. esc(T("Among our peers")) .. '</h2><p class="note">'
      .. esc(T("Every other institution in the database that sent someone in the period, small cells suppressed (fewer than 5 people, shares of fewer than 23). The box spans the middle half, the line is the median; the orange dot is us."))
      .. "</p>")
    for _, pdat in ipairs(c.peers) do
      local us = T("us: %s", L.num(pdat.us))
      local g = { label = pdat.indicator .. " (" .. pdat.period .. ")", values = pdat.values, highlight = pdat.us,
                  highlight_label = us }
      add(figure { svg = chart.strip { title = pdat.indicator .. ", " .. pdat.period, groups = { g }, width = 960,
        desc = T("%s: us %s; %d others", pdat.indicator, L.num(pdat.us), pdat.others) },
        caption = T("%s (%s): us %s, among %d institutions.", pdat.indicator, pdat.unit, L.num(pdat.us), pdat.institutions)
          .. (pdat.rank and (" " .. T("Rank %d of %d ranked.", pdat.rank, pdat.ranked)) or "") })
    end
    add("<details><summary>" .. esc(T("Data")) .. "</summary>" .. chart.html_table(c.peers,
      { "indicator", "period", "us", "median", "rank", "others" },
      { T("Indicator"), T("Period"), T("Us"), T("Median"), T("Rank"), T("Others") }) .. "</details>")
    add("</section>")
  end
  -- 8. Skills.
  if d.skills then
    local sk = d.skills
    labels, values = {}, {}
    for _, l in ipairs(sk.languages) do
      if l.b2_or_above then labels[#labels + 1] = l.name; values[#values + 1] = l.b2_or_above end
    end
    add('<section id="skills"><h2>' .. esc(T("Our staff's international skills")) .. "</h2>")
    add(figure { svg = chart.bar { title = T("Staff speaking a language at B2 or above"), labels = labels,
      series = { { values = values } }, horizontal = true, width = 640 },
      caption = T("From %d anonymous answers; languages spoken by fewer than 5 are not shown.", sk.respondents),
      rows = sk.languages, cols = { "name", "b2_or_above", "any_level" },
      headers = { T("Language"), T("B2 or above"), T("Any level") } })
    if #sk.gaps > 0 then
      add("<h3>" .. esc(T("Gaps against the strategy")) .. "</h3><ul>")
      for _, g in ipairs(sk.gaps) do
        add(string.format("<li><b>%s</b>: %s — %s</li>", esc(c.goal_text[g.goal] or g.goal), esc(g.need), esc(g.found)))
      end
      add("</ul>")
    end
    add("</section>")
  end
  return page(L, c.title, c.subtitle .. (s.institution.code and (" · " .. s.institution.code) or ""), table.concat(b, "\n"))
  end)
end

local function md_cell(L, v)
  if v == nil then return "" end
  if type(v) == "number" then return L.num(v) end
  return (tostring(v):gsub("|", "\\|"):gsub("\n", " "))
end

local function md_table(L, rows, cols, headers)
  local out = { "| " .. table.concat(headers or cols, " | ") .. " |", "|" .. string.rep("---|", #cols) }
  for _, r in ipairs(rows) do
    local cells = {}
    for i, col in ipairs(cols) do cells[i] = md_cell(L, r[col]) end
    out[#out + 1] = "| " .. table.concat(cells, " | ") .. " |"
  end
  return table.concat(out, "\n")
end

--- The same report as Markdown, for wikis and e-mail: the same sections,
--- tables and statuses as the HTML, the charts as their data.
function M.markdown(d)
  d.lang = d.lang or require("vista.i18n").new("en")
  local L = d.lang
  local T = L.t
  local c = content(d)
  local s = d.strategy
  local o = {}
  local function add(x) o[#o + 1] = x end
  add("# " .. c.title)
  add("")
  add(c.subtitle)
  add("")
  add("## " .. T("The strategy on a page") .. "\n")
  add("**" .. T("Mission") .. ".** " .. s.mission .. "\n")
  add("**" .. T("Vision") .. ".** " .. s.vision .. "\n")
  add("**" .. T("Values") .. ":** " .. table.concat(s.values, " · ") .. "\n")
  add("**" .. T("Core skills") .. ":**\n")
  for _, x in ipairs(s.core_skills) do add("- " .. x) end
  add("\n## " .. T("Goals and why we pursue them") .. "\n")
  add(md_table(L, c.goals, { "goal", "text", "why", "indicators" }, { T("Goal"), T("Text"), T("Why"), T("Indicators") }))
  add("\n## " .. T("Indicators against targets") .. "\n")
  for _, ind in ipairs(c.indicators) do
    local chk = ind.check
    add("### " .. ind.name .. " (" .. ind.unit .. ")" .. (chk and (": " .. L.status(chk.status)) or "") .. "\n")
    add(md_table(L, ind.rows, { "period", "value", "target", "status" }, { T("Period"), T("Value"), T("Target"), T("Status") }))
    add("")
  end
  add("## " .. T("Mobility") .. "\n")
  add(string.format("%s %s · %s %s · %s %s · %s %s\n", L.num(c.kpi.learners), T("learners sent"), L.num(c.kpi.staff),
    T("staff mobilities"), L.num(c.kpi.incoming), T("learners received"), L.num(#c.countries), T("destination countries")))
  add("### " .. T("Where they went") .. "\n")
  add(md_table(L, c.countries, { "country", "participants", "learners", "staff" },
    { T("Country"), T("Participants"), T("Learners"), T("Staff") }))
  add("\n### " .. T("For how long") .. "\n")
  add(md_table(L, c.bands, { "band", "participants", "mean_duration" }, { T("Band"), T("Participants"), T("Mean days") }))
  add("\n### " .. T("Year by year") .. "\n")
  local yrs = {}
  for _, y in ipairs(c.years) do if y.any then yrs[#yrs + 1] = y end end
  add(md_table(L, yrs, { "year", "learners", "staff", "incoming", "note" },
    { T("Year"), T("Learners sent"), T("Staff sent"), T("Learners received"), T("Note") }))
  add("\n## " .. T("What we have done so far") .. "\n")
  for _, e in ipairs(c.events) do add(string.format("%d. %s — %s (%s)", e.n, e.date, e.title, e.kind)) end
  add("\n## " .. T("The action plan") .. "\n")
  add(md_table(L, c.plan, { "goal", "what", "owner", "due", "status", "issue" },
    { T("Goal"), T("Action"), T("Owner"), T("Due"), T("Status"), T("To act on") }))
  if #c.peers > 0 then
    add("\n## " .. T("Among our peers") .. "\n")
    add(md_table(L, c.peers, { "indicator", "period", "us", "median", "rank", "others" },
      { T("Indicator"), T("Period"), T("Us"), T("Median"), T("Rank"), T("Others") }))
  end
  if d.skills then
    add("\n## " .. T("Our staff's international skills") .. "\n")
    add(md_table(L, d.skills.languages, { "name", "b2_or_above", "any_level" }, { T("Language"), T("B2 or above"), T("Any level") }))
    if #d.skills.gaps > 0 then
      add("\n### " .. T("Gaps against the strategy") .. "\n")
      for _, g in ipairs(d.skills.gaps) do add(string.format("- **%s**: %s — %s", c.goal_text[g.goal] or g.goal, g.need, g.found)) end
    end
  end
  add("\n" .. T("Made with vista %s — every figure weighted by participants.", vista.version))
  return table.concat(o, "\n") .. "\n"
end

--- A National Agency's benchmark: every institution, its value of each
--- indicator and its place in its peer group, published (small cells
--- suppressed). opts: indicators, period, group, k.
function M.benchmark_data(opts)
  local out = { indicators = {}, group = opts.group or "country", k = opts.k or 5 }
  for _, id in ipairs(opts.indicators or { "learners", "long_term_share", "female_share", "fewer_opps_share" }) do
    local res = vista.benchmark.run { indicator = id, periods = opts.period and { opts.period } or nil,
                                      group = out.group, k = out.k, publish = true }
    out.indicators[#out.indicators + 1] = res
  end
  return out
end

function M.benchmark_html(b)
  local parts = {}
  local function add(x) parts[#parts + 1] = x end
  add('<section><h2>How to read this</h2><p>Every institution that sent someone abroad in the period, with its value, its rank (1 = best) '
    .. "and percentile in its peer group (" .. esc(b.group) .. "). Published: a count of fewer than " .. b.k
    .. " people, a share of fewer than 23 and any figure that would give one away are suppressed; suppressed institutions are listed but not ranked.</p></section>")
  for _, res in ipairs(b.indicators) do
    local def = res.indicator
    local by = {}
    local order = {}
    for _, r in ipairs(res.rows) do
      if not by[r.group] then by[r.group] = {}; order[#order + 1] = r.group end
      if r.value ~= nil then table.insert(by[r.group], r.value) end
    end
    local groups = {}
    for _, g in ipairs(order) do groups[#groups + 1] = { label = g, values = by[g] } end
    add('<section><h2>' .. esc(def.name) .. " (" .. esc(def.unit) .. "), " .. esc(table.concat(res.periods, ", ")) .. "</h2>")
    add(chart.figure { svg = chart.strip { title = def.name .. " by " .. b.group, groups = groups, width = 960,
      desc = string.format("%d institutions in %d groups", #res.rows, #groups) },
      caption = "Each dot an institution; the box spans the middle half, the line is the median.",
      rows = res.groups, cols = { "group", "institutions", "ranked", "suppressed", "q1", "median", "q3", "pooled" } })
    add("<details><summary>Every institution</summary>" .. chart.html_table(res.rows,
      { "group", "rank", "code", "name", "value", "percentile", "status" },
      { "Group", "Rank", "Code", "Name", "Value", "Percentile", "Status" }) .. "</details></section>")
  end
  return page(require("vista.i18n").new("en"), "Benchmark of institutions", string.format("Peer groups: %s · published, k = %d · %s", b.group, b.k,
    os.date("!%Y-%m-%d")), table.concat(parts, "\n"))
end

return M
