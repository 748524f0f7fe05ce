#!/usr/bin/env python3
"""The example college's indicators, computed again in Python from the CSV
files with the csv module, against `vista run indicators --format json`.

usage: test_indicators.py VISTA_BINARY
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

VISTA = sys.argv[1]
SOURCE = os.environ.get("VISTA_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
EX = os.path.join(SOURCE, "examples", "college")
HOME = "B  ANTWERP77"
failures = 0
checks = 0


def run(*args):
    r = subprocess.run([VISTA, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("vista %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def check(what, got, want):
    global failures, checks
    checks += 1
    if got != want:
        failures += 1
        print("FAILED %s: vista %r, python %r" % (what, got, want))


def school_year(month):
    y, m = int(month[:4]), int(month[5:7])
    start = y if m >= 9 else y - 1
    return "%d-%02d" % (start, (start + 1) % 100)


def r2(x):
    return round(x + 1e-12, 2)


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "c.db")
    run("--db", db, "import", "strategy", os.path.join(EX, "strategy.lua"))
    run("--db", db, "import", "mobility", os.path.join(EX, "mobility.csv"))
    run("--db", db, "import", "facts", os.path.join(EX, "facts.csv"))
    run("--db", db, "import", "partners", os.path.join(EX, "partners.csv"))
    got = json.loads(run("--db", db, "run", "indicators", "--all", "--format", "json"))
    pdca = json.loads(run("--db", db, "run", "pdca", "--as-of", "2026-11-23", "--format", "json"))

vista = {(r["indicator"], r["period"]): r for r in got}

# Python: the same definitions, from the rows.
cal = defaultdict(lambda: defaultdict(int))
sch = defaultdict(lambda: defaultdict(int))
dest = defaultdict(lambda: defaultdict(int))
with open(os.path.join(EX, "mobility.csv"), encoding="utf-8") as f:
    for row in csv.DictReader(f):
        n = int(row["participants"])
        days = int(row["duration_days"])
        year, sy = row["start_month"][:4], school_year(row["start_month"])
        out = row["direction"] == "outgoing" and row["sending_erasmus_code"] == HOME
        inc = row["direction"] == "incoming" and row["receiving_erasmus_code"] == HOME
        accompanying = row["group_leader"] == "Yes" or "ccompany" in row["activity"]
        learner = row["profile"] == "Learner" and not accompanying
        staff = row["profile"] == "Staff" and not accompanying
        for key, bucket in ((year, cal), (sy, sch)):
            b = bucket[key]
            if out and learner:
                b["learners"] += n
                b["female"] += n if row["gender"] == "Female" else 0
                b["fewer"] += n if row["fewer_opportunities"] == "Yes" else 0
                b["long"] += n if days >= 90 else 0
                b["15d"] += n if days > 14 else 0
                b["recognised"] += n if row["recognised"] == "Yes" else 0
                b["recognition_known"] += n if row["recognised"] in ("Yes", "No") else 0
                level = row["education_level"]
                b["ivet10"] += n if days >= 10 and level.startswith(("ISCED-3", "ISCED-4")) else 0
            if out and staff and days >= 5:
                b["staff5"] += n
            if inc and learner:
                b["incoming"] += n
        if out:
            dest[year][row["receiving_country"]] += n

facts = defaultdict(dict)
with open(os.path.join(EX, "facts.csv"), encoding="utf-8") as f:
    for row in csv.DictReader(f):
        for k, v in row.items():
            if k not in ("institution", "period") and v:
                facts[row["period"]][k] = float(v)

for year, b in sorted(cal.items()):
    L = b["learners"]
    check("female_share %s" % year, vista[("female_share", year)]["value"], r2(b["female"] / L * 100))
    check("female numerator %s" % year, vista[("female_share", year)]["numerator"], b["female"])
    check("fewer_opps_share %s" % year, vista[("fewer_opps_share", year)]["value"], r2(b["fewer"] / L * 100))
    check("long_term_share %s" % year, vista[("long_term_share", year)]["value"], r2(b["long"] / L * 100))
    check("recognition_rate %s" % year, vista[("recognition_rate", year)]["value"],
          r2(b["recognised"] / b["recognition_known"] * 100))
    check("staff_exchanges_5d %s" % year, vista[("staff_exchanges_5d", year)]["value"], b["staff5"])
    check("incoming_outgoing_ratio %s" % year, vista[("incoming_outgoing_ratio", year)]["value"],
          r2(b["incoming"] / L))
    check("destination_diversity %s" % year, vista[("destination_diversity", year)]["value"], len(dest[year]))
    fy = facts.get(year, {})
    r = vista[("eu_ivet_mobility_rate", year)]
    if "graduates" in fy:
        check("eu_ivet_mobility_rate %s" % year, r["value"], r2(b["ivet10"] / fy["graduates"] * 100))
    else:
        check("eu rate without graduates %s" % year, r["status"].startswith("denominator missing"), True)
        check("eu rate without graduates has no value %s" % year, r.get("value"), None)
    r = vista[("staff_exchange_rate_fte", year)]
    if "staff_fte" in fy:
        check("staff_exchange_rate_fte %s" % year, r["value"], r2(b["staff5"] / fy["staff_fte"] * 100))

for sy, b in sorted(sch.items()):
    fy = facts.get(sy, {})
    r = vista[("gi_student_exchange_rate", sy)]
    check("gi_student_exchange_rate %s" % sy, r["value"], r2(b["15d"] / fy["learners_enrolled"] * 100))
    r = vista[("hosted_per_100_learners", sy)]
    check("custom hosted_per_100_learners %s" % sy, r["value"], r2(b["incoming"] / fy["learners_enrolled"] * 100))

for year in ("2023", "2024", "2025"):
    fy = facts[year]
    check("external_funding_share %s" % year, vista[("external_funding_share", year)]["value"],
          r2(fy["external_funding"] / fy["budget"] * 100))
    check("skills_competition_rate %s" % year, vista[("skills_competition_rate", year)]["value"],
          r2(fy["competition_learners"] / fy["graduates"] * 100))

# The custom indicator and the entered one are in pdca like built-ins.
goals = {(c["goal"], c["indicator"], c.get("period")): c for c in pdca["checks"]}
check("custom indicator in pdca", ("at_home", "hosted_per_100_learners", "2025-26") in goals, True)
check("custom value in pdca", goals[("at_home", "hosted_per_100_learners", "2025-26")]["value"],
      vista[("hosted_per_100_learners", "2025-26")]["value"])
check("entered indicator", vista[("employer_satisfaction", "2025")]["value"], 66)

print("%d checks, %d failed" % (checks, failures))
sys.exit(1 if failures else 0)
