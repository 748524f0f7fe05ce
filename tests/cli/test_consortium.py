#!/usr/bin/env python3
"""The example consortium (examples/consortium) against Python's csv
module: `vista run consortium --format json` for both school years, in
total and per school, exact and published (--publish, k = 5), and the
figures the consortium published (README, docs/definitions.md).

usage: test_consortium.py VISTA_BINARY
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

VISTA = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("VISTA_SOURCE", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
EX = os.path.join(SOURCE, "examples", "consortium")
SAME_COUNTRY = {"GR": "EL", "GB": "UK"}
K = 5
failures = []
checks = 0

# What the consortium published, by school year.
PUBLISHED = {
    "2022-23": {"learners": 196, "schools": 28, "female_share": 57.14,
                "fewer_opportunities_share": 20.41, "destination_countries": 15,
                "staff": 4, "incoming": 44, "female": 112,
                "fewer_opportunities": 40},
    "2023-24": {"learners": 106, "schools": 25, "female_share": 50,
                "fewer_opportunities_share": 28.30, "destination_countries": 13,
                "staff": 5, "incoming": 46, "female": 53,
                "fewer_opportunities": 30},
}


def check(what, got, want):
    global checks
    checks += 1
    if got != want:
        failures.append("%s: vista %r, python %r" % (what, got, want))


def run(db, *args):
    r = subprocess.run([VISTA, "--db", db, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("vista %s failed (%d): %s" % (" ".join(args), r.returncode,
                                               r.stderr.strip()))
    return r.stdout


def r2(x):
    return round(x + 1e-12, 2)


def school_year(month):
    y, m = int(month[:4]), int(month[5:7])
    start = y if m >= 9 else y - 1
    return "%d-%02d" % (start, (start + 1) % 100)


def oracle():
    with open(os.path.join(EX, "members.csv"), newline="") as f:
        members = [(r["Erasmus code"], r["Name"]) for r in csv.DictReader(f)]
    codes = {c for c, _ in members if c}
    names = {n for c, n in members if not c}
    # A member named without a code is the institution of that name.
    with open(os.path.join(EX, "mobility.csv"), newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))

    def member(code, name):
        return code in codes or (name in names and not code) or \
            (name in names and code not in codes and code)

    years = defaultdict(lambda: defaultdict(int))
    schools = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    dest = defaultdict(set)
    senders = defaultdict(set)
    for r in rows:
        year = school_year(r["Mobility Start Month"])
        p = int(r["Participants"])
        s_code, s_name = r["Sending Organisation Erasmus Code"], r["Sending Organization"]
        r_code, r_name = r["Receiving Organisation Erasmus Code"], r["Receiving Organization"]
        leader = r["GroupLeader"] == "Yes" or "accompany" in r["Activity (mob)"].lower()
        learner = r["Participant Profile"] == "Learner" and not leader
        staff = r["Participant Profile"] == "Staff" and not leader
        sent = member(s_code, s_name)
        y = years[year]
        if sent:
            school = schools[year][s_code or s_name]
            for t in (y, school):
                if learner:
                    t["learners"] += p
                    t["female"] += p if r["Participant Gender"] == "Female" else 0
                    t["male"] += p if r["Participant Gender"] == "Male" else 0
                    t["fewer_opportunities"] += p if r["Fewer Opportunities"] == "Yes" else 0
                    t["special_needs"] += p if r["Special Needs"] == "Yes" else 0
                    if r["Participant Age"].strip():
                        t["age_n"] += p
                        t["age_sum"] += p * int(r["Participant Age"])
                t["staff"] += p if staff else 0
                t["accompanying"] += p if leader else 0
            if learner:
                dest[year].add(SAME_COUNTRY.get(r["Receiving Country Code"],
                                                r["Receiving Country Code"]))
                senders[year].add(s_code or s_name)
        if learner and member(r_code, r_name) and not sent and \
                r["Sending Country Code"] != r["Receiving Country Code"]:
            y["incoming"] += p
            schools[year][r_code or r_name]["incoming"] += p
    return years, schools, dest, senders


YEARS, SCHOOLS, DEST, SENDERS = oracle()


def project_oracle(ref, year):
    """With a project: its senders are the members, its records the sent."""
    with open(os.path.join(EX, "mobility.csv"), newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f, delimiter=";")
                if school_year(r["Mobility Start Month"]) == year]
    def who(r, side):
        return r[side + " Organisation Erasmus Code"] or r[side + " Organization"]
    members = {who(r, "Sending") for r in rows if r["Project Reference"] == ref}
    t = defaultdict(int)
    for r in rows:
        p = int(r["Participants"])
        leader = r["GroupLeader"] == "Yes" or "accompany" in r["Activity (mob)"].lower()
        learner = r["Participant Profile"] == "Learner" and not leader
        sender = who(r, "Sending") in members
        if r["Project Reference"] == ref and sender:
            t["learners"] += p if learner else 0
            t["female"] += p if learner and r["Participant Gender"] == "Female" else 0
            t["fewer_opportunities"] += p if learner and r["Fewer Opportunities"] == "Yes" else 0
            t["staff"] += p if r["Participant Profile"] == "Staff" and not leader else 0
        if learner and who(r, "Receiving") in members and not sender \
                and r["Sending Country Code"] != r["Receiving Country Code"]:
            t["incoming"] += p
    t["members"] = len(members)
    t.setdefault("incoming", 0)
    return dict(t)


def expected_total(year):
    t = YEARS[year]
    n = t["learners"]
    want = {"learners": n, "schools": len(SENDERS[year]),
            "destination_countries": len(DEST[year]), "staff": t["staff"],
            "accompanying": t["accompanying"], "incoming": t["incoming"],
            "mean_age": r2(t["age_sum"] / t["age_n"]),
            "learners_per_school": r2(n / len(SENDERS[year]))}
    for k in ("female", "male", "fewer_opportunities", "special_needs"):
        want[k] = t[k]
        want[k + "_share"] = r2(100 * t[k] / n)
    return want


def small(x):
    return 0 < x < K


def total_shown(hidden_values, kinds_small):
    """Secondary suppression (README, "Small cells"): may a total be shown
    beside these hidden cells (values), of which kinds_small are small
    counts (not hidden for another reason)?"""
    m, total = len(hidden_values), sum(hidden_values)
    if m == 0:
        return True
    if m < 2 or total < K:
        return False
    all_small = kinds_small == m
    return not (all_small and (total == m or total == m * (K - 1)))


def share_hidden(s, k):
    return small(s[k]) or small(s["learners"] - s[k]) or s["learners"] < 23


def main():
    work = tempfile.mkdtemp(prefix="vista-consortium-")
    try:
        db = os.path.join(work, "c.db")
        run(db, "import", "mobility", os.path.join(EX, "mobility.csv"))
        members = os.path.join(EX, "members.csv")
        for year in ("2022-23", "2023-24"):
            got = json.loads(run(db, "run", "consortium", "--members", members,
                                 "--year", year, "--format", "json", "--schools"))
            want = expected_total(year)
            # The data owner's own (unscoped, unpublished): exact, special
            # categories included.
            check(year + " total", {k: got.get(k) for k in want}, want)
            alone = json.loads(run(db, "run", "consortium", "--members", members,
                                   "--year", year, "--format", "json"))
            check(year + " published figures",
                  {k: alone.get(k) for k in PUBLISHED[year]}, PUBLISHED[year])
            # Exact per school: every count, special categories included.
            by = {r.get("code") or r["name"]: r for r in got["by_school"]}
            check(year + " schools listed", sorted(by),
                  sorted(k for k, v in SCHOOLS[year].items()
                         if v["learners"] or v["staff"] or v["accompanying"] or v["incoming"]))
            for code, s in SCHOOLS[year].items():
                if code not in by:
                    continue
                r = by[code]
                for k in ("learners", "female", "male", "staff", "incoming", "age_n", "age_sum"):
                    check("%s %s %s" % (year, code, k), r.get(k), s[k])
                for k in ("fewer_opportunities", "special_needs"):
                    check("%s %s %s" % (year, code, k),
                          (k in r.get("suppressed", []), r.get(k)), (False, s[k]))
            # Published: a count of 1 to k-1 is never shown.
            pub = json.loads(run(db, "run", "consortium", "--members", members,
                                 "--year", year, "--format", "json", "--schools",
                                 "--publish"))
            pub_total = json.loads(run(db, "run", "consortium", "--members", members,
                                       "--year", year, "--format", "json", "--publish"))
            check(year + " published staff (4 hidden, 5 shown)",
                  ("staff" in pub_total.get("suppressed", []), pub_total.get("staff")),
                  (True, None) if small(YEARS[year]["staff"]) else (False, YEARS[year]["staff"]))
            for k in ("learners", "staff", "incoming", "accompanying"):
                cells = [v[k] for v in SCHOOLS[year].values() if small(v[k])]
                hidden = small(YEARS[year][k]) or not total_shown(cells, len(cells))
                check("%s published total %s beside the schools" % (year, k),
                      (k in pub.get("suppressed", []), pub.get(k)),
                      (True, None) if hidden else (False, YEARS[year][k]))
            for r in pub["by_school"]:
                s = SCHOOLS[year][r.get("code") or r["name"]]
                for k in ("learners", "staff", "incoming", "age_n"):
                    check("%s published %s %s" % (year, r.get("code") or r["name"], k),
                          (k in r.get("suppressed", []), r.get(k)),
                          (True, None) if small(s[k]) else (False, s[k]))
                if s["age_n"] < 8:
                    check("%s published %s mean age base under 8" % (year, r.get("code") or r["name"]),
                          "age_sum" in r.get("suppressed", []), True)
        # A project's own senders and records.
        for ref, year in (("2022-1-BE01-KA121-VET-000078123", "2022-23"),
                          ("2023-1-BE01-KA121-VET-000134567", "2023-24")):
            got = json.loads(run(db, "run", "consortium", "--project", ref, "--year",
                                 year, "--format", "json"))
            want = project_oracle(ref, year)
            check("project %s" % ref, {k: got.get(k) for k in want}, want)
            check("project %s named" % ref, got.get("project"), ref)
        # Scoped to one member: its own row exact, every other protected.
        own = "B  AALST40"
        got = json.loads(run(db, "--scope", own, "run", "consortium", "--project",
                             "2022-1-BE01-KA121-VET-000078123", "--year", "2022-23",
                             "--format", "json", "--schools"))
        for r in got["by_school"]:
            s = SCHOOLS["2022-23"][r.get("code") or r["name"]]
            if r.get("code") == own:
                check("scoped: own row exact", (r.get("learners"), r.get("female")),
                      (s["learners"], s["female"]))
            else:
                check("scoped: %s learners protected" % r.get("code"),
                      r.get("learners"), None if small(s["learners"]) else s["learners"])
        r = subprocess.run([VISTA, "--db", db, "--scope", own, "run", "consortium",
                            "--members", members, "--year", "2022-23"],
                           capture_output=True, text=True)
        check("scoped: no member list", (r.returncode != 0, "member" in r.stderr),
              (True, True))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for f in failures:
        print("FAILED " + f)
    print("%d checks, %d failed" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
