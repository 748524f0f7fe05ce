#!/usr/bin/env python3
"""Mobility import against an independent computation.

Every real file in tests/data/real and generated official-format files
(clean, with aggregated rows, and dirty) are imported with vista; the same
figures are computed here with Python's csv module from the raw file, by
the rules of docs/definitions.md, and must be equal: participants, gender split,
fewer opportunities, special needs, distinct receiving countries, mean
duration and age (participant-weighted), the long-term count, figures by
year and by sending institution, and the rejected lines. An exported file
must import back to the same figures.

usage: test_mobility.py VISTA_BINARY
"""
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import roles  # noqa: E402  who counts as what, written out in Python

VISTA = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("VISTA_SOURCE", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
REAL = os.path.join(SOURCE, "tests", "data", "real")
GEN = os.path.join(SOURCE, "tools", "gen_mobility.py")
WORK = tempfile.mkdtemp(prefix="vista-mobility-")

PROJECT = re.compile(r"^\d{4}-\d{1,2}-[A-Z]{2}\d{2}-KA\d{3}(-[A-Z]+)?-\d{4,12}$")
MISSING = {"", "-", "???", "? Unknown ?", "??? - ? Unknown ?", "Undefined"}
ROMANIAN_MAP = ("Cod proiect=Project Reference,Durata mobilitatii=Mobility "
                "Duration,Varsta participantului=Participant Age,Codul tarii "
                "de provenienta=Sending Country Code,Codul tarii gazda="
                "Receiving Country Code")

checks = []


def check(name, actual, expected):
    checks.append((name, actual == expected, actual, expected))


def vista(*args, db):
    r = subprocess.run([VISTA, "--db", db, *args], capture_output=True,
                       text=True)
    return r


def figures(db, **query):
    lua = ("local q = require('vista.format').json; "
           "print(q(vista.mobility.figures(" + lua_table(query) + ")))")
    r = vista("-e", lua, db=db)
    if r.returncode != 0:
        raise SystemExit(f"figures failed: {r.stderr}")
    out = json.loads(r.stdout)
    return out if isinstance(out, list) else []


def lua_table(d):
    parts = []
    for k, v in d.items():
        if isinstance(v, list):
            v = "{" + ", ".join(json.dumps(x) for x in v) + "}"
        elif isinstance(v, bool):
            v = "true" if v else "false"
        else:
            v = json.dumps(v)
        parts.append(f"{k} = {v}")
    return "{" + ", ".join(parts) + "}"


def read_rows(path, delimiter):
    """The file's data rows with their physical start line."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader)
        rows = []
        line = reader.line_num + 1
        for rec in reader:
            rows.append((line, rec))
            line = reader.line_num + 1
        return [h.strip() for h in header], rows


def value(rec, header, name):
    if name not in header:
        return None
    v = rec[header.index(name)].strip()
    return None if v in MISSING else v


def is_int(v, lo, hi):
    return v is not None and re.fullmatch(r"[+-]?\d+", v) and lo <= int(v) <= hi


def expected(path, delimiter, names):
    """Figures of a file by the rules, computed here. names maps our field
    names to the file's header names."""
    header, rows = read_rows(path, delimiter)
    get = lambda rec, k: value(rec, header, names[k]) if k in names else None
    kept, rejected = [], []
    for line, rec in rows:
        if len(rec) != len(header):
            rejected.append(line)
            continue
        p = get(rec, "project")
        age = get(rec, "age")
        dur = get(rec, "duration")
        parts = rec[header.index(names["participants"])].strip() \
            if "participants" in names else "1"
        bad = (p is not None and not PROJECT.match(p)) or \
              (age is not None and not is_int(age, 0, 120)) or \
              (dur is not None and not is_int(dur, 0, 5000)) or \
              not is_int(parts, 1, 10**6) or \
              any(c is not None and not re.fullmatch(r"[A-Za-z]{2}", c)
                  for c in (get(rec, "sending_country"),
                            get(rec, "receiving_country")))
        if bad:
            rejected.append(line)
            continue
        kept.append((line, rec, int(parts)))

    def raw(rec, k):
        if k not in names or names[k] not in header:
            return None
        return rec[header.index(names[k])]

    def role_band(r):
        d = get(r, "duration")
        return roles.classify(raw(r, "profile"), raw(r, "leader"),
                              raw(r, "activity"), int(d) if d else None)

    def figs(sub):
        """Participants of every role; the rest over learners (the
        learner role), shares over the learners whose value is known."""
        total = sum(w for _, _, w in sub)
        lrn = [(line, r, w) for line, r, w in sub
               if role_band(r)[0] == roles.LEARNER]
        g = lambda rec: roles.gender(raw(rec, "gender"))
        fl = lambda rec, k: roles.flag(raw(rec, k))
        f = {"participants": total,
             "learners": sum(w for _, _, w in lrn),
             "staff": sum(w for _, r, w in sub
                          if role_band(r)[0] == roles.STAFF_ROLE),
             "accompanying": sum(w for _, r, w in sub
                                 if role_band(r)[0] == roles.ACCOMPANYING_ROLE),
             "female": sum(w for _, r, w in lrn if g(r) == "female"),
             "male": sum(w for _, r, w in lrn if g(r) == "male"),
             "undefined_gender": sum(w for _, r, w in lrn
                                     if g(r) == "undefined"),
             "gender_known": sum(w for _, r, w in lrn if g(r) is not None),
             "fewer_opportunities": sum(w for _, r, w in lrn
                                        if fl(r, "fewer") is True),
             "fewer_opportunities_known": sum(w for _, r, w in lrn
                                              if fl(r, "fewer") is not None),
             "special_needs": sum(w for _, r, w in lrn
                                  if fl(r, "special") is True),
             "special_needs_known": sum(w for _, r, w in lrn
                                        if fl(r, "special") is not None),
             "receiving_countries": len({get(r, "receiving_country")
                                         for _, r, _ in sub} - {None})}

        def mean(items, k):
            n = sum(w for _, r, w in items if get(r, k) is not None)
            t = sum(w * int(get(r, k)) for _, r, w in items
                    if get(r, k) is not None)
            return round(t / n, 9) if n else None
        f["mean_duration"] = mean(lrn, "duration")
        f["mean_age"] = mean(lrn, "age")
        f["participants_mean_duration"] = mean(sub, "duration")
        f["participants_mean_age"] = mean(sub, "age")
        f["long_term"] = sum(w for _, r, w in lrn
                             if role_band(r)[1] == roles.B_LONG)
        return f

    by_year = {}
    for item in kept:
        s = get(item[1], "start")
        by_year.setdefault(int(s[:4]) if s else None, []).append(item)
    by_org = {}
    for item in kept:
        rec = item[1]
        key = get(rec, "sending_code") or (get(rec, "sending_org"),
                                           get(rec, "sending_country"))
        by_org.setdefault(key, []).append(item)
    return {"all": figs(kept), "rejected": rejected,
            "by_year": {y: figs(v)["participants"] for y, v in by_year.items()},
            "org_sizes": sorted(sum(w for _, _, w in v)
                                for k, v in by_org.items() if k != (None, None)),
            "kept": kept, "figs": figs, "get": get}


OFFICIAL = {"project": "Project Reference", "start": "Mobility Start Month",
            "duration": "Mobility Duration", "activity": "Activity (mob)",
            "gender": "Participant Gender", "profile": "Participant Profile",
            "special": "Special Needs", "fewer": "Fewer Opportunities",
            "leader": "GroupLeader", "age": "Participant Age",
            "sending_country": "Sending Country Code",
            "sending_org": "Sending Organization",
            "sending_code": "Sending Organisation Erasmus Code",
            "receiving_country": "Receiving Country Code",
            "participants": "Participants"}
FIVE = {k: OFFICIAL[k] for k in ("project", "duration", "age",
                                 "sending_country", "receiving_country")}
ROMANIAN = {"project": "Cod proiect", "duration": "Durata mobilitatii",
            "age": "Varsta participantului",
            "sending_country": "Codul tarii de provenienta",
            "receiving_country": "Codul tarii gazda"}


def compare(name, db, exp):
    got = figures(db)[0] if figures(db) else {}
    for k, v in exp["all"].items():
        g = got.get(k)
        if isinstance(v, float) and g is not None:
            g = round(g, 9)
        check(f"{name}: {k}", g, v)


def terms(db):
    import sqlite3
    con = sqlite3.connect(db)
    out = {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4").fetchall()
           for t in ("mobility_term", "mobility_term_destination",
                     "mobility_term_incoming")}
    out["sent"] = con.execute("SELECT sum(participants) FROM mobility_term").fetchone()[0]
    con.close()
    return out


def imported_rejects(db):
    r = vista("-e", "for _, r in ipairs(vista.sql('SELECT line FROM "
              "import_reject ORDER BY line')) do print(r.line) end", db=db)
    return [int(x) for x in r.stdout.split()]


def run_real():
    cases = [("erasmus_ka347_5col_LF.csv", ",", FIVE, []),
             ("erasmus_ka347_5col_CRLF.csv", ",", FIVE, []),
             ("erasmus_ka347_5col_modified_by_third_party.csv", ",", FIVE, []),
             ("erasmus_ka347_5col_ro_semicolon_quoted.csv", ";", ROMANIAN,
              ["--map", ROMANIAN_MAP])]
    for fname, delim, names, extra in cases:
        path = os.path.join(REAL, fname)
        db = os.path.join(WORK, fname + ".db")
        r = vista("import", "mobility", path, *extra, db=db)
        exp = expected(path, delim, names)
        check(f"{fname}: exit status", r.returncode, 4 if exp["rejected"] else 0)
        compare(fname, db, exp)
        check(f"{fname}: rejected lines", imported_rejects(db), exp["rejected"])
        # Identical rows are separate participants: never merged.
        n = vista("-e", "print(vista.sql('SELECT count(*) AS n FROM "
                  "mobility')[1].n)", db=db).stdout.strip()
        check(f"{fname}: every valid row stored", int(n), len(exp["kept"]))


def run_generated():
    for label, args in [("clean", ["--rows", "20000", "--seed", "5"]),
                        ("dirty", ["--rows", "20000", "--seed", "9",
                                   "--dirty", "0.03", "--crlf"])]:
        path = os.path.join(WORK, label + ".csv")
        subprocess.run([sys.executable, GEN, *args, "--out", path], check=True)
        db = os.path.join(WORK, label + ".db")
        r = vista("import", "mobility", path, db=db)
        exp = expected(path, ";", OFFICIAL)
        check(f"{label}: exit status", r.returncode, 4 if exp["rejected"] else 0)
        compare(label, db, exp)
        check(f"{label}: rejected lines", imported_rejects(db), exp["rejected"])
        got_years = {f["year"]: f["participants"]
                     for f in figures(db, by=["year"])}
        check(f"{label}: participants by year (summary)", got_years,
              {y: v for y, v in exp["by_year"].items() if y is not None})
        sizes = sorted(f["participants"]
                       for f in figures(db, by=["institution"])
                       if f.get("institution") is not None)
        check(f"{label}: participants by sending institution", sizes,
              exp["org_sizes"])
        # A query the summaries cannot answer goes to the records.
        get = exp["get"]
        want = {}
        for _, rec, w in exp["kept"]:
            if get(rec, "gender") == "Female" and get(rec, "fewer") == "Yes":
                c = get(rec, "receiving_country")
                want[c] = want.get(c, 0) + w
        got = {f["receiving_country"]: f["participants"]
               for f in figures(db, by="receiving_country", gender="female",
                                fewer_opportunities=True)}
        check(f"{label}: records path (by receiving country, filtered)", got,
              want)
        # The terms the importer keeps in C equal the same sums in SQL (a
        # replacing import rebuilds them from the records).
        before = terms(db)
        r3 = vista("import", "mobility", path, "--replace", db=db)
        check(f"{label}: terms kept while importing = terms rebuilt in SQL",
              terms(db), before)
        check(f"{label}: the terms hold every participant sent",
              before["sent"], sum(w for _, r, w in exp["kept"]
                                  if get(r, "start") is not None
                                  and (get(r, "sending_code") or get(r, "sending_org"))))
        # What is exported imports back to the same figures.
        out = os.path.join(WORK, label + "-export.csv")
        vista("export", "mobility", "--out", out, db=db)
        db2 = os.path.join(WORK, label + "-again.db")
        r2 = vista("import", "mobility", out, db=db2)
        check(f"{label}: export re-imports cleanly", r2.returncode, 0)
        check(f"{label}: export re-imports to the same figures",
              figures(db2, by=["year", "band"]), figures(db, by=["year", "band"]))


def run_two_files():
    """A second file adds to the summaries the first one left (the upsert
    path), and figures from them equal figures from the records."""
    db = os.path.join(WORK, "both.db")
    exps = []
    for label in ("clean", "dirty"):
        path = os.path.join(WORK, label + ".csv")
        vista("import", "mobility", path, db=db)
        exps.append(expected(path, ";", OFFICIAL))
    total = sum(e["all"]["participants"] for e in exps)
    check("two files: participants add up", figures(db)[0]["participants"], total)
    by_summary = figures(db, by=["year", "vet"])
    # gender=... is not in the summaries: the same grouping from the records
    by_records = {}
    for g in ("female", "male"):
        for f in figures(db, by=["year", "vet"], gender=g):
            by_records[(f["year"], f["vet"])] = by_records.get((f["year"], f["vet"]), 0) + f["participants"]
    # (the summaries' female and male are learners; so are the records')
    by_records = {}
    for g in ("female", "male"):
        for f in figures(db, by=["year", "vet"], gender=g):
            by_records[(f["year"], f["vet"])] = \
                by_records.get((f["year"], f["vet"]), 0) + f["learners"]
    got = {(f["year"], f["vet"]): f["female"] + f["male"] for f in by_summary}
    check("two files: summaries agree with the records", got, by_records)


def main():
    try:
        run_real()
        run_generated()
        run_two_files()
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    failed = 0
    for name, ok, actual, expected_ in checks:
        if ok:
            print(f"ok     {name}")
        else:
            failed += 1
            print(f"FAILED {name}: got {actual!r}, expected {expected_!r}"[:2000])
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
