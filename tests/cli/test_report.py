#!/usr/bin/env python3
"""The example institution's HTML report, rendered in headless Chromium.

Checks: the page is self-contained (no script, no stylesheet or image
fetched, nothing external); Chromium loads it without a console message and
renders it to a PNG; every chart is an SVG with a title, a description and
marks; every chart with data has its table behind a disclosure; the figures
printed in the page equal `vista run indicators --format json`; the
Markdown report carries the same figures; a script cannot write anywhere
but its --out file. In English and in Dutch (--lang nl), at a desktop's
and a phone's width, the browser measures every SVG text (getBBox, with
the fonts it really has): none may cross its chart's box or, in the why
tree, its node's box, and the page may not be wider than the window. The
Dutch page has no English fixed text left (the strategy's own words
excepted) and its numbers have a decimal comma.

usage: test_report.py VISTA_BINARY
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

VISTA = sys.argv[1]
SOURCE = os.environ.get("VISTA_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
EX = os.path.join(SOURCE, "examples", "college")
AS_OF = "2026-11-23"
failures = 0
checks = 0


def check(what, ok, detail=""):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAILED %s %s" % (what, detail))
    else:
        print("ok     %s" % what)


def run(*args, ok=(0,)):
    r = subprocess.run([VISTA, *args], capture_output=True, text=True)
    if r.returncode not in ok:
        sys.exit("vista %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r


class Page(HTMLParser):
    """Collects the charts, their marks, the figures and the disclosures."""

    def __init__(self):
        super().__init__()
        self.svgs = []        # per chart: {title, desc, marks}
        self.stack = []
        self.figures = {}     # (indicator, period) -> text
        self.in_figure = None
        self.details = 0
        self.figure_tags = 0
        self.external = []
        self.scripts = 0
        self.text_in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = a.get("class", "") or ""
        if tag == "script":
            self.scripts += 1
        if tag in ("link", "img", "iframe", "object", "embed"):
            self.external.append((tag, a))
        for k in ("src", "href"):
            if k in a:
                self.external.append((tag, a))
        if tag == "svg":
            self.svgs.append({"title": "", "desc": "", "marks": 0, "role": a.get("role")})
        if self.svgs and tag in ("title", "desc") and self.stack and self.stack[-1] == "svg":
            self.text_in = tag
        if self.svgs and "mark" in cls.split():
            self.svgs[-1]["marks"] += 1
        if tag == "span" and "figure" in cls.split():
            self.in_figure = (a.get("data-indicator"), a.get("data-period"))
            self.figures[self.in_figure] = ""
        if tag == "details":
            self.details += 1
        if tag == "figure":
            self.figure_tags += 1
        if tag not in ("br", "meta", "rect", "circle", "line", "path", "polyline"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        if tag == "span":
            self.in_figure = None
        if tag in ("title", "desc"):
            self.text_in = None

    def handle_data(self, data):
        if self.in_figure:
            self.figures[self.in_figure] += data
        if self.text_in and self.svgs:
            self.svgs[-1][self.text_in] += data


# Injected into a copy of the page (the report itself has no script): the
# extents of every SVG text in its chart's user units, against the chart's
# viewBox and, for a text in a tree node, the node's rectangle; and how
# wide the page is against the window.
MEASURE = """<script>
(function () {
  var out = { overflow: [], texts: 0, page: document.documentElement.scrollWidth, window: window.innerWidth };
  var svgs = document.querySelectorAll('svg.chart');
  for (var i = 0; i < svgs.length; i++) {
    var svg = svgs[i], vb = svg.viewBox.baseVal;
    var title = (svg.querySelector('title') || {}).textContent || ('chart ' + i);
    var texts = svg.querySelectorAll('text');
    for (var j = 0; j < texts.length; j++) {
      var t = texts[j], b = t.getBBox(), e = 0.5;
      out.texts++;
      var box = { x: vb.x, y: vb.y, width: vb.width, height: vb.height };
      var g = t.parentNode;
      if (g && g.classList && g.classList.contains('node')) { box = g.querySelector('rect').getBBox(); }
      if (b.x < box.x - e || b.y < box.y - e || b.x + b.width > box.x + box.width + e ||
          b.y + b.height > box.y + box.height + e) {
        out.overflow.push(title + ': "' + t.textContent + '" at ' + [b.x, b.y, b.width, b.height].map(Math.round) +
                          ' outside ' + [box.x, box.y, box.width, box.height].map(Math.round));
      }
    }
  }
  var pre = document.createElement('pre');
  pre.id = 'vista-measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def measure(chromium, html_path, width, tmp):
    """The page's SVG text extents as the browser lays them out."""
    page = open(html_path, encoding="utf-8").read().replace("</body>", MEASURE + "</body>")
    probe = os.path.join(tmp, "probe-%d.html" % width)
    with open(probe, "w", encoding="utf-8") as f:
        f.write(page)
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                          "--window-size=%d,2000" % width, "--dump-dom", "file://" + probe],
                         capture_output=True, text=True, timeout=120).stdout
    m = re.search(r'<pre id="vista-measure">(.*?)</pre>', dom, re.S)
    if not m:
        return None
    return json.loads(m.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
                      .replace("&amp;", "&"))


