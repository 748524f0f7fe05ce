#!/usr/bin/env python3
"""Every built-in indicator, for every period, computed again in Python
with the csv module from the fixture files in tests/data/indicators, and
compared with `vista run indicators --all --format json`: each value,
numerator, denominator, coverage and figure reported apart.

The fixture holds a trap for each rule of docs/definitions.md the
indicators depend on: group leaders recorded as learners, accompanying
persons, staff on group mobility and at skills competitions, unknown
genders, flags, levels and recognition, the gender Undefined and Other,
durations of 4/5/9/10/14/15/89/90/365 days, an ErasmusPro of 60 days and
a short-term stay of 95, a pupil outside VET, recent graduates, repeated
person ids and records without one, a mobility not completed on the as-of
date, partners active without an agreement or with one that ends in
January, members that sent nobody (or only a group leader), a Greek
receiver written GR and EL, open-data rows of several participants.

own_list_persons.csv uses the own list's optional person_id and
recent_graduate columns; while the importer does not know them, that part
is skipped, saying so.

usage: test_indicator_oracle.py VISTA_BINARY
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
DATA = os.path.join(SOURCE, "tests", "data", "indicators")
AS_OF = "2024-12-15"
COVERAGE_LOW = 80
failures = 0
checks = 0

UNKNOWN = {"", "-", "???", "? unknown ?", "??? - ? unknown ?", "undefined"}
VET_KEY_ACTIONS = {"KA102", "KA116", "KA121-VET", "KA122-VET", "KA202"}
ISO_TO_EU = {"GR": "EL", "GB": "UK"}


def check(what, got, want):
    global failures, checks
    checks += 1
    if got != want:
        failures += 1
        print("FAILED %s: vista %r, python %r" % (what, got, want))


def run(*args):
    r = subprocess.run([VISTA, *args], capture_output=True, text=True)
    return r.returncode, r.stdout, r.stderr


def r2(x):
    """Half up to two decimals, as docs/definitions.md says."""
    return math.floor(x * 100 + 0.5) / 100


def known(text):
    return None if text is None or text.strip().lower() in UNKNOWN else text.strip()


def yes_no(text):
    t = known(text)
    return None if t is None else t.lower() == "yes"


def school_year(month):
    y, m = int(month[:4]), int(month[5:7])
    start = y if m >= 9 else y - 1
    return "%d-%02d" % (start, (start + 1) % 100)


def key_action(ref):
    parts = (ref or "").split("-")
    if len(parts) == 6:
        return parts[3] + "-" + parts[4]
    return parts[3] if len(parts) == 5 else None


# ---- the records, from either format ----------------------------------

def org(country, name, code):
    country = ISO_TO_EU.get(country, country)
    return known(code) or (name, country)


def own_list(path):
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            g = row.get("gender", "").strip()
            yield {
                "ref": known(row.get("project_reference")), "start": known(row["start_month"]),
                "end": known(row.get("end_month")), "days": int(row["duration_days"]),
                "activity": row.get("activity", ""), "level": known(row.get("education_level")),
                # Undefined and Other are recorded genders, kept apart.
                "gender": g if g in ("Female", "Male", "Undefined", "Other") else None,
                "profile": (known(row.get("profile")) or "").lower() or None,
                "fewer": yes_no(row.get("fewer_opportunities")), "leader": yes_no(row.get("group_leader")),
                "sender": org(row["sending_country"], row["sending_organisation"], row["sending_erasmus_code"]),
                "receiver": org(row["receiving_country"], row["receiving_organisation"],
                                row["receiving_erasmus_code"]),
                "country": ISO_TO_EU.get(row["receiving_country"], row["receiving_country"]),
                "n": int(row.get("participants") or 1), "direction": known(row.get("direction")),
                "recognised": yes_no(row.get("recognised")), "person": known(row.get("person_id")),
                "graduate": yes_no(row.get("recent_graduate")),
            }


def open_data(path):
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter=";"):
            g = row["Participant Gender"].strip()
            yield {
                "ref": known(row["Project Reference"]), "start": known(row["Mobility Start Month"]),
                "end": known(row["Mobility End Month"]), "days": int(row["Mobility Duration"]),
                "activity": row["Activity (mob)"], "level": known(row["Education Level"]),
                "gender": g if g in ("Female", "Male", "Undefined", "Other") else None,
                "profile": (known(row["Participant Profile"]) or "").lower() or None,
                "fewer": yes_no(row["Fewer Opportunities"]), "leader": yes_no(row["GroupLeader"]),
                "sender": org(row["Sending Country Code"], row["Sending Organization"],
                              row["Sending Organisation Erasmus Code"]),
                "receiver": org(row["Receiving Country Code"], row["Receiving Organization"],
                                row["Receiving Organisation Erasmus Code"]),
                "country": ISO_TO_EU.get(row["Receiving Country Code"], row["Receiving Country Code"]),
                "n": int(row["Participants"]), "direction": None, "recognised": None,
                "person": None, "graduate": None,
            }


# ---- who counts as what (the field's rules) ---------------------------

def accompanying(r):
    return r["leader"] is True or "accompan" in r["activity"].lower()


def learner(r):
    return r["profile"] == "learner" and not accompanying(r)


def staff_exchange(r):
    """Staff on their own professional development: not accompanying, not
    travelling with learners on a group mobility or to a competition."""
    a = r["activity"].lower()
    return (r["profile"] == "staff" and not accompanying(r)
            and "group mobility" not in a and "competition" not in a
            and any(w in a for w in ("job shadowing", "teaching", "course", "staff")))


def vet(r):
    ka = key_action(r["ref"])
    if ka is not None:
        return ka in VET_KEY_ACTIONS
    return "VET" in r["activity"] or "ErasmusPro" in r["activity"]


def isced34(level):
    return level.lower().startswith(("isced-3", "isced-4", "isced 3", "isced 4"))


def long_term(r):
    """ErasmusPro by its activity, whatever its duration (activity first)."""
    a = r["activity"].lower()
    return "erasmuspro" in a or "long-term" in a


def sent(r, x):
    return r["sender"] == x and r["direction"] in (None, "outgoing")


def received(r, x):
    return r["receiver"] == x and r["direction"] in (None, "incoming")


def period_of(r, kind):
    return r["start"][:4] if kind == "calendar" else school_year(r["start"])


def persons(rows):
    """Distinct persons where a record gives its person id; a record
    without one counts its participants."""
    return len({r["person"] for r in rows if r["person"]}) + sum(r["n"] for r in rows if not r["person"])


def mobilities(rows):
    return sum(r["n"] for r in rows)


def period_bounds(p):
    if len(p) == 4:
        return p + "-01", p + "-12"
    return p[:4] + "-09", "%d-08" % (int(p[:4]) + 1)


# ---- the indicators ---------------------------------------------------

def facts_of(paths):
    facts = defaultdict(dict)
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for k, v in row.items():
                    if k not in ("institution", "period") and v:
                        facts[(row["institution"], row["period"])][k] = float(v)
    return facts


def partners_of(path, x):
    """Each partner of x: its identity (code, or name and country) and its
    agreements' (from, to) months."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["institution"] != x:
                continue
            key = (row["name"], row["country"])
            p = out.setdefault(key, {"code": known(row["erasmus_code"]), "agreements": []})
            if row["agreement"]:
                p["agreements"].append((row["agreement_from"] or "0000-00", row["agreement_to"] or "9999-99"))
    return out


