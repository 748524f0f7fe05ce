#!/usr/bin/env python3
"""Faults survived, end to end: the memory cap over SQLite, a disk that
fills up, and kill -9 in the middle of every kind of import. After each
fault the database must be exactly as before (a full dump compared), and
vista must have said what happened in one line.

usage: test_faults.py VISTA_BINARY max_mem|disk_full|kill9|oom_cli
"""
import glob
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
        # Under ASan, freed blocks wait in a quarantine that would count in
        # the RSS: none for this measure.
        env = dict(os.environ)
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + \
            ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
        try:
            os.execve(VISTA, [VISTA, *args], env)
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


def full_disk_env(limit):
    """A child whose files cannot grow past limit bytes: write() fails with
    EFBIG, as on a full disk (SIGXFSZ ignored, so it is an error, not a
    signal). No tmpfs to mount: the tests need not run as root."""
    def pre():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return pre


def run_limited(limit, *args):
    r = subprocess.run([VISTA, *args], capture_output=True, text=True,
                       preexec_fn=full_disk_env(limit))
    return r.returncode, r.stdout, r.stderr


def test_disk_full():
    """An import and an export on a disk that fills up: one clear line,
    nothing half-written, the database as before."""
    must("--db", "d.db", "import", "institutions",
         os.path.join(EXAMPLES, "institutions.csv"))
    must("--db", "d.db", "import", "mobility",
         os.path.join(EXAMPLES, "mobility.csv"))
    before = dump("d.db")
    # 64 KiB: the WAL cannot take one page of the transaction.
    imports = {
        "mobility": ["import", "mobility",
                     os.path.join(EXAMPLES, "college", "mobility.csv")],
        "timeline": ["import", "timeline",
                     os.path.join(EXAMPLES, "college", "timeline.csv"),
                     "--institution", "B  BRUGGE12"],
    }
    for name, args in imports.items():
        status, out, err = run_limited(65536, "--db", "d.db", *args)
        check("import %s on a full disk: exit 1" % name, status == 1,
              "status %d, %r" % (status, err))
        check("import %s on a full disk: one line saying so" % name,
              err.count("\n") == 1 and err.startswith("vista: ")
              and ("File too large" in err or "is the disk full" in err),
              repr(err))
        check("import %s on a full disk: the database as before" % name,
              dump("d.db") == before)
        check("import %s on a full disk: no WAL left over" % name,
              not os.path.exists("d.db-wal"))
    # The export: the old file stays, no part file is left.
    with open("back.csv", "w") as f:
        f.write("the old export\n")
    status, out, err = run_limited(100000, "--db", "d.db", "export",
                                   "mobility", "--out", "back.csv")
    check("export on a full disk: exit 1", status == 1,
          "status %d, %r" % (status, err))
    check("export on a full disk: one line saying so",
          err.count("\n") == 1 and err.startswith("vista: back.csv: ")
          and "File too large" in err and err.endswith("(nothing written)\n"),
          repr(err))
    with open("back.csv") as f:
        check("export on a full disk: the old file untouched",
              f.read() == "the old export\n")
    check("export on a full disk: no part file left",
          not glob.glob("back.csv.vista-part*"))
    check("export on a full disk: the database as before",
          dump("d.db") == before)
    # With room, the same export replaces the file whole.
    status, out, err = run_limited(resource.RLIM_INFINITY, "--db", "d.db",
                                   "export", "mobility", "--out", "back.csv")
    with open("back.csv") as f:
        lines = f.read().count("\n")
    check("export with room: all rows", status == 0 and lines == 2001,
          "status %d, %d lines, %r" % (status, lines, err))
    check("export with room: no part file left",
          not glob.glob("back.csv.vista-part*"))


