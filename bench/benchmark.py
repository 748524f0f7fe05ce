#!/usr/bin/env python3
"""The cross-institution benchmark at national scale: `vista run benchmark`
on a database of --rows generated official-format records, against the
same benchmark written as one SQL query over the same database's records
in the sqlite3 shell (what an analyst with only SQLite would do). Both
answers are compared institution by institution before any time counts.

The job: every sending institution's female share of learners (the learner
profile, group leaders and accompanying persons excluded) in the busiest
calendar year, with its rank and percentile within its sending country.

usage: benchmark.py --vista build/vista [--rows 10000000] [--runs 3] [--out FILE.md]
"""
import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from bench import data_file, run  # noqa: E402

PEER_SQL = """
WITH f AS (
  SELECT m.sending_id AS inst, i.country,
    sum(CASE WHEN m.profile = 1 AND coalesce(m.band, 0) <> 4 THEN m.participants ELSE 0 END) AS learners,
    sum(CASE WHEN m.profile = 1 AND coalesce(m.band, 0) <> 4 AND m.gender = 1 THEN m.participants ELSE 0 END) AS female
  FROM mobility_fact m JOIN institution i ON i.id = m.sending_id
  WHERE m.start_month / 100 = {year} AND coalesce(m.direction, 1) = 1
  GROUP BY 1, 2),
v AS (SELECT inst, country, 1.0 * female / learners * 100 AS value FROM f WHERE learners > 0)
SELECT inst, CAST(value * 100 + 0.5 AS INTEGER) / 100.0 AS value,
  rank() OVER (PARTITION BY country ORDER BY value DESC) AS rank,
  CASE WHEN count(*) OVER (PARTITION BY country) > 1
    THEN CAST(100.0 * (rank() OVER (PARTITION BY country ORDER BY value) - 1)
      / (count(*) OVER (PARTITION BY country) - 1) * 100 + 0.5 AS INTEGER) / 100.0
    ELSE 100 END AS percentile
FROM v ORDER BY inst;
"""

VISTA_JOB = """
local res = vista.benchmark.run { indicator = "female_share", period = "{year}", group = "country" }
print("inst,value,rank,percentile")
for _, r in ipairs(res.rows) do
  if r.value then print(string.format("%d,%s,%d,%s", r.institution, r.value, r.rank, r.percentile)) end
end
"""


def parse(text):
    return {r["inst"]: (float(r["value"]), int(r["rank"]), float(r["percentile"]))
            for r in csv.DictReader(io.StringIO(text))}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vista", required=True)
    ap.add_argument("--rows", type=int, default=10000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out")
    a = ap.parse_args()
    vista = os.path.abspath(a.vista)
    data = data_file(a.rows)
    work = tempfile.mkdtemp(prefix="vista-bench-benchmark-")
    db = os.path.join(work, "v.db")
    imp = run([vista, "--db", db, "import", "mobility", data])
    year = subprocess.run(
        [vista, "--db", db, "-e", "local best, n = nil, 0 for _, r in ipairs(vista.mobility.figures{by = 'year'}) "
         "do if r.year and r.learners > n then best, n = r.year, r.learners end end print(best)"],
        capture_output=True, text=True, check=True).stdout.strip()
    job = os.path.join(work, "job.lua")
    with open(job, "w") as f:
        f.write(VISTA_JOB.replace("{year}", year))
    sql = os.path.join(work, "peer.sql")
    with open(sql, "w") as f:
        f.write(".headers on\n.mode csv\n" + PEER_SQL.replace("{year}", year))
    times = {"vista": [], "sqlite3": []}
    outs = {}
    for _ in range(a.runs):
        wall, rss, out = run([vista, "--db", db, "run", job])
        times["vista"].append((wall, rss))
        outs["vista"] = out
        wall, rss, out = run(["sqlite3", db], stdin=sql)
        times["sqlite3"].append((wall, rss))
        outs["sqlite3"] = out
    v, s = parse(outs["vista"]), parse(outs["sqlite3"])
    diff = [k for k in set(v) | set(s) if v.get(k) != s.get(k)]
    med = {t: statistics.median(x[0] for x in times[t]) for t in times}
    peak = {t: max(x[1] for x in times[t]) for t in times}
    lines = [
        f"Benchmark of every institution ({len(v):,} ranked) on {a.rows:,} records, female share "
        f"{year} by sending country; import {imp[0]:.2f} s ({imp[1]:.0f} MiB); median of {a.runs} runs:", "",
        "| tool | seconds | peak MiB | vista / tool |", "|---|---:|---:|---:|"]
    for t in ("vista", "sqlite3"):
        lines.append(f"| {t} | {med[t]:.2f} | {peak[t]:.0f} | {med['vista'] / med[t]:.2f} |")
    lines.append("")
    lines.append("- sqlite3: " + ("same values, ranks and percentiles as vista" if not diff
                                  else f"DIFFERENT for {len(diff)} institutions, e.g. {sorted(diff)[:3]}"))
    report = "\n".join(lines)
    print(report)
    if a.out:
        with open(a.out, "w") as f:
            f.write(report + "\n")
    subprocess.run(["rm", "-rf", work])
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
