#!/usr/bin/env python3
"""The documentation points at files that exist.

- help() and help("suppression") name the definitions document, and every
  document the help names is in the repository;
- every relative link in README.md and docs/*.md leads to a file of the
  repository, and a link to a heading (#anchor) of a Markdown file to a
  heading it has;
- no file names the design notes that lived outside the repository.

usage: test_docs.py VISTA_BINARY
"""
import glob
import os
import re
import subprocess
import sys

VISTA = sys.argv[1]
SOURCE = os.path.realpath(os.environ.get(
    "VISTA_SOURCE", os.path.join(os.path.dirname(__file__), "..", "..")))
DEFINITIONS = "docs/definitions.md"
failures = 0
checks = 0


def check(what, ok, detail=""):
    global failures, checks
    checks += 1
    if not ok:
        failures += 1
        print("FAILED %s%s" % (what, ": " + detail if detail else ""))


def help_text(arg):
    chunk = "help(%s)" % arg
    r = subprocess.run([VISTA, "--db", ":memory:", "-e", chunk],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("vista -e '%s' failed (%d): %s" % (chunk, r.returncode, r.stderr))
    return r.stdout


# The help names the document, and only documents that exist.
for arg in ("", '"suppression"', '"definitions"'):
    text = help_text(arg)
    named = set(re.findall(r"[\w./-]+\.md\b", text))
    check("help(%s) names %s" % (arg, DEFINITIONS), DEFINITIONS in named,
          "it names %s" % (sorted(named) or "no document"))
    for name in sorted(named):
        check("help(%s) names %s, which is in the repository" % (arg, name),
              os.path.isfile(os.path.join(SOURCE, name)))


def strip_code(text):
    """Markdown without fenced blocks and code spans: links there are
    examples, not links."""
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", text, flags=re.S)


def slug(heading):
    """The anchor GitHub gives a heading: its text lowercased, without
    punctuation but '-' and '_', spaces as '-'."""
    h = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # links: their text
    h = h.replace("`", "").strip().lower()
    h = re.sub(r"[^\w\- ]", "", h)
    return h.replace(" ", "-")


def anchors(path):
    out = set()
    seen = {}
    with open(path, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", text, flags=re.S | re.M)
    for m in re.finditer(r"^#{1,6}\s+(.*?)\s*#*\s*$", text, flags=re.M):
        s = slug(m.group(1))
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else "%s-%d" % (s, n))
    return out


def links(text):
    """Inline links and images [text](target "title"), and reference
    definitions [label]: target."""
    for m in re.finditer(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", text):
        yield m.group(1)
    for m in re.finditer(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", text, flags=re.M):
        yield m.group(1)


documents = [os.path.join(SOURCE, "README.md")] + sorted(
    glob.glob(os.path.join(SOURCE, "docs", "*.md")))
check("the definitions document exists", os.path.isfile(os.path.join(SOURCE, DEFINITIONS)))
for doc in documents:
    rel_doc = os.path.relpath(doc, SOURCE)
    with open(doc, encoding="utf-8") as f:
        body = strip_code(f.read())
    for target in links(body):
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):
            continue  # http:, https:, mailto: - not a file of ours
        path, _, fragment = target.partition("#")
        where = os.path.realpath(os.path.join(os.path.dirname(doc), path)) if path else doc
        what = "%s links to %s" % (rel_doc, target)
        inside = where == SOURCE or where.startswith(SOURCE + os.sep)
        check(what + ", inside the repository", inside)
        check(what + ", which exists", os.path.exists(where))
        if fragment and inside and where.endswith(".md") and os.path.isfile(where):
            check(what + ", a heading it has", fragment in anchors(where),
                  "no heading gives #%s" % fragment)

# The design notes were never part of the repository: nothing may send a
# reader there. (The name is assembled so that this file does not name it.)
missing = "DOM" + "AIN.md"
skip_dirs = {".git", "node_modules"}
for root, dirs, files in os.walk(SOURCE):
    dirs[:] = [d for d in dirs if d not in skip_dirs and not d.startswith("build")]
    for name in files:
        path = os.path.join(root, name)
        try:
            if os.path.getsize(path) > 4 << 20:
                continue
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, OSError):
            continue  # binary files (report.png) name nothing
        lines = [n for n, line in enumerate(text.splitlines(), 1) if missing in line]
        check("%s names no %s" % (os.path.relpath(path, SOURCE), missing), not lines,
              "line %s" % ", ".join(map(str, lines)))

print("%d checks, %d failed" % (checks, failures))
sys.exit(1 if failures else 0)
