#!/usr/bin/env python3
"""Writes examples/college/mobility.csv: three school years (2023-24 to
2025-26) of the fictional Scheldeland VET College's own mobility list, in
vista's own CSV. Deterministic: the same file every run.

usage: tools/make_college.py [OUT]
"""
import csv
import random
import sys

HOME = ("BE", "Antwerpen", "Scheldeland VET College", "B  ANTWERP77")
# Partners abroad: country, city, organisation, Erasmus code, fields they host.
PARTNERS = [
    ("FI", "Helsinki", "Stadin ammattiopisto (fictional partner)", "SF HELSINK99",
     ["Electricity and energy", "Building and civil engineering"]),
    ("DE", "Bremen", "Berufsbildungszentrum Bremen-Nord", "D  BREMEN98",
     ["Mechanics and metal trades", "Electricity and energy"]),
    ("ES", "Valencia", "Centro Integrado de FP Costa Azahar", "E  VALENCI97",
     ["Hotel, restaurants and catering", "Travel, tourism and leisure"]),
    ("IE", "Cork", "Cork Training Partnership Ltd", None,
     ["Hotel, restaurants and catering", "Health"]),
    ("MT", "Paola", "Malta Placement Services", None,
     ["Travel, tourism and leisure", "Business and administration"]),
    ("PT", "Porto", "Escola Profissional do Douro", "P  PORTO96",
     ["Building and civil engineering", "Hotel, restaurants and catering"]),
    ("IT", "Bologna", "Istituto Tecnico Aldini Valeriani Nord", "I  BOLOGNA95",
     ["Mechanics and metal trades", "Health"]),
]
NEW_IN_2024 = ("EL", "Thessaloniki", "EPAL Thessaloniki Port", "G  THESSAL94",
               ["Travel, tourism and leisure"])
PROJECTS = {2023: "2023-1-BE02-KA121-VET-000112345",
            2024: "2024-1-BE02-KA121-VET-000187654",
            2025: "2025-1-BE02-KA121-VET-000234567"}
HEADER = ["project_reference", "academic_year", "start_month", "end_month",
          "duration_days", "activity", "field_of_education", "nationality",
          "education_level", "gender", "profile", "special_needs",
          "fewer_opportunities", "group_leader", "age", "sending_country",
          "sending_city", "sending_organisation", "sending_erasmus_code",
          "receiving_country", "receiving_city", "receiving_organisation",
          "receiving_erasmus_code", "participants", "direction", "partner",
          "recognised"]
SHORT = "Short-term learning mobility of VET learners"
LONG = "Long-term learning mobility of VET learners (ErasmusPro)"
LEVELS = ["ISCED-3 - Upper secondary education"] * 5 + \
         ["ISCED-4 - Post-secondary non-tertiary education"]


def month(year, m):
    return "%04d-%02d" % (year, m)


def end_of(year, m, days):
    total = m - 1 + (days + 14) // 30
    return month(year + total // 12, total % 12 + 1)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "examples/college/mobility.csv"
    rnd = random.Random(2024)
    rows = []
    # Learners sent per school year grows; so does the long-term share.
    plan = {2023: (34, 1, 3, 10), 2024: (41, 2, 4, 12), 2025: (48, 3, 6, 15)}
    for year, (groups, longs, staff, incoming) in plan.items():
        partners = PARTNERS + ([NEW_IN_2024] if year == 2025 else [])
        if year == 2023:
            partners = PARTNERS[:5]
        project = PROJECTS[year]
        ay = "%d-%d" % (year, year + 1)
        for g in range(groups):
            p = partners[g % len(partners)]
            start_m = rnd.choice([10, 11, 2, 3, 4, 5])
            y = year if start_m >= 9 else year + 1
            days = rnd.choice([11, 12, 14, 15, 19, 21, 21, 26, 28, 33])
            n = rnd.choice([1, 1, 2, 2, 3])
            for gender in ("Female", "Male"):
                k = n if gender == "Female" else rnd.choice([1, 2, 2, 3])
                if g % 4 == 3 and gender == "Male":
                    continue
                fewer = "Yes" if rnd.random() < 0.24 else "No"
                rows.append([project, ay, month(y, start_m),
                             end_of(y, start_m, days), days, SHORT,
                             rnd.choice(p[4]), "BE", rnd.choice(LEVELS), gender,
                             "Learner", "Yes" if rnd.random() < 0.03 else "No",
                             fewer, "No", rnd.choice([16, 17, 17, 18, 18, 19]),
                             *HOME, p[0], p[1], p[2], p[3] or "", k, "outgoing",
                             p[2], "Yes" if rnd.random() < 0.85 else "No"])
            if g % 6 == 0:
                rows.append([project, ay, month(y, start_m),
                             end_of(y, start_m, days), days,
                             "Accompanying person", "", "BE", "", "Female",
                             "Staff", "No", "No", "Yes", rnd.choice([34, 41, 52]),
                             *HOME, p[0], p[1], p[2], p[3] or "", 1, "outgoing",
                             p[2], ""])
        for i in range(longs):
            p = partners[(i * 3 + year) % len(partners)]
            y, start_m = year, 9 + i
            days = [92, 118, 155][i % 3]
            rows.append([project, ay, month(y, start_m), end_of(y, start_m, days),
                         days, LONG, p[4][0], "BE", LEVELS[-1],
                         ["Female", "Male"][i % 2], "Learner", "No",
                         "Yes" if i == 1 else "No", "No", 19, *HOME, p[0], p[1],
                         p[2], p[3] or "", 1, "outgoing", p[2], "Yes"])
        for i in range(staff):
            p = partners[(i + year) % len(partners)]
            activity, days = [("Job shadowing", 5), ("Courses and training", 6),
                              ("Job shadowing", 3)][i % 3]
            y, start_m = year + 1, 3 + i % 3
            rows.append([project, ay, month(y, start_m), month(y, start_m), days,
                         activity, "", "BE", "", ["Female", "Male"][i % 2],
                         "Staff", "No", "No", "No", 38 + i * 3, *HOME, p[0],
                         p[1], p[2], p[3] or "", 1, "outgoing", p[2], ""])
        for i in range(incoming):
            p = partners[(i * 2) % len(partners)]
            y, start_m = year + 1, 2 + i % 4
            days = rnd.choice([14, 21, 28])
            ref = "%d-1-%s01-KA121-VET-%09d" % (year, p[0], 5000 + i)
            rows.append([ref, ay, month(y, start_m), end_of(y, start_m, days),
                         days, SHORT, p[4][0], p[0], LEVELS[0],
                         ["Female", "Male"][i % 2], "Learner", "No", "No", "No",
                         17 + i % 3, p[0], p[1], p[2], p[3] or "", *HOME, 1,
                         "incoming", p[2], ""])
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(rows)


if __name__ == "__main__":
    main()
