#!/usr/bin/env python3
"""The database as an interface (docs/database.md).

views: every view and table that docs/database.md promises exists in the
  schema vista creates, with exactly the documented columns (a column
  missing, renamed or added without a line in the document fails), the
  tables' columns of the documented type; on the database `make demo`
  builds, every documented object has rows, every value is of the
  documented type, and a column said to be never NULL has no NULL.
  core/store.c's header states the rule.

examples: the analysts' examples in examples/analysts (pandas, R with DBI
  and RSQLite, DuckDB through its Node API over `vista export
  mobility_view`) print the same VET learners by year as `vista run
  mobility --by year vet=true profile=learner`, on the demo database and
  on a small one where the filters matter (an unknown year, an
  accompanying person, a learner of unknown duration, staff, a record that
  is not VET). README and docs/database.md show how to run each.

usage: test_database.py VISTA_BINARY views|examples
"""
import csv
import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

VISTA = os.path.abspath(sys.argv[1])
MODE = sys.argv[2]
SOURCE = os.path.realpath(os.environ.get(
    "VISTA_SOURCE", os.path.join(os.path.dirname(__file__), "..", "..")))
EXAMPLES = os.path.join(SOURCE, "examples")
ANALYSTS = os.path.join(EXAMPLES, "analysts")
failures = 0
checks = 0


def check(what, ok, detail=""):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAILED %s%s" % (what, ": " + str(detail) if detail else ""))


def vista(db, *args):
    r = subprocess.run([VISTA, "--db", db] + list(args), capture_output=True,
                       text=True)
    if r.returncode != 0:
        sys.exit("vista %s failed (%d): %s" % (" ".join(args), r.returncode,
                                               r.stderr))
    return r.stdout


def demo_database(path):
    """The database `make demo` builds, by the same imports."""
    vista(path, "init")
    for kind, name in [("institutions", "institutions.csv"),
                       ("mobility", "mobility.csv"),
                       ("mobility", "own_list.csv"),
                       ("strategy", "college/strategy.lua"),
                       ("mobility", "college/mobility.csv"),
                       ("facts", "college/facts.csv"),
                       ("partners", "college/partners.csv"),
                       ("timeline", "college/timeline.csv"),
                       ("survey", "college/survey.csv"),
                       ("mobility", "consortium/mobility.csv")]:
        vista(path, "import", kind, os.path.join(EXAMPLES, name))


def documented():
    """{name: [(column, type, never_null)]} from the Stable views section."""
    with open(os.path.join(SOURCE, "docs", "database.md"),
              encoding="utf-8") as f:
        text = f.read()
    section = text.split("\n## Stable views\n", 1)
    if len(section) != 2:
        sys.exit("docs/database.md has no '## Stable views' section")
    objects = {}
    current = None
    for line in section[1].split("\n"):
        if line.startswith("## "):
            break
        m = re.match(r"### `(\w+)`\s*$", line)
        if m:
            current = objects.setdefault(m.group(1), [])
            continue
        m = re.match(r"\| `(\w+)` \| (\w+) \| (.*) \|$", line)
        if m and current is not None:
            current.append((m.group(1), m.group(2),
                            "never NULL" in m.group(3)))
    return objects


def check_views(tmp):
    objects = documented()
    check("docs/database.md documents the records and the strategy tables",
          {"mobility_view", "goal", "action", "env_factor", "indicator",
           "indicator_value", "partner", "agreement", "milestone"}
          <= set(objects), sorted(objects))
    for name, columns in objects.items():
        check("%s documents its columns" % name, columns)
        check("%s documents each column once" % name,
              len({c for c, _, _ in columns}) == len(columns))
        for column, kind, _ in columns:
            check("%s.%s has a type of the list" % (name, column),
                  kind in ("integer", "real", "text"), kind)

    fresh = os.path.join(tmp, "fresh.db")
    vista(fresh, "init")
    db = sqlite3.connect("file:%s?mode=ro" % fresh, uri=True)
    for name, columns in objects.items():
        row = db.execute("SELECT type FROM sqlite_schema WHERE name = ?",
                         (name,)).fetchone()
        check("the schema has %s" % name, row is not None)
        if row is None:
            continue
        live = [(r[1], r[2]) for r in
                db.execute("SELECT * FROM pragma_table_xinfo(?)", (name,))
                if r[6] == 0]
        live_names = [c for c, _ in live]
        doc_names = [c for c, _, _ in columns]
        for c in doc_names:
            check("%s still has the documented column %s" % (name, c),
                  c in live_names)
        for c in live_names:
            check("docs/database.md documents %s.%s" % (name, c),
                  c in doc_names)
        if row[0] == "table":
            types = dict(live)
            for c, kind, _ in columns:
                if c in types:
                    check("%s.%s is still %s" % (name, c, kind),
                          types[c].lower() == kind, types[c])
    db.close()

    demo = os.path.join(tmp, "demo.db")
    demo_database(demo)
    db = sqlite3.connect("file:%s?mode=ro" % demo, uri=True)
    for name, columns in objects.items():
        if not db.execute("SELECT 1 FROM sqlite_schema WHERE name = ?",
                          (name,)).fetchone():
            continue
        n = db.execute('SELECT count(*) FROM "%s"' % name).fetchone()[0]
        check("the demo database has rows in %s" % name, n > 0)
        live = {r[1] for r in db.execute(
            "SELECT * FROM pragma_table_xinfo(?)", (name,))}
        for c, kind, never_null in columns:
            if c not in live:
                continue
            bad = db.execute(
                'SELECT count(*) FROM "%s" WHERE "%s" IS NOT NULL'
                ' AND typeof("%s") != ?' % (name, c, c), (kind,)).fetchone()[0]
            check("every %s.%s is %s" % (name, c, kind), bad == 0,
                  "%d values are not" % bad)
            if never_null:
                nulls = db.execute('SELECT count(*) FROM "%s" WHERE "%s"'
                                   ' IS NULL' % (name, c)).fetchone()[0]
                check("%s.%s is never NULL" % (name, c), nulls == 0,
                      "%d are" % nulls)
    db.close()

    with open(os.path.join(SOURCE, "core", "store.c"), encoding="utf-8") as f:
        header = f.read().split("*/", 1)[0]
    check("core/store.c's header states that a migration keeps the views "
          "of docs/database.md", "docs/database.md" in header, header)