def check_layout(chromium, html_path, tmp, lang):
    for width in (1280, 390):
        got = measure(chromium, html_path, width, tmp)
        check("%s at %d px: the browser measured the charts' texts" % (lang, width), got is not None and got["texts"] > 100,
              str(got and got["texts"]))
        if got is None:
            continue
        check("%s at %d px: no SVG text crosses its box (%d texts)" % (lang, width, got["texts"]), not got["overflow"],
              "\n  ".join([""] + got["overflow"][:10]))
        check("%s at %d px: the page is no wider than the window" % (lang, width), got["page"] <= got["window"],
              "%d > %d" % (got["page"], got["window"]))


class Text(HTMLParser):
    """The text a reader sees (no style, no title attributes)."""

    def __init__(self):
        super().__init__()
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def strings(v, out):
    if isinstance(v, str):
        out.append(v)
    elif isinstance(v, dict):
        for x in v.values():
            strings(x, out)
    elif isinstance(v, list):
        for x in v:
            strings(x, out)
    return out


def check_dutch(db, html, md, tmp):
    cat = json.loads(run("--db", db, "-e", "local i = require('vista.i18n'); "
                         "print(require('vista.format').json({ keys = i.keys, nl = i.messages.nl }))").stdout)
    own = json.loads(run("--db", db, "-e", "print(require('vista.format').json(vista.strategy.get()))").stdout)
    own = sorted(set(strings(own, [])), key=len, reverse=True)
    # The institution's, countries' and languages' names are data too.
    own += [r["name"] for r in json.loads(run("--db", db, "-e", "print(require('vista.format').json("
                                               "vista.sql('SELECT name FROM country UNION SELECT name FROM institution')))").stdout)]
    for label, text in (("HTML", " ".join(strip_html(html).split())), ("Markdown", " ".join(md.split()))):
        for o in own:
            if len(o) > 3:
                text = text.replace(" ".join(o.split()), " ")
        left = []
        for k in cat["keys"]:
            if cat["nl"].get(k) == k:
                continue
            for frag in re.split(r"%[sd]", k):
                frag = frag.strip(" .,:;()")
                if len(frag) >= 12 and " " in frag and frag in text:
                    left.append(frag)
        check("Dutch %s: no English fixed text left" % label, not left, str(left[:8]))
    check("Dutch: a decimal comma", re.search(r"\b\d+,\d\d?\b", md) is not None and
          not re.search(r"\| \d+\.\d+ \|", md))


def strip_html(html):
    t = Text()
    t.feed(html)
    return " ".join(t.parts)


