#!/usr/bin/env python3
"""The generator the other tests trust: tools/gen_mobility.py.

- Deterministic: the same arguments give the same bytes and the same
  defect log; another seed gives another file; a shorter file is a prefix
  of a longer one.
- Official and realistic: the 24 official columns, and the things tests
  rely on are there (VET and non-VET key actions, EL and UK, learners,
  staff and group leaders, ErasmusPro, Participants > 1, quoted fields,
  non-ASCII, '-' codes).
- Clean means clean: vista stores every row.
- Dirty means exactly what the log says: vista rejects exactly the logged
  rows of the rejecting kinds, at the logged column; every other row is
  stored as in the clean file of the same seed, the logged field of a
  blank or '-' read as unknown.

usage: test_gen_mobility.py VISTA_BINARY
"""
import csv
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile

VISTA = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("VISTA_SOURCE", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
GEN = os.path.join(SOURCE, "tools", "gen_mobility.py")
REJECTED = {"missing_column", "extra_column", "bad_age", "bad_country",
            "bad_participants", "bad_project", "repeated_header"}
KEPT = {"blank_duration", "dash_placeholder", "trailing_spaces", "mixed_eol",
        "name_variant"}
OFFICIAL = ("Project Reference;Academic Year;Mobility Start Month;Mobility End "
            "Month;Mobility Duration;Activity (mob);Field of Education;"
            "Participant Nationality;Education Level;Participant Gender;"
            "Participant Profile;Special Needs;Fewer Opportunities;GroupLeader;"
            "Participant Age;Sending Country Code;Sending City;Sending "
            "Organization;Sending Organisation Erasmus Code;Receiving Country "
            "Code;Receiving City;Receiving Organization;Receiving Organisation "
            "Erasmus Code;Participants")
failures = []


def check(what, ok, detail=""):
    print(("ok     " if ok else "FAILED ") + what + ("" if ok else ": " + str(detail)[:1500]))
    if not ok:
        failures.append(what)


def gen(path, *args):
    subprocess.run([sys.executable, GEN, *args, "--out", path], check=True)
    with open(path, "rb") as f:
        return f.read()


def digest(data):
    return hashlib.sha256(data).hexdigest()


def determinism(tmp):
    args = ["--rows", "3000", "--seed", "4", "--institutions", "150",
            "--dirty", "0.1", "--crlf"]
    a = gen(os.path.join(tmp, "a.csv"), *args, "--defect-log", os.path.join(tmp, "a.log"))
    b = gen(os.path.join(tmp, "b.csv"), *args, "--defect-log", os.path.join(tmp, "b.log"))
    check("same arguments, same bytes", digest(a) == digest(b))
    with open(os.path.join(tmp, "a.log"), "rb") as fa, open(os.path.join(tmp, "b.log"), "rb") as fb:
        check("same arguments, same defect log", fa.read() == fb.read())
    c = gen(os.path.join(tmp, "c.csv"), "--rows", "3000", "--seed", "5",
            "--institutions", "150", "--dirty", "0.1", "--crlf")
    check("another seed, another file", digest(a) != digest(c))
    short = gen(os.path.join(tmp, "short.csv"), "--rows", "700", "--seed", "4",
                "--institutions", "150")
    long_ = gen(os.path.join(tmp, "long.csv"), "--rows", "3000", "--seed", "4",
                "--institutions", "150")
    check("a shorter file is a prefix of a longer one",
          long_.startswith(short) and long_.count(b"\n") == 3001 and short.count(b"\n") == 701)
    out = subprocess.run([sys.executable, GEN, "--rows", "700", "--seed", "4",
                          "--institutions", "150"], capture_output=True, check=True).stdout
    check("--out - writes the same bytes to standard output", out == short)


def content(tmp):
    path = os.path.join(tmp, "look.csv")
    data = gen(path, "--rows", "20000", "--seed", "3")
    text = data.decode("utf-8")
    check("the official header, LF line ends, no BOM",
          text.startswith(OFFICIAL + "\n") and "\r" not in text)
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))[1:]
    check("every row has 24 fields", all(len(r) == 24 for r in rows))
    actions = {r[0].split("-", 3)[3].rsplit("-", 1)[0] for r in rows}
    check("VET and non-VET key actions",
          {"KA102", "KA116", "KA121-VET", "KA122-VET", "KA103", "KA104"} <= actions, actions)
    countries = {r[15] for r in rows} | {r[19] for r in rows}
    check("Erasmus+ country codes EL and UK, never GR or GB",
          {"EL", "UK"} <= countries and not {"GR", "GB"} & countries)
    check("learners, staff and group leaders",
          {("Learner", "No"), ("Staff", "No"), ("Staff", "Yes")} <= {(r[10], r[13]) for r in rows})
    check("ErasmusPro learners (90 days or more)",
          any("ErasmusPro" in r[5] and int(r[4]) >= 90 for r in rows))
    check("some rows stand for several participants",
          50 < sum(1 for r in rows if int(r[23]) > 1) < 2000)
    check("names with ';' and '\"' (quoted, since each row still has 24 fields)",
          any(";" in f for r in rows for f in r) and any('"' in f for r in rows for f in r))
    check("non-ASCII names and cities", any(ord(c) > 127 for c in text[:200000]))
    check("'-' for organisations without an Erasmus code",
          any(r[22] == "-" for r in rows) and all(r[18] not in ("", "-") for r in rows))
    return path, len(rows)


