#!/usr/bin/env python3
"""The repository stands alone: a test of the suite itself.

- No file of the project (git ls-files, or a walk of the source tree when
  it is not a git checkout) names the folder that used to sit beside the
  clone, or the variable that pointed there.
- Every path inside the source tree that a test, a CLI case, the test
  build or the bench names exists: $SOURCE/... in cases and scripts,
  ${CMAKE_CURRENT_SOURCE_DIR}/... in tests/CMakeLists.txt,
  os.path.join(SOURCE or a folder made from it, "literal", ...) and the
  data files named beside such a folder in Python, and tests/data/...,
  tools/... and examples/... written out anywhere.
- CMake refuses to configure in the source directory (it would overwrite
  the top-level Makefile).

usage: test_standalone.py CMAKE_COMMAND
"""
import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

CMAKE = sys.argv[1] if len(sys.argv) > 1 else "cmake"
SOURCE = os.environ.get("VISTA_SOURCE", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
# Spelled in pieces so that this file does not name them itself.
FORBIDDEN = [".." + "/shared", "VISTA_" + "SHARED", "$" + "SHARED",
             "shared" + "/tools", "shared" + "/data"]
failures = []


def check(what, problems):
    if problems:
        failures.append(what)
        print("FAILED %s:" % what)
        for p in problems[:20]:
            print("    %s" % (p,))
    else:
        print("ok     %s" % what)


def ignore_patterns():
    patterns = [".git"]
    try:
        with open(os.path.join(SOURCE, ".gitignore"), encoding="utf-8") as f:
            patterns += [l.strip().strip("/") for l in f
                         if l.strip() and not l.startswith("#")]
    except OSError:
        pass
    return patterns


IGNORED = ignore_patterns()


def is_ignored(rel):
    """Made at build or run time (.gitignore says so), not part of the tree."""
    parts = rel.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatch(p, pat) or fnmatch.fnmatch(p.rsplit("/", 1)[-1], pat)
               for p in prefixes for pat in IGNORED)


def project_files():
    """Paths relative to SOURCE: tracked files, or a walk that skips what
    .gitignore names (build trees, bench data) when git cannot tell."""
    try:
        out = subprocess.run(["git", "-C", SOURCE, "ls-files", "-z"],
                             capture_output=True, check=True).stdout
        files = [f for f in out.decode("utf-8", "replace").split("\0") if f]
        if files:
            return files, "git ls-files"
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for root, dirs, names in os.walk(SOURCE):
        rel_root = os.path.relpath(root, SOURCE)
        rel_root = "" if rel_root == "." else rel_root + "/"
        dirs[:] = sorted(d for d in dirs if not is_ignored(rel_root + d))
        files += [rel_root + n for n in sorted(names) if not is_ignored(rel_root + n)]
    return files, "a walk of the source tree"


def read(rel):
    with open(os.path.join(SOURCE, rel), "rb") as f:
        return f.read()


def forbidden_names(files):
    problems = []
    for rel in files:
        data = read(rel)
        for word in FORBIDDEN:
            if word.encode() in data:
                line = data[:data.index(word.encode())].count(b"\n") + 1
                problems.append("%s:%d: names %s" % (rel, line, word))
    return problems


PY_JOIN = re.compile(r'os\.path\.join\(\s*([A-Z_]+)\s*((?:,\s*"[^"$]*"\s*)+)\)')
PY_ASSIGN = re.compile(r'^([A-Z_]+)\s*=\s*os\.path\.join\(\s*([A-Z_]+)\s*((?:,\s*"[^"$]*"\s*)+)\)',
                       re.M)
CASE_PATH = re.compile(r'\$SOURCE/([^\s"\'$;)|&><,]+)')
CMAKE_PATH = re.compile(r'\$\{(CMAKE_CURRENT_SOURCE_DIR|CMAKE_SOURCE_DIR)\}/([^\s")$;]+)')
DATA_NAME = re.compile(r'"(\w[\w.-]*\.(?:csv|tsv|xlsx|json))"')
WRITTEN = re.compile(r'(?<![\w/.])((?:tests/data|examples)/[\w./-]*\w|tools/[\w-]+\.\w+)')


def literal_parts(text):
    return re.findall(r'"([^"]*)"', text)