def check_same_content(html, md, lang):
    """The Markdown says what the page says: its sections, each status shown
    in a chip, and every cell of the action plan."""
    h2 = re.findall(r"<h2>(.*?)</h2>", html)
    unesc = lambda t: t.replace("&#39;", "'").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">") \
        .replace("&amp;", "&")
    missing = [unesc(h) for h in h2 if "## " + unesc(h) not in md]
    check("%s Markdown has every section of the page (%d)" % (lang, len(h2)), h2 and not missing, str(missing))
    chips = set(unesc(c) for c in re.findall(r'<span class="status [^"]*">(.*?)</span>', html))
    missing = [c for c in chips if c not in md]
    check("%s Markdown has every status the page shows (%d)" % (lang, len(chips)), chips and not missing, str(missing))
    plan = html[html.index('<section id="plan">'):]
    plan = plan[:plan.index("</section>")]
    cells = set(unesc(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", plan))
    missing = [c for c in cells if c and c not in md]
    check("%s Markdown has every cell of the action plan (%d)" % (lang, len(cells)), cells and not missing, str(missing))


def check_catalog():
    """Every text the report asks the catalog for is one of its keys."""
    src = open(os.path.join(SOURCE, "stdlib", "vista", "report.lua"), encoding="utf-8").read()
    cat = open(os.path.join(SOURCE, "stdlib", "vista", "i18n_catalog.lua"), encoding="utf-8").read()
    keys_block = cat[cat.index("M.keys = {"):cat.index("M.messages")]
    keys = set(json.loads('"%s"' % k) for k in re.findall(r'^  "((?:[^"\\]|\\.)*)",$', keys_block, re.M))
    asked = set(re.findall(r'\bT\(\s*"((?:[^"\\]|\\.)*)"', src))
    asked |= set(re.findall(r'\bL\.t\(\s*"((?:[^"\\]|\\.)*)"', src))
    missing = sorted(asked - keys)
    check("every text the report translates is in the catalog (%d)" % len(asked), asked and not missing, str(missing))


def main():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        sys.exit("test_report: Debian's chromium is needed (make test installs it: sh tools/deps.sh test)")
    tmp = tempfile.mkdtemp(prefix="vista-report-")
    try:
        db = os.path.join(tmp, "c.db")
        run("--db", db, "import", "strategy", os.path.join(EX, "strategy.lua"))
        run("--db", db, "import", "mobility", os.path.join(EX, "mobility.csv"))
        run("--db", db, "import", "facts", os.path.join(EX, "facts.csv"))
        run("--db", db, "import", "partners", os.path.join(EX, "partners.csv"))
        run("--db", db, "import", "timeline", os.path.join(EX, "timeline.csv"))
        run("--db", db, "import", "survey", os.path.join(EX, "survey.csv"))
        # Peers to stand among.
        run("--db", db, "import", "mobility", os.path.join(SOURCE, "examples", "consortium", "mobility.csv"))
        out = os.path.join(tmp, "report.html")
        r = run("--db", db, "run", "report", "--out", out, "--as-of", AS_OF)
        check("vista run report --out writes the file and says where", r.stdout.strip() == out and os.path.exists(out),
              r.stdout)
        html = open(out, encoding="utf-8").read()
        page = Page()
        page.feed(html)
        check("self-contained: no script, nothing linked or fetched", page.scripts == 0 and not page.external,
              str(page.external[:3]))
        check("no address outside the page but the SVG namespace",
              html.replace("http://www.w3.org/2000/svg", "").count("http") == 0)
        check("at least eight charts", len(page.svgs) >= 8, str(len(page.svgs)))
        empty = [s["title"] for s in page.svgs if s["marks"] == 0]
        check("every chart has marks", not empty, str(empty))
        untitled = [i for i, s in enumerate(page.svgs) if not s["title"].strip() or not s["desc"].strip()
                    or s["role"] != "img"]
        check("every chart has a title, a description and role=img", not untitled, str(untitled))
        check("the charts' data behind disclosures", page.details >= len(page.svgs) - 2,
              "%d details for %d charts" % (page.details, len(page.svgs)))
        # The figures against the indicators' JSON.
        got = json.loads(run("--db", db, "run", "indicators", "--format", "json").stdout)
        want = {(r["indicator"], r["period"]): r["value"] for r in got if r.get("value") is not None}
        shown = {k: float(v) for k, v in page.figures.items()}
        missing = [k for k in want if k not in shown]
        wrong = [(k, shown[k], want[k]) for k in want if k in shown and abs(shown[k] - want[k]) > 1e-9]
        extra = [k for k in shown if k not in want]
        check("every indicator value is in the page (%d)" % len(want), not missing, str(missing[:5]))
        check("the page's figures equal vista run indicators --format json", not wrong and not extra,
              str(wrong[:5]) + str(extra[:5]))
        # Rendered in Chromium: loads without console messages, draws a PNG.
        png = os.path.join(tmp, "report.png")
        res = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                              "--enable-logging=stderr", "--v=0", "--window-size=1280,3000",
                              "--screenshot=" + png, "file://" + out],
                             capture_output=True, text=True, timeout=120)
        console = [l for l in res.stderr.splitlines() if "CONSOLE" in l]
        check("Chromium renders the page to a PNG", res.returncode == 0 and os.path.exists(png)
              and os.path.getsize(png) > 50000, "%d %s" % (res.returncode, res.stderr[-300:]))
        check("no console message while loading", not console, str(console[:3]))
        dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "file://" + out],
                             capture_output=True, text=True, timeout=120).stdout
        rendered = Page()
        rendered.feed(dom)
        check("the browser's DOM has every chart and its marks",
              len(rendered.svgs) == len(page.svgs) and all(s["marks"] > 0 for s in rendered.svgs),
              "%d svgs" % len(rendered.svgs))
        # A phone: the page fits 390 pixels (no horizontal scroll for the text).
        phone = os.path.join(tmp, "phone.png")
        res = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                              "--window-size=390,2000", "--screenshot=" + phone, "file://" + out],
                             capture_output=True, text=True, timeout=120)
        check("renders at a phone's width", res.returncode == 0 and os.path.exists(phone))
        check("a print stylesheet", "@media print" in html)
        check_layout(chromium, out, tmp, "English")
        # The same report in Dutch: every chart's labels fit, no English
        # fixed text is left, numbers have a decimal comma.
        out_nl = os.path.join(tmp, "report-nl.html")
        run("--db", db, "run", "report", "--lang", "nl", "--out", out_nl, "--as-of", AS_OF)
        html_nl = open(out_nl, encoding="utf-8").read()
        check("Dutch: the page says its language", '<html lang="nl">' in html_nl)
        check_layout(chromium, out_nl, tmp, "Dutch")
        md_nl = run("--db", db, "run", "report", "--lang", "nl", "--format", "md", "--as-of", AS_OF).stdout
        check_dutch(db, html_nl, md_nl, tmp)
        check_same_content(html_nl, md_nl, "Dutch")
        check_catalog()
        # Markdown: the same figures.
        md = run("--db", db, "run", "report", "--format", "md", "--as-of", AS_OF).stdout
        check_same_content(html, md, "English")
        check("Markdown report has the sections",
              all(h in md for h in ("## The strategy on a page", "## Indicators against targets", "## Mobility",
                                    "## The action plan")))
        sample = sorted(want.items())[:5]
        check("Markdown report has the figures",
              all(("| " + str(p) + " | " + (("%g" % v) if v == int(v) else ("%.2f" % v).rstrip("0")) + " |") in md
                  for (i, p), v in sample), str(sample))
        # Writing is only where the user said.
        bad = run("--db", db, "-e", "vista.output('elsewhere.html')", ok=(1,))
        check("a script cannot write a file it was not given", "was not allowed" in bad.stderr, bad.stderr)
        esc = run("--db", db, "run", "report", "--out", os.path.join(tmp, "sub", "..", "x.html"), ok=(0, 1))
        check("--out is the path as given (no directory is made)", esc.returncode == 1 or os.path.exists(
            os.path.join(tmp, "x.html")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d checks, %d failed" % (checks, failures))
    sys.exit(1 if failures else 0)


main()
