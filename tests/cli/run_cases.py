#!/usr/bin/env python3
"""End-to-end cases: run the vista binary as a user would and compare its
standard output, standard error and exit status exactly.

usage: run_cases.py VISTA_BINARY CASES_DIR

A case is a file in CASES_DIR:

    # what the case shows (comment lines start with '#')
    setup: a shell command run first, in the case's own empty directory
    $ vista -e 'print(1 + 1)'
    < a line given on standard input (as many as needed)
    --- stdout
    2
    --- stderr
    --- exit 0
    then: a shell command that must succeed afterwards (a check)

`vista` in commands is the binary under test; $SOURCE is the source tree
(test data in $SOURCE/tests/data, the generator in $SOURCE/tools). A
missing section must be empty (stdout, stderr) or 0 (exit); '--- stdout
re' (or stderr re) compares with a regular expression that must match the
whole output instead.
"""
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile


def parse(path):
    case = {"setup": [], "then": [], "stdin": [], "cmd": None,
            "stdout": "", "stderr": "", "exit": 0, "stdout_re": False,
            "stderr_re": False}
    section = None
    body = {"stdout": [], "stderr": []}
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if section in ("stdout", "stderr") and not line.startswith("--- ") \
                    and not line.startswith("then: "):
                body[section].append(line)
                continue
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("setup: "):
                case["setup"].append(line[7:])
            elif line.startswith("then: "):
                case["then"].append(line[6:])
                section = None
            elif line.startswith("$ "):
                case["cmd"] = line[2:]
            elif line.startswith("< "):
                case["stdin"].append(line[2:])
            elif line == "<":
                case["stdin"].append("")
            elif line.startswith("--- stdout"):
                section = "stdout"
                case["stdout_re"] = line.strip() == "--- stdout re"
            elif line.startswith("--- stderr"):
                section = "stderr"
                case["stderr_re"] = line.strip() == "--- stderr re"
            elif line.startswith("--- exit "):
                case["exit"] = int(line[9:])
                section = None
            else:
                raise SystemExit(f"{path}: cannot read line: {line}")
    for k in ("stdout", "stderr"):
        case[k] = "".join(l + "\n" for l in body[k])
    if not case["cmd"]:
        raise SystemExit(f"{path}: no '$ command' line")
    return case


def main():
    vista, cases_dir = os.path.abspath(sys.argv[1]), sys.argv[2]
    source = os.environ.get("VISTA_SOURCE", os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    bindir = tempfile.mkdtemp(prefix="vista-bin-")
    os.symlink(vista, os.path.join(bindir, "vista"))
    env = dict(os.environ)
    env.pop("VISTA_DB", None)
    env.update(PATH=bindir + os.pathsep + env.get("PATH", ""), SOURCE=source,
               LC_ALL="C.UTF-8")
    passed = failed = 0
    for name in sorted(os.listdir(cases_dir)):
        if not name.endswith(".case"):
            continue
        case = parse(os.path.join(cases_dir, name))
        work = tempfile.mkdtemp(prefix="vista-case-")
        env["HOME"] = work
        problems = []
        for cmd in case["setup"]:
            r = subprocess.run(cmd, shell=True, cwd=work, env=env,
                               capture_output=True, text=True)
            if r.returncode != 0:
                problems.append(f"setup failed: {cmd}\n{r.stdout}{r.stderr}")
        if not problems:
            stdin = "".join(l + "\n" for l in case["stdin"])
            try:
                r = subprocess.run(case["cmd"], shell=True, cwd=work, env=env,
                                   input=stdin, capture_output=True, text=True,
                                   timeout=120)
            except subprocess.TimeoutExpired:
                problems.append("timed out after 120 s")
                r = None
            if r is not None:
                if case["stdout_re"]:
                    if not re.fullmatch(case["stdout"], r.stdout, re.S):
                        problems.append(f"stdout does not match /{case['stdout']}/:\n"
                                        + r.stdout)
                elif r.stdout != case["stdout"]:
                    problems.append("stdout differs:\n" + "".join(
                        difflib.unified_diff(case["stdout"].splitlines(True),
                                             r.stdout.splitlines(True),
                                             "expected", "actual")))
                if case["stderr_re"]:
                    if not re.fullmatch(case["stderr"], r.stderr, re.S):
                        problems.append(f"stderr does not match /{case['stderr']}/:\n"
                                        + r.stderr)
                elif r.stderr != case["stderr"]:
                    problems.append("stderr differs:\n" + "".join(
                        difflib.unified_diff(case["stderr"].splitlines(True),
                                             r.stderr.splitlines(True),
                                             "expected", "actual")))
                if r.returncode != case["exit"]:
                    problems.append(f"exit status {r.returncode}, expected {case['exit']}")
            for cmd in case["then"]:
                t = subprocess.run(cmd, shell=True, cwd=work, env=env,
                                   capture_output=True, text=True)
                if t.returncode != 0:
                    problems.append(f"check failed: {cmd}\n{t.stdout}{t.stderr}")
        shutil.rmtree(work, ignore_errors=True)
        if problems:
            failed += 1
            print(f"FAILED {name}: {case['cmd']}")
            for p in problems:
                print("  " + p.replace("\n", "\n  "))
        else:
            passed += 1
            print(f"ok     {name}")
    shutil.rmtree(bindir, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