# The question every example asks, as vista answers it.
QUESTION = ["run", "mobility", "--by", "year", "vet=true", "profile=learner",
            "--format", "csv"]

# A small list where each filter matters: per row, what it is.
SMALL = """project_reference,start_month,duration_days,profile,group_leader,participants,sending_country
2019-1-BE02-KA102-000777,,30,Learner,No,3,BE
2019-1-BE02-KA102-000777,2020-03,30,Learner,Yes,2,BE
2019-1-BE02-KA102-000777,2020-03,100,Learner,No,4,BE
2019-1-BE02-KA102-000777,2020-03,,Learner,No,5,BE
2019-1-BE02-KA102-000777,2020-03,30,Staff,No,6,BE
2019-1-DE02-KA103-000777,2020-03,30,Learner,No,7,DE
2019-1-BE02-KA102-000777,2021-10,5,Learner,No,8,BE
"""


def table(text):
    """[(year, learners)] from a CSV with those columns."""
    return [(r["year"], r["learners"]) for r in csv.DictReader(io.StringIO(text))]


def tool(what, argv, cwd):
    r = subprocess.run(argv, capture_output=True, text=True, cwd=cwd)
    check("%s runs" % what, r.returncode == 0, r.stderr.strip()[-800:])
    return r.stdout if r.returncode == 0 else ""


def check_examples(tmp):
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
        else "python3"
    missing = []
    if subprocess.run([python, "-c", "import pandas"],
                      capture_output=True).returncode != 0:
        missing.append("pandas (python3-pandas)")
    if not shutil.which("Rscript") or subprocess.run(
            ["Rscript", "-e", "library(DBI); library(RSQLite)"],
            capture_output=True).returncode != 0:
        missing.append("R with DBI and RSQLite (r-base-core, r-cran-dbi, "
                       "r-cran-rsqlite)")
    if not shutil.which("node") or not os.path.isdir(
            os.path.join(ANALYSTS, "node_modules", "@duckdb", "node-api")):
        missing.append("node and @duckdb/node-api in examples/analysts")
    check("the analysts' tools are installed (sh tools/deps.sh test)",
          not missing, ", ".join(missing))
    if missing:
        return

    small = os.path.join(tmp, "small.db")
    vista(small, "init")
    with open(os.path.join(tmp, "small.csv"), "w", encoding="utf-8") as f:
        f.write(SMALL)
    vista(small, "import", "mobility", os.path.join(tmp, "small.csv"))
    demo = os.path.join(tmp, "demo.db")
    demo_database(demo)

    for label, db in [("the demo database", demo),
                      ("a database where the filters matter", small)]:
        want = table(vista(db, *QUESTION))
        check("vista answers on %s" % label, len(want) > 1, want)
        records = os.path.join(tmp, "records.csv")
        vista(db, "export", "mobility_view", "--out", records)
        for what, argv in [
                ("pandas", [python, os.path.join(ANALYSTS, "learners_by_year.py"), db]),
                ("R", ["Rscript", os.path.join(ANALYSTS, "learners_by_year.R"), db]),
                ("DuckDB", ["node", os.path.join(ANALYSTS, "learners_by_year.mjs"),
                            records])]:
            got = table(tool("the %s example on %s" % (what, label), argv, tmp))
            check("the %s example on %s prints vista's learners by year"
                  % (what, label), got == want,
                  "\n  vista:  %s\n  %s: %s" % (want, what, got))

    # The documents show how to run each example, as run here.
    with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    with open(os.path.join(SOURCE, "docs", "database.md"),
              encoding="utf-8") as f:
        doc = f.read()
    for text in ["python3 examples/analysts/learners_by_year.py",
                 "Rscript examples/analysts/learners_by_year.R",
                 "export mobility_view --out records.csv",
                 "node examples/analysts/learners_by_year.mjs records.csv"]:
        check("README shows '%s'" % text, text in readme)
        check("docs/database.md shows '%s'" % text, text in doc)


def main():
    tmp = tempfile.mkdtemp(prefix="vista-database-")
    try:
        if MODE == "views":
            check_views(tmp)
        elif MODE == "examples":
            check_examples(tmp)
        else:
            sys.exit("usage: test_database.py VISTA_BINARY views|examples")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (checks - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
