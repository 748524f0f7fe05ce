#!/usr/bin/env python3
"""make mutate: does the suite notice a wrong rule?

Puts small mistakes, one at a time, into the files that decide figures and
privacy (FILES), rebuilds the release build, runs the suite until the first
failing test, restores the file, and prints the mutants that survived and
the score (killed / all that built). It works on a copy of the source tree
(build-mutate/src, refreshed at every start) so that the worktree never
holds a mutant, whatever stops the run, and other builds can go on.

The mistakes (OPERATORS): a comparison flipped or shifted by one (`<` <->
`<=`, `>= 10` -> `>= 11`), `==` <-> `!=`, `&&` <-> `||`, a `!` dropped, a
case removed from a list of codes (`strcmp(x, "KA122-VET") == 0` -> 0), a
column of a SUM swapped for its neighbour, a CASE's condition negated.
Comments and message texts are left alone; SQL in string literals is
mutated like code.

A full run takes long on a small machine, so every result is written to a
results file at once (build-mutate/mutate-results.json) and a run resumes
where the last one stopped: --file to mutate one file, --limit N to stop
after N new mutants, --list to print the mutants without running them,
--fresh to forget the results. Tests that fail before any mutant (e.g. for
lack of data outside the repository) are left out and named.

Equivalent mutants (no test can tell them from the code: same behaviour)
are listed in EQUIVALENT with the reason, by file and mutant text, and not
counted.

usage: mutate.py [--dir DIR] [--file F] [--limit N] [--id ID] [--list]
                 [--summary] [--fresh] [--retry-survivors] [--all-tests]
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

FILES = [
    "core/mobility_rules.c",
    "core/mobility_internal.h",
    "core/mobility_summary.c",
    "core/suppress.c",
    "core/indicator.c",
    "core/scope.c",
    "core/benchmark.c",
    "core/consortium.c",
]

# The tests, cheapest and most to the point first: the run stops at the
# first failure, so a killed mutant usually costs a few seconds.
ORDER = ["unit_rules", "unit_suppress", "edges_oracle", "unit_mobility", "indicators_oracle",
         "consortium_oracle",
         "lua_test_mobility", "lua_test_stdlib", "benchmark_oracle",
         "mobility_oracle", "unit_store", "unit_query", "unit_csv",
         "unit_sandbox", "lua_test_format", "lua_test_strategy", "lua_journey",
         "repl_pty", "cli", "report_browser", "fuzz_import"]

# Plumbing, not rules: status codes, memory, buffer sizes, the Lua stack.
# A mistake there crashes or fails loudly, which the sanitizer pass and the
# unit tests' error paths are for; this tool asks whether a wrong *rule*
# goes unnoticed.
PLUMBING = re.compile(r"^\s*for \(|SQLITE_|VISTA_OK|VISTA_ERR|vista_seterr|luaL_|lua_|"
                      r"alloc\(|free\(|\bcap\b|_cap\b|\brc\b|sizeof|"
                      r"snprintf|memcpy|memset|->failed|nfields")

# (file, mutated line stripped) -> mutants that differ from the code only
# when an allocation fails: no test injects that, so they are listed apart
# and not counted (the sanitizer pass and the OOM statuses are their guard).
OOM_ONLY = {
    ("core/mobility_summary.c", "if (!order || !spare || !ints || !texts && !sql) {"): "",
    ("core/mobility_summary.c", "if (!order || !spare || !ints && !texts || !sql) {"): "",
    ("core/mobility_summary.c", "if (!order || !spare && !ints || !texts || !sql) {"): "",
    ("core/mobility_summary.c", "if (!order && !spare || !ints || !texts || !sql) {"): "",
}

# Left out unless --all-tests: it feeds the importer random damage and
# checks only that nothing crashes; it compares no figure, and takes 15 s.
NOT_FOR_RULES = {"fuzz_import"}

ORDER_ONLY = ("the order rows are inserted in (insert_order's radix sort, the "
              "rank of names, the chunk size) changes speed only: the rows are the same")

# (file, mutated line stripped) -> why no test can tell it from the code.
EQUIVALENT = {
    ("core/mobility_summary.c", "size_t nrows = n - i <= chunk ? n - i : chunk;"):
        "when n - i equals chunk both sides give the same number",
    ("core/mobility_summary.c", "if (project <= 0)"):
        "project ids are SQLite rowids, 1 or more: none is 0",
    ("core/mobility_summary.c", "if (project < 1)"):
        "project ids are SQLite rowids, 1 or more: none is 0",
    ("core/mobility_summary.c", 'return (unsigned)((d <= 8 ? o->b >> 8 * d : o->a >> 8 * (d - 8)) & 255);'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'return (unsigned)((d < 9 ? o->b >> 8 * d : o->a >> 8 * (d - 8)) & 255);'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'if (count[d][order_byte(&v[0], d)] != n)'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'if (from == v)'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'r += c < 0 || (c == 0 && j <= i);'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'r += c < 0 && (c == 0 && j < i);'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'r += c <= 0 || (c == 0 && j < i);'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'r += c < 0 || (c == 0 || j < i);'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'r += c < 1 || (c == 0 && j < i);'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'r += c < 0 || (c != 0 && j < i);'):
        ORDER_ONLY,
    ("core/mobility_summary.c", 'size_t n = m->count, chunk = n <= SUMMARY_CHUNK ? n : SUMMARY_CHUNK;'):
        ORDER_ONLY,

    ("core/mobility_rules.c",
     "if (n <= 20 || n > 40 || mob_parse_int(p, 4, 1990, 2100, &v) != 0 ||"):
        "the shortest reference the parts allow is 21 characters "
        "(YYYY-R-NA00-KA000-NNN), so none has 20",
    ("core/mobility_rules.c",
     "if (n < 21 || n > 40 || mob_parse_int(p, 4, 1990, 2100, &v) != 0 ||"):
        "the shortest reference the parts allow is 21 characters",
    ("core/mobility_rules.c",
     "if (n < 20 || n > 41 || mob_parse_int(p, 4, 1990, 2100, &v) != 0 ||"):
        "the longest reference the parts allow is 40 characters (a 15-character "
        "key action, an 11-digit serial), so none has 41",
    ("core/mobility_summary.c", "if ((k->in & 1u << m))"):
        "mob_summary_hint only prefetches memory: which maps it touches changes "
        "speed, never a figure",
    ("core/mobility_summary.c", "if (stage != 0) {"):
        "mob_summary_hint only prefetches memory: which stage prefetches what "
        "changes speed, never a figure",
}

SQL_HINT = re.compile(r"\b(SELECT|WHERE|WHEN|THEN|JOIN|GROUP BY|sum\(|count\(|CASE)\b|\bAND\b")


def split_code(line):
    """Spans of a line: ('code'|'str', text), comments removed. Block
    comments spanning lines are handled by the caller."""
    out, i, n, cur, mode = [], 0, len(line), "", "code"
    while i < n:
        c = line[i]
        if mode == "code":
            if line.startswith("/*", i) or line.startswith("//", i):
                break
            if c == '"':
                out.append(("code", cur)); cur, mode = '"', "str"
            elif c == "'":
                j = line.find("'", i + 1 + (line[i + 1] == "\\" if i + 1 < n else 0))
                j = n - 1 if j < 0 else j
                cur += line[i:j + 1]; i = j
            else:
                cur += c
        else:
            cur += c
            if c == "\\" and i + 1 < n:
                cur += line[i + 1]; i += 1
            elif c == '"':
                out.append(("str", cur)); cur, mode = "", "code"
        i += 1
    out.append((mode, cur))
    return out


# Each operator: (name, regex, replacement function or list of texts).
REL = re.compile(r"(?<![<>=!-])(<=|>=|==|!=|<|>)(?![<>=])")
SHIFT = re.compile(r"(?<![<>=!-])(<=|>=|<|>)(?![<>=])\s*(\d+)\b")
LOGIC = re.compile(r"&&|\|\|")
NOT = re.compile(r"!(?!=)")
CASE = re.compile(r"strcmp\(\s*\w+\s*,\s*\"[^\"]+\"\s*\)\s*==\s*0")
SUM = re.compile(r"\b(sum|count)\((DISTINCT )?(\w+)\.(\w+)\)")
SQL_REL = re.compile(r"(?<![<>=!])(<=|>=|=|<>|!=|<|>)(?![<>=])")
SQL_LOGIC = re.compile(r"\b(AND|OR)\b")

FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
SQL_FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "=": "<>", "<>": "=",
            "!=": "="}


def mutants_of_span(kind, text, columns):
    """(description, new text) for each mutant of one span."""
    out = []
    if kind == "code":
        for m in REL.finditer(text):
            op = m.group(1)
            out.append(("%s -> %s" % (op, FLIP[op]),
                        text[:m.start()] + FLIP[op] + text[m.end():]))
        for m in SHIFT.finditer(text):
            op, n = m.group(1), int(m.group(2))
            out.append(("%s %d -> %s %d" % (op, n, op, n + 1),
                        text[:m.start()] + "%s %d" % (op, n + 1) + text[m.end():]))
        for m in LOGIC.finditer(text):
            new = "||" if m.group(0) == "&&" else "&&"
            out.append(("%s -> %s" % (m.group(0), new),
                        text[:m.start()] + new + text[m.end():]))
        for m in NOT.finditer(text):
            out.append(("! dropped", text[:m.start()] + text[m.end():]))
    elif SQL_HINT.search(text):
        for m in SQL_REL.finditer(text):
            op = m.group(1)
            out.append(("SQL %s -> %s" % (op, SQL_FLIP[op]),
                        text[:m.start()] + SQL_FLIP[op] + text[m.end():]))
        for m in SHIFT.finditer(text):
            op, n = m.group(1), int(m.group(2))
            out.append(("SQL %s %d -> %s %d" % (op, n, op, n + 1),
                        text[:m.start()] + "%s %d" % (op, n + 1) + text[m.end():]))
        for m in SQL_LOGIC.finditer(text):
            new = "OR" if m.group(1) == "AND" else "AND"
            out.append(("SQL %s -> %s" % (m.group(1), new),
                        text[:m.start()] + new + text[m.end():]))
        for m in SUM.finditer(text):
            alias, col = m.group(3), m.group(4)
            others = [c for c in columns.get(alias, []) if c != col]
            if others:
                # The column next to it in the same query: a SUM swapped.
                seq = columns[alias]
                nxt = seq[(seq.index(col) + 1) % len(seq)]
                nxt = nxt if nxt != col else others[0]
                new = m.group(0).replace("%s.%s" % (alias, col), "%s.%s" % (alias, nxt))
                out.append(("SQL %s(%s.%s) -> %s.%s" % (m.group(1), alias, col, alias, nxt),
                            text[:m.start()] + new + text[m.end():]))
    return out


def sum_columns(lines):
    """Per table alias, the columns summed anywhere in the file, in order."""
    cols = {}
    for line in lines:
        for m in SUM.finditer(line):
            seq = cols.setdefault(m.group(3), [])
            if m.group(4) not in seq:
                seq.append(m.group(4))
    return cols


def copy_tree(src, dst):
    """The sources and tests, without builds and data of other runs. A file
    that changed is written anew, so that it is newer than what was built
    from it (a stopped run may have built a mutant); the others keep their
    time, so that a rebuild compiles only what changed."""
    skip = shutil.ignore_patterns(".git", "build*", "bench", "*.db", "*.db-*",
                                  "__pycache__")

    def copy(s, d):
        if os.path.exists(d):
            with open(s, "rb") as a, open(d, "rb") as b:
                if a.read() == b.read():
                    return d
            os.remove(d)
        shutil.copyfile(s, d)
        shutil.copymode(s, d)
        return d
    shutil.copytree(src, dst, ignore=skip, copy_function=copy,
                    dirs_exist_ok=True)


def mutants(path):
    seen = {}
    for m in raw_mutants(path):
        # Identical lines give identical mutants: number the repeats.
        n = seen[m["id"]] = seen.get(m["id"], 0) + 1
        if n > 1:
            m["id"] += "-%d" % n
        yield m


def raw_mutants(path):
    with open(os.path.join(ROOT, path)) as f:
        lines = f.read().split("\n")
    columns = sum_columns(lines)
    in_comment = False
    for no, line in enumerate(lines):
        code = line
        keep = 0
        if in_comment:
            end = code.find("*/")
            if end < 0:
                continue
            in_comment = False
            keep = end + 2
            code = " " * keep + code[keep:]
        stripped = code.strip()
        if PLUMBING.search(code) or stripped.startswith("#include") or stripped.startswith("#if") or \
                stripped.startswith("#endif") or "assert(" in stripped:
            continue
        spans = split_code(code)
        joined = "".join(t for _, t in spans)
        tail = code[len(joined):]  # a comment, left as it is
        if "/*" in tail and "*/" not in tail[tail.find("/*"):]:
            in_comment = True
        prefix = ""
        for idx, (kind, text) in enumerate(spans):
            after = "".join(t for _, t in spans[idx + 1:])
            for what, new in mutants_of_span(kind, text, columns):
                full = prefix + new + after + tail
                full = line[:keep] + full[keep:]  # a comment's end, kept
                key = hashlib.sha1(("%s\0%s\0%s" % (path, line.strip(), full.strip()))
                                   .encode()).hexdigest()[:12]
                yield {"id": key, "file": path, "line": no + 1, "what": what,
                       "original": line, "mutated": full}
            prefix += text
        # A case removed from a list of codes spans code and string alike.
        for m in CASE.finditer(joined):
            full = line[:keep] + (joined[:m.start()] + "0" + joined[m.end():] + tail)[keep:]
            key = hashlib.sha1(("%s\0%s\0%s" % (path, line.strip(), full.strip()))
                               .encode()).hexdigest()[:12]
            yield {"id": key, "file": path, "line": no + 1,
                   "what": "case %s removed" % re.search(r'"[^"]+"', m.group(0)).group(0),
                   "original": line, "mutated": full}


def sh(cmd, cwd=None, timeout=None):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def build(bdir):
    r = sh(["cmake", "--build", bdir, "-j", str(os.cpu_count() or 2)])
    return r.returncode == 0


def list_tests(bdir):
    r = sh(["ctest", "--test-dir", bdir, "-N"])
    names = re.findall(r"Test\s+#\d+: (\S+)", r.stdout)
    return sorted(names, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))


def run_tests(bdir, tests, stop=True):
    """The first failing test's name (or None) and the seconds taken."""
    start = time.time()
    failed = []
    for t in tests:
        try:
            r = sh(["ctest", "--test-dir", bdir, "-R", "^%s$" % re.escape(t),
                    "--timeout", "120"], timeout=300)
            ok = r.returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
        if not ok:
            failed.append(t)
            if stop:
                break
    return failed, time.time() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=os.path.join(ROOT, "build-mutate"),
                    help="where the copy, its build and the results go")
    ap.add_argument("--file", action="append")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--id", action="append", help="run only this mutant (see --list)")
    ap.add_argument("--summary", action="store_true",
                    help="print the survivors and the score on record, run nothing")
    ap.add_argument("--fresh", action="store_true")
    ap.add_argument("--results")
    ap.add_argument("--all-tests", action="store_true")
    ap.add_argument("--baseline", action="store_true",
                    help="run the unmutated suite again to see which tests pass")
    ap.add_argument("--retry-survivors", action="store_true",
                    help="run the survivors again (after adding tests)")
    a = ap.parse_args()
    files = a.file or FILES
    for f in files:
        if f not in FILES:
            sys.exit("mutate.py: %s is not one of the mutated files (%s)" % (f, ", ".join(FILES)))
    all_mutants = [m for f in files for m in mutants(f)
                   if not a.id or m["id"] in a.id]
    if a.list:
        for m in all_mutants:
            print("%s %s:%d %s\n    %s" % (m["id"], m["file"], m["line"], m["what"],
                                          m["mutated"].strip()))
        print("%d mutants" % len(all_mutants))
        return 0

    src = os.path.join(a.dir, "src")
    bdir = os.path.join(a.dir, "build")
    results_path = a.results or os.path.join(a.dir, "mutate-results.json")
    if a.summary:
        with open(results_path) as f:
            return summary(json.load(f), all_mutants, 0, 0)
    os.makedirs(a.dir, exist_ok=True)
    copy_tree(ROOT, src)
    # A stop by signal unwinds like Ctrl-C, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("mutate.py: stopped"))
    if sh(["cmake", "-S", src, "-B", bdir, "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]).returncode:
        sys.exit("mutate.py: cmake failed for " + bdir)
    if not build(bdir):
        sys.exit("mutate.py: the unmutated code does not build")
    results = {}
    if os.path.exists(results_path) and not a.fresh:
        with open(results_path) as f:
            results = json.load(f)
    tests = list_tests(bdir)
    if not a.all_tests:
        tests = [t for t in tests if t not in NOT_FOR_RULES]
    base = results.get("_baseline")
    if a.baseline or not base or set(base["tests"]) != set(tests):
        broken, secs = run_tests(bdir, tests, stop=False)
        base = results["_baseline"] = {"tests": tests, "broken": broken,
                                       "seconds": round(secs, 1)}
    broken = base["broken"]
    tests = [t for t in tests if t not in broken]
    print("baseline: %d tests pass in %.0f s%s" % (
        len(tests), base["seconds"], "; left out, failing without a mutant: " +
        ", ".join(broken) if broken else ""))
    if a.retry_survivors:
        asked = {m["id"] for m in all_mutants}
        for k in [k for k, r in results.items()
                  if k in asked and r["status"] == "survived"
                  and (r["file"], r["mutated"].strip()) not in EQUIVALENT
                  and (r["file"], r["mutated"].strip()) not in OOM_ONLY]:
            del results[k]

    done = 0
    started = time.time()
    for m in all_mutants:
        if m["id"] in results:
            continue
        if a.limit and done >= a.limit:
            break
        path = os.path.join(src, m["file"])
        with open(path) as f:
            original = f.read()
        lines = original.split("\n")
        assert lines[m["line"] - 1] == m["original"]
        lines[m["line"] - 1] = m["mutated"]
        t0 = time.time()
        try:
            with open(path, "w") as f:
                f.write("\n".join(lines))
            if not build(bdir):
                status, killer = "stillborn", None
            else:
                failed, _ = run_tests(bdir, tests)
                status = "killed" if failed else "survived"
                killer = failed[0] if failed else None
        finally:
            with open(path, "w") as f:
                f.write(original)
        r = dict(m, status=status, killed_by=killer, seconds=round(time.time() - t0, 1),
                 at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        results[m["id"]] = r
        done += 1
        print("%-9s %s:%d %s%s (%.0f s)" % (status, m["file"], m["line"], m["what"],
                                          " by " + killer if killer else "", r["seconds"]),
              flush=True)
        with open(results_path + ".tmp", "w") as f:
            json.dump(results, f, indent=1, sort_keys=True)
        os.replace(results_path + ".tmp", results_path)
    build(bdir)  # leave the build as the code is
    return summary(results, all_mutants, done, time.time() - started)


def summary(results, all_mutants, done, seconds):
    # The score over the files asked for, from every result on record.
    ids = {m["id"] for m in all_mutants}
    rs = [r for k, r in results.items() if k != "_baseline" and r["id"] in ids]
    equivalent = [r for r in rs if (r["file"], r["mutated"].strip()) in EQUIVALENT]
    oom = [r for r in rs if (r["file"], r["mutated"].strip()) in OOM_ONLY]
    counted = [r for r in rs if r["status"] in ("killed", "survived")
               and r not in equivalent and r not in oom]
    killed = [r for r in counted if r["status"] == "killed"]
    survived = [r for r in counted if r["status"] == "survived"]
    print()
    if survived:
        print("survivors:")
        for r in sorted(survived, key=lambda r: (r["file"], r["line"])):
            print("  %s:%d %s\n      %s" % (r["file"], r["line"], r["what"], r["mutated"].strip()))
    if equivalent:
        print("equivalent (not counted):")
        for r in sorted(equivalent, key=lambda r: (r["file"], r["line"])):
            print("  %s:%d %s: %s" % (r["file"], r["line"], r["what"],
                                     EQUIVALENT[(r["file"], r["mutated"].strip())]))
    if oom:
        print("differ only when memory runs out (not counted):")
        for r in sorted(oom, key=lambda r: (r["file"], r["line"])):
            print("  %s:%d %s" % (r["file"], r["line"], r["what"]))
    pending = len(ids) - len(rs)
    stillborn = sum(1 for r in rs if r["status"] == "stillborn")
    print("score: %d of %d killed (%.1f %%); %d equivalent, %d only without memory, "
          "%d did not build, %d not run yet; this run: %d mutants in %.0f s" % (
              len(killed), len(counted), 100.0 * len(killed) / max(1, len(counted)),
              len(equivalent), len(oom), stillborn, pending, done, seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
