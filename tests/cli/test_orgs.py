#!/usr/bin/env python3
"""Organisation identity against an independent computation.

A list in vista's own CSV names schools without an Erasmus code as people
write them: two Sint-Jozefsinstituut in Kortrijk and Ieper (and spelt in
capitals, or with a space for the hyphen), one in another country, a
school seen with its code and without it, accents and no accents. Here,
with Python's csv module and the rule of docs/definitions.md
("Organisations": a code is the institution; without one, the name folded
for case, accents, dots and spacing, the country and the folded city), the
institutions are worked out from the file, with the participants each
sent and received, and the likely duplicates (a school without a code whose
folded name and country are those of one with a code, the city the same
where both know it). vista must agree: institutions, participants per
sending institution, sending institutions counted, and the notes the
import prints.

usage: test_orgs.py VISTA_BINARY
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import unicodedata

VISTA = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("VISTA_SOURCE", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
FIXTURE = os.path.join(SOURCE, "tests", "cli", "fixtures",
                       "orgs_same_name.csv")
WORK = tempfile.mkdtemp(prefix="vista-orgs-")
SPECIAL = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d",
           "þ": "th", "ð": "d", "ı": "i"}
checks = []


def check(name, actual, expected):
    checks.append((name, actual == expected, actual, expected))


def fold(text):
    """Case, accents, dots and spacing as people vary them."""
    out, gap = [], False
    for ch in unicodedata.normalize("NFKD", text.lower()):
        if unicodedata.combining(ch) or ch == ".":
            continue
        ch = SPECIAL.get(ch, ch)
        if ch.isascii() and ch.isalnum() or not ch.isascii() and ch.isalpha():
            if gap and out:
                out.append(" ")
            gap = False
            out.append(ch)
        else:
            gap = True
    return "".join(out)


def key(code, name, country, city):
    code = "" if code in ("", "-") else code
    if code:
        return ("c", code)
    return ("n", fold(name), country, fold(city))


def expected():
    first_name, sent, received = {}, {}, {}
    with open(FIXTURE, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            n = int(row["participants"])
            s = key(row["sending_erasmus_code"], row["sending_organisation"],
                    row["sending_country"], row["sending_city"])
            first_name.setdefault(s, (row["sending_organisation"],
                                      row["sending_country"],
                                      row["sending_city"]))
            sent[s] = sent.get(s, 0) + n
            if row["receiving_organisation"]:
                r = key("", row["receiving_organisation"],
                        row["receiving_country"], row["receiving_city"])
                first_name.setdefault(r, (row["receiving_organisation"],
                                          row["receiving_country"],
                                          row["receiving_city"]))
                received[r] = received.get(r, 0) + n
    return first_name, sent, received


def vista(*args, db):
    return subprocess.run([VISTA, "--db", db, *args], capture_output=True,
                          text=True)


def main():
    db = os.path.join(WORK, "t.db")
    first_name, sent, received = expected()
    r = vista("import", "mobility", FIXTURE, db=db)
    check("import status", r.returncode, 0)

    # The institutions: one per identity, shown by the first name seen.
    out = vista("export", "institution", db=db).stdout
    rows = list(csv.DictReader(out.splitlines()))
    got = sorted((x["name"], x["country"], x["city"]) for x in rows)
    check("institutions", got, sorted(first_name.values()))

    # Participants per sending institution (every profile).
    lua = ("print(require('vista.format').json(vista.mobility.figures{"
           "by = 'institution'}))")
    figs = json.loads(vista("-e", lua, db=db).stdout)
    by_id = {int(x["id"]): (x["name"], x["country"], x["city"]) for x in rows}
    got = sorted((by_id[f["institution"]], f["participants"]) for f in figs)
    want = sorted((first_name[k], n) for k, n in sent.items())
    check("participants per sending institution", got, want)
    lua = ("print(vista.mobility.figures{}[1].sending_institutions)")
    check("sending institutions", vista("-e", lua, db=db).stdout.strip(),
          str(len(sent)))
    check("Sint-Jozefsinstituut in three Belgian towns: three schools",
          sum(1 for k in sent if k[0] == "n" and
              k[1] == "sint jozefsinstituut" and k[2] == "BE"), 3)

    # Likely duplicates: without a code, the folded name and country of
    # one with a code, the city the same where both know it.
    coded = [(k, v) for k, v in first_name.items() if k[0] == "c"]
    notes = []
    for k, (name, country, city) in sorted(first_name.items(),
                                           key=lambda kv: kv[1][0]):
        if k[0] != "n":
            continue
        for ck, (cname, ccountry, ccity) in coded:
            if (fold(cname) == k[1] and ccountry == country and
                    (not city or not ccity or fold(city) == fold(ccity))):
                where = f" ({city})" if city else ""
                notes.append(f"vista: note: '{name}'{where} without an "
                             f"Erasmus code is likely {ck[1]} '{cname}'; "
                             f"merge with: vista alias '{name}' '{ck[1]}'")
    got = [x for x in r.stderr.splitlines() if x.startswith("vista: note:")]
    check("likely duplicates noted", got, notes)
    check("one likely duplicate", len(notes), 1)

    failed = [c for c in checks if not c[1]]
    for name, ok, actual, want in checks:
        print(("ok     " if ok else "FAILED ") + name)
        if not ok:
            print(f"  vista:  {actual}\n  python: {want}")
    print(f"{len(checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