def members_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [row["Erasmus code"] for row in csv.DictReader(f)]


def share(num, den, scale=100):
    return {"numerator": num, "denominator": den, "value": r2(num / den * scale) if den else None}


def coverage(out, knowns, alls, what):
    """C8: coverage beside the share; none known: not recorded."""
    if alls > 0:
        out["coverage"] = r2(knowns / alls * 100)
        if knowns == 0:
            out["status"] = "not recorded (%s not recorded)" % what
            out["value"] = None
        elif out["coverage"] < COVERAGE_LOW:
            out["low_coverage"] = True
    return out


def counted(out, rows):
    without = sum(r["n"] for r in rows if not r["person"])
    if rows:
        out["counted"] = ("persons" if without == 0 else "participations" if without == mobilities(rows)
                          else "persons and participations")
    return out


def expected(records, x, facts, partners, members):
    """{(indicator, period): expected fields}."""
    want = {}
    periods = {"calendar": set(), "school": set()}
    for r in records:
        if r["start"] and (sent(r, x) or received(r, x)):
            for kind in periods:
                periods[kind].add(period_of(r, kind))
    for (inst, p) in facts:
        if inst == x:
            periods["calendar" if len(p) == 4 else "school"].add(p)

    def rows(kind, p, cond):
        return [r for r in records if r["start"] and period_of(r, kind) == p and cond(r)]

    def fact(p, name, fact_name=None):
        v = facts.get((x, p), {}).get(name)
        return v

    def missing(out, name, p):
        out["value"] = None
        out["status"] = "denominator missing (%s for %s)" % (name, p)
        return out

    for p in sorted(periods["calendar"]):
        out_l = rows("calendar", p, lambda r: sent(r, x) and learner(r))
        # 1. EU IVET: VET learners of 10+ days at ISCED 3-4 / graduates.
        vet10 = [r for r in out_l if vet(r) and r["days"] >= 10]
        num = persons([r for r in vet10 if r["level"] and isced34(r["level"])])
        e = counted({"numerator": num}, out_l)
        g = fact(p, "graduates")
        if g is None:
            missing(e, "graduates", p)
        else:
            e.update(share(num, g))
        want[("eu_ivet_mobility_rate", p)] = coverage(e, persons([r for r in vet10 if r["level"]]),
                                                      persons(vet10), "education level")
        # 3. fewer opportunities, over those whose flag is recorded.
        k = [r for r in out_l if r["fewer"] is not None]
        e = counted(share(persons([r for r in k if r["fewer"]]), persons(k)), out_l)
        want[("fewer_opps_share", p)] = coverage(e, persons(k), persons(out_l), "fewer opportunities")
        # 4. female, over those whose gender is recorded; Undefined/Other apart.
        k = [r for r in out_l if r["gender"]]
        e = counted(share(persons([r for r in k if r["gender"] == "Female"]), persons(k)), out_l)
        e["gender_undefined"] = persons([r for r in k if r["gender"] in ("Undefined", "Other")])
        want[("female_share", p)] = coverage(e, persons(k), persons(out_l), "gender")
        # 5. long-term: ErasmusPro learner mobilities.
        want[("long_term_share", p)] = share(mobilities([r for r in out_l if long_term(r)]), mobilities(out_l))
        # 6, 7. staff exchanges of 5 days or more.
        s5 = mobilities(rows("calendar", p, lambda r: sent(r, x) and staff_exchange(r) and r["days"] >= 5))
        want[("staff_exchanges_5d", p)] = {"value": s5, "numerator": s5, "denominator": None}
        fte = fact(p, "staff_fte")
        want[("staff_exchange_rate_fte", p)] = (missing({"numerator": s5}, "staff_fte", p) if fte is None
                                               else share(s5, fte))
        # 8, 9, 10. facts alone.
        b, ext = fact(p, "budget"), fact(p, "external_funding")
        # (without its numerator's fact: not recorded)
        want[("external_funding_share", p)] = (
            {"value": None, "status": "not recorded"} if ext is None
            else missing({"numerator": ext}, "budget", p) if b is None else share(ext, b))
        c = fact(p, "competition_learners")
        want[("skills_competition_rate", p)] = (
            {"value": None, "status": "not recorded"} if c is None
            else missing({"numerator": c}, "graduates", p) if g is None else share(c, g))
        iah, progs = fact(p, "iah_programmes"), fact(p, "programmes")
        want[("iah_programmes", p)] = (
            {"value": iah, "numerator": iah, "denominator": progs} if iah is not None
            else {"value": None, "status": "not recorded (no iah_programmes fact for %s)" % p})
        # 11. recognition, over completed learner mobilities.
        done = [r for r in out_l if (r["end"] or r["start"]) < AS_OF[:7]]
        e = share(mobilities([r for r in done if r["recognised"]]), mobilities(done))
        want[("recognition_rate", p)] = coverage(
            e, mobilities([r for r in done if r["recognised"] is not None]), mobilities(done), "recognition")
        # 13. destinations of the learners sent.
        by_country = defaultdict(int)
        for r in out_l:
            by_country[r["country"]] += r["n"]
        total = sum(by_country.values())
        e = {"value": len(by_country), "numerator": len(by_country), "denominator": None}
        if total:
            e["concentration"] = r2(sum((v / total) ** 2 for v in by_country.values()))
        want[("destination_diversity", p)] = e
        # 14. partners with an agreement in effect in P.
        first, last = period_bounds(p)
        active = set()
        for r in rows("calendar", p, lambda r: sent(r, x) or received(r, x)):
            other = r["receiver"] if sent(r, x) else r["sender"]
            for key, pa in partners.items():
                if other == pa["code"] or other == key:
                    active.add(key)
        in_effect = {key for key, pa in partners.items()
                     if any(a[:7] <= last and b[:7] >= first for a, b in pa["agreements"])}
        if partners:
            e = share(len(active & in_effect), len(in_effect))
            e["active_without_agreement"] = len(active - in_effect)
        else:
            e = missing({"numerator": 0}, "partners with an agreement", p)
        want[("partner_activity_rate", p)] = e

    for p in sorted(periods["school"]):
        out_l = rows("school", p, lambda r: sent(r, x) and learner(r))
        # 2. Go International: enrolled VET learners of more than 14 days.
        num = persons([r for r in out_l if vet(r) and r["days"] > 14 and r["graduate"] is not True])
        enrolled = fact(p, "learners_enrolled")
        e = counted({"numerator": num}, out_l)
        want[("gi_student_exchange_rate", p)] = (missing(e, "learners_enrolled", p) if enrolled is None
                                                 else counted(share(num, enrolled), out_l))
        # 15. the consortium's members that sent a learner.
        if members is None:
            want[("member_participation_rate", p)] = missing({}, "member list", p)
        else:
            first, last = period_bounds(p)
            sent_by = {m: persons([r for r in records if r["start"] and first <= r["start"] <= last
                                   and sent(r, m) and learner(r)]) for m in members}
            act = [m for m in members if sent_by[m] > 0]
            e = share(len(act), len(members))
            if act:
                e["learners_per_active_member"] = r2(sum(sent_by.values()) / len(act))
            seen = {r["sender"] for r in records} | {r["receiver"] for r in records}
            unseen = [m for m in members if m not in seen]
            if unseen:
                e["members_not_found"] = unseen
            want[("member_participation_rate", p)] = e

    # 12. incoming per outgoing learner mobility, by either kind of period.
    for kind in ("calendar", "school"):
        for p in sorted(periods[kind]):
            inc = mobilities(rows(kind, p, lambda r: received(r, x) and learner(r)))
            out = mobilities(rows(kind, p, lambda r: sent(r, x) and learner(r)))
            want[("incoming_outgoing_ratio", p)] = share(inc, out, 1)
    return want