def import_file(path, db):
    return subprocess.run([VISTA, "--db", db, "import", "mobility", path],
                          capture_output=True, text=True)


RECORD = """
SELECT m.line, p.reference, m.academic_year, m.start_month, m.end_month,
       m.duration, act.text, fld.text, m.nationality_id, lvl.text, m.codes,
       m.age, m.sending_country_id, scity.text, s.erasmus_code,
       m.receiving_country_id, rcity.text, coalesce(r.erasmus_code, r.name),
       m.participants
FROM mobility m
LEFT JOIN project p ON p.id = m.project_id
LEFT JOIN label act ON act.id = m.activity_id
LEFT JOIN label fld ON fld.id = m.field_id
LEFT JOIN label lvl ON lvl.id = m.education_level_id
LEFT JOIN label scity ON scity.id = m.sending_city_id
LEFT JOIN label rcity ON rcity.id = m.receiving_city_id
LEFT JOIN institution s ON s.id = m.sending_id
LEFT JOIN institution r ON r.id = m.receiving_id
"""
# Where a field of the file lands in a RECORD row (1-based file column ->
# 0-based record index), for the fields a blank or a '-' may empty.
FIELD_AT = {5: 5, 8: 8, 9: 9, 15: 11, 21: 16}
CODES = 10


def records(db):
    con = sqlite3.connect(db)
    try:
        return {row[0]: row for row in con.execute(RECORD)}
    finally:
        con.close()


def rejects(db):
    con = sqlite3.connect(db)
    try:
        return {line: field for line, field in
                con.execute("SELECT line, field FROM import_reject")}
    finally:
        con.close()


def dirty(tmp, crlf):
    label = "dirty, CRLF" if crlf else "dirty, LF"
    extra = ["--crlf"] if crlf else []
    base = ["--rows", "6000", "--seed", "21", "--institutions", "300", *extra]
    tmp = os.path.join(tmp, "crlf" if crlf else "lf")
    os.mkdir(tmp)
    clean_path = os.path.join(tmp, "clean.csv")
    dirty_path = os.path.join(tmp, "dirty.csv")
    log_path = os.path.join(tmp, "defects.tsv")
    gen(clean_path, *base)
    gen(dirty_path, *base, "--dirty", "0.15", "--defect-log", log_path)
    log = {}
    with open(log_path, encoding="utf-8") as f:
        for line in f:
            n, kind, col = line.rstrip("\n").split("\t")
            log[int(n)] = (kind, int(col))
    check(f"{label}: the log starts with the byte order mark",
          log.pop(1, None) == ("bom", 0))
    kinds = {k for k, _ in log.values()}
    check(f"{label}: every kind of defect occurs", kinds == REJECTED | KEPT, kinds)
    check(f"{label}: about 15 % of rows have a defect", 700 < len(log) < 1100, len(log))

    clean_db = os.path.join(tmp, "clean.db")
    dirty_db = os.path.join(tmp, "dirty.db")
    r = import_file(clean_path, clean_db)
    want = records(clean_db)
    check(f"{label}: the clean file imports whole", r.returncode == 0 and len(want) == 6000,
          r.stdout + r.stderr)
    r = import_file(dirty_path, dirty_db)
    check(f"{label}: the dirty file imports with rejects (exit 4)", r.returncode == 4,
          r.stdout + r.stderr)
    got = records(dirty_db)
    refused = rejects(dirty_db)
    logged = {n: col for n, (kind, col) in log.items() if kind in REJECTED}
    check(f"{label}: rejected lines are exactly the logged rejecting defects",
          sorted(refused) == sorted(logged),
          (sorted(set(refused) - set(logged))[:10], sorted(set(logged) - set(refused))[:10]))
    wrong_column = [(n, log[n], refused[n]) for n in refused
                    if n in logged and (refused[n] or 0) != logged[n]]
    # (A row with the wrong number of fields is refused as a whole: column 0,
    # stored as NULL.)
    check(f"{label}: each rejection names the logged column", wrong_column == [], wrong_column[:10])

    bad = []
    for n, rec in want.items():
        kind, col = log.get(n, (None, 0))
        if kind in REJECTED:
            if n in got:
                bad.append((n, kind, "stored"))
            continue
        expect = list(rec)
        if kind in ("blank_duration", "dash_placeholder"):
            expect[FIELD_AT[col]] = None
        have = list(got.get(n, ()))
        if col == 5 and have:  # no duration: no duration band either
            expect[CODES] = have[CODES]
        if have != expect:
            bad.append((n, kind, have, expect))
    check(f"{label}: every other row is stored as in the clean file", bad == [], bad[:5])


with tempfile.TemporaryDirectory(prefix="vista-gen-") as tmp:
    determinism(tmp)
    content(tmp)
    dirty(tmp, crlf=False)
    dirty(tmp, crlf=True)
print(f"{len(failures)} failed")
sys.exit(1 if failures else 0)
