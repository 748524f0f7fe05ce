-- Lua-level tests of vista.timeline and vista.skills on the fixtures beside
-- this file (journey.sh imports them): first and last activity, new and
-- quiet partners, activities never tried, language coverage, suppression
-- of small departments.
local t = require "vista.test"
local tl = require "vista.timeline"
local sk = require "vista.skills"
local HOME = "B  TEST01"

local function by(list, key)
  local out = {}
  for _, r in ipairs(list) do out[r[key]] = r end
  return out
end

t.run {
  { "first and last mobility per partner and per country", function()
    local partners, countries = tl.reach(HOME)
    local p = by(partners, "partner")
    -- A milestone names Partner A in 2019, before the records' first.
    t.eq(p["Partner A"].first, "2019-06-01"); t.eq(p["Partner A"].first_source, "milestone")
    t.eq(p["Partner A"].records_first, "2021-03-01"); t.eq(p["Partner A"].last, "2024-10-01")
    t.eq(p["Partner A"].participants, 6)
    t.eq(p["Partner B"].first_source, "records"); t.eq(p["Partner B"].records_first, nil)
    t.eq(p["Partner B"].first, "2022-05-01"); t.eq(p["Partner B"].last, "2022-11-01")
    t.eq(p["Partner C"].first, "2025-02-01")
    t.eq(by(countries, "country").DE.participants, 4)
  end },
  { "events: milestones, projects from the records, firsts", function()
    local ev = tl.events(HOME)
    local titles = {}
    for _, e in ipairs(ev) do titles[e.title] = e end
    t.eq(titles["VET Mobility Charter"].date, "2017-01-01")
    t.eq(titles["VET Mobility Charter"]["until"], "2020-12-31")
    t.eq(titles["first long-term (ErasmusPro) learner mobility"].date, "2022-11-01")
    t.eq(titles["first incoming learner"].date, "2025-04-01")
    t.eq(titles["first staff mobility"].date, "2025-02-01")
    -- The records' first to Finland (2021) yields to the 2019 milestone.
    local fi = titles["first mobility to Finland"]
    t.eq(fi.date, "2019-06-01"); t.eq(fi.source, "milestone"); t.eq(fi.country, "FI")
    t.eq(fi.note, "milestone 'Construction learners to Helsinki'; the mobility records begin 2021-03")
    t.eq(titles["first mobility to Germany"].source, "records")
    -- A country only a milestone names.
    t.eq(titles["first mobility to Netherlands"].date, "2020-03-01")
    t.eq(titles["first mobility to Netherlands"].note, "milestone 'Staff visit to Utrecht'; none in the mobility records")
    t.eq(titles["Construction learners to Helsinki"].partner, "Partner A")
    -- The stored strategy, which no milestone records, is one.
    local st = titles["strategy: Test School goes abroad"]
    t.eq(st.date, "2024-09-01"); t.eq(st["until"], "2027-08-31"); t.eq(st.source, "strategy"); t.eq(st.kind, "strategy")
    local n = 0
    for _, e in ipairs(ev) do if e.title:find("^first mobility to Finland") then n = n + 1 end end
    t.eq(n, 1)
    local projects = 0
    for _, e in ipairs(ev) do if e.kind == "project" and e.source == "records" then projects = projects + 1 end end
    t.eq(projects, 3)
    for i = 2, #ev do t.ok((ev[i - 1].date or "") <= (ev[i].date or ""), "events in date order") end
  end },
  { "years: volumes where there are records, unknown outside them; each event says its source", function()
    local y = by(tl.years(HOME), "year")
    t.eq(y[2019].started, { "Construction learners to Helsinki (project) [milestone]", "first mobility to Finland [milestone]" })
    t.eq(y[2024].started[1], "strategy: Test School goes abroad (strategy) [strategy]")
    t.eq(y[2024].started[2], "KA121-VET project: 5 participants sent (project) [records]")
    t.eq(y[2017].learners, nil)
    t.eq(y[2021].learners, 2); t.eq(y[2022].learners, 4)
    t.eq(y[2025].staff, 1); t.eq(y[2025].incoming, 1)
    t.eq(y[2023].learners, 0) -- a year between two with records
  end },
  { "new and quiet partners and countries since a date", function()
    local c = tl.changes(HOME, "2024-09-01")
    local names = function(list, key) local o = {} for _, x in ipairs(list) do o[#o + 1] = x[key] end table.sort(o) return o end
    t.eq(names(c.new_partners, "partner"), { "Partner C" })
    t.eq(names(c.quiet_partners, "partner"), { "Partner B", "Partner D" })
    t.eq(names(c.new_countries, "country"), { "ES" })
    t.eq(names(c.quiet_countries, "country"), { "DE", "NL" })
    t.raises(function() tl.changes(HOME, "last year") end, "is not a date")
  end },
  { "activities never tried", function()
    local ids = {}
    for _, a in ipairs(tl.untried(HOME)) do ids[a.id] = true end
    t.eq(ids.short_learner, nil); t.eq(ids.long_learner, nil); t.eq(ids.job_shadowing, nil)
    t.eq(ids.charter, nil); t.eq(ids.competition, nil); t.eq(ids.accreditation, nil)
    t.ok(ids.teaching and ids.courses and ids.incoming_staff and ids.partnership and ids.network)
    t.eq(ids.strategy, nil) -- a stored strategy is a written strategy
  end },
  { "language coverage at B2, small counts suppressed", function()
    local r = sk.report { institution = HOME }
    t.eq(r.respondents, 35)
    local l = by(r.languages, "language")
    t.eq(l.nl.b2_or_above, 35); t.eq(l.en.b2_or_above, 26); t.eq(l.en.any_level, 32)
    t.eq(l.fi.b2_or_above, nil); t.eq(l.fi.suppressed, { "any_level", "b2_or_above" }) -- 2 people
    t.eq(l.de.b2_or_above, 0); t.eq(l.de.any_level, 6) -- a true zero is shown
    t.eq(l.fr.b2_or_above, nil) -- 3 people
  end },
  { "small departments are pooled, then suppressed; the total too when it would tell", function()
    local r = sk.report { institution = HOME }
    local d = by(r.departments, "department")
    t.eq(d.Workshops.respondents, 30); t.eq(d.Workshops.experienced, 12); t.eq(d.Workshops.experienced_share, 40)
    t.eq(d.Office, nil); t.eq(d.Board, nil)
    local pooled = d["2 other departments (pooled)"]
    t.eq(pooled.respondents, 5); t.eq(pooled.experienced, nil)
    t.eq(d["all respondents"].respondents, 35)
    -- One hidden cell beside a total: the total would give it away.
    t.eq(d["all respondents"].experienced, nil)
    t.eq(r.k, 5)
    local r3 = sk.report { institution = HOME, k = 3 }
    t.eq(by(r3.languages, "language").fr.b2_or_above, 3)
  end },
  { "who could lead what, support, gaps", function()
    local r = sk.report { institution = HOME }
    local l = by(r.leads, "lead")
    t.eq(l.project_writing.staff, 6); t.eq(l.hosting.staff, nil); t.eq(l.competitions.staff, 0)
    t.eq(by(r.support, "support")["language course"].staff, 10)
    local gaps = {}
    for _, g in ipairs(r.gaps) do gaps[g.need] = g end
    t.ok(gaps["a language of Spain"], "no one speaks Spanish: a gap for this year's destination")
  end },
  { "the suppression rules are C's, also for scripts' own tables", function()
    local rows = vista.benchmark.suppress({ { name = "n" }, { name = "f", kind = "share", base = "n" } },
      { { n = 30, f = 12 }, { n = 4, f = 2 }, { n = 34, f = 14 } }, { total = true })
    t.eq(rows[1].f, 12); t.eq(rows[2].n, nil); t.eq(rows[3].f, nil)
    t.raises(function() vista.benchmark.suppress({ { name = "x", kind = "odd" } }, {}) end, "kind must be")
  end },
}