FIELDS = ("value", "numerator", "denominator", "coverage", "low_coverage", "counted", "gender_undefined",
          "concentration", "active_without_agreement", "learners_per_active_member", "members_not_found")


def compare(db, x, want, extra=()):
    rc, out, err = run("--db", db, "run", "indicators", "--all", "--institution", x, "--as-of", AS_OF,
                       "--format", "json", *extra)
    if rc != 0:
        check("%s: vista run indicators" % x, err, "")
        return
    got = {(r["indicator"], r["period"]): r for r in json.loads(out)}
    check("%s: the indicators and periods" % x, sorted(got), sorted(want))
    for key in sorted(set(got) & set(want)):
        g, w = got[key], want[key]
        what = "%s %s %s" % (x, key[0], key[1])
        for f in FIELDS:
            if f in w or f in ("value", "low_coverage"):
                check("%s %s" % (what, f), g.get(f), w.get(f))
        # The status: why there is no value, or the judgement (no strategy:
        # no target; a period not ended on the as-of date: provisional).
        if w.get("value") is None:
            check(what + " status", g.get("status"), w.get("status"))
        else:
            last = period_bounds(key[1])[1]
            check(what + " status", g.get("status"), "provisional" if last >= AS_OF[:7] else "no target")


def must(db, *args):
    rc, out, err = run("--db", db, *args)
    if rc != 0:
        sys.exit("vista %s failed (%d): %s" % (" ".join(args), rc, err))


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "o.db")
    must(db, "import", "mobility", os.path.join(DATA, "own_list.csv"))
    must(db, "import", "mobility", os.path.join(DATA, "open_data.csv"))
    must(db, "import", "facts", os.path.join(DATA, "facts.csv"))
    must(db, "import", "partners", os.path.join(DATA, "partners.csv"))
    records = list(own_list(os.path.join(DATA, "own_list.csv"))) + list(open_data(os.path.join(DATA, "open_data.csv")))
    facts = facts_of([os.path.join(DATA, "facts.csv")])
    members = os.path.join(DATA, "members.csv")
    home = "B  GENT42"
    want = expected(records, home, facts, partners_of(os.path.join(DATA, "partners.csv"), home),
                    members_of(members))
    # Every built-in is one of the oracle's, and --list says what it counts,
    # by which period, and what it does with unknown values.
    rc, out, err = run("--db", db, "run", "indicators", "--list", "--format", "json")
    listed = [d for d in json.loads(out) if d["kind"] == "built-in"]
    check("the built-ins are the oracle's", sorted(d["id"] for d in listed), sorted({i for i, _ in want}))
    check("every built-in says its unit, period and unknowns",
          [d["id"] for d in listed if not (d.get("counts") and d.get("period") and d.get("unknowns"))], [])
    check("incoming_outgoing_ratio by either kind of period",
          [d["period"] for d in listed if d["id"] == "incoming_outgoing_ratio"], ["calendar or school"])
    compare(db, home, want, ("--members", members))
    # Without the member list, its denominator is missing, not guessed.
    w = {k: v for k, v in want.items() if k[0] != "member_participation_rate"}
    for (i, p), v in want.items():
        if i == "member_participation_rate":
            w[(i, p)] = {"value": None, "status": "denominator missing (member list for %s)" % p}
    compare(db, home, w)

    # The own list with person ids and recent graduates.
    persons_list = os.path.join(DATA, "own_list_persons.csv")
    rc, out, err = run("--db", db, "import", "mobility", persons_list)
    if "unknown column 'person_id'" in err:
        print("SKIPPED own_list_persons.csv: the own-list import does not read person_id yet")
    elif rc != 0:
        check("import own_list_persons.csv", err, "")
    else:
        must(db, "import", "facts", os.path.join(DATA, "facts_persons.csv"))
        records += list(own_list(persons_list))
        facts = facts_of([os.path.join(DATA, "facts.csv"), os.path.join(DATA, "facts_persons.csv")])
        x = "B  BRUGGE43"
        compare(db, x, expected(records, x, facts, {}, None))
        # recent graduates counted on request
        rc, out, err = run("--db", db, "run", "indicators", "--institution", x, "--indicator",
                           "gi_student_exchange_rate", "--period", "2022-23", "--recent-graduates",
                           "--as-of", AS_OF, "--format", "json")
        rows = [r for r in records if sent(r, x) and learner(r) and vet(r) and r["days"] > 14
                and school_year(r["start"]) == "2022-23"]
        check("%s gi_student_exchange_rate 2022-23 with recent graduates" % x,
              json.loads(out)[0].get("numerator") if rc == 0 else err, persons(rows))

print("%d checks, %d failed" % (checks, failures))
sys.exit(1 if failures else 0)
