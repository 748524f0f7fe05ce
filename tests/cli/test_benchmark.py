#!/usr/bin/env python3
"""Benchmarks, consortium and scope against Python.

On generated national data: every institution's female share and learner
count, ranks, percentiles and quartiles by country, computed again here
from the CSV with the csv module; with --publish, the small-cell rules
re-derived here and checked on everything printed (no small count, no
share of fewer than 23, no group total beside exactly one hidden cell); a
scoped session sees its own row in full and others suppressed. On the
example consortium: the ErasDu figures.

usage: test_benchmark.py VISTA_BINARY
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

VISTA = sys.argv[1]
SOURCE = os.environ.get("VISTA_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
GEN = os.path.join(SOURCE, "tools", "gen_mobility.py")
K = 5
failures = 0
checks = 0


def run(*args, ok=(0,)):
    r = subprocess.run([VISTA, *args], capture_output=True, text=True)
    if r.returncode not in ok:
        sys.exit("vista %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def lua_json(db, chunk, *extra):
    return json.loads(run("--db", db, *extra, "-e",
                          "print(require('vista.format').json(" + chunk + "))"))


def check(what, got, want):
    global failures, checks
    checks += 1
    if got != want:
        failures += 1
        print("FAILED %s: vista %r, python %r" % (what, got, want))


def round2(x):
    # As the engine rounds: floor(x * 100 + 0.5) / 100 on the same double.
    r = math.floor(x * 100 + 0.5) / 100
    return int(r) if r == int(r) else r


def quantile(sorted_values, p):
    n = len(sorted_values)
    h = (n - 1) * p + 1
    lo = math.floor(h)
    hi = lo + 1 if lo < n else n
    return sorted_values[lo - 1] + (h - lo) * (sorted_values[hi - 1] - sorted_values[lo - 1])


def national(tmp):
    path = os.path.join(tmp, "national.csv")
    subprocess.run([sys.executable, GEN, "--rows", "30000", "--seed", "11", "--out", path], check=True)
    db = os.path.join(tmp, "n.db")
    run("--db", db, "import", "mobility", path)
    # Python: learners (the learner profile, not group leaders or
    # accompanying persons) and female learners by sender and year.
    fig = defaultdict(lambda: [0, 0])
    country_of = {}
    with open(path, encoding="utf-8") as f:
        for rec in csv.DictReader(f, delimiter=";"):
            w = int(rec["Participants"])
            act = rec["Activity (mob)"].lower()
            if rec["Participant Profile"] != "Learner" or rec["GroupLeader"] == "Yes" or "accompany" in act:
                continue
            code = rec["Sending Organisation Erasmus Code"].strip()
            key = code or (rec["Sending Organization"].strip(), rec["Sending Country Code"])
            year = rec["Mobility Start Month"][:4]
            fig[(key, year)][0] += w
            fig[(key, year)][1] += w if rec["Participant Gender"] == "Female" else 0
            country_of[key] = rec["Sending Country Code"]
    years = defaultdict(int)
    for (_, y), (l, _) in fig.items():
        years[y] += l
    year = max(years, key=lambda y: years[y])

    res = lua_json(db, "vista.benchmark.run{indicator = 'female_share', period = '%s', group = 'country'}" % year)
    rows = {(r.get("code") or (r["name"], r["country"])): r for r in res["rows"]}
    want_keys = {key for (key, y), (l, _) in fig.items() if y == year and l > 0}
    check("every institution that sent learners in %s is listed" % year,
          {k for k, r in rows.items() if r.get("denominator")}, want_keys)
    by_country = defaultdict(list)
    for key in want_keys:
        l, fem = fig[(key, year)]
        by_country[country_of[key]].append((key, fem / l * 100))
    for key in sorted(want_keys, key=str)[:400]:
        l, fem = fig[(key, year)]
        r = rows.get(key, {})
        check("female share of %s" % (key,), (r.get("value"), r.get("numerator"), r.get("denominator")),
              (round2(fem / l * 100), fem, l))
    for country, members in sorted(by_country.items()):
        values = sorted(v for _, v in members)
        q1, med, q3 = (round2(quantile(values, p)) for p in (0.25, 0.5, 0.75))
        n = len(values)
        for key, v in members:
            r = rows[key]
            rank = 1 + sum(1 for _, o in members if o > v)
            worse = sum(1 for _, o in members if o < v)
            pct = round2(100 * worse / (n - 1)) if n > 1 else 100
            check("rank, percentile, quartiles of %s in %s" % (key, country),
                  (r.get("rank"), r.get("percentile"), r.get("q1"), r.get("median"), r.get("q3"), r.get("group")),
                  (rank, pct, q1, med, q3, country))
        g = [x for x in res["groups"] if x["group"] == country][0]
        l = sum(fig[(key, year)][0] for key, _ in members)
        fem = sum(fig[(key, year)][1] for key, _ in members)
        listed = sum(1 for r in res["rows"] if r["group"] == country)
        check("pooled female share of %s" % country, (g["pooled"], g["institutions"], g["ranked"]),
              (round2(fem / l * 100), listed, n))

    # Published: the rules, re-derived here, hold for everything printed.
    pub = lua_json(db, "vista.benchmark.run{indicator = 'female_share', period = '%s', group = 'country', "
                       "publish = true}" % year)
    bad = []
    hidden_by_group = defaultdict(list)
    for r in pub["rows"]:
        key = r.get("code") or (r["name"], r["country"])
        l, fem = fig[(key, year)]
        small = lambda x: 0 < x < K
        should_hide = l < 23 or small(fem) or small(l - fem) or small(l)
        if should_hide:
            hidden_by_group[r["group"]].append((fem, small(fem)))
        if (r.get("status") == "suppressed") != should_hide:
            bad.append(("rule", key, l, fem, r.get("status")))
        if r.get("status") == "suppressed" and (r.get("rank") is not None or r.get("value") is not None
                                                or r.get("numerator") is not None):
            bad.append(("suppressed but shown", key))
        for c in ("numerator", "denominator"):
            if r.get(c) is not None and 0 < r[c] < K:
                bad.append(("small count shown", key, c, r[c]))
        if r.get("value") is not None and r.get("denominator", 0) < 23:
            bad.append(("share of fewer than 23", key))
    for g in pub["groups"]:
        hid = hidden_by_group.get(g["group"], [])
        total_shown = g.get("pooled") is not None
        recoverable = len(hid) == 1 or (hid and sum(f for f, _ in hid) < K) or \
            (hid and all(s for _, s in hid) and sum(f for f, _ in hid) in (len(hid), len(hid) * (K - 1)))
        if total_shown and recoverable:
            bad.append(("total gives a hidden cell away", g["group"], hid))
    check("published benchmark: the small-cell rules hold for every figure", bad, [])
    check("published benchmark: some cells are suppressed (the test bites)",
          sum(1 for r in pub["rows"] if r.get("status") == "suppressed") > 0, True)
    check("published benchmark: some group totals are suppressed",
          sum(1 for g in pub["groups"] if g.get("pooled") is None) > 0, True)

    # A scoped session: a small institution sees its own row in full.
    small_key = min((k for k in want_keys if isinstance(k, str) and fig[(k, year)][0] < 23),
                    key=lambda k: fig[(k, year)][0])
    scoped = lua_json(db, "vista.benchmark.run{indicator = 'female_share', period = '%s', group = 'country'}"
                      % year, "--scope", small_key)
    own = [r for r in scoped["rows"] if r.get("own")]
    l, fem = fig[(small_key, year)]
    check("scoped: its own row exact", [(r.get("code"), r.get("value"), r.get("denominator")) for r in own],
          [(small_key, round2(fem / l * 100), l)])
    others_small = [r for r in scoped["rows"] if not r.get("own") and r.get("denominator") is not None
                    and r["denominator"] < 23]
    check("scoped: no other institution's share of fewer than 23 shown", others_small, [])
    out = subprocess.run([VISTA, "--db", db, "--scope", small_key, "-e",
                          "return vista.sql('SELECT count(*) AS n FROM main.mobility')"],
                         capture_output=True, text=True)
    check("scoped: main.mobility refused", (out.returncode, "not authorized" in out.stderr), (1, True))
    mine = json.loads(run("--db", db, "--scope", small_key, "-e",
                          "print(require('vista.format').json(vista.sql("
                          "'SELECT count(DISTINCT sending_id) AS s, count(*) AS n FROM mobility"
                          " WHERE sending_id <> ? AND receiving_id IS NOT ?', %d, %d)))"
                          % (own[0]["institution"], own[0]["institution"])))
    check("scoped: no record of another institution in mobility", mine[0]["n"], 0)


def consortium(tmp):
    ex = os.path.join(SOURCE, "examples", "consortium")
    db = os.path.join(tmp, "c.db")
    run("--db", db, "import", "mobility", os.path.join(ex, "mobility.csv"))
    members = os.path.join(ex, "members.csv")
    for year, want in (("2022-23", (196, 28, 18, 57.14, 20.41, 15, 4, 44)),
                       ("2023-24", (106, 25, None, 50, 28.3, 13, 5, 46))):
        f = json.loads(run("--db", db, "run", "consortium", "--members", members, "--year", year,
                           "--format", "json"))
        got = (f["learners"], f["schools"], f["mean_age"] if want[2] else None, f["female_share"],
               f["fewer_opportunities_share"], f["destination_countries"], f["staff"], f["incoming"])
        check("consortium %s: the published figures" % year, got, want)
        # Back-derivation: each published share comes from an integer count
        # (docs/definitions.md: shares of learners sent, to two decimals).
        check("consortium %s: shares from counts" % year,
              (f["female"], f["fewer_opportunities"]),
              {"2022-23": (112, 40), "2023-24": (53, 30)}[year])
    pub = json.loads(run("--db", db, "run", "consortium", "--members", members, "--year", "2022-23",
                         "--publish", "--format", "json"))
    check("consortium published: 4 staff suppressed, the rest shown",
          (pub.get("staff"), "staff" in pub.get("suppressed", []), pub["learners"]), (None, True, 196))
    pub24 = json.loads(run("--db", db, "run", "consortium", "--members", members, "--year", "2023-24",
                           "--publish", "--format", "json"))
    check("consortium published: 5 staff shown", pub24.get("staff"), 5)
    bys = json.loads(run("--db", db, "run", "consortium", "--members", members, "--year", "2022-23",
                         "--schools", "--format", "json", "--publish"))["by_school"]
    check("consortium published: fewer opportunities by school all suppressed (28 schools, 40 learners)",
          ([s.get("fewer_opportunities") for s in bys if s.get("fewer_opportunities") is not None],
           sum(1 for s in bys if "fewer_opportunities" in s.get("suppressed", [])) >= 28), ([], True))
    own = json.loads(run("--db", db, "run", "consortium", "--members", members, "--year", "2022-23",
                         "--schools", "--format", "json"))["by_school"]
    check("consortium, the data owner's own: fewer opportunities by school exact (40 in all)",
          sum(s.get("fewer_opportunities", 0) for s in own), 40)
    proj = json.loads(run("--db", db, "run", "consortium", "--project", "2022-1-BE01-KA121-VET-000078123",
                          "--year", "2022-23", "--format", "json"))
    check("consortium by project reference", (proj["learners"], proj["schools"], proj["members"], proj["incoming"]),
          (196, 28, 28, 44))


with tempfile.TemporaryDirectory() as tmp:
    national(tmp)
    consortium(tmp)
print("%d checks, %d failed" % (checks, failures))
sys.exit(1 if failures else 0)
