#!/usr/bin/env python3
"""attack.py: a hostile school, and a reader of published tables, try to
recover other institutions' hidden cells from everything the APIs give.

On a generated national data set plus the examples, collect.lua asks
vista.benchmark.figures and vista.consortium.figures for many parameter
choices (k, groupings, calendar and school years, consortium windows down
to single months, with and without the schools' rows) in a session scoped
to one school and with publish = true. Every figure becomes a linear
constraint on unknown cells (institution x half-year term x column for
benchmarks; project x institution x month x column for consortia): a
shown value o of a design whose perturbation is at most D says the cell's
true sum lies in [o - D, o + D]; a hidden count says it lies in
[1, k - 1 + D] (the attacker knows the rules); figures inside one row give
inequalities (female + male <= learners, learners + staff <=
participants, destinations <= learners, a subset <= its whole). Bound
propagation over all constraints at once (each variable's bounds
tightened from the others', to a fixed point) finds exact differencing
and interval bounds. A hidden cell is recovered when its bounds leave
fewer than 4 values (narrower than the fixed rule's own "1 to 4").

  attack.py VISTA                    the current design: must recover nothing
  attack.py VISTA --old FIXTURE      the old design's outputs (a fixture,
                                     collected from the old binary on the
                                     same data): must recover many cells
  attack.py VISTA --save FIXTURE     collect the fixture (the old binary)
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("VISTA_SOURCE", os.path.join(HERE, "..", ".."))
YEARS = (2021, 2022, 2023)
SCOPE = "B  ANTWERP41"  # a school of the example consortium (ErasDu)

# Additive columns, and which column each is a part of (row inequalities).
BENCH_COLS = ["participants", "learners", "female", "male", "fewer", "staff", "incoming_learners"]
BENCH_COUNT = {"participants", "learners", "staff", "incoming_learners"}
BENCH_PARTS = [(["female", "male"], "learners"),
               (["fewer"], "learners")]
CONS_COLS = ["learners", "female", "male", "fewer_opportunities", "special_needs", "age_n", "staff",
             "accompanying", "incoming"]
CONS_COUNT = {"learners", "age_n", "staff", "accompanying", "incoming"}
CONS_PARTS = [(["female", "male"], "learners"), (["fewer_opportunities"], "learners"),
              (["special_needs"], "learners"), (["age_n"], "learners")]
INF = 10 ** 9
FIXED_K = 5  # the threshold a recovery is judged by: the fixed design's


def vista(binary, *args, stdin=None):
    r = subprocess.run([binary, *args], capture_output=True, text=True, input=stdin)
    if r.returncode != 0:
        sys.exit("vista %s failed (%d): %s" % (" ".join(args[:4]), r.returncode, r.stderr[-2000:]))
    return r.stdout


def build_db(binary, tmp):
    csv_path = os.path.join(tmp, "national.csv")
    subprocess.run([sys.executable, os.path.join(SOURCE, "tools", "gen_mobility.py"), "--rows", "20000",
                    "--institutions", "150", "--seed", "11", "--out", csv_path], check=True)
    db = os.path.join(tmp, "attack.db")
    vista(binary, "--db", db, "init")
    vista(binary, "--db", db, "import", "institutions", os.path.join(SOURCE, "examples", "institutions.csv"))
    for f in (csv_path, os.path.join(SOURCE, "examples", "mobility.csv"),
              os.path.join(SOURCE, "examples", "consortium", "mobility.csv")):
        vista(binary, "--db", db, "import", "mobility", f)
    return db


def collect(binary, db, tmp, scoped, publish):
    src = open(os.path.join(HERE, "collect.lua"), encoding="utf-8").read()
    src = (src.replace("@PUBLISH@", "true" if publish else "false")
           .replace("@YEARS@", ",".join(map(str, YEARS)))
           .replace("@SCOPED@", "1" if scoped else "0"))
    path = os.path.join(tmp, "collect_%d%d.lua" % (scoped, publish))
    with open(path, "w", encoding="utf-8") as f:
        f.write(src)
    args = ["--db", db] + (["--scope", SCOPE] if scoped else []) + ["run", path]
    return json.loads(vista(binary, *args))


def compact(obs):
    """Only what the attacker uses: per call, each row's cells."""
    keep_b = BENCH_COLS + ["destinations", "institution", "period", "group", "institutions", "own", "suppressed",
                           "country", "na", "key_action", "size_band"]
    out = {"benchmark": [], "consortium": []}
    for b in obs["benchmark"]:
        out["benchmark"].append({"kind": b["kind"], "k": b["k"], "group_by": b["group_by"],
                                 "rows": [{c: r[c] for c in keep_b if c in r} for r in b["rows"]],
                                 "totals": [{c: r[c] for c in keep_b if c in r} for r in b["totals"]]})
    for c in obs["consortium"]:
        out["consortium"].append(c)
    return out


