#!/usr/bin/env python3
"""The interactive shell, driven through a pseudo-terminal as a person would
use it: prompts, multi-line input, printed values and tables, Ctrl-C to stop
a running chunk or drop the line being typed, history kept in the XDG state
directory on every way out (Ctrl-D, .quit, SIGTERM, SIGHUP), Ctrl-D to
leave, a top-level `local` lasting to the next lines; and Ctrl-C stopping a script run by `vista -e` with status 3.

usage: test_repl.py VISTA_BINARY
"""
import os
import pty
import select
import shutil
import signal
import sys
import tempfile
import time


class Shell:
    def __init__(self, vista, home):
        env = dict(os.environ, HOME=home, TERM="dumb", LC_ALL="C.UTF-8")
        env.pop("XDG_STATE_HOME", None)
        # pty.fork makes the terminal the child's controlling terminal, so
        # Ctrl-C typed into it sends SIGINT, as in a real terminal.
        pid, self.master = pty.fork()
        if pid == 0:
            os.execve(vista, [vista, "--db", ":memory:", "repl"], env)
        self.pid = pid
        self.status = None
        self.seen = ""

    def wait(self, timeout):
        end = time.time() + timeout
        while time.time() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            # Keep reading, so that a child writing on its way out (a
            # sanitizer report) never blocks on a full terminal.
            r, _, _ = select.select([self.master], [], [], 0.05)
            if r:
                try:
                    self.seen += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    pass
        raise AssertionError("the shell did not exit; it showed:\n" + self.seen)

    def kill(self):
        if self.status is None:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)

    def expect(self, text, timeout=10):
        """Reads until text appears; returns everything read up to it."""
        end = time.time() + timeout
        while text not in self.seen:
            left = end - time.time()
            if left <= 0:
                raise AssertionError(f"expected {text!r}; the shell showed:\n{self.seen}")
            r, _, _ = select.select([self.master], [], [], left)
            if r:
                try:
                    chunk = os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:
                    chunk = ""
                if not chunk:
                    raise AssertionError(f"shell ended; expected {text!r}:\n{self.seen}")
                self.seen += chunk
        before, _, self.seen = self.seen.partition(text)
        return before

    def send(self, text):
        os.write(self.master, text.encode())

    def ctrl_d(self):
        """Leaves with Ctrl-D; returns the exit status."""
        # A Ctrl-D typed ahead, while the line editor is still switching the
        # terminal's mode, can land in the line instead of ending it (the
        # editor then beeps at the next one); a person would clear the line
        # and press it again, and so does the test: Ctrl-U, Ctrl-D.
        for attempt in range(10):
            self.send("\x04" if attempt == 0 else "\x15\x04")
            try:
                return self.wait(3)
            except AssertionError:
                continue
        return self.status


def history_text(home):
    hist = os.path.join(home, ".local", "state", "vista", "history")
    assert os.path.exists(hist), "no history file"
    with open(hist, encoding="utf-8", errors="replace") as f:
        # libedit writes spaces as \040; GNU readline as they are.
        return f.read().replace("\\040", " ")


def fresh_shell(vista, fn):
    """Runs fn(shell, home) in a shell of its own, so that a shell the
    check ends (or kills) takes no other check with it."""
    home = tempfile.mkdtemp(prefix="vista-repl-")
    sh = Shell(vista, home)
    try:
        sh.expect("vista> ")
        fn(sh, home)
    finally:
        sh.kill()
        shutil.rmtree(home, ignore_errors=True)


def ctrl_c_empty_line(sh, home):
    sh.send("\x03")
    sh.expect("vista> ", timeout=5)
    sh.send("2 + 3\n")
    out = sh.expect("vista> ")
    assert "5" in out, out


def ctrl_c_half_typed_line(sh, home):
    sh.send("error('abandoned')")
    sh.expect("error('abandoned')")
    sh.send("\x03")
    sh.expect("vista> ", timeout=5)
    sh.send("7 * 6\n")
    out = sh.expect("vista> ")
    assert "42" in out and "abandoned" not in out, out


