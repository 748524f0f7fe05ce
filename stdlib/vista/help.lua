--- vista.help: help() in scripts and the shell. help() gives an overview;
--- help(x) describes one function, module or topic, by value or by name.
local M = {}

local topics = {}
local order = {}

local function topic(name, value, text)
  topics[name] = text
  order[#order + 1] = name
  if value ~= nil then topics[value] = text end
end

topic("vista.sql", vista.sql, [==[
vista.sql(query, ...) -> rows
  Runs one read-only SQL statement on the database and returns its rows: an
  array of tables from column name to value (integers stay integers, NULL is
  absent). rows.columns lists the column names in order.
  Parameters: vista.sql("SELECT * FROM institution WHERE country = ?", "BE")
              vista.sql("... WHERE country = :c", { c = "BE" })
  Writes, ATTACH, DETACH and PRAGMAs that change state are refused by SQLite's
  authorizer; more than one statement is an error.]==])

topic("vista.mobility", vista.mobility, [==[
vista.mobility: mobility records, as participant-weighted figures
  vista.mobility.figures{by = {FIELD, ...}, FIELD = value or {values}, ...}
    -> rows, one per group: participants, learners, staff, accompanying;
       over learners: female, male, undefined_gender, gender_known and
       their shares (of the learners whose gender is known) with
       gender_coverage (known / learners x 100); the same for
       fewer_opportunities and special_needs (*_known, *_share,
       *_coverage); mean_duration and mean_age (weighted, with
       duration_coverage, age_coverage); long_term and long_term_share;
       receiving_countries, sending_institutions, and the means over every
       participant (participants_mean_duration, participants_mean_age).
       A learner is the learner profile, never a group leader or
       accompanying person; profile = "learner" filters exactly those.
       vista.coverage marks shares "not recorded" and low coverage.
    vista.mobility.figures{by = "year", vet = true, profile = "learner"}
    vista.mobility.figures{by = {"institution", "year"}, sending_country = "BE"}
  vista.mobility.fields() -> the fields to group and filter by; "fast" ones
    are answered from the summaries the importer keeps.
  vista.mobility.imports() -> the files imported, with their counts.
  The records themselves: vista.sql("SELECT * FROM mobility_view ...").]==])

topic("vista.strategy", vista.strategy, [==[
vista.strategy: the institution's strategy, imported from a Lua data file
  vista.strategy.get([institution]) -> title, from, to, mission, vision,
    values, core_skills, goals (id, text, why_kind, why, indicators,
    actions), actions, factors, indicators (baseline, targets, measured)
  vista.strategy.list() -> the stored strategies
  Imported with: vista import strategy FILE.lua [--check] (README shows the
  file). Analyses: require "vista.why", "vista.scan", "vista.pdca",
  "vista.plan"; scripts: vista run why | scan | indicators | pdca | plan.]==])

topic("vista.indicator", vista.indicator, [==[
vista.indicator: built-in and custom indicators, per institution and period
  vista.indicator.compute{institution = CODE or id [, ids = {...}]
    [, periods = {...}] [, strategy = s (default: the stored one)]
    [, as_of = "YYYY-MM-DD" (default: today)]}
    -> rows: indicator, period, value, unit, numerator, denominator,
       provisional (the period had not ended), status (reached, missed,
       on track, behind, no baseline: V of T, no target, provisional,
       denominator missing (...), not recorded)
  vista.indicator.list([strategy]) -> the definitions (15 built-ins first)
  vista.indicator.define{id =, name =, unit =, [period = "school"],
    [direction = "higher" | "lower" | "band"],
    numerator = FIGURE or FACT or {mobility = {filters}}, [denominator =],
    [scale = 100] | compute = function(f) return value, num, den end}
  vista.indicator.facts([institution]) -> the yearly facts
  vista.indicator.base{[period = "school"], [institution =]} -> the figures
    the built-ins divide (also .incoming, .destinations, .records,
    .learner_destinations, .active_partners, .member_activity)]==])

topic("vista.partner", vista.partner, [==[
vista.partner: the institution's partners
  vista.partner.list() -> partners with their current contact
  vista.partner.agreements() -> every agreement, with valid_from/valid_to
  vista.partner.contacts() -> every contact, past ones included (current 0)
  Imported with: vista import partners FILE [--institution CODE].]==])

topic("vista.format", nil, [==[
require "vista.format" -- rows as text
  format.render(rows [, fmt [, columns]]) -> string   fmt: table, csv, json, md
  format.print(rows [, fmt [, columns]])
  format.from_args(arg) -> fmt, rest   takes --format FMT from a script's args
                                       (and --out FILE with --format xlsx)
  format.xlsx(sections_or_rows, path)  an Excel workbook, one sheet a section
  format.json(value) -> string   (vista.json's encode)
  format.width(s) -> display columns of a UTF-8 string
  Numbers are written alike in every format: integers as digits, others in
  the fewest digits that read back the same; NaN and inf as no value.]==])

topic("vista.json", nil, [==[
require "vista.json" -- the JSON writer, the same as vista export's
  json.encode(value [, {lines = true}]) -> string
    lines: each element of the outermost array on a line of its own
  json.array([t]) -> t, written as an array, [] when empty
  json.object([t [, keys]]) -> t, written as an object; with keys, exactly
    those keys in that order (a missing value is null)
  json.number(x) -> x as every output writes it (nil for NaN and inf)
  A table with keys 1..n (n > 0) is an array, any other an object with its
  keys sorted; an empty table is {} unless marked with json.array. Strings
  are UTF-8: control characters are escaped and a byte that is not UTF-8
  becomes \ufffd. NaN and the infinities are written as null; tables
  nested deeper than 200 or inside themselves are an error.]==])

topic("limits", nil, [==[
Scripts run in a sandbox with limits, set on the command line:
  --max-steps N    Lua instructions and SQL VM steps per run
                   (default 500000000)
  --max-mem SIZE   memory the script and its queries may hold (default 512M)
  --max-time SECS  wall-clock seconds per run (default 300)
  A script past a limit stops with "script exceeded the ... limit"; pcall
  cannot catch it. Ctrl-C stops a running chunk in the shell.]==])

topic("sandbox", nil, [==[
What scripts have: base functions, string (no dump), table, math, utf8,
coroutine, os.time/clock/date/difftime/getenv, load (text only), require
(the vista stdlib, and modules beside the script), print, and vista.
What they do not have: io, os.execute/remove/rename/exit, dofile, loadfile,
binary chunks, C modules, the debug library. Reading an undefined global is
an error.]==])

-- The commands as --help and the manual page print them (core/usage.c),
-- so this list cannot leave one out.
topic("commands", nil, "vista [OPTIONS] COMMAND [ARGS...]; vista --help has the options.\n"
  .. require("vista.usage").commands_text
  .. "Shell commands: .help .tables .schema [TABLE] .format [FMT] .timer on|off .quit")

topic("vista.benchmark", vista.benchmark, [==[
vista.benchmark: every institution against its peers, small cells suppressed
  vista.benchmark.run{indicator = ID, period = "2023" | periods = {...},
                      group = "all" | "country" | "na" | "key_action" | "size"
                              | function(row) return label end,
                      k = 5, publish = false}
    -> {indicator, periods, rows, groups}: rows, one per institution and
       period: value, numerator, denominator, status, rank (1 = best),
       ranked, percentile (share of the group's others it is ahead of),
       q1, median, q3, distance (from the median), own (a scoped session's);
       groups: institutions, ranked, suppressed, min, q1, median, q3, max,
       pooled (all members' figures together).
    ID: a built-in or custom indicator, or learners, participants, staff,
    incoming_learners, mean_age, mean_duration.
  vista.benchmark.trend(result) -> per institution across the periods:
    first/last value, change, ranks, percentiles, movement up/down/same.
  vista.benchmark.figures{period = "calendar" | "school", periods, k,
    publish} -> every institution's counts by period (C, one SQL pass).
  Suppressed cells are absent and listed in row.suppressed; see
  help("suppression").]==])

topic("vista.consortium", vista.consortium, [==[
vista.consortium: a consortium's figures for a school year (Sep-Aug)
  vista.consortium.report{members = {"B  GENT01", ...} | members_file = PATH
                          | project = "2022-1-BE01-KA121-VET-000078123",
                          year = "2022-23", schools = false, publish = false}
    -> {year, members, figures, schools, members_missing,
        members_unmatched = {{member, line, why}, ...}}: figures has
       learners, schools, mean_age, female(_share), male(_share),
       gender_undefined(_share), fewer_opportunities(_share),
       special_needs(_share), destination_countries, staff, accompanying,
       incoming, learners_per_school, suppressed.
  members_file must be a file named on the command line. A member given
  by a code (Erasmus code, OID, PIC) is matched by that code only; one
  given by name as {name = ..., country = ..., city = ...}.]==])

topic("vista.org", vista.org, [==[
vista.org: one organisation identity, the way every lookup finds an institution
  vista.org.find(text [, {country = "BE", city = "Gent"}])
    -> {id, code, name, country, city, by} | nil, why
       text is an Erasmus code (exactly as written), an OID (E10000000),
       a PIC (nine digits), an alias (vista alias NAME CODE) or a name,
       compared as people vary it (case, accents, dots, spacing); by says
       which ("code", "oid", "pic", "alias", "name"). Not found or two
       schools of that name: nil and why, with a "did you mean".
  vista.org.id(text_or_id [, what]) -> id, or an error "what: why"]==])

topic("vista.chart", nil, [==[
require "vista.chart": charts as inline SVG, and for the terminal
  chart.bar{title, labels, series = {{name, values}}, horizontal, unit, width}
  chart.line{title, x = periods, series, targets = {[p] = v}, baseline}
  chart.strip{title, groups = {{label, values, highlight}}}   box and dots
  chart.timeline{title, years, series, events = {{year, label}}}
  chart.tree{title, nodes = {{id, label, parent, kind}}}
  chart.figure{svg, title, caption, rows, cols} -> HTML with a data table
  chart.sparkline{1, 5, 3} -> "▁█▄"; chart.text_bars(rows, "label", "value")
  Write a page with vista.output(path): only the --out file of the script,
  or inside vista --allow-write DIR.]==])

topic("vista.output", vista.output, [==[
vista.output(path) -> file with :write(...) and :close()
  The one way a script writes a file: path must be the file given to the
  script as --out FILE, or inside the directory of vista --allow-write DIR.
  Written beside its name and renamed into place by close().]==])

topic("definitions", nil, [==[
docs/definitions.md, in vista's source, says what every figure counts:
  who is a learner, staff, a group leader or an accompanying person; VET and
  IVET (ISCED 3-4); outgoing and incoming; duration bands; calendar, school
  and call years; unknown values; the Participants weighting; country codes
  (EL, UK); the small-cell rules; and where the code does not yet follow
  the field's rules.
  vista run indicators --list prints each indicator's definition;
  vista.mobility.fields() lists the fields figures group and filter by.]==])

topic("suppression", nil, [==[
Small cells, applied in C wherever figures leave the data owner: with
--publish / publish = true, and for every other institution in a --scope
session; the owner's own unscoped, unpublished figures are exact (the
rules in full: docs/definitions.md, "Small cells").
  - a count of 1 to k-1 people is suppressed (k = 5, fixed when published
    or scoped; 3 or 10 with --k in the owner's own tables);
    a true zero is shown;
  - a share needs a base of 23 or more, and its complement (base - count)
    must not be a small count either;
  - a mean needs 8 or more;
  - a total is suppressed when the cells hidden beside it would follow from
    it: one hidden cell, hidden cells adding to under k, or small cells that
    must all be 1 or all k-1;
  - suppressed institutions are listed but not ranked, so no quartile or
    rank holds a suppressed value.]==])

topic("scope", nil, [==[
vista --scope CODE ...: a session for one institution (Erasmus code or name).
  Its own records are copied into temporary tables that shadow the main
  ones: vista.sql, vista.mobility and the indicators see them in full.
  Every other read of institution data (main.mobility, a join, a CTE, a
  main view) is refused by SQLite's authorizer. Others are reachable only
  through vista.benchmark and vista.consortium (its own projects), with
  small cells suppressed. vista.scope is the institution's id. A scoped
  session imports nothing.]==])

topic("institution", nil, [==[
Table institution: one row per organisation.
  id, erasmus_code (unique; NULL when unknown), name, country (two letters,
  as the Erasmus+ data writes them: EL for Greece, UK), city.
Imported with: vista import institutions FILE (columns erasmus_code, name,
country, city; see README). Every import is in import_log, and every
rejected row in import_reject with its line and reason.]==])

--- Prints help: an overview, or the entry for x (a value or a name).
---@param x any
function M.help(x)
  if x == nil then
    print("vista " .. vista.version .. " -- database " .. vista.db)
    print("Topics (help(\"name\") or help(value)):")
    for _, name in ipairs(order) do
      local first = topics[name]:match("^[^\n]*")
      print(string.format("  %-17s %s", name, first))
    end
    return
  end
  local text = topics[x]
  if not text and type(x) == "string" then text = topics["vista." .. x] end
  if not text then
    print("no help for " .. tostring(x) .. "; help() lists the topics")
    return
  end
  print(text)
end

return M
