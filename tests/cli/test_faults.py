#!/usr/bin/env python3
"""Faults survived, end to end: the memory cap over SQLite, a disk that
fills up, and kill -9 in the middle of every kind of import. After each
fault the database must be exactly as before (a full dump compared), and
vista must have said what happened in one line.

usage: test_faults.py VISTA_BINARY max_mem|disk_full|kill9
"""
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

VISTA = os.path.abspath(sys.argv[1])
PART = sys.argv[2]
SOURCE = os.environ.get("VISTA_SOURCE",
                        os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLES = os.path.join(SOURCE, "examples")
failures = 0
checks = 0


def check(what, ok, detail=""):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAILED %s%s" % (what, ": " + detail if detail else ""))


def run_rss(args):
    """Runs vista and returns (status, stderr, peak RSS in KiB)."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        errf = os.open("stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(errf, 2)
        try:
            os.execv(VISTA, [VISTA, *args])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    with open("stderr.txt") as f:
        err = f.read()
    return os.waitstatus_to_exitcode(status), err, usage.ru_maxrss


def dump(db):
    """Every row of every table, and the schema: the database's content."""
    con = sqlite3.connect(db)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def must(*args):
    r = subprocess.run([VISTA, *args], capture_output=True, text=True)
    if r.returncode not in (0, 4):
        sys.exit("vista %s failed (%d): %s" % (" ".join(args), r.returncode,
                                              r.stderr))
    return r.stdout


def test_max_mem():
    """A script's queries count against --max-mem: SQLite cannot be made
    to allocate past it, and the process stays near the cap."""
    must("--db", "t.db", "init")
    status, err, base = run_rss(["--db", "t.db", "-e", "print(#vista.sql("
                                 "'SELECT 1 AS n'))"])
    check("baseline run", status == 0, err)
    message = "vista: script exceeded the memory limit (16 MiB; see " \
              "--max-mem)\n"
    attacks = {
        "randomblob": "SELECT length(randomblob(1e9)) AS n",
        "printf": "SELECT length(printf('%.*c', 1e9, 'x')) AS n",
        "group_concat": "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT"
                        " i + 1 FROM c WHERE i < 100000) SELECT"
                        " length(group_concat(zeroblob(1e6))) AS n FROM c",
        # A sort bigger than the cap stays in memory, under the cap, rather
        # than spilling to temporary files that could fill the disk.
        "sort": "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                " FROM c WHERE i < 200000) SELECT count(*) AS n FROM"
                " (SELECT randomblob(300) AS b FROM c ORDER BY b)",
    }
    for name, sql in attacks.items():
        chunk = "print(vista.sql([[%s]])[1].n)" % sql
        status, err, rss = run_rss(["--db", "t.db", "--max-mem", "16M",
                                    "-e", chunk])
        check("%s: exit status 3" % name, status == 3,
              "status %d, %r" % (status, err))
        check("%s: message" % name, err == message, repr(err))
        # The cap is on what vista holds; the process adds its code and
        # the allocator's slack, measured by the baseline run.
        check("%s: peak RSS near the cap" % name,
              rss < base + 16 * 1024 + 8 * 1024,
              "%d KiB, baseline %d KiB" % (rss, base))
    # Under a generous cap the same kind of query works.
    status, err, _ = run_rss(["--db", "t.db", "--max-mem", "64M", "-e",
                              "assert(vista.sql('SELECT length(randomblob("
                              "1e6)) AS n')[1].n == 1e6)"])
    check("a query under the cap runs", status == 0, err)


def main():
    os.chdir(tempfile.mkdtemp(prefix="vista-faults-"))
    {"max_mem": test_max_mem}[PART]()
    print("%d checks, %d failed" % (checks, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