def referenced_paths(files):
    """(where, path relative to SOURCE) for each path the suite names."""
    refs = []
    for rel in files:
        if not (rel.startswith(("tests/", "bench/")) or rel == "Makefile") \
                or rel == "tests/cli/test_standalone.py":  # patterns, not paths
            continue
        if not rel.endswith((".py", ".case", ".sh", ".txt", ".lua", ".md", ".sql", ".mjs")) \
                and rel != "Makefile":
            continue
        text = read(rel).decode("utf-8", "replace")
        here = os.path.dirname(rel)
        for m in CASE_PATH.finditer(text):
            refs.append((rel, m.group(1)))
        if rel.endswith("CMakeLists.txt"):
            for m in CMAKE_PATH.finditer(text):
                base = here if m.group(1) == "CMAKE_CURRENT_SOURCE_DIR" else ""
                if "*" not in m.group(2):
                    refs.append((rel, os.path.normpath(os.path.join(base, m.group(2)))))
        if rel.endswith(".py"):
            # Folders a script builds from the source tree or its own one.
            known = {"SOURCE": "", "HERE": here}
            for m in PY_ASSIGN.finditer(text):
                if m.group(2) in known:
                    known[m.group(1)] = os.path.normpath(
                        os.path.join(known[m.group(2)], *literal_parts(m.group(3))))
            for m in PY_JOIN.finditer(text):
                if m.group(1) in known:
                    refs.append((rel, os.path.normpath(
                        os.path.join(known[m.group(1)], *literal_parts(m.group(2))))))
            # A script with a folder of test data names its files by name
            # alone ("erasmus_....csv"): each must be in that folder.
            data_dirs = [d for d in known.values() if d.startswith("tests/data")]
            # A name joined to a lower-case folder (a temporary one, made
            # by the script) is written there, not read from the tree.
            made = set(re.findall(r'os\.path\.join\(\s*[a-z_]\w*\s*,\s*"([^"]+)"', text))
            for name in DATA_NAME.findall(text) if data_dirs else ():
                if name in made:
                    continue
                found = [d for d in data_dirs if os.path.exists(os.path.join(SOURCE, d, name))]
                refs.append((rel, os.path.join(found[0] if found else data_dirs[0], name)))
        for m in WRITTEN.finditer(text):
            refs.append((rel, m.group(1)))
    return refs


def missing_paths(refs):
    problems = []
    for where, path in refs:
        if is_ignored(path):
            continue  # made when the script runs
        if path.startswith(".."):
            problems.append("%s: names %s, outside the source tree" % (where, path))
        elif any(c in path for c in "*?["):
            if not glob.glob(os.path.join(SOURCE, path)):
                problems.append("%s: names %s, which matches nothing in the source tree"
                                % (where, path))
        elif not os.path.exists(os.path.join(SOURCE, path)):
            problems.append("%s: names %s, which is not in the source tree" % (where, path))
    return problems


def in_source_configure():
    """CMake run with the source directory as the build directory stops at
    once with the project's message (a copy of the top-level
    CMakeLists.txt suffices: the guard comes before anything else)."""
    tmp = tempfile.mkdtemp(prefix="vista-insource-")
    try:
        shutil.copy(os.path.join(SOURCE, "CMakeLists.txt"), tmp)
        with open(os.path.join(tmp, "Makefile"), "w") as f:
            f.write("# the project's own Makefile\n")
        r = subprocess.run([CMAKE, "-S", tmp, "-B", tmp], capture_output=True, text=True)
        problems = []
        if r.returncode == 0:
            problems.append("cmake configured in the source directory")
        if "build outside the source tree" not in r.stderr:
            problems.append("no message saying to build elsewhere: " + r.stderr.strip()[:300])
        with open(os.path.join(tmp, "Makefile")) as f:
            if f.read() != "# the project's own Makefile\n":
                problems.append("the top-level Makefile was overwritten")
        return problems
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


files, how = project_files()
check("%d project files (%s) name nothing beside the clone" % (len(files), how),
      forbidden_names(files))
refs = referenced_paths(files)
check("%d paths the tests and bench name exist in the source tree" % len(refs),
      missing_paths(refs) or ([] if len(refs) > 20 else ["too few paths found: %d" % len(refs)]))
check("an in-source configure is refused", in_source_configure())
sys.exit(1 if failures else 0)
