-- report: the institution's strategy and indicators as a page (HTML with charts) or Markdown.
local usage = [==[usage: vista run report [--institution CODE] [--out FILE] [--format html|md] [--as-of DATE]
                         [--lang en|nl|de|fr|fi]
       vista run report --benchmark [--indicator ID[,ID...]] [--period P] [--group GROUP]
                        [--k 3|5|10] [--out FILE]
  One self-contained HTML page (no scripts, fonts or anything fetched; charts
  are inline SVG drawn by vista): the strategy on a page, the goals and their
  why-chains, each indicator against its targets, mobility by destination,
  duration band and year, the timeline, the action plan, where the
  institution stands among its peers (small cells suppressed), and its
  staff's language skills. Printable, readable on a phone; every chart has a
  text alternative and its data in a table behind a disclosure.
  --format md   the same content as Markdown (for wikis and e-mail)
  --as-of DATE  the date the indicators are judged on (default: today); a
                period not ended then is shown as provisional, not judged
  --lang L      the report's fixed words, numbers and dates in English,
                Dutch, German, French or Finnish (default: $VISTA_LANG, else
                the locale's language, else English); the strategy's own
                texts stay as written
  --out FILE    write the report there (the only file the script may write);
                without it the report goes to standard output
  --benchmark   a National Agency's report: every institution, its value of
                each indicator and its place in its peer group, published
                (suppressed by the small-cell rules)]==]
local o = {}
local args = {}
local i = 1
while arg[i] do
  local a = arg[i]
  if a == "--format" then o.format = arg[i + 1]; i = i + 1
  elseif a:match("^%-%-format=") then o.format = a:match("=(.*)")
  else args[#args + 1] = a end
  i = i + 1
end
local opts = require("vista.args").parse(args, { institution = "value", out = "value", ["as-of"] = "value",
  lang = "value", benchmark = "flag", indicator = "value", period = "value", group = "value", k = "value" }, usage)
if opts.help then return end
local fmt = o.format or (opts.out and opts.out:match("%.md$") and "md") or "html"
if fmt ~= "html" and fmt ~= "md" then error("--format must be html or md, not '" .. fmt .. "'", 0) end
local lang = require("vista.i18n").resolve(opts.lang)
local report = require "vista.report"
local text
if opts.benchmark then
  if fmt ~= "html" then error("the benchmark report is HTML (vista run benchmark --format md gives its tables)", 0) end
  local ids
  if opts.indicator then ids = {}; for x in opts.indicator:gmatch("[^,]+") do ids[#ids + 1] = x end end
  local k = opts.k and tonumber(opts.k) or 5
  if k ~= 3 and k ~= 5 and k ~= 10 then error("--k must be 3, 5 or 10", 0) end
  text = report.benchmark_html(report.benchmark_data { indicators = ids, period = opts.period, group = opts.group, k = k })
else
  local d = report.collect { institution = opts.institution, lang = lang, as_of = require("vista.args").as_of(opts["as-of"]) }
  text = fmt == "md" and report.markdown(d) or report.html(d)
end
if opts.out then
  local f = vista.output(opts.out)
  f:write(text)
  print(f:close())
else
  print(text)
end
