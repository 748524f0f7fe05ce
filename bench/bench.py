#!/usr/bin/env python3
"""The benchmark: vista against the tools a user would pick instead, on the
same data, in one run.

The job, on official-format mobility CSV made by tools/gen_mobility.py
(--seed 1 --institutions 2000):
  1. import the file (into a database on disk, where the tool has one);
  2. the per-institution figures (participants, learners, staff, gender
     shares, fewer-opportunities and special-needs shares, distinct receiving
     countries, mean duration and age, long-term share; all weighted by
     Participants);
  3. every institution's percentile rank on participants within its sending
     country.
Peers: the sqlite3 shell (.import into a typed table, then SQL), pandas,
DuckDB (@duckdb/node-api) on file and in memory. Every tool's figures and
ranks are compared with vista's, so the race is between equal answers.

Each configuration runs --runs times; the table gives medians of wall
seconds per step and the peak memory (max RSS of the step's process), and
vista's ratio to each peer (below 1: vista is faster). Timings vary here by
about 15 %: read ratios, not absolute seconds.

usage: bench.py --vista build/vista [--rows 1000000] [--runs 3]
                [--tools vista,sqlite3,pandas,duckdb-file,duckdb-memory]
                [--scaling 100000,1000000] [--out FILE.md]
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
JOBS = os.path.join(HERE, "jobs")
GEN = os.path.join(HERE, "..", "tools", "gen_mobility.py")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def run(cmd, stdin=None, stdout=None, env=None):
    """Runs cmd; returns (wall seconds, peak RSS in MiB, stdout text)."""
    out = open(stdout, "w") if stdout else subprocess.PIPE
    inp = open(stdin) if stdin else subprocess.DEVNULL
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=inp, stdout=out, stderr=subprocess.PIPE,
                         env=env)
    text = ""
    if not stdout:
        text = p.stdout.read().decode()
    err = p.stderr.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    if stdout:
        out.close()
    if stdin:
        inp.close()
    if p.returncode not in (0, 4):
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024, text


def data_file(rows):
    os.makedirs(os.path.join(HERE, "data"), exist_ok=True)
    path = os.path.join(HERE, "data", f"mob_{rows}.csv")
    if not os.path.exists(path):
        print(f"generating {rows} rows ...", file=sys.stderr)
        subprocess.run([sys.executable, GEN, "--rows", str(rows), "--seed", "1",
                        "--institutions", "2000", "--out", path + ".tmp"],
                       check=True)
        os.rename(path + ".tmp", path)
    return path


def job_vista(args, data, work):
    db = os.path.join(work, "v.db")
    steps = {}
    steps["import"] = run([args.vista, "--db", db, "import", "mobility", data])[:2]
    steps["figures"] = run([args.vista, "--db", db, "run",
                            os.path.join(JOBS, "vista_figures.lua")],
                           stdout=os.path.join(work, "figures.csv"))[:2]
    steps["rank"] = run([args.vista, "--db", db, "run",
                         os.path.join(JOBS, "vista_rank.lua")],
                        stdout=os.path.join(work, "rank.csv"))[:2]
    return steps


def job_sqlite(args, data, work):
    db = os.path.join(work, "s.db")
    imp = os.path.join(work, "import.sql")
    with open(os.path.join(JOBS, "sqlite_import.sql")) as f:
        text = f.read().replace("__FILE__", data)
    with open(imp, "w") as f:
        f.write(text)
    fig = os.path.join(work, "figures.sql")
    with open(fig, "w") as f:
        f.write(open(os.path.join(JOBS, "peer_figures.sql")).read())
        f.write(".headers on\n.mode csv\n.once " + os.path.join(work, "figures.csv")
                + "\nSELECT * FROM figures ORDER BY inst;\n")
    rank = os.path.join(work, "rank.sql")
    with open(rank, "w") as f:
        f.write(".headers on\n.mode csv\n.once " + os.path.join(work, "rank.csv")
                + "\n" + open(os.path.join(JOBS, "peer_rank.sql")).read().strip()
                + " ORDER BY inst;\n")
    return {"import": run(["sqlite3", db], stdin=imp)[:2],
            "figures": run(["sqlite3", db], stdin=fig)[:2],
            "rank": run(["sqlite3", db], stdin=rank)[:2]}


def duck(db, step, data, work):
    return ["node", os.path.join(JOBS, "duckdb_job.mjs"), db, step, data,
            os.path.join(work, "figures.csv"), os.path.join(work, "rank.csv"), JOBS]


def node_env():
    env = dict(os.environ)
    env["NODE_PATH"] = os.path.join(HERE, "node_modules")
    return env


def job_duckdb_file(args, data, work):
    db = os.path.join(work, "d.duckdb")
    env = node_env()
    return {s: run(duck(db, s, data, work), env=env)[:2]
            for s in ("import", "figures", "rank")}


def in_process(cmd, env=None):
    """One process for the whole job: its own step timings, one peak."""
    wall, rss, out = run(cmd, env=env)
    t = json.loads(out.strip().splitlines()[-1])
    return {s: (t[s], rss) for s in ("import", "figures", "rank")}, wall


def job_duckdb_memory(args, data, work):
    steps, _ = in_process(duck(":memory:", "all", data, work), env=node_env())
    return steps


def job_pandas(args, data, work):
    steps, _ = in_process([PYTHON, os.path.join(JOBS, "pandas_job.py"), data,
                           os.path.join(work, "figures.csv"),
                           os.path.join(work, "rank.csv")])
    return steps


JOBS_BY_TOOL = {"vista": job_vista, "sqlite3": job_sqlite, "pandas": job_pandas,
                "duckdb-file": job_duckdb_file, "duckdb-memory": job_duckdb_memory}


def read_results(work):
    def load(name):
        with open(os.path.join(work, name), newline="") as f:
            return {r["inst"]: r for r in csv.DictReader(f)}
    return load("figures.csv"), load("rank.csv")


def same(a, b):
    """Figures agree: counts exactly, shares and means to 1e-6."""
    problems = []
    if set(a) != set(b):
        return [f"institutions differ: {len(set(a) ^ set(b))} not in both"]
    for inst, ra in a.items():
        rb = b[inst]
        for k, va in ra.items():
            if k in ("inst", "s_country") or k not in rb:
                continue
            vb = rb[k]
            if va in ("", None) or vb in ("", None):
                if (va or "") != (vb or ""):
                    problems.append(f"{inst} {k}: {va!r} vs {vb!r}")
            elif abs(float(va) - float(vb)) > 1e-6 * max(1.0, abs(float(va))):
                problems.append(f"{inst} {k}: {va} vs {vb}")
    return problems[:5]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vista", required=True)
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default="vista,sqlite3,pandas,duckdb-file,duckdb-memory")
    ap.add_argument("--scaling", default="100000,1000000",
                    help="row counts for vista's import memory and time")
    ap.add_argument("--out", help="also write the report (Markdown) here")
    args = ap.parse_args()
    args.vista = os.path.abspath(args.vista)
    data = data_file(args.rows)
    tools = args.tools.split(",")
    results = {t: {"import": [], "figures": [], "rank": []} for t in tools}
    reference = None
    checks = []
    for r in range(args.runs):
        for tool in tools:
            work = tempfile.mkdtemp(prefix=f"vista-bench-{tool}-")
            try:
                steps = JOBS_BY_TOOL[tool](args, data, work)
                for s, v in steps.items():
                    results[tool][s].append(v)
                if r == 0:
                    figs, ranks = read_results(work)
                    if tool == "vista":
                        reference = (figs, ranks)
                    elif reference:
                        p = same(reference[0], figs) + same(reference[1], ranks)
                        checks.append((tool, p))
            finally:
                shutil.rmtree(work, ignore_errors=True)
            print(f"run {r + 1}/{args.runs} {tool}: " + ", ".join(
                f"{s} {v[-1][0]:.2f}s" for s, v in results[tool].items()),
                file=sys.stderr)

    def med(tool, step):
        return statistics.median(v[0] for v in results[tool][step])

    def peak(tool, step):
        return max(v[1] for v in results[tool][step])

    lines = [f"Job on {args.rows:,} rows ({os.path.getsize(data) / 1e6:.0f} MB), "
             f"median of {args.runs} runs, wall seconds (peak MiB):", "",
             "| tool | import | figures | rank | end to end | vista / tool (end to end) | vista / tool (figures) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    vt = sum(med("vista", s) for s in ("import", "figures", "rank")) if "vista" in tools else None
    for tool in tools:
        cells = [f"{med(tool, s):.2f} ({peak(tool, s):.0f})" for s in ("import", "figures", "rank")]
        total = sum(med(tool, s) for s in ("import", "figures", "rank"))
        ratio = f"{vt / total:.2f}" if vt else ""
        fratio = f"{med('vista', 'figures') / med(tool, 'figures'):.2f}" if vt else ""
        lines.append(f"| {tool} | " + " | ".join(cells) + f" | {total:.2f} | {ratio} | {fratio} |")
    lines.append("")
    for tool, problems in checks:
        lines.append(f"- {tool}: " + ("same figures and ranks as vista" if not problems
                                      else "DIFFERENT: " + "; ".join(problems)))
    if "vista" in tools and args.scaling:
        lines += ["", "vista import as the file grows (one run each):", "",
                  "| rows | MB | import s | peak MiB |", "|---:|---:|---:|---:|"]
        for n in [int(x) for x in args.scaling.split(",") if x]:
            f = data_file(n)
            work = tempfile.mkdtemp(prefix="vista-bench-scale-")
            try:
                wall, rss, _ = run([args.vista, "--db", os.path.join(work, "v.db"),
                                    "import", "mobility", f])
            finally:
                shutil.rmtree(work, ignore_errors=True)
            lines.append(f"| {n:,} | {os.path.getsize(f) / 1e6:.0f} | {wall:.2f} | {rss:.0f} |")
    report = "\n".join(lines)
    print(report)
    if args.out:
        with open(args.out, "w") as f:
            f.write(report + "\n")
    return 1 if any(p for _, p in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
