#!/usr/bin/env python3
"""make install, as an administrator would see it: installs the build into a
temporary DESTDIR with the same cmake --install the Makefile runs, then uses
what was installed — the binary (--version, a ready script on the installed
examples), the manual page through `man -l`, the bash completion through
bash, the zsh completion's syntax — and removes it all with
tools/uninstall.sh, as make uninstall does.

usage: test_install.py BUILD_DIR
"""
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

SOURCE = os.environ.get("VISTA_SOURCE", os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))
PREFIX = "/usr/local"
failures = []


def check(ok, what):
    print(("ok     " if ok else "FAILED ") + what)
    if not ok:
        failures.append(what)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=120,
                          **kw)


def complete(completion, vista_dir, line, env):
    """COMPREPLY of the bash completion for the words of line (the last word
    is the one being completed; '' for a new one)."""
    words = line.split("|")
    script = (f'source "{completion}"\n'
              'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))\n'
              '_vista\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    e = dict(env, PATH=vista_dir + os.pathsep + env["PATH"])
    r = run(["bash", "-c", script, "bash"] + words, env=e)
    if r.returncode != 0 or r.stderr:
        return ["<bash failed: %s>" % r.stderr.strip()]
    return [w for w in r.stdout.split("\n") if w]


def zsh_completes(fpath, vista_dir, env, cases):
    """Types each line of cases into an interactive zsh with the installed
    _vista on its fpath, presses Tab twice (zsh lists what is ambiguous), and checks that every expected
    word appears (waiting up to 20 s for it). Returns the failures."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env, PATH=vista_dir + os.pathsep + env["PATH"],
                          TERM="dumb")
        os.execvp("zsh", ["zsh", "-f", "-i"])
    seen = ""

    def wait_for(words, timeout=20.0):
        nonlocal seen
        end = time.time() + timeout
        while time.time() < end:
            if all(w in seen for w in words):
                return True
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    seen += os.read(fd, 4096).decode(errors="replace")
                except OSError:
                    break
        return all(w in seen for w in words)

    bad = []
    try:
        os.write(fd, (f"fpath=({fpath} $fpath); autoload -U compinit; "
                      "compinit -u -D; PS1='%% '; echo READY\n").encode())
        wait_for(["READY\r\n"])
        for line, words in cases:
            seen = ""
            os.write(fd, (line + "\t\t").encode())
            if not wait_for(words):
                bad.append(f"{line!r}: {words} not in {seen!r}")
            # Clear the line for the next case, and let zsh draw it.
            os.write(fd, b"\x15")
            time.sleep(0.3)
    finally:
        os.write(fd, b"exit\n")
        os.close(fd)
        os.waitpid(pid, 0)
    return bad


def main():
    build = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="vista-install-")
    root = os.path.join(tmp, "root")
    env = dict(os.environ, LC_ALL="C.UTF-8", HOME=tmp)
    env.pop("VISTA_DB", None)
    try:
        r = run(["cmake", "--install", build, "--prefix", PREFIX],
                env=dict(env, DESTDIR=root))
        check(r.returncode == 0, "cmake --install into DESTDIR: " + r.stderr)
        manifest = os.path.join(build, "install_manifest.txt")
        with open(manifest, encoding="utf-8") as f:
            installed = [root + line.rstrip("\n") for line in f if line.strip()]
        # The directories are the build's (make install may have set
        # bindir, mandir... absolute); by default they are under PREFIX.
        prefix = root + PREFIX

        def where(suffix, default):
            found = [p for p in installed if p.endswith(suffix)]
            return found[0] if found else os.path.join(prefix, default)

        binaries = [p for p in installed if os.path.basename(p) == "vista"
                    and "/completions/" not in p]
        vista = binaries[0] if binaries else os.path.join(prefix, "bin/vista")
        man = where("/man1/vista.1", "share/man/man1/vista.1")
        bash_completion = where("/completions/vista",
                                "share/bash-completion/completions/vista")
        zsh_completion = where("/site-functions/_vista",
                               "share/zsh/site-functions/_vista")
        examples = os.path.dirname(where("/examples/mobility.csv",
                                         "share/doc/vista/examples/x"))
        for path in (vista, man, bash_completion, zsh_completion,
                     os.path.join(examples, "mobility.csv"),
                     os.path.join(examples, "college", "strategy.lua")):
            check(os.path.isfile(path) and path in installed,
                  "installed and in the manifest: " + path[len(root):])
        check(all(p.startswith(root + os.sep) for p in installed),
              "nothing installed outside DESTDIR")
        if not os.path.isfile(vista):
            print("1 failed: no binary was installed")
            return 1

        # The installed binary: its versions, and a ready script on the
        # installed examples, equal to the built binary's figures.
        r = run([vista, "--version"], env=env)
        check(r.returncode == 0 and re.fullmatch(
            r"vista \d+\.\d+\.\d+ \(SQLite 3\.\d+\.\d+, Lua 5\.4\.\d+, "
            r"libcsv \d+\.\d+\.\d+, schema version [1-9]\d*\)\n", r.stdout),
            "installed vista --version: " + r.stdout.strip())
        figures = []
        for name, binary in (("installed", vista),
                             ("built", os.path.join(build, "vista"))):
            db = os.path.join(tmp, name + ".db")
            out = ""
            for args in (["import", "institutions",
                          os.path.join(examples, "institutions.csv")],
                         ["import", "mobility",
                          os.path.join(examples, "mobility.csv")],
                         ["run", "mobility", "--by", "year", "vet=true",
                          "profile=learner"]):
                r = run([binary, "--db", db] + args, env=env)
                out = r.stdout if r.returncode == 0 else "failed: " + r.stderr
            figures.append(out)
        check(figures[0] == figures[1] and "learners" in figures[0],
              "installed vista run mobility on the installed examples "
              "gives the built binary's figures")

        # The manual page, as man shows it: every command and option of
        # --help is there, and groff has nothing to warn about.
        r = run(["man", "--warnings", "-l", man],
                env=dict(env, MANPAGER="cat", MANWIDTH="200"))
        page = r.stdout
        check(r.returncode == 0 and not r.stderr.strip(),
              "man -l vista.1 reads without warnings: " + r.stderr.strip())
        squeeze = lambda s: re.sub(r"\s+", " ", s)
        usage = run([vista, "--help"], env=env).stdout
        entries = re.findall(r"^  (\S.*?)(?:  |\n)", usage, re.M)
        check(len(entries) > 10, "--help lists its entries")
        missing = [e for e in entries if squeeze(e) not in squeeze(page)]
        check(not missing, "every --help entry is in the manual page: "
              + ", ".join(missing))
        for script in run([vista, "complete", "scripts"], env=env).stdout.split():
            check(re.search(r"^\s+" + script + r"\s+[a-zA-Z]", page, re.M),
                  "the manual page describes ready script " + script)

        # The bash completion, driven as bash drives it.
        bindir = os.path.dirname(vista)
        db = os.path.join(tmp, "installed.db")
        got = complete(bash_completion, bindir, "vista|", env)
        check({"init", "import", "export", "run", "repl"} <= set(got),
              "completes the commands: " + " ".join(got))
        got = complete(bash_completion, bindir, "vista|--d", env)
        check(got == ["--db"], "completes an option: " + " ".join(got))
        got = complete(bash_completion, bindir, "vista|import|", env)
        check({"mobility", "institutions", "strategy", "timeline", "survey"}
              <= set(got), "completes the import kinds: " + " ".join(got))
        got = complete(bash_completion, bindir, "vista|run|", env)
        check({"mobility", "why", "report", "benchmark"} <= set(got),
              "completes the ready scripts: " + " ".join(got))
        got = complete(bash_completion, bindir, "vista|run|mo", env)
        check(got == ["mobility"], "completes a script's name: " + " ".join(got))
        got = complete(bash_completion, bindir,
                       f"vista|--db|{db}|run|why|--institution|", env)
        check(r"B\ \ GENT25" in got and r"D\ \ MUNCHEN99" in got,
              "completes --institution with the database's codes: "
              + " ".join(got))
        got = complete(bash_completion, bindir,
                       f"vista|--db|{db}|--scope|D\\ \\ M", env)
        check(got == [r"D\ \ MUNCHEN99"],
              "completes a typed part of a code: " + " ".join(got))
        nodb = os.path.join(tmp, "none.db")
        got = complete(bash_completion, bindir,
                       f"vista|--db|{nodb}|run|why|--institution|", env)
        check(got == [] and not os.path.exists(nodb),
              "completion without a database offers nothing and creates none")

        if shutil.which("zsh"):
            bad = zsh_completes(os.path.dirname(zsh_completion), bindir, env, [
                ("vista ", ["export", "import", "repl"]),
                ("vista import ", ["institutions", "survey", "timeline"]),
                ("vista run ", ["benchmark", "mobility", "why"]),
                (f"vista --db {db} --scope D", [r"D\ \ BERLIN52",
                                                 r"D\ \ MUNCHEN99"]),
            ])
            check(not bad, "the zsh completion: " + "; ".join(bad))

        # make uninstall's tool on this install: every file goes, and
        # vista's own directories with them.
        listing = os.path.join(tmp, "installed.txt")
        with open(listing, "w", encoding="utf-8") as f:
            # As make install writes it: CMake's manifest, DESTDIR in
            # front, and like it no newline after the last line.
            f.write("\n".join(installed))
        r = run(["sh", os.path.join(SOURCE, "tools", "uninstall.sh"), listing],
                env=env)
        left = [os.path.join(d, n) for d, _, names in os.walk(root)
                for n in names]
        check(r.returncode == 0 and not left,
              "uninstall removes every installed file: " + r.stderr
              + " ".join(left))
        check(not os.path.exists(os.path.dirname(examples)),
              "uninstall removes vista's doc directory")
        check(os.path.isdir(os.path.dirname(vista)),
              "uninstall leaves the shared bin directory")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(failures)} failed" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
