#!/usr/bin/env python3
"""require "vista" under the system lua5.4: imports the examples with the
built binary into two databases, then runs test_module.lua, which compares
the module's figures with the CLI's and checks scope, read-only, several
handles and close.

usage: run.py VISTA_BINARY MODULE_DIR LUA_INTERPRETER [ASAN_RUNTIME]
MODULE_DIR holds vista.so. ASAN_RUNTIME, for a sanitized build, is preloaded
into lua5.4 (the sanitizers' runtime must come first in the process).
"""
import os
import shutil
import subprocess
import sys
import tempfile

VISTA, MODULE_DIR, LUA = sys.argv[1], sys.argv[2], sys.argv[3]
ASAN = sys.argv[4] if len(sys.argv) > 4 else ""
SOURCE = os.environ.get("VISTA_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
EX = os.path.join(SOURCE, "examples")

# Configured before the interpreter was installed, the path is NOTFOUND:
# look for it again now.
if not os.path.isfile(LUA):
    LUA = shutil.which("lua5.4") or LUA
if not os.path.isfile(LUA):
    sys.exit("lua5.4 not found (%s): sh tools/deps.sh test installs it" % LUA)


def vista(db, *args):
    r = subprocess.run([VISTA, "--db", db, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("vista %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "examples.db")
    other = os.path.join(tmp, "other.db")
    vista(db, "import", "institutions", os.path.join(EX, "institutions.csv"))
    vista(db, "import", "mobility", os.path.join(EX, "mobility.csv"))
    vista(db, "import", "mobility", os.path.join(EX, "own_list.csv"))
    college = os.path.join(EX, "college")
    vista(db, "import", "strategy", os.path.join(college, "strategy.lua"))
    for kind, name in (("mobility", "mobility.csv"), ("facts", "facts.csv"),
                       ("partners", "partners.csv")):
        vista(db, "import", kind, os.path.join(college, name))
    vista(other, "import", "institutions", os.path.join(EX, "institutions.csv"))
    vista(other, "import", "mobility", os.path.join(EX, "mobility.csv"))

    env = dict(os.environ)
    # Only the built module: not one installed on the machine.
    env["LUA_CPATH"] = os.path.join(MODULE_DIR, "?.so")
    env["LUA_PATH"] = ""
    env["TMPDIR"] = tmp
    if ASAN:
        env["LD_PRELOAD"] = ASAN
    # README's example, on this database.
    readme = open(os.path.join(SOURCE, "README.md"), encoding="utf-8").read()
    section = readme.split('## From Lua (`require "vista"`)', 1)[1]
    example = section.split("```lua\n", 1)[1].split("```", 1)[0]
    example = example.replace('"vista.db"', repr(db).replace("'", '"'))
    r = subprocess.run([LUA, "-"], input=example, env=env, capture_output=True, text=True)
    lines = r.stdout.split("\n")
    if r.returncode != 0 or len(lines) < 4 or not lines[0].startswith("2014\t"):
        sys.exit("README's From Lua example failed (%d):\n%s%s" % (r.returncode, r.stdout, r.stderr))
    print("README's example: %d lines, first %r" % (len(lines) - 1, lines[0]))
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "test_module.lua")
    r = subprocess.run([LUA, script, VISTA, db, other], env=env,
                       capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    if r.returncode != 0:
        sys.exit("test_module.lua failed (exit status %d)" % r.returncode)
