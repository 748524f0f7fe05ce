#!/usr/bin/env python3
"""Writes examples/college/survey.csv: the fictional Scheldeland VET
College's anonymous staff survey of international skills, one row per
respondent (96), in vista's survey CSV. Deterministic: the same file every
run. Two departments are small on purpose (their answers are pooled and
suppressed by vista run skills).

usage: tools/make_survey.py [OUT]
"""
import csv
import random
import sys

DEPARTMENTS = [("Construction", 26), ("Electricity and energy", 25),
               ("Hospitality", 24), ("Care", 14), ("Management", 4),
               ("Support services", 3)]
ROLES = {"Management": ["management"], "Support services": ["support"]}
SUPPORT = ["language course", "replacement in class", "funding", "a mentor abroad",
           "time to prepare", "information about programmes"]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "examples/college/survey.csv"
    rnd = random.Random(77)
    rows = []
    n = 0
    for dept, size in DEPARTMENTS:
        for i in range(size):
            n += 1
            langs = ["nl:native"]
            # English: most teachers, B1 to C1; fewer in construction.
            if rnd.random() < (0.7 if dept != "Construction" else 0.45):
                langs.append("en:" + rnd.choice(["A2", "B1", "B1", "B2", "B2", "C1"]))
            if rnd.random() < 0.5:
                langs.append("fr:" + rnd.choice(["A2", "B1", "B1", "B2"]))
            if rnd.random() < (0.35 if dept in ("Electricity and energy", "Construction") else 0.15):
                langs.append("de:" + rnd.choice(["A2", "B1", "B2", "C1"]))
            if dept == "Hospitality" and rnd.random() < 0.3:
                langs.append("es:" + rnd.choice(["A1", "A2", "B1", "B2"]))
            if rnd.random() < 0.04:
                langs.append("fi:A1")
            exp = []
            if rnd.random() < 0.35:
                exp.append("stay_abroad")
            if rnd.random() < 0.2:
                exp.append("project")
            if rnd.random() < (0.4 if dept == "Hospitality" else 0.2):
                exp.append("hosting")
            if dept == "Electricity and energy" and i < 3:
                exp.append("expert")
            lead = []
            if "project" in exp and rnd.random() < 0.6:
                lead.append("project_writing")
            if "hosting" in exp and rnd.random() < 0.5:
                lead.append("hosting")
            if "expert" in exp and i < 2:
                lead.append("competitions")
            if rnd.random() < 0.06:
                lead.append("training")
            interest = rnd.choice(["yes", "yes", "maybe", "maybe", "no"])
            support = "; ".join(sorted(set(rnd.sample(SUPPORT, rnd.choice([0, 1, 1, 2])))))
            role = rnd.choice(ROLES.get(dept, ["teacher", "teacher", "teacher", "workshop trainer"]))
            rows.append([n, dept, role, ", ".join(langs), "; ".join(exp) or "none",
                         interest, "; ".join(lead), support])
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["respondent", "department", "role", "languages", "experience",
                    "interest", "could lead", "support"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
