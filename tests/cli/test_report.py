#!/usr/bin/env python3
"""The example institution's HTML report, rendered in headless Chromium.

Checks: the page is self-contained (no script, no stylesheet or image
fetched, nothing external); Chromium loads it without a console message and
renders it to a PNG; every chart is an SVG with a title, a description and
marks; every chart with data has its table behind a disclosure; the figures
printed in the page equal `vista run indicators --format json`; the
Markdown report carries the same figures; a script cannot write anywhere
but its --out file.

usage: test_report.py VISTA_BINARY
"""
import json
import os
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
        # Markdown: the same figures.
        md = run("--db", db, "run", "report", "--format", "md", "--as-of", AS_OF).stdout
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
