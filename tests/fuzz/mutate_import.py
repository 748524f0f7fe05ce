#!/usr/bin/env python3
"""Mutation fuzzing of the CSV import, run as a test (deterministic seed).

Takes the committed mobility and institution fixtures and feeds the importer
hundreds of damaged copies: flipped and inserted bytes, stray and unclosed
quotes, NUL bytes, cut lines, invalid UTF-8, huge fields, CR-only line ends.
Every run must end with exit status 0, 1 or 4 and one-line messages on
standard error — never a crash, a hang or a sanitizer report (under the
sanitizer build any report exits 99). A crash found here becomes a CLI case.

usage: mutate_import.py VISTA_BINARY [COUNT]
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile

VISTA = os.path.abspath(sys.argv[1])
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 300
SOURCE = os.environ.get("VISTA_SOURCE", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
SEEDS = [("mobility", os.path.join(SOURCE, "tests/cli/fixtures/mobility_small.csv")),
         ("mobility", os.path.join(SOURCE, "examples/own_list.csv")),
         ("institutions", os.path.join(SOURCE, "examples/institutions.csv"))]


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        kind = rng.randrange(9)
        pos = rng.randrange(len(data) + 1)
        if kind == 0 and data:
            data[min(pos, len(data) - 1)] = rng.randrange(256)
        elif kind == 1:
            data[pos:pos] = rng.choice([b'"', b';', b',', b'\n', b'\r', b'\0', b'\xff',
                                        b'\xc3', b'""', b'\r\n', b'-', b'???'])
        elif kind == 2:
            del data[pos:pos + rng.randint(1, 40)]
        elif kind == 3:
            data[pos:pos] = b"x" * rng.choice([1, 100, 70000])
        elif kind == 4:
            data = data.replace(b"\n", b"\r")
        elif kind == 5:
            data = data[:pos]
        elif kind == 6:
            line = data.split(b"\n")
            if len(line) > 2:
                i = rng.randrange(1, len(line))
                line.insert(i, line[i])
                data = bytearray(b"\n".join(line))
        elif kind == 7:
            data[pos:pos] = b'"' + b"a" * rng.randint(0, 50)
        else:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(data)


def main():
    rng = random.Random(20261123)
    work = tempfile.mkdtemp(prefix="vista-fuzz-")
    failures = 0
    try:
        seeds = [(kind, open(path, "rb").read()) for kind, path in SEEDS]
        for n in range(COUNT):
            kind, data = seeds[n % len(seeds)]
            path = os.path.join(work, f"in{n}.csv")
            with open(path, "wb") as f:
                f.write(mutate(rng, data))
            db = os.path.join(work, f"t{n}.db")
            try:
                r = subprocess.run([VISTA, "--db", db, "import", kind, path],
                                   capture_output=True, timeout=60)
            except subprocess.TimeoutExpired:
                failures += 1
                print(f"FAILED case {n}: hung ({path} kept)")
                continue
            err = r.stderr.decode("utf-8", "replace")
            bad = r.returncode not in (0, 1, 4) or "Sanitizer" in err or \
                "runtime error" in err or any(not l.startswith("vista: ")
                                              for l in err.splitlines())
            if bad:
                failures += 1
                keep = os.path.join(tempfile.gettempdir(), f"vista-fuzz-crash-{n}.csv")
                shutil.copy(path, keep)
                print(f"FAILED case {n}: exit {r.returncode}, input kept in {keep}\n{err[:2000]}")
            for p in (path, db, db + "-wal", db + "-shm"):
                if os.path.exists(p):
                    os.remove(p)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{COUNT - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