class System:
    """Variables with integer bounds; constraints lo <= sum(vars) <= hi."""

    def __init__(self):
        self.lo, self.hi, self.cons = [], [], {}
        self.index = {}

    def var(self, key):
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.lo)
            self.lo.append(0)
            self.hi.append(INF)
        return i

    def add(self, vars_, lo, hi, pos=(), neg=()):
        # sum(vars_) in [lo, hi]; or, with pos/neg: sum(pos) - sum(neg) in [lo, hi]
        # The same cells asked again (another k, another grouping): one
        # constraint with the intersection of the bounds.
        key = (tuple(sorted(vars_)), ()) if vars_ else (tuple(sorted(pos)), tuple(sorted(neg)))
        old = self.cons.get(key)
        self.cons[key] = (max(lo, old[0]), min(hi, old[1])) if old else (lo, hi)

    def solve(self, rounds=25):
        lo, hi = self.lo, self.hi
        for _ in range(rounds):
            changed = False
            for (pos, neg), (clo, chi) in self.cons.items():
                # s = sum(pos) - sum(neg) in [clo, chi]
                slo = sum(lo[i] for i in pos) - sum(hi[i] for i in neg)
                shi = sum(hi[i] for i in pos) - sum(lo[i] for i in neg)
                for i in pos:
                    rest_lo, rest_hi = slo - lo[i], shi - hi[i]
                    if rest_hi < INF // 2 and clo - rest_hi > lo[i]:
                        lo[i] = clo - rest_hi
                        changed = True
                    if rest_lo > -INF // 2 and chi - rest_lo < hi[i]:
                        hi[i] = chi - rest_lo
                        changed = True
                for i in neg:
                    rest_lo, rest_hi = slo + hi[i], shi + lo[i]
                    if rest_lo > -INF // 2 and rest_lo - chi > lo[i]:
                        lo[i] = rest_lo - chi
                        changed = True
                    if rest_hi < INF // 2 and rest_hi - clo < hi[i]:
                        hi[i] = rest_hi - clo
                        changed = True
            if not changed:
                break
        bad = [i for i in range(len(lo)) if lo[i] > hi[i]]
        if bad:
            names = {v: k for k, v in self.index.items()}
            raise SystemExit("the attacker's model contradicts the figures at %s" % (names[bad[0]],))

    def bounds(self, vars_):
        return sum(self.lo[i] for i in vars_), min(INF, sum(self.hi[i] for i in vars_))


def terms(kind, period):
    y = int(str(period)[:4])
    return (2 * y, 2 * y + 1) if kind == "calendar" else (2 * y + 1, 2 * y + 2)