def ctrl_c_unfinished_chunk(sh, home):
    sh.send("for i = 1, 2 do\n")
    sh.expect("...> ")
    sh.send("print('inside', i)\n")
    sh.expect("...> ")
    sh.send("\x03")
    out = sh.expect("vista> ", timeout=5)
    assert "...>" not in out, out
    sh.send("40 + 2\n")
    out = sh.expect("vista> ")
    assert "42" in out and "inside" not in out, out


def ctrl_c_then_ctrl_d_keeps_history(sh, home):
    sh.send("11 + 22\n")
    sh.expect("vista> ")
    sh.send("\x03")
    sh.expect("vista> ", timeout=5)
    status = sh.ctrl_d()
    assert status == 0, f"exit status {status}:\n{sh.seen}"
    assert "11 + 22" in history_text(home)


def quit_keeps_history(sh, home):
    sh.send("10 + 20\n")
    sh.expect("vista> ")
    sh.send(".quit\n")
    status = sh.wait(5)
    assert status == 0, f"exit status {status}:\n{sh.seen}"
    assert "10 + 20" in history_text(home)


def sigterm_keeps_history(sh, home):
    sh.send("12 + 34\n")
    sh.expect("vista> ")
    os.kill(sh.pid, signal.SIGTERM)
    status = sh.wait(5)
    assert status == -signal.SIGTERM, f"exit status {status}:\n{sh.seen}"
    assert "12 + 34" in history_text(home)


def sighup_keeps_history(sh, home):
    # The terminal went away (a closed window, a dropped ssh session).
    sh.send("98 + 76\n")
    sh.expect("vista> ")
    os.kill(sh.pid, signal.SIGHUP)
    status = sh.wait(5)
    assert status == -signal.SIGHUP, f"exit status {status}:\n{sh.seen}"
    assert "98 + 76" in history_text(home)


def sigterm_stops_a_chunk_and_keeps_history(sh, home):
    sh.send("56 + 78\n")
    sh.expect("vista> ")
    sh.send("while true do end\n")
    time.sleep(0.5)
    os.kill(sh.pid, signal.SIGTERM)
    status = sh.wait(5)
    assert status == -signal.SIGTERM, f"exit status {status}:\n{sh.seen}"
    assert "56 + 78" in history_text(home)


