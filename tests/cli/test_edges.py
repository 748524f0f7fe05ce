#!/usr/bin/env python3
"""Band and code edges: every threshold the figures depend on, with a row
on each side of it (tests/data/edges/), recomputed here with Python's csv
module from the fixture files and compared with what vista prints.

The edges: durations 9/10 (EU IVET, short-term band), 14/15 (Go
International), 89/90 (ErasmusPro), 365/366; staff 4/5 days; ISCED 2/3 and
4/5; the VET key actions KA102, KA116, KA121-VET, KA122-VET, KA202 beside
codes that are not VET (KA101, KA103, KA121-SCH, KA122-SCH, KA122-ADU,
KA203, KA220-VET); EL/GR and UK/GB as one country each; a group leader
and an accompanying person, who are never learners.

Compared three times: after a plain import (the importer's summaries), after
another file is replaced (the summaries rebuilt in SQL from the records),
and in a session scoped to each institution (its own rebuild).

usage: test_edges.py VISTA_BINARY
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import roles  # noqa: E402  who counts as what, written out in Python

VISTA = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("VISTA_SOURCE", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
DATA = os.path.join(SOURCE, "tests", "data", "edges")

# The rules of docs/definitions.md, written again here (never read from vista).
VET_KEY_ACTIONS = {"KA102", "KA116", "KA121-VET", "KA122-VET", "KA202"}
SAME_COUNTRY = {"GR": "EL", "GB": "UK"}
failures = []
checks = 0


def check(what, got, want):
    global checks
    checks += 1
    if got != want:
        failures.append("%s: vista %r, python %r" % (what, got, want))


def run(db, *args, scope=None):
    cmd = [VISTA, "--db", db] + (["--scope", scope] if scope else []) + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("vista %s failed (%d): %s" % (" ".join(args), r.returncode,
                                               r.stderr.strip()))
    return r.stdout


def r2(x):
    return round(x + 1e-12, 2)


def key_action(reference):
    # YYYY-R-NA00-KA000[-XXX]-NNNNNNNNN: the fourth part, and its suffix.
    parts = reference.split("-")
    return "-".join(parts[3:-1])


def school_year(month):
    y, m = int(month[:4]), int(month[5:7])
    start = y if m >= 9 else y - 1
    return "%d-%02d" % (start, (start + 1) % 100)


def oracle():
    """Per sending institution and period, the sums the built-ins divide."""
    sums = defaultdict(lambda: defaultdict(int))
    incoming = defaultdict(lambda: defaultdict(int))
    dest = defaultdict(set)
    by_vet = defaultdict(lambda: defaultdict(int))
    by_vet_countries = defaultdict(set)
    global by_ka_country
    with open(os.path.join(DATA, "mobility.csv"), newline="") as f:
        for row in csv.DictReader(f):
            code = row["sending_erasmus_code"]
            p = int(row["participants"])
            d = int(row["duration_days"])
            cal, school = row["start_month"][:4], school_year(row["start_month"])
            vet = key_action(row["project_reference"]) in VET_KEY_ACTIONS
            role, band = roles.classify(row["profile"], row["group_leader"],
                                        row["activity"], d)
            learner = role == roles.LEARNER
            staff = role == roles.STAFF_ROLE
            isced34 = row["education_level"][:7] in ("ISCED-3", "ISCED-4")
            country = SAME_COUNTRY.get(row["receiving_country"],
                                       row["receiving_country"])
            for period in (cal, school):
                s = sums[(code, period)]
                dest[(code, period)].add(country)
                if learner:
                    s["learners"] += p
                    s["learners_10d"] += p if d >= 10 else 0
                    s["learners_15d"] += p if d > 14 else 0
                    # Go International's rate: VET learners only.
                    s["vet_15d"] += p if d > 14 and vet else 0
                    s["ivet_10d"] += p if d >= 10 and vet and isced34 else 0
                    # The band: activity first, duration second.
                    s["long_term"] += p if band == roles.B_LONG else 0
                    s["duration_sum"] += d * p
                    s["age_sum"] += int(row["age"]) * p
                    s["female"] += p if row["gender"] == "Female" else 0
                    s["male"] += p if row["gender"] == "Male" else 0
                    s["gendered"] += p
                    s["fewer"] += p if row["fewer_opportunities"] == "Yes" else 0
                    s["special"] += p if row["special_needs"] == "Yes" else 0
                    s["recognised"] += p if row["recognised"] == "Yes" else 0
                    s["recognition_known"] += p if row["recognised"] in ("Yes", "No") else 0
                    incoming[(row["receiving_organisation"], period)]["learners"] += p
                if staff:
                    s["staff"] += p
                    s["staff_5d"] += p if d >= 5 else 0
                    incoming[(row["receiving_organisation"], period)]["staff"] += p
            b = by_vet[(code, vet)]
            b["participants"] += p
            # The shares' counts are of learners.
            b["female"] += p if learner and row["gender"] == "Female" else 0
            b["male"] += p if learner and row["gender"] == "Male" else 0
            b["fewer_opportunities"] += p if learner and row["fewer_opportunities"] == "Yes" else 0
            b["special_needs"] += p if learner and row["special_needs"] == "Yes" else 0
            by_vet_countries[(code, vet)].add(country)
            by_ka_country[(key_action(row["project_reference"]), country)] += p
            b["learners"] += p if learner else 0
            b["long_term"] += p if learner and band == roles.B_LONG else 0
    facts = defaultdict(dict)
    with open(os.path.join(DATA, "facts.csv"), newline="") as f:
        for row in csv.DictReader(f):
            for name in ("learners_enrolled", "graduates"):
                if row[name]:
                    facts[(row["institution"], row["period"])][name] = int(row[name])
    for key, countries in by_vet_countries.items():
        by_vet[key]["receiving_countries"] = len(countries)
    return sums, dest, by_vet, facts, incoming


by_ka_country = defaultdict(int)
SUMS, DEST, BY_VET, FACTS, INCOMING = oracle()
CODES = sorted({code for code, _ in SUMS})


def expected(code, indicator, period):
    """(numerator, denominator, value) of a built-in, or None to skip."""
    s = SUMS.get((code, period))
    if s is None:
        return None
    if indicator == "eu_ivet_mobility_rate":
        den = FACTS[(code, period)]["graduates"]
        return s["ivet_10d"], den, r2(100 * s["ivet_10d"] / den)
    if indicator == "gi_student_exchange_rate":
        den = FACTS[(code, period)]["learners_enrolled"]
        return s["vet_15d"], den, r2(100 * s["vet_15d"] / den)
    if s["learners"] == 0 and indicator in ("female_share", "long_term_share"):
        return None
    if indicator == "female_share":
        return s["female"], s["gendered"], r2(100 * s["female"] / s["gendered"])
    if indicator == "long_term_share":
        return s["long_term"], s["learners"], r2(100 * s["long_term"] / s["learners"])
    if indicator == "staff_exchanges_5d":
        return s["staff_5d"], None, s["staff_5d"]
    if indicator == "destination_diversity":
        n = len(DEST[(code, period)])
        return n, None, n
    return None


INDICATORS = ("eu_ivet_mobility_rate", "gi_student_exchange_rate",
              "female_share", "long_term_share", "staff_exchanges_5d",
              "destination_diversity")


def compare_indicators(db, when, scoped=False):
    for code in CODES:
        out = run(db, "run", "indicators", "--all", "--institution", code,
                  "--indicator", ",".join(INDICATORS), "--format", "json",
                  scope=code if scoped else None)
        seen = 0
        for r in json.loads(out):
            want = expected(code, r["indicator"], r["period"])
            if want is None:
                continue
            seen += 1
            what = "%s %s %s %s" % (when, code, r["indicator"], r["period"])
            got = (r.get("numerator"), r.get("denominator"), r.get("value"))
            check(what, got, want)
        check("%s %s: indicators compared" % (when, code), seen > 0, True)


def lua_json(db, expr):
    return json.loads(run(db, "-e", "print(require('vista.format').json(%s))" % expr))


def compare_base(db, when):
    """vista.indicator.base and .incoming: every figure the built-ins and
    custom indicators divide, by calendar and by school year."""
    names = {r["id"]: (r.get("erasmus_code"), r["name"]) for r in lua_json(
        db, "vista.sql('SELECT id, erasmus_code, name FROM institution')")}
    figures = ("learners", "learners_10d", "learners_15d", "ivet_10d",
               "long_term", "female", "male", "fewer", "special", "staff",
               "staff_5d", "recognised", "recognition_known")
    for period in ("calendar", "school"):
        got, want = {}, {}
        for r in lua_json(db, "vista.indicator.base{period='%s'}" % period):
            code = names[r["institution"]][0]
            if code in CODES:
                got[(code, r["period"])] = {k: r[k] for k in figures + ("destinations",)}
        for (code, p), s in SUMS.items():
            if (len(p) == 4) == (period == "calendar"):
                want[(code, p)] = {k: s[k] for k in figures}
                want[(code, p)]["destinations"] = len(DEST[(code, p)])
        check("%s vista.indicator.base %s" % (when, period), got, want)
        # One institution, by its code: the same rows.
        one = {(code, r["period"]): {k: r[k] for k in figures + ("destinations",)}
               for code in CODES[:1] for r in lua_json(
                   db, "vista.indicator.base{period='%s', institution='%s'}" % (period, code))}
        check("%s vista.indicator.base %s of %s" % (when, period, CODES[0]), one,
              {k: v for k, v in want.items() if k[0] == CODES[0]})
        got, want = {}, {}
        for r in lua_json(db, "vista.indicator.incoming{period='%s'}" % period):
            name = names[r["institution"]][1]
            if name.startswith("Host "):
                got[(name, r["period"])] = {"learners": r["learners"], "staff": r["staff"]}
        for (name, p), s in INCOMING.items():
            if (len(p) == 4) == (period == "calendar"):
                want[(name, p)] = {"learners": s["learners"], "staff": s["staff"]}
        check("%s vista.indicator.incoming %s" % (when, period), got, want)


def compare_mobility(db, when):
    out = run(db, "run", "mobility", "--by", "institution,vet", "--all",
              "--format", "json")
    got = {}
    for r in json.loads(out):
        if r["institution_code"] not in CODES:
            continue
        got[(r["institution_code"], r["vet"])] = {
            k: r[k] for k in ("participants", "learners", "long_term", "female",
                              "male", "fewer_opportunities", "special_needs",
                              "receiving_countries")}
    want = {k: dict(v) for k, v in BY_VET.items()}
    check(when + " vista run mobility --by institution,vet", got, want)
    # By key action and receiving country: the destination summary.
    out = run(db, "run", "mobility", "--by", "key_action,receiving_country",
              "--format", "json")
    got = {(r["key_action"], r["receiving_country"]): r["participants"]
           for r in json.loads(out)}
    got = {k: v for k, v in got.items() if k in by_ka_country}
    want = dict(by_ka_country)
    if when == "rebuilt":  # the other school's one record (main() adds it)
        want[("KA121-VET", "DE")] += 1
    check(when + " vista run mobility --by key_action,receiving_country", got, want)
    out = run(db, "run", "mobility", "--by", "key_action", "--format", "json")
    got = {r["key_action"]: r["receiving_countries"] for r in json.loads(out)
           if r["key_action"] in {ka for ka, _ in by_ka_country}}
    want = defaultdict(int)
    for ka, _ in by_ka_country:
        want[ka] += 1
    check(when + " vista run mobility --by key_action: receiving countries", got,
          dict(want))


def compare_benchmark_more(db, when):
    """A mean (its numerator and base), the latest period by default, peer
    groups by size, over time, and an indicator that does not exist."""
    out = json.loads(run(db, "run", "benchmark", "--indicator", "mean_duration",
                         "--period", "2023", "--format", "json"))
    got = {r["code"]: (r["numerator"], r["denominator"], r["value"])
           for r in out["institutions"] if r["code"] in CODES}
    want = {c: (s["duration_sum"], s["learners"], r2(s["duration_sum"] / s["learners"]))
            for (c, p), s in SUMS.items() if p == "2023" and s["learners"]}
    check(when + " benchmark mean_duration 2023", got, want)
    out = json.loads(run(db, "run", "benchmark", "--indicator", "mean_age",
                         "--period", "2023-24", "--format", "json"))
    got = {r["code"]: (r["numerator"], r["denominator"]) for r in out["institutions"]
           if r["code"] in CODES}
    want = {c: (s["age_sum"], s["learners"])
            for (c, p), s in SUMS.items() if p == "2023-24" and s["learners"]}
    check(when + " benchmark mean_age 2023-24", got, want)
    out = json.loads(run(db, "run", "benchmark", "--group", "size", "--format", "json"))
    got = {r["code"]: (r["period"], r["group"], r["value"]) for r in out["institutions"]
           if r["code"] in CODES}
    check(when + " benchmark, latest period, by size", got,
          {"B  EDGE04": ("2024", "100-249", SUMS[("B  EDGE04", "2024")]["learners"])})
    out = json.loads(run(db, "run", "benchmark", "--indicator", "learners", "--period",
                         "2023,2024", "--over-time", "--format", "json"))
    got = {r["code"]: (r.get("2023"), r.get("2024")) for r in out["trend"] if r["code"] in CODES}
    want = {c: (SUMS.get((c, "2023"), {}).get("learners"), SUMS.get((c, "2024"), {}).get("learners"))
            for c in CODES}
    check(when + " benchmark over time", got, want)
    r = subprocess.run([VISTA, "--db", db, "run", "benchmark", "--indicator", "nope"],
                       capture_output=True, text=True)
    check(when + " benchmark of no indicator", (r.returncode != 0,
          "no indicator 'nope' (one of: " in r.stderr), (True, True))


def compare_benchmark(db, when):
    for indicator, period, num in (("eu_ivet_mobility_rate", "2023", "ivet_10d"),
                                   ("eu_ivet_mobility_rate", "2024", "ivet_10d"),
                                   ("gi_student_exchange_rate", "2023-24", "learners_15d"),
                                   ("learners", "2023", "learners")):
        out = json.loads(run(db, "run", "benchmark", "--indicator", indicator,
                             "--period", period, "--format", "json"))
        got = {r["code"]: r.get("numerator", r.get("value"))
               for r in out["institutions"] if r["code"] in CODES}
        want = {code: SUMS[(code, period)][num] for code in CODES
                if (code, period) in SUMS and SUMS[(code, period)]["learners"]}
        check("%s benchmark %s %s" % (when, indicator, period), got, want)


def compare_many(work):
    """Thousands of institutions (the summaries' hash maps grow), with
    records that lack a project, a receiving country or a duration."""
    db = os.path.join(work, "many.db")
    path = os.path.join(work, "many.csv")
    header = ["project_reference", "start_month", "duration_days", "profile",
              "sending_erasmus_code", "sending_organisation", "sending_country",
              "receiving_country", "participants"]
    want = defaultdict(lambda: defaultdict(int))
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for i in range(3000):
            code = "B  MANY%05d" % i
            d = "" if i % 7 == 0 else str(8 + i % 9)  # 8..16 days, some unknown
            prof = "Staff" if i % 5 == 0 else "Learner"
            ref = "" if i % 3 == 0 else "2023-1-BE02-KA121-VET-%06d" % (i % 50)
            rc = "" if i % 11 == 0 else ("GR", "EL", "DE", "GB")[i % 4]
            p = 1 + i % 4
            start = "" if i % 13 == 0 else "2023-%02d" % (1 + i % 12)
            w.writerow([ref, start, d, prof, code, "Many %d" % i, "BE", rc, p])
            if not start:  # no period: in no term
                continue
            s = want[code]
            if prof == "Learner":
                s["learners"] += p
                s["learners_10d"] += p if d and int(d) >= 10 else 0
                s["learners_15d"] += p if d and int(d) > 14 else 0
            else:
                s["staff"] += p
                s["staff_5d"] += p if d and int(d) >= 5 else 0
    run(db, "import", "mobility", path)
    for when in ("import", "rebuilt"):
        if when == "rebuilt":
            run(db, "import", "mobility", path, "--replace")
        names = {r["id"]: r.get("erasmus_code") for r in lua_json(
            db, "vista.sql('SELECT id, erasmus_code FROM institution')")}
        got = defaultdict(lambda: defaultdict(int))
        for r in lua_json(db, "vista.indicator.base{}"):
            for k in ("learners", "learners_10d", "learners_15d", "staff", "staff_5d"):
                if r[k]:
                    got[names[r["institution"]]][k] += r[k]
        check("%s: 3000 institutions' figures" % when,
              {c: dict(v) for c, v in got.items()},
              {c: {k: x for k, x in v.items() if x} for c, v in want.items()})


def compare_roles(work):
    """One meaning per word (tests/data/edges/roles.csv, a trap per rule):
    a learner of unknown duration is a learner, a group leader recorded as
    a learner is not, staff on a group mobility or a skills competition
    travel as accompanying staff, bands by activity first, durations out of
    their activity's range flagged, unknown genders, profiles and flags
    kept as unknown (never a rejected row), Undefined/Other a gender of its
    own; shares over the learners whose value is known, with coverage."""
    db = os.path.join(work, "roles.db")
    path = os.path.join(DATA, "roles.csv")
    code = "B  ROLES01"
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    mine, out_of_range, edges = [], 0, 0
    for row in rows:
        d = roles.clean(row["duration_days"])
        d = int(d) if d is not None else None
        role, band = roles.classify(row["profile"], row["group_leader"],
                                    row["activity"], d)
        kind = roles.activity_kind(row["activity"])
        out_of_range += roles.out_of_range(band, kind, d)
        edges += roles.band_edge(band, d)
        if row["sending_erasmus_code"] == code:
            mine.append((row, int(row["participants"]), d, role, band))
    out = run(db, "import", "mobility", path)
    check("roles: every row stored (unknowns are values, not rejects)",
          out.splitlines()[0].split(": ", 1)[1].split(";")[0],
          "%d rows read, %d stored, 0 rejected" % (len(rows), len(rows)))
    check("roles: flagged in the import output", out.splitlines()[1],
          "%s: flagged %d records with a duration outside their activity's "
          "range (out_of_range), %d within a day of a band edge (band_edge)"
          % (path, out_of_range, edges))
    lrn = [(r, w, d) for r, w, d, role, _ in mine if role == roles.LEARNER]
    n = sum(w for _, w, _ in lrn)

    def count(pred, items=lrn):
        return sum(w for r, w, _ in items if pred(r))
    g = lambda r: roles.gender(r["gender"])
    fl = lambda r, k: roles.flag(r[k])
    gk = count(lambda r: g(r) is not None)
    fk = count(lambda r: fl(r, "fewer_opportunities") is not None)
    sk = count(lambda r: fl(r, "special_needs") is not None)
    dn = sum(w for _, w, d in lrn if d is not None)
    ages = [(w, roles.clean(r["age"])) for r, w, _ in lrn]
    an = sum(w for w, a in ages if a is not None)
    want = {
        "participants": sum(w for _, w, _, _, _ in mine),
        "learners": n,
        "staff": sum(w for _, w, _, role, _ in mine if role == roles.STAFF_ROLE),
        "accompanying": sum(w for _, w, _, role, _ in mine
                            if role == roles.ACCOMPANYING_ROLE),
        "female": count(lambda r: g(r) == "female"),
        "male": count(lambda r: g(r) == "male"),
        "undefined_gender": count(lambda r: g(r) == "undefined"),
        "gender_known": gk,
        "female_share": r2(100 * count(lambda r: g(r) == "female") / gk),
        "gender_coverage": r2(100 * gk / n),
        "fewer_opportunities": count(lambda r: fl(r, "fewer_opportunities") is True),
        "fewer_opportunities_known": fk,
        "fewer_opportunities_share": r2(100 * count(
            lambda r: fl(r, "fewer_opportunities") is True) / fk),
        "fewer_opportunities_coverage": r2(100 * fk / n),
        "special_needs_known": sk,
        "special_needs_share": r2(100 * count(
            lambda r: fl(r, "special_needs") is True) / sk),
        "mean_duration": r2(sum(w * d for _, w, d in lrn if d is not None) / dn),
        "duration_coverage": r2(100 * dn / n),
        "mean_age": r2(sum(w * int(a) for w, a in ages if a is not None) / an),
        "age_coverage": r2(100 * an / n),
        "long_term": sum(w for _, w, _, role, b in mine
                         if role == roles.LEARNER and b == roles.B_LONG),
        "shares_over": "learners",
    }
    covs = (("gender", 100 * gk / n), ("fewer opportunities", 100 * fk / n),
            ("special needs", 100 * sk / n), ("duration", 100 * dn / n),
            ("age", 100 * an / n))
    got = json.loads(run(db, "run", "mobility", "institution=" + code, "--all",
                         "--format", "json"))[0]
    check("roles: vista run mobility over learners",
          {k: got.get(k) for k in want}, want)
    fig = got
    for threshold in (80, 90):
        got = json.loads(run(db, "run", "mobility", "institution=" + code,
                             "--min-coverage", str(threshold), "--format", "json"))[0]
        check("roles: low coverage flagged (below %d%%)" % threshold,
              [x.rsplit(" ", 1)[0] for x in (got.get("low_coverage") or "").split(", ") if x],
              [what for what, cov in covs if cov < threshold])
    # The three learner counts are one: the figure, the filter, the terms.
    filt = lua_json(db, "vista.mobility.figures{institution = '%s', profile = 'learner'}"
                    % code)[0]["participants"]
    terms = sum(r["learners"] for r in lua_json(
        db, "vista.indicator.base{period = 'calendar', institution = '%s'}" % code))
    check("roles: learners = filter profile=learner = the terms' learners",
          (fig["learners"], filt, terms), (n, n, n))
    # A custom indicator's { mobility = { profile = "learner" } } counts
    # learner mobilities (participations), what "learner_mobilities" counts,
    # period by period ("learners" counts distinct persons where the list
    # gives person ids, as roles.csv does).
    custom = lua_json(db, "(function() vista.indicator.define { id = 'lshare',"
                      " name = 'L', unit = '%%', numerator = { mobility = {"
                      " profile = 'learner' } }, denominator = 'learner_mobilities' }"
                      " local o = {} for _, r in ipairs(vista.indicator.compute"
                      "{ institution = '%s', ids = { 'lshare' } }) do"
                      " o[#o + 1] = { r.numerator, r.denominator } end"
                      " return o end)()" % code)
    per_year = defaultdict(int)
    for r, w, _ in lrn:
        per_year[r["start_month"][:4]] += w
    check("roles: custom { mobility = { profile = 'learner' } } = learner_mobilities",
          custom, [[v, v] for _, v in sorted(per_year.items())])
    staff = sum(r["staff"] for r in lua_json(
        db, "vista.indicator.base{period = 'calendar', institution = '%s'}" % code))
    check("roles: staff exchanges leave out staff on learner activities",
          staff, want["staff"])
    # Bands: activity first, duration second.
    names = {roles.B_SHORT: "short", roles.B_LONG: "long", roles.B_STAFF: "staff",
             roles.B_ACCOMPANYING: "accompanying", roles.B_OTHER: "other",
             roles.B_GROUP: "group"}
    bands = defaultdict(int)
    for _, w, _, _, b in mine:
        bands[names.get(b)] += w
    got = {r.get("band"): r["participants"] for r in json.loads(run(
        db, "run", "mobility", "--by", "band", "institution=" + code, "--format", "json"))}
    check("roles: participants by band", got, dict(bands))
    # Without the columns, a share is not recorded (never 0).
    bare = os.path.join(work, "bare.csv")
    with open(bare, "w", newline="") as f:
        f.write("sending_erasmus_code,sending_country,profile,participants\n"
                "B  BARE01,BE,Learner,3\n")
    run(db, "import", "mobility", bare)
    got = json.loads(run(db, "run", "mobility", "institution=B  BARE01",
                         "--format", "json"))[0]
    check("roles: a file without gender or fewer-opportunities columns",
          (got["learners"], got["female_share"], got["fewer_opportunities_share"],
           got["gender_coverage"]), (3, "not recorded", "not recorded", 0))
    # Person ids and recent graduates are stored and exported as given.
    exp = os.path.join(work, "roles-export.csv")
    run(db, "export", "mobility", "--out", exp)
    with open(exp, newline="") as f:
        back = [(r["person_id"], r["recent_graduate"]) for r in csv.DictReader(f)
                if r["sending_erasmus_code"] in (code, "B  OTHER02")]
    yes_no = {True: "Yes", False: "No", None: ""}
    check("roles: person_id and recent_graduate exported",
          back, [(r["person_id"], yes_no[roles.flag(r["recent_graduate"])])
                 for r in rows])


def compare_consortium_learners(work):
    """vista run mobility over the example consortium's members in 2022-23
    gives the learner shares the consortium published (57.14 % female,
    20.41 % fewer opportunities of 196 learners), not shares of every
    participant."""
    ex = os.path.join(SOURCE, "examples", "consortium")
    db = os.path.join(work, "consortium.db")
    run(db, "import", "mobility", os.path.join(ex, "mobility.csv"))
    with open(os.path.join(ex, "members.csv"), newline="") as f:
        members = list(csv.DictReader(f))
    codes = {m["Erasmus code"] for m in members if m["Erasmus code"]}
    names = {m["Name"] for m in members if not m["Erasmus code"]}
    ids = [str(r["id"]) for r in lua_json(
        db, "vista.sql('SELECT id, erasmus_code, name FROM institution')")
        if r.get("erasmus_code") in codes
        or (r.get("erasmus_code") is None and r["name"] in names)]
    got = json.loads(run(db, "run", "mobility", "school_year=2022",
                         "institution=" + ",".join(ids), "--format", "json"))[0]
    check("consortium learners' shares in vista run mobility",
          (got["learners"], got["female_share"], got["fewer_opportunities_share"],
           got["shares_over"]), (196, 57.14, 20.41, "learners"))


def compare_agencies(work):
    """255 National Agencies, the most the summaries name (one byte, 0 for
    none): each institution's peer group by agency is its own agency."""
    db = os.path.join(work, "na.db")
    path = os.path.join(work, "na.csv")
    want = {}
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["project_reference", "start_month", "duration_days", "profile",
                    "sending_erasmus_code", "sending_organisation", "sending_country",
                    "participants"])
        for i in range(255):
            na = "%s%s%02d" % (chr(65 + i // 26 % 26), chr(65 + i % 26), i % 100)
            code = "B  NA%05d" % i
            w.writerow(["2023-1-%s-KA121-VET-%06d" % (na, i), "2023-03", 20,
                        "Learner", code, "Agency school %d" % i, "BE", 1])
            want[code] = na
    run(db, "import", "mobility", path)
    out = json.loads(run(db, "run", "benchmark", "--group", "na", "--period", "2023",
                         "--format", "json"))
    got = {r["code"]: r["group"] for r in out["institutions"]}
    check("255 National Agencies as peer groups", got, want)


def main():
    work = tempfile.mkdtemp(prefix="vista-edges-")
    try:
        db = os.path.join(work, "e.db")
        run(db, "import", "institutions", os.path.join(DATA, "institutions.csv"))
        run(db, "import", "mobility", os.path.join(DATA, "mobility.csv"))
        run(db, "import", "facts", os.path.join(DATA, "facts.csv"))
        compare_indicators(db, "import")
        compare_base(db, "import")
        compare_mobility(db, "import")
        compare_benchmark(db, "import")
        compare_benchmark_more(db, "import")
        if failures:  # the rest would repeat them
            return report()
        # Replacing another file rebuilds every summary from the records.
        other = os.path.join(work, "other.csv")
        with open(os.path.join(DATA, "mobility.csv"), newline="") as f:
            lines = f.read().splitlines()
        with open(other, "w") as f:
            f.write(lines[0] + "\n" + lines[1].replace("B  EDGE01", "B  OTHER9")
                    .replace("Edge College", "Other School")
                    .replace("Host DE", "Other Host") + "\n")
        run(db, "import", "mobility", other)
        run(db, "import", "mobility", other, "--replace")
        compare_indicators(db, "rebuilt")
        compare_base(db, "rebuilt")
        compare_mobility(db, "rebuilt")
        compare_benchmark(db, "rebuilt")
        compare_benchmark_more(db, "rebuilt")
        compare_indicators(db, "scoped", scoped=True)
        compare_many(work)
        compare_agencies(work)
        compare_roles(work)
        compare_consortium_learners(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report()


def report():
    for f in failures:
        print("FAILED " + f)
    print("%d checks, %d failed" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
