#!/usr/bin/env python3
"""Workbooks (`--format xlsx --out FILE`) read back with openpyxl and
compared cell by cell with the same script's CSV: the same rows and columns;
numbers stored as numbers (shares as fractions with a percent format);
periods and codes as text; a bold header row, frozen; one sheet a section.

usage: test_xlsx.py VISTA_BINARY   (run by Debian's python3, which has
python3-openpyxl; tools/deps.sh installs it)
"""
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

import openpyxl

VISTA = os.path.abspath(sys.argv[1])
SOURCE = os.environ.get("VISTA_SOURCE", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
EX = os.path.join(SOURCE, "examples")
failures = []
checks = 0


def check(what, ok):
    global checks
    checks += 1
    if not ok:
        failures.append(what)


def vista(*args, cwd):
    r = subprocess.run([VISTA, "--db", "t.db", *args], cwd=cwd,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"vista {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def same(csv_text, xlsx_value, number_format, column):
    """Whether a workbook cell holds what the CSV says, typed."""
    if csv_text == "":
        return xlsx_value is None
    if isinstance(xlsx_value, str):
        return xlsx_value == csv_text and number_format == "@"
    if isinstance(xlsx_value, bool):
        return False
    want = float(csv_text)
    if number_format == "0.00%":
        return abs(xlsx_value * 100 - want) < 1e-9
    if number_format == "0":
        return float(xlsx_value) == want and want == int(want)
    return abs(xlsx_value - want) < 1e-9


def compare(name, args, work, percent=(), text=()):
    csv_out = vista(*args, "--format", "csv", cwd=work)
    rows = list(csv.reader(io.StringIO(csv_out)))
    path = os.path.join(work, name + ".xlsx")
    vista(*args, "--format", "xlsx", "--out", path, cwd=work)
    wb = openpyxl.load_workbook(path)
    head = rows[0]
    for col in (*percent, *text):
        check(f"{name}: the CSV has {col}", col in head)
    # The CSV is the main section; it is one of the sheets.
    sheets = [ws for ws in wb.worksheets
              if [c.value for c in ws[1]][:len(head)] == head]
    check(f"{name}: a sheet with the CSV's header {head}", len(sheets) == 1)
    if len(sheets) != 1:
        return
    ws = sheets[0]
    check(f"{name}: header frozen", ws.freeze_panes == "A2")
    check(f"{name}: header bold", all(c.font.b for c in ws[1]))
    check(f"{name}: {len(rows) - 1} rows", ws.max_row == len(rows))
    for i, row in enumerate(rows[1:], start=2):
        for j, text_value in enumerate(row):
            cell = ws.cell(row=i, column=j + 1)
            col = head[j]
            check(f"{name}: row {i} {col}: {text_value!r} against "
                  f"{cell.value!r} ({cell.number_format})",
                  same(text_value, cell.value, cell.number_format, col))
            if text_value != "" and col in percent:
                check(f"{name}: {col} as a percentage",
                      cell.number_format == "0.00%")
            if text_value != "" and col in text:
                check(f"{name}: {col} as text", isinstance(cell.value, str))


def main():
    work = tempfile.mkdtemp(prefix="vista-xlsx-")
    try:
        vista("init", cwd=work)
        vista("import", "institutions", os.path.join(EX, "institutions.csv"), cwd=work)
        vista("import", "mobility", os.path.join(EX, "mobility.csv"), cwd=work)
        vista("import", "mobility", os.path.join(EX, "consortium", "mobility.csv"), cwd=work)
        compare("institutions", ["run", "institutions"], work)
        compare("mobility", ["run", "mobility", "--by", "year,profile"], work,
                percent=("female_share",), text=("year",))
        compare("consortium", ["run", "consortium", "--members",
                               os.path.join(EX, "consortium", "members.csv"),
                               "--year", "2022-23"], work)
        compare("benchmark", ["run", "benchmark", "--indicator", "learners",
                              "--period", "2022-23"], work, text=("period",))
        # Without --out there is no workbook, and the error says so.
        r = subprocess.run([VISTA, "--db", "t.db", "run", "institutions",
                            "--format", "xlsx"], cwd=work, capture_output=True,
                           text=True)
        check("xlsx without --out fails", r.returncode != 0 and
              "--out FILE" in r.stderr)
    finally:
        shutil.rmtree(work)
    for f in failures[:40]:
        print("FAIL", f)
    print(f"{checks - len(failures)} of {checks} checks passed")
    sys.exit(1 if failures else 0)


main()