def ctrl_c_stops_a_script(vista):
    """vista run / -e: Ctrl-C stops the script as a limit does, status 3."""
    import subprocess
    # The script says it runs before it loops: the signal is sent then, not
    # after a guessed delay (a loaded machine or a sanitizer build starts
    # slower than any delay).
    p = subprocess.Popen([vista, "--db", ":memory:", "-e",
                          "print('running') while true do end"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout.readline() == b"running\n", "the script did not start"
    p.send_signal(signal.SIGINT)
    try:
        err = p.communicate(timeout=10)[1].decode()
    except subprocess.TimeoutExpired:
        p.kill()
        raise AssertionError("the script did not stop")
    assert p.returncode == 3 and err == "vista: interrupted\n", (p.returncode, err)


def main():
    vista = os.path.abspath(sys.argv[1])
    home = tempfile.mkdtemp(prefix="vista-repl-")
    checks = []

    def check(name, fn):
        try:
            fn()
            checks.append((name, None))
        except AssertionError as e:
            checks.append((name, str(e)))

    sh = Shell(vista, home)
    sh.expect("vista> ")

    def expression():
        sh.send("1 + 1\n")
        out = sh.expect("vista> ")
        assert "2" in out.splitlines()[-1] or "\n2" in out, out

    def multiline():
        sh.send("for i = 1, 2 do\n")
        sh.expect("...> ")
        sh.send("print(i * 10)\n")
        sh.expect("...> ")
        sh.send("end\n")
        out = sh.expect("vista> ")
        assert "10" in out and "20" in out, out

    def table():
        sh.send("vista.sql(\"SELECT 1 AS n, 'Αθήνα' AS city UNION ALL SELECT 22, 'Gent'\")\n")
        out = sh.expect("vista> ")
        lines = [l.rstrip("\r") for l in out.split("\n")]
        assert " n  city" in lines and " 1  Αθήνα" in lines and "(2 rows)" in lines, out

    def ctrl_c():
        sh.send("while true do end\n")
        time.sleep(0.5)
        sh.send("\x03")
        out = sh.expect("vista> ")
        assert "interrupted" in out, out
        sh.send("2 + 3\n")
        out = sh.expect("vista> ")
        assert "5" in out, out

    def errors_keep_the_shell():
        sh.send("nosuch()\n")
        out = sh.expect("vista> ")
        assert "undefined global 'nosuch'" in out, out

    def help_():
        sh.send("help()\n")
        out = sh.expect("vista> ")
        assert "vista.sql" in out and "limits" in out, out
        sh.send("help(vista.sql)\n")
        out = sh.expect("vista> ")
        assert "read-only SQL statement" in out, out
        sh.send(".help\n")
        out = sh.expect("vista> ")
        assert ".tables" in out and ".schema" in out, out
        assert "local x = 1" in out and "session variable" in out, out

    def locals_last():
        # A top-level local is a session variable: the next line sees it,
        # a function defined on one line sees the value another line set,
        # and `local x` alone reads as nil.
        for line, want in [("local x = 40 + 2", None), ("x", "42"),
                           ("local n = 0", None),
                           ("local function bump() n = n + 1 return n end", None),
                           ("bump()", "1"), ("n = n + 10", None), ("bump()", "12"),
                           ("local nothing", None), ("nothing == nil", "true")]:
            sh.send(line + "\n")
            out = sh.expect("vista> ")
            assert "vista:" not in out, (line, out)
            if want is not None:
                got = [l.strip("\r ") for l in out.split("\n")]
                assert want in got, (line, out)

    def inner_locals_stay_local():
        # Inside a block or a function a local is Lua's; so is <close>.
        for line in ["do local inner = 1 end", "local c <close> = nil"]:
            sh.send(line + "\n")
            sh.expect("vista> ")
        for name in ["inner", "c"]:
            sh.send(name + "\n")
            out = sh.expect("vista> ")
            assert f"undefined global '{name}'" in out, out

    def ctrl_d_and_history():
        status = sh.ctrl_d()
        assert status == 0, f"exit status {status}:\n{sh.seen}"
        text = history_text(home)
        assert "1 + 1" in text, text

    for name, fn in [("an expression prints its value", expression),
                     ("a chunk continues over lines", multiline),
                     ("query results print as an aligned table", table),
                     ("Ctrl-C stops a running chunk", ctrl_c),
                     ("an error keeps the shell", errors_keep_the_shell),
                     ("help() and .help", help_),
                     ("a top-level local lasts to the next lines", locals_last),
                     ("a local in a block, or <close>, stays local",
                      inner_locals_stay_local),
                     ("Ctrl-D leaves and history is kept", ctrl_d_and_history)]:
        check(name, fn)
    sh.kill()
    shutil.rmtree(home, ignore_errors=True)
    for name, fn in [("Ctrl-C on an empty line gives a fresh prompt", ctrl_c_empty_line),
                     ("Ctrl-C drops a half-typed line", ctrl_c_half_typed_line),
                     ("Ctrl-C drops an unfinished chunk", ctrl_c_unfinished_chunk),
                     ("Ctrl-C, then Ctrl-D leaves with status 0 and history",
                      ctrl_c_then_ctrl_d_keeps_history),
                     (".quit keeps the history", quit_keeps_history),
                     ("SIGTERM at the prompt keeps the history", sigterm_keeps_history),
                     ("SIGHUP at the prompt keeps the history", sighup_keeps_history),
                     ("SIGTERM stops a running chunk and keeps the history",
                      sigterm_stops_a_chunk_and_keeps_history)]:
        check(name, lambda: fresh_shell(vista, fn))
    check("Ctrl-C stops a script with status 3", lambda: ctrl_c_stops_a_script(vista))
    failed = 0
    for name, err in checks:
        if err:
            failed += 1
            print(f"FAILED {name}: {err}")
        else:
            print(f"ok     {name}")
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