def months(a, b):
    out, m = [], a
    while m <= b:
        out.append(m)
        m = m + 1 if m % 100 < 12 else (m // 100 + 1) * 100 + 1
    return out


def attack(obs, noise, own_id, min_k):
    """The constraints of every figure, solved; returns the hidden cells
    (key -> variables) and the system."""
    s = System()
    hidden = {}
    inst_group = {}

    def row_cells(scope_key, row, cols, count_cols, parts, k, is_row, vars_of):
        cells = {}
        for c in cols:
            vs = vars_of(c)
            cells[c] = vs
            if c in row:
                o = row[c]
                s.add(vs, max(0, o - noise), o + noise)
            elif c in row.get("suppressed", []):
                if is_row and c in count_cols:
                    s.add(vs, 1, k - 1 + noise)
                hidden[scope_key + (c,)] = (vs, k)
        for subs, whole in parts:
            s.add((), 0, INF, pos=cells[whole], neg=[v for sub in subs for v in cells[sub]])

    last = {}
    for b in obs["benchmark"]:
        kind, k = b["kind"], max(b["k"], min_k)
        # The fixture keeps one copy of rows asked again under another
        # grouping (None: as the previous call of that kind and k).
        if b["rows"] is None:
            b = dict(b, rows=last[(kind, b["k"])])
        last[(kind, b["k"])] = b["rows"]
        for r in b["rows"]:
            inst = r["institution"]
            ts = terms(kind, r["period"])
            row_cells(("b", inst, kind, str(r["period"])), r, BENCH_COLS, BENCH_COUNT, BENCH_PARTS, k,
                      True, lambda c, inst=inst, ts=ts: [s.var(("b", inst, t, c)) for t in ts])
        # Group totals: the members are the rows with that group label
        # (a row's group is in the rows only when labels are given; else
        # rebuild from the totals' labels below).
        for t in b["totals"]:
            grp = t["group"]
            ts = terms(kind, t["period"])
            insts = [r["institution"] for r in b["rows"]
                     if str(r["period"]) == str(t["period"]) and group_of(b["group_by"], r) == grp]
            row_cells(("bt", b["group_by"], grp, kind, str(t["period"])), t, BENCH_COLS, BENCH_COUNT,
                      BENCH_PARTS, k, False,
                      lambda c, insts=insts, ts=ts: [s.var(("b", i, tt, c)) for i in insts for tt in ts])
    for c in obs["consortium"]:
        ref, k = c["project"], max(c["k"], min_k)
        ms = months(c["from"], c["to"])
        schools = [r["institution"] for r in c["schools"]]

        def vs(col, insts, ref=ref, ms=ms):
            p = None if col == "incoming" else ref
            return [s.var(("c", p, i, m, col)) for i in insts for m in ms]
        for r in c["schools"]:
            row_cells(("c", ref, r["institution"], c["from"], c["to"]), r, CONS_COLS, CONS_COUNT, CONS_PARTS,
                      k, True, lambda col, i=r["institution"]: vs(col, [i]))
        row_cells(("ct", ref, c["from"], c["to"]), c["total"], CONS_COLS, CONS_COUNT, CONS_PARTS, k, False,
                  lambda col: vs(col, schools))
    s.solve()
    return s, hidden


def group_of(group_by, r):
    if group_by == "all":
        return "all"
    if group_by == "size":
        return r.get("size_band")
    return r.get(group_by) or "unknown"


def truth_of(obs):
    """Exact figures (the data owner's): cell key -> value."""
    t = {}
    for b in obs["benchmark"]:
        for r in b["rows"] or []:
            for c in BENCH_COLS:
                if c in r:
                    t[("b", r["institution"], b["kind"], str(r["period"]), c)] = r[c]
    for c in obs["consortium"]:
        for r in c["schools"]:
            for col in CONS_COLS:
                if col in r:
                    t[("c", c["project"], r["institution"], c["from"], c["to"], col)] = r[col]
    return t


def recovered(obs, truth, noise, own_id, label, min_k=2):
    """min_k: the old scoped session raised a k under 5 to 5 silently."""
    s, hidden = attack(obs, noise, own_id, min_k)
    exact = near = checked = 0
    for key, (vs, k) in hidden.items():
        if key[0] not in ("b", "c") or key[1] == own_id:
            continue
        lo, hi = s.bounds(vs)
        want = truth.get(key)
        if want is None:
            continue
        checked += 1
        assert lo <= want <= hi, "%s: %s outside the attacker's bounds [%d, %d]: the model is wrong" % (
            label, key, lo, hi) if noise == 0 else True
        if lo == hi:
            exact += 1
        elif hi - lo + 1 < FIXED_K - 1:
            near += 1
    print("%s: %d hidden cells of others, %d recovered exactly, %d within fewer than 4 values"
          % (label, checked, exact, near))
    return exact, near, checked


def own_id_of(binary, db):
    out = vista(binary, "--db", db, "-e", "print(vista.sql('SELECT id FROM institution WHERE erasmus_code = ?', "
                "{'%s'})[1].id)" % SCOPE)
    return int(out.strip())


def main():
    binary = sys.argv[1]
    mode = sys.argv[2] if len(sys.argv) > 2 else None
    with tempfile.TemporaryDirectory() as tmp:
        db = build_db(binary, tmp)
        own = own_id_of(binary, db)
        if mode == "--save":
            fixture = {"own": own, "scoped": compact(collect(binary, db, tmp, True, False)),
                       "published": compact(collect(binary, db, tmp, False, True)),
                       "truth": [[list(k), v] for k, v in truth_of(collect(binary, db, tmp, False, False)).items()]}
            with gzip.open(sys.argv[3], "wt", encoding="utf-8") as f:
                json.dump(fixture, f, separators=(",", ":"))
            return 0
        if mode == "--old":
            with gzip.open(sys.argv[3], "rt", encoding="utf-8") as f:
                fx = json.load(f)
            truth = {tuple(k): v for k, v in fx["truth"]}
            total = 0
            for label in ("scoped", "published"):
                e, n, c = recovered(fx[label], truth, 0, fx["own"], "old design, " + label,
                                    5 if label == "scoped" else 2)
                total += e + n
            if total < 100:
                print("FAILED: the attacker should find the old design's leaks (found %d)" % total)
                return 1
            return 0
        truth = truth_of(collect(binary, db, tmp, False, False))
        noise = int(vista(binary, "--db", db, "-e", "print(vista.benchmark.max_noise or 0)").strip())
        bad = 0
        for label, scoped, publish in (("scoped", True, False), ("published", False, True)):
            e, n, c = recovered(collect(binary, db, tmp, scoped, publish), truth, noise, own, "new design, " + label,
                                5)
            bad += e + n
            if c == 0:
                print("FAILED: no hidden cell to attack in the %s figures (the test would not bite)" % label)
                bad += 1
        if bad:
            print("FAILED: %d hidden cells recovered" % bad)
            return 1
        return 0


if __name__ == "__main__":
    sys.exit(main())