def write_rows(path, header, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write(header + "\n")
        for row in rows:
            f.write(row + "\n")


def big_inputs(n):
    """Files big enough that their import spills pages into the WAL long
    before it commits: generated here, a few seconds of work at most."""
    home = ["--institution", "B  BRUGGE12"]
    write_rows("institutions_big.csv", "erasmus_code,name,country,city",
               ("B  KILL%06d,School %d,BE,Brugge" % (i, i)
                for i in range(n)))
    write_rows("partners_big.csv", "name,country,city,kind,strategic",
               ("Partner school %d,FI,Helsinki,vet_school,yes" % i
                for i in range(n)))
    # Facts: one row per institution of the database and school year.
    write_rows("facts_big.csv", "institution,period,learners_enrolled",
               ("B  BASE%06d,%d-%02d,%d" % (i % 2000, 2000 + i // 2000,
                                             (1 + i // 2000) % 100, 100 + i)
                for i in range(min(n, 2000 * 90))))
    write_rows("timeline_big.csv", "kind,title,start,until",
               ("project,Project number %d,2018-06,2019-09" % i
                for i in range(n)))
    write_rows("survey_big.csv",
               "respondent,department,role,languages,experience,interest",
               ('%d,Construction,teacher,"nl:native, en:B2",none,no' % i
                for i in range(n)))
    with open("strategy_big.lua", "w") as f:
        f.write('''strategy {
  institution = { code = "B  BRUGGE12", name = "VTI Brugge", country = "BE",
                  city = "Brugge" },
  title = "Big", period = { from = "2024-09", to = "2028-08" },
  mission = "We train technicians.", vision = "Every learner abroad.",
}
factor "f" { level = "regional", category = "economic", text = "A need",
             trend = "rising", impact = 3, likelihood = 0.9 }
goal "g" { text = "A goal", why = factor "f", indicators = { "long_term_share" } }
''')
        for i in range(n // 4):
            f.write('action { goal = "g", what = "Action number %d", '
                    'start = "2024-09", due = "2025-06", budget = %d, '
                    'person_days = 1, status = "planned" }\n' % (i, i))
    return {
        "institutions": ["import", "institutions", "institutions_big.csv"],
        "partners": ["import", "partners", "partners_big.csv", *home],
        "facts": ["import", "facts", "facts_big.csv"],
        "timeline": ["import", "timeline", "timeline_big.csv", *home],
        "survey": ["import", "survey", "survey_big.csv", *home],
        "strategy": ["import", "strategy", "strategy_big.lua"],
    }


def test_kill9():
    """kill -9 in the middle of every kind of import leaves the database
    as it was: the import is one transaction, and SQLite's WAL drops the
    frames of a transaction that never committed."""
    write_rows("base.csv", "erasmus_code,name,country,city",
               ("B  BASE%06d,Base school %d,BE,Gent" % (i, i)
                for i in range(2000)))
    must("--db", "k.db", "import", "institutions",
         os.path.join(EXAMPLES, "institutions.csv"))
    must("--db", "k.db", "import", "institutions", "base.csv")
    must("--db", "k.db", "import", "mobility",
         os.path.join(EXAMPLES, "mobility.csv"))
    before = dump("k.db")
    for kind, args in big_inputs(300000).items():
        p = subprocess.Popen([VISTA, "--db", "k.db", *args],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        # Mid-way: the transaction has spilled pages into the WAL (it is
        # written at commit otherwise), and the import still runs.
        killed = False
        deadline = time.time() + 120
        while p.poll() is None and time.time() < deadline:
            try:
                if os.path.getsize("k.db-wal") > 4 * 1024 * 1024:
                    p.kill()
                    killed = True
                    break
            except FileNotFoundError:
                pass
            time.sleep(0.005)
        status = p.wait()
        check("kill -9 in import %s: killed mid-way" % kind,
              killed and status == -signal.SIGKILL,
              "the import ended first (status %d): make its input bigger"
              % status)
        check("kill -9 in import %s: the database as before" % kind,
              dump("k.db") == before)
        con = sqlite3.connect("k.db")
        ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        con.close()
        check("kill -9 in import %s: integrity" % kind, ok == "ok", ok)


def test_oom_cli():
    """The fault hook from the command line (VISTA_FAULT_ALLOC=N, a testing
    hook): at a spread of N, an import and a script end with one line
    about memory and a plain exit status, never a crash, and the database
    stays as it was. tests/unit/test_oom.c walks the N densely in-process."""
    must("--db", "c.db", "import", "institutions",
         os.path.join(EXAMPLES, "institutions.csv"))
    before = dump("c.db")
    commands = {
        "import": ["import", "mobility", os.path.join(EXAMPLES, "own_list.csv")],
        "script": ["run", "mobility", "--by", "year"],
    }
    for name, args in commands.items():
        n, runs = 1, 0
        while True:
            env = dict(os.environ, VISTA_FAULT_ALLOC=str(n))
            r = subprocess.run([VISTA, "--db", "c.db", *args], env=env,
                               capture_output=True, text=True)
            runs += 1
            if r.returncode in (0, 4):
                break
            check("%s, N = %d: exit status 1 or 3" % (name, n),
                  r.returncode in (1, 3), "status %d, %r" % (r.returncode,
                                                            r.stderr))
            check("%s, N = %d: one line about memory" % (name, n),
                  r.stderr.count("\n") == 1 and "memory" in r.stderr,
                  repr(r.stderr))
            check("%s, N = %d: the database as before" % (name, n),
                  dump("c.db") == before)
            n += 1 if n < 40 else n // 8
        check("%s: the operation succeeds past its allocations" % name,
              runs > 10, "%d runs" % runs)
        if name == "import":
            before = dump("c.db")


def main():
    parts = {"max_mem": test_max_mem, "disk_full": test_disk_full,
             "kill9": test_kill9, "oom_cli": test_oom_cli}
    with tempfile.TemporaryDirectory(prefix="vista-faults-") as tmp:
        os.chdir(tmp)
        parts[PART]()
        os.chdir("/")
    print("%d checks, %d failed" % (checks, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
