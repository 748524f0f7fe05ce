--- vista.report: the reports people look at. An institution's strategy and
--- indicators as one self-contained HTML page (inline SVG from
--- vista.chart, no scripts, no fonts, nothing fetched) or as Markdown; and
--- a National Agency's benchmark of every institution, small cells
--- suppressed.
---
---   local report = require "vista.report"
---   local d = report.collect{ institution = ..., as_of = "2026-11-23" }
---   report.html(d) / report.markdown(d)
---   report.benchmark_html{ indicators = {...}, period = ..., group = ..., k = 5 }
local M = {}
local chart = require "vista.chart"
local esc, num = chart.escape, chart.number

local STATUS_ORDER = { "done", "started", "planned", "dropped" }
local BAND_NAMES = { short = "short-term learners (short-term activity, or 10-89 days)",
                     long = "long-term learners (ErasmusPro, or 90+ days)",
                     group = "learners on group mobility or skills competitions",
                     staff = "staff (professional development)",
                     accompanying = "group leaders and accompanying persons (and staff on learner activities)",
                     other = "learners, under 10 days" }

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
  local d = { strategy = s, institution = s.institution, as_of = as_of, generated = os.date("!%Y-%m-%d") }
  d.results = vista.indicator.compute { institution = inst, strategy = s }
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
  return periods, vals, status, t
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
    elseif g.why_kind == "mission" then parent, kind = reason("mission", "Mission: " .. s.mission), "strategic"
    elseif g.why_kind == "vision" then parent, kind = reason("vision", "Vision: " .. s.vision), "strategic"
    elseif g.why_kind == "factor" then
      local text = g.why
      for _, f in ipairs(s.factors) do if f.id == g.why then text = f.text end end
      parent, kind = reason("f:" .. g.why, "Environment: " .. text), "strategic"
    else parent, kind = reason("t:" .. g.id, "Why: " .. tostring(g.why)), "strategic" end
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
.s-no-target, .s-no-data { background: #eceff3; color: #4a5563; }
.kpi { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 10px; margin: 8px 0 4px; }
.kpi div { background: #f0f5fb; border-radius: 8px; padding: 10px 12px; }
.kpi b { display: block; font-size: 1.5rem; color: #14365f; }
.note { color: var(--muted); font-size: .88rem; }
footer { color: var(--muted); font-size: .85rem; text-align: center; padding: 10px; }
@media (max-width: 700px) { .pair { grid-template-columns: 1fr; } header h1 { font-size: 1.45rem; }
  section { padding: 14px 12px; } th, td { padding: 4px 5px; } }
@media print { body { background: #fff; } figure.wide svg.chart { min-width: 0; } header { background: #fff; color: #000; border-bottom: 2px solid #000; }
  header p { color: #333; } section { border: none; padding: 0; break-inside: avoid-page; }
  h2 { break-after: avoid; } details > summary { display: none; } details { display: block; }
  details > table { display: table; } .grid { grid-template-columns: 1fr 1fr; } }
]]

local function status_chip(st)
  if not st then return "" end
  local cls = "s-" .. tostring(st):gsub("[^%w]+", "-")
  return string.format('<span class="status %s">%s</span>', esc(cls), esc(st))
end

local function page(title, subtitle, body)
  return table.concat {
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>", esc(title), "</title><style>", CSS, "</style></head><body>",
    '<header><div class="inner"><h1>', esc(title), "</h1><p>", esc(subtitle), "</p></div></header><main>",
    body, "</main><footer>Made with vista ", esc(vista.version), " — every figure weighted by participants.</footer>",
    "</body></html>\n" }
end

--- The institution's report as one HTML page.
function M.html(d)
  local s = d.strategy
  local b = {}
  local function add(x) b[#b + 1] = x end
  -- 1. The strategy on a page.
  add('<section id="strategy"><h2>The strategy on a page</h2><div class="pair"><div>')
  add('<h3>Mission</h3><p class="lead">' .. esc(s.mission) .. "</p>")
  add('<h3>Vision</h3><p class="lead">' .. esc(s.vision) .. "</p></div><div>")
  add("<h3>Values</h3><ul class=\"chips\">")
  for _, v in ipairs(s.values) do add("<li>" .. esc(v) .. "</li>") end
  add("</ul><h3>Core skills</h3><ul>")
  for _, v in ipairs(s.core_skills) do add("<li>" .. esc(v) .. "</li>") end
  add("</ul></div></div></section>")
  -- 2. Goals and their whys.
  local nodes = why_nodes(d)
  local strategic = {}
  for _, n in ipairs(nodes) do if n.kind == "strategic" then strategic[#strategic + 1] = n.label end end
  add('<section id="goals"><h2>Goals and why we pursue them</h2>')
  add('<p class="note">Read from left to right: the reason (mission, vision, the environment), the strategic goal that answers it, and the goals that serve it.</p>')
  local goal_rows = {}
  for _, g in ipairs(s.goals) do
    goal_rows[#goal_rows + 1] = { goal = g.id, text = g.text, why = g.why_kind == "goal" and ("goal " .. g.why) or
      (g.why_kind == "text" and tostring(g.why) or g.why_kind .. (g.why and g.why ~= "" and g.why_kind == "factor" and (" " .. g.why) or "")),
      indicators = table.concat(g.indicators, ", ") }
  end
  add(chart.figure { svg = chart.tree { title = "Why-chains of the goals", nodes = nodes,
    desc = string.format("%d goals; strategic goals: %s", #s.goals, table.concat(strategic, "; ")) },
    wide = true,
    caption = string.format("%d goals, %d of them strategic (their why is no longer another goal).", #s.goals, #strategic),
    rows = goal_rows, cols = { "goal", "text", "why", "indicators" }, headers = { "Goal", "Text", "Why", "Indicators" } })
  add("</section>")
  -- 3. Indicators against targets.
  add('<section id="indicators"><h2>Indicators against targets</h2><div class="grid">')
  local checks = M.current_checks(d)
  for _, id in ipairs(d.indicators) do
    local def = d.definitions[id] or { name = id, unit = "" }
    local periods, vals, status, t = series_of(d, id)
    if #periods > 0 then
      local values = {}
      for i, p in ipairs(periods) do values[i] = vals[p] end
      local baseline
      for _, v in pairs(t and t.baseline or {}) do baseline = v end
      local rows = {}
      for _, p in ipairs(periods) do
        rows[#rows + 1] = { period = p, value = vals[p], target = t and t.targets and t.targets[p], status = status[p] or "target only" }
      end
      local c = checks[id]
      local svg = chart.line { title = def.name .. " (" .. def.unit .. ")", x = periods,
        series = { { name = def.name, values = values } }, targets = t and t.targets, baseline = baseline,
        desc = string.format("%s by period%s", def.name, c and (", " .. c.status .. (c.period and (" for " .. c.period) or "")) or "") }
      add('<div class="ind" id="ind-' .. esc(id) .. '"><h3>' .. esc(def.name) .. " " .. status_chip(c and c.status) .. "</h3>")
      local has_target = t and t.targets and next(t.targets) ~= nil
      add(chart.figure { svg = svg, caption = def.unit .. (has_target and "; the dashed red line is the target" or "; no target set")
        .. (baseline and ", the dotted line the baseline" or "") .. ".", rows = rows, cols = { "period", "value", "target", "status" },
        headers = { "Period", "Value", "Target", "Status" } })
      -- The figures as text, machine-checkable.
      add('<p class="note">')
      local parts = {}
      for _, p in ipairs(periods) do
        if vals[p] ~= nil then
          parts[#parts + 1] = string.format('%s: <span class="figure" data-indicator="%s" data-period="%s">%s</span>',
            esc(p), esc(id), esc(p), num(vals[p]))
        end
      end
      add(table.concat(parts, " · ") .. "</p></div>")
    end
  end
  add("</div></section>")
  -- 4. Mobility.
  add('<section id="mobility"><h2>Mobility</h2>')
  local total = 0
  for _, r in ipairs(d.by_band) do total = total + r.participants end
  local learners, staff, incoming = 0, 0, 0
  for _, y in ipairs(d.years) do
    learners, staff, incoming = learners + (y.learners or 0), staff + (y.staff or 0), incoming + (y.incoming or 0)
  end
  add(string.format('<div class="kpi"><div><b>%s</b>learners sent</div><div><b>%s</b>staff mobilities</div>' ..
    '<div><b>%s</b>learners received</div><div><b>%d</b>destination countries</div></div>',
    num(learners), num(staff), num(incoming), #d.by_country))
  local labels, values = {}, {}
  for _, r in ipairs(d.by_country) do
    labels[#labels + 1] = r.country_name
    values[#values + 1] = r.participants
  end
  add(chart.figure { svg = chart.bar { title = "Participants by destination country", labels = labels,
    series = { { values = values } }, horizontal = true, width = 960, desc = string.format("%d countries", #labels) },
    title = "Where they went", caption = "All years, participants sent.", rows = d.by_country,
    cols = { "country_name", "participants", "learners", "staff" }, headers = { "Country", "Participants", "Learners", "Staff" } })
  labels, values = {}, {}
  for _, r in ipairs(d.by_band) do
    labels[#labels + 1] = BAND_NAMES[r.band] or r.band or "unknown"
    values[#values + 1] = r.participants
  end
  add(chart.figure { svg = chart.bar { title = "Participants by duration band", labels = labels,
    series = { { values = values } }, horizontal = true, width = 960 }, title = "For how long", caption = "Learners: short-term 10-89 days, long-term 90 days and more.",
    rows = d.by_band, cols = { "band", "participants", "mean_duration" }, headers = { "Band", "Participants", "Mean days" } })
  local years, ls, ss, is = {}, {}, {}, {}
  for _, y in ipairs(d.years) do
    if y.learners then
      years[#years + 1] = tostring(y.year)
      ls[#ls + 1], ss[#ss + 1], is[#is + 1] = y.learners, y.staff, y.incoming
    end
  end
  add(chart.figure { svg = chart.bar { title = "Mobility by year", labels = years, width = 960, height = 300,
    series = { { name = "learners sent", values = ls }, { name = "staff sent", values = ss }, { name = "learners received", values = is } } },
    title = "Year by year", caption = "By the calendar year a mobility starts.", rows = d.years, cols = { "year", "learners", "staff", "incoming" },
    headers = { "Year", "Learners sent", "Staff sent", "Learners received" } })
  add("</section>")
  -- 5. The timeline.
  local evs, events = {}, {}
  for _, e in ipairs(d.events) do
    if e.kind ~= "first" and e.date then
      events[#events + 1] = { year = e.date:sub(1, 4), label = e.title .. " (" .. e.kind .. ")" }
      evs[#evs + 1] = { n = #events, date = e.date, kind = e.kind, title = e.title, ["until"] = e["until"] }
    end
  end
  local tyears, tl, ts, ti = {}, {}, {}, {}
  for i, y in ipairs(d.years) do
    tyears[i] = tostring(y.year)
    tl[i], ts[i], ti[i] = y.learners, y.staff, y.incoming
  end
  add('<section id="timeline"><h2>What we have done so far</h2>')
  add(chart.figure { svg = chart.timeline { title = "Timeline: milestones and mobility by year", years = tyears, width = 960,
    series = { { name = "learners sent", values = tl }, { name = "staff sent", values = ts }, { name = "learners received", values = ti } },
    events = events, desc = string.format("%d milestones from %s to %s", #events, tyears[1] or "", tyears[#tyears] or "") },
    caption = "Numbered circles are the milestones listed below.", rows = evs, cols = { "n", "date", "until", "kind", "title" },
    headers = { "#", "From", "Until", "Kind", "Milestone" } })
  add("<ol>")
  for _, e in ipairs(evs) do add(string.format("<li>%s — %s (%s)</li>", esc(e.date:sub(1, 7)), esc(e.title), esc(e.kind))) end
  add("</ol></section>")
  -- 6. The action plan.
  local counts = {}
  for _, a in ipairs(d.plan) do counts[a.status] = (counts[a.status] or 0) + 1 end
  labels, values = {}, {}
  for _, st in ipairs(STATUS_ORDER) do
    if counts[st] then labels[#labels + 1] = st; values[#values + 1] = counts[st] end
  end
  local issues = {}
  for _, a in ipairs(d.pdca.actions) do issues[a.action] = a.issue end
  add('<section id="plan"><h2>The action plan</h2>')
  add(chart.figure { svg = chart.bar { title = "Actions by status", labels = labels, series = { { values = values } },
    horizontal = true, width = 960 }, caption = string.format("%d actions, as of %s.", #d.plan, d.as_of) })
  add("<table><thead><tr><th>Goal</th><th>Action</th><th>Owner</th><th>Due</th><th>Status</th><th>To act on</th></tr></thead><tbody>")
  for _, a in ipairs(d.plan) do
    add(string.format("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>", esc(a.goal),
      esc(a.what), esc(a.owner or "—"), esc(a.due or ""), status_chip(a.status), esc(issues[a.what] or "")))
  end
  add("</tbody></table></section>")
  -- 7. Peers.
  if #d.peers > 0 then
    add('<section id="peers"><h2>Among our peers</h2><p class="note">Every other institution in the database that sent someone in the period, '
      .. "small cells suppressed (fewer than 5 people, shares of fewer than 23). The box spans the middle half, the line is the median; the orange dot is us.</p>")
    local groups, rows = {}, {}
    for _, pdat in ipairs(d.peers) do
      local g = { label = pdat.name .. " (" .. pdat.period .. ")", values = pdat.values, highlight = pdat.own,
                  highlight_label = "us: " .. num(pdat.own) }
      add(chart.figure { svg = chart.strip { title = pdat.name .. ", " .. pdat.period, groups = { g }, width = 960,
        desc = string.format("%s: us %s; %d others", pdat.name, num(pdat.own), #pdat.values) },
        caption = string.format("%s (%s): us %s%s, among %d institutions.", pdat.name, pdat.unit, num(pdat.own),
          pdat.rank and string.format(", rank %d of %d ranked", pdat.rank, pdat.ranked) or "", pdat.institutions) })
      rows[#rows + 1] = { indicator = pdat.name, period = pdat.period, us = pdat.own, median = pdat.median,
                          rank = pdat.rank, others = #pdat.values }
    end
    add("<details><summary>Data</summary>" .. chart.html_table(rows, { "indicator", "period", "us", "median", "rank", "others" }) .. "</details>")
    add("</section>")
  end
  -- 8. Skills.
  if d.skills then
    local sk = d.skills
    labels, values = {}, {}
    for _, l in ipairs(sk.languages) do
      if l.b2_or_above then labels[#labels + 1] = l.name; values[#values + 1] = l.b2_or_above end
    end
    add('<section id="skills"><h2>Our staff\'s international skills</h2>')
    add(chart.figure { svg = chart.bar { title = "Staff speaking a language at B2 or above", labels = labels,
      series = { { values = values } }, horizontal = true, width = 960 },
      caption = string.format("From %d anonymous answers; languages spoken by fewer than 5 are not shown.", sk.respondents),
      rows = sk.languages, cols = { "name", "b2_or_above", "any_level" }, headers = { "Language", "B2 or above", "Any level" } })
    if #sk.gaps > 0 then
      add("<h3>Gaps against the strategy</h3><ul>")
      for _, g in ipairs(sk.gaps) do add(string.format("<li><b>%s</b>: %s — %s</li>", esc(g.goal), esc(g.need), esc(g.found))) end
      add("</ul>")
    end
    add("</section>")
  end
  local title = s.institution.name .. ": " .. (s.title or "internationalisation strategy")
  return page(title, string.format("Strategy %s to %s · indicators as of %s · %s", s.from or "", s.to or "", d.as_of,
    s.institution.code or ""), table.concat(b, "\n"))
end

local function md_table(rows, cols, headers)
  local out = { "| " .. table.concat(headers or cols, " | ") .. " |", "|" .. string.rep("---|", #cols) }
  for _, r in ipairs(rows) do
    local cells = {}
    for i, c in ipairs(cols) do
      local v = r[c]
      cells[i] = v == nil and "" or (type(v) == "number" and num(v) or tostring(v):gsub("|", "\\|"))
    end
    out[#out + 1] = "| " .. table.concat(cells, " | ") .. " |"
  end
  return table.concat(out, "\n")
end

--- The same report as Markdown, for wikis and e-mail.
function M.markdown(d)
  local s = d.strategy
  local o = {}
  local function add(x) o[#o + 1] = x end
  add("# " .. s.institution.name .. ": " .. (s.title or "internationalisation strategy"))
  add("")
  add(string.format("Strategy %s to %s · indicators as of %s", s.from or "", s.to or "", d.as_of))
  add("")
  add("## The strategy on a page\n")
  add("**Mission.** " .. s.mission .. "\n")
  add("**Vision.** " .. s.vision .. "\n")
  add("**Values:** " .. table.concat(s.values, " · ") .. "\n")
  add("**Core skills:**\n")
  for _, c in ipairs(s.core_skills) do add("- " .. c) end
  add("\n## Goals and why we pursue them\n")
  local rows = {}
  for _, g in ipairs(s.goals) do
    rows[#rows + 1] = { goal = g.id, text = g.text, why = g.why_kind == "goal" and ("goal " .. g.why) or
      (g.why_kind == "text" and tostring(g.why) or g.why_kind), indicators = table.concat(g.indicators, ", ") }
  end
  add(md_table(rows, { "goal", "text", "why", "indicators" }, { "Goal", "Text", "Why", "Indicators" }))
  add("\n## Indicators against targets\n")
  rows = {}
  local checks = {}
  for _, c in ipairs(d.pdca.checks) do checks[c.indicator] = checks[c.indicator] or c end
  for _, id in ipairs(d.indicators) do
    local periods, vals, status, t = series_of(d, id)
    local def = d.definitions[id] or { name = id, unit = "" }
    for _, p in ipairs(periods) do
      rows[#rows + 1] = { indicator = def.name, unit = def.unit, period = p, value = vals[p],
        target = t and t.targets and t.targets[p], status = status[p] or "target only" }
    end
  end
  add(md_table(rows, { "indicator", "period", "value", "target", "unit", "status" },
    { "Indicator", "Period", "Value", "Target", "Unit", "Status" }))
  add("\n## Mobility\n")
  add(md_table(d.by_country, { "receiving_country", "participants", "learners", "staff" },
    { "Destination", "Participants", "Learners", "Staff" }))
  add("")
  add(md_table(d.by_band, { "band", "participants", "mean_duration" }, { "Band", "Participants", "Mean days" }))
  add("")
  add(md_table(d.years, { "year", "learners", "staff", "incoming" }, { "Year", "Learners sent", "Staff sent", "Learners received" }))
  add("\n## What we have done so far\n")
  for _, e in ipairs(d.events) do
    if e.kind ~= "first" and e.date then add(string.format("- %s %s (%s)", e.date:sub(1, 7), e.title, e.kind)) end
  end
  add("\n## The action plan\n")
  add(md_table(d.plan, { "goal", "what", "owner", "due", "status" }, { "Goal", "Action", "Owner", "Due", "Status" }))
  if #d.peers > 0 then
    add("\n## Among our peers\n")
    rows = {}
    for _, p in ipairs(d.peers) do
      rows[#rows + 1] = { indicator = p.name, period = p.period, us = p.own, median = p.median, rank = p.rank, others = #p.values }
    end
    add(md_table(rows, { "indicator", "period", "us", "median", "rank", "others" }))
  end
  if d.skills then
    add("\n## Our staff's international skills\n")
    add(md_table(d.skills.languages, { "name", "b2_or_above", "any_level" }, { "Language", "B2 or above", "Any level" }))
    if #d.skills.gaps > 0 then
      add("")
      for _, g in ipairs(d.skills.gaps) do add(string.format("- **%s**: %s — %s", g.goal, g.need, g.found)) end
    end
  end
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
  return page("Benchmark of institutions", string.format("Peer groups: %s · published, k = %d · %s", b.group, b.k,
    os.date("!%Y-%m-%d")), table.concat(parts, "\n"))
end

return M
