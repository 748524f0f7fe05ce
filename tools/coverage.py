#!/usr/bin/env python3
"""make coverage, after the suite ran in the coverage build: writes gcovr's
HTML report (BUILD/coverage/index.html) and prints line and branch coverage
of the C files that decide figures and privacy, then the Lua lines hit of
the stdlib files behind the indicators, the benchmark and the consortium.

Lua: the coverage build's sandbox writes the lines each process ran to
BUILD/lua-coverage/*.lines (VISTA_LUA_COVERAGE, see core/lua_coverage.c);
the executable lines of a file are those luac5.4 -l lists an instruction
for (but the chunk's VARARGPREP), less lines that hold only `end`, `else` or a closing bracket (the
closing RETURN of a function left early is never a line of its own).

usage: coverage.py BUILD_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
C_FILES = ["core/mobility_rules.c", "core/mobility_summary.c",
           "core/mobility_internal.h", "core/indicator.c", "core/suppress.c",
           "core/scope.c", "core/benchmark.c", "core/consortium.c"]
LUA_FILES = ["stdlib/vista/indicator.lua", "stdlib/vista/indicator_catalog.lua",
             "stdlib/vista/benchmark.lua", "stdlib/vista/consortium.lua"]
CLOSING = re.compile(r"^\s*(end|else|\}|\)|\]|end\))[\s,;)}\]]*(--.*)?$")


def pct(a, b):
    return "%6.1f %%" % (100.0 * a / b) if b else "     - "


def c_report(build):
    out = os.path.join(build, "coverage")
    os.makedirs(out, exist_ok=True)
    summary = os.path.join(out, "summary.json")
    cmd = ["gcovr", "-r", ROOT, build, "--filter", os.path.join(ROOT, "core") + "/",
           "--exclude-unreachable-branches", "--exclude-throw-branches",
           "--html-details", os.path.join(out, "index.html"),
           "--json-summary", summary, "--json", os.path.join(out, "coverage.json"),
           "-j", "2"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("coverage.py: gcovr failed: " + r.stderr.strip())
    with open(summary) as f:
        files = {x["filename"]: x for x in json.load(f)["files"]}
    print("C (gcov): %-28s %15s %17s" % ("file", "lines", "branches"))
    for name in C_FILES:
        x = files.get(name)
        if not x:
            print("          %-28s   not compiled or never run" % name)
            continue
        print("          %-28s %5d/%-5d%s %5d/%-5d%s" % (
            name, x["line_covered"], x["line_total"],
            pct(x["line_covered"], x["line_total"]),
            x["branch_covered"], x["branch_total"],
            pct(x["branch_covered"], x["branch_total"])))
    print("HTML report: %s" % os.path.relpath(os.path.join(out, "index.html"), ROOT))
    missed_branches(out)


def missed_branches(out):
    """Every branch of the listed files not taken, with its line."""
    with open(os.path.join(out, "coverage.json")) as f:
        files = {x["file"]: x for x in json.load(f)["files"]}
    report = []
    for name in C_FILES:
        x = files.get(name)
        if not x:
            continue
        with open(os.path.join(ROOT, name)) as f:
            text = f.read().split("\n")
        for line in x["lines"]:
            branches = line.get("branches", [])
            missed = sum(1 for b in branches if b["count"] == 0)
            if missed:
                n = line["line_number"]
                report.append("%s:%d: %d of %d not taken: %s" % (
                    name, n, missed, len(branches), text[n - 1].strip()))
    path = os.path.join(out, "branches-missed.txt")
    with open(path, "w") as f:
        f.write("\n".join(report) + "\n")
    print("C branches not taken: %s" % os.path.relpath(path, ROOT))


def executable_lines(path):
    r = subprocess.run(["luac5.4", "-l", "-l", "-p", path], capture_output=True,
                       text=True)
    if r.returncode != 0:
        sys.exit("coverage.py: luac5.4 -l %s failed: %s" % (path, r.stderr.strip()))
    # VARARGPREP opens a vararg chunk before its first line: no hook sees it.
    lines = {int(n) for n, op in re.findall(r"^\s*\d+\s+\[(\d+)\]\s+(\w+)", r.stdout, re.M)
             if op != "VARARGPREP"}
    with open(path) as f:
        text = f.read().split("\n")
    return {n for n in lines if 0 < n <= len(text) and not CLOSING.match(text[n - 1])}


def lua_report(build):
    hits = {}
    for path in glob.glob(os.path.join(build, "lua-coverage", "*.lines")):
        with open(path) as f:
            for line in f:
                name, _, n = line.rstrip("\n").rpartition("\t")
                hits.setdefault(name, set()).add(int(n))
    print("Lua (line hook): %-36s %15s" % ("file", "lines"))
    report = []
    for name in LUA_FILES:
        lines = executable_lines(os.path.join(ROOT, name))
        hit = hits.get(name, set()) & lines
        print("                 %-36s %5d/%-5d%s" % (name, len(hit), len(lines),
                                                    pct(len(hit), len(lines))))
        missed = sorted(lines - hit)
        report.append("%s: %d lines not run: %s" % (
            name, len(missed), ", ".join(map(str, missed)) or "none"))
    out = os.path.join(build, "coverage", "lua-missed.txt")
    with open(out, "w") as f:
        f.write("\n".join(report) + "\n")
    print("Lua lines not run: %s" % os.path.relpath(out, ROOT))


def main():
    build = os.path.abspath(sys.argv[1])
    c_report(build)
    print()
    lua_report(build)
    return 0


if __name__ == "__main__":
    sys.exit(main())
