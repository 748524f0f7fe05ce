#!/usr/bin/env python3
"""Writes examples/consortium/: a fictional Flemish VET mobility consortium
of 30 schools whose records, in the Erasmus+ open-data format, add up to
the figures the ErasDu consortium published, counted as
docs/definitions.md ("Benchmarks and consortia") says:

  school year  learners  schools  female   fewer opp.  countries  staff  incoming
  2022-23      196       28       112      40          15         4      44
  2023-24      106       25       53       30          13         5      46

with a mean age of exactly 18 in 2022-23. Group leaders and accompanying
persons go with the groups (and must not count as staff), some learners
left in August 2022 (before the school year), and identical mobilities
are aggregated into one row with its Participants count, as the open data
does. Deterministic: the same files every run.

usage: tools/make_consortium.py [DIR]
"""
import os
import random
import sys

HEADER = ("Project Reference;Academic Year;Mobility Start Month;Mobility End Month;"
          "Mobility Duration;Activity (mob);Field of Education;Participant Nationality;"
          "Education Level;Participant Gender;Participant Profile;Special Needs;"
          "Fewer Opportunities;GroupLeader;Participant Age;Sending Country Code;"
          "Sending City;Sending Organization;Sending Organisation Erasmus Code;"
          "Receiving Country Code;Receiving City;Receiving Organization;"
          "Receiving Organisation Erasmus Code;Participants")

CITIES = ["Aalst", "Antwerpen", "Brugge", "Gent", "Hasselt", "Kortrijk", "Leuven",
          "Mechelen", "Oostende", "Roeselare", "Sint-Niklaas", "Turnhout", "Genk",
          "Lier", "Ieper"]
KINDS = ["VTI", "Technisch Instituut", "Centrum voor Volwassenenonderwijs",
         "GO! Technisch Atheneum", "Sint-Jozefsinstituut"]
# 30 members; every fifth has no Erasmus code (matched by name).
MEMBERS = []
for i in range(30):
    city = CITIES[i % len(CITIES)]
    name = "%s %s%s" % (KINDS[i % len(KINDS)], city, "" if i < 15 else " (campus 2)")
    code = None if i % 5 == 4 else "B  %s%02d" % (city.upper().replace("-", "")[:7], 40 + i)
    MEMBERS.append((name, code, city))

DESTINATIONS = [("FI", "Helsinki"), ("DE", "Bremen"), ("ES", "Valencia"), ("IE", "Cork"),
                ("MT", "Paola"), ("PT", "Porto"), ("IT", "Bologna"), ("NL", "Utrecht"),
                ("FR", "Lille"), ("AT", "Graz"), ("SE", "Malmö"), ("DK", "Odense"),
                ("CZ", "Brno"), ("PL", "Kraków"), ("EL", "Thessaloniki")]
FIELDS = ["Electricity and energy", "Hotel, restaurants and catering", "Health",
          "Mechanics and metal trades", "Building and civil engineering",
          "Hair and beauty services"]
SHORT = "VET learners traineeships in vocational institutes/companies"
ISCED3 = "ISCED-3 - Upper secondary education"

YEARS = {
    # school year: (project, learners, active schools, female, fewer,
    #               countries, staff, accompanying, incoming, ages)
    2022: ("2022-1-BE01-KA121-VET-000078123", 196, 28, 112, 40, 15, 4, 9, 44,
           [16, 17, 18, 19, 20]),
    2023: ("2023-1-BE01-KA121-VET-000134567", 106, 25, 53, 30, 13, 5, 6, 46,
           [16, 17, 17, 18, 19]),
}


def host(country, city):
    return "Vocational host %s (fictional)" % city


def spread(total, parts, rnd):
    """total split over parts, each at least 1, varied but deterministic."""
    counts = [1] * parts
    for _ in range(total - parts):
        counts[rnd.randrange(parts)] += 1
    return counts


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "examples/consortium"
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(1923)
    records = []  # one per participant, aggregated at the end

    def add(project, ay, start, end, days, activity, field, nat, level, gender,
            profile, special, fewer, leader, age, sc, scity, sname, scode,
            rc, rcity, rname, rcode):
        records.append((project, ay, start, end, str(days), activity, field, nat, level,
                        gender, profile, special, fewer, leader, str(age), sc, scity,
                        sname, scode or "", rc, rcity, rname, rcode or ""))

    for year, (project, learners, active, female, fewer, countries, staff,
               accompanying, incoming, ages) in YEARS.items():
        ay = "%d-%d" % (year, year + 1)
        schools = MEMBERS[:active] if year == 2022 else MEMBERS[3:3 + active]
        per_school = spread(learners, active, rnd)
        dests = DESTINATIONS[:countries]
        # Learner attributes, in a fixed order, then dealt out to schools.
        genders = ["Female"] * female + ["Male"] * (learners - female)
        fewers = ["Yes"] * fewer + ["No"] * (learners - fewer)
        rnd.shuffle(genders)
        rnd.shuffle(fewers)
        if year == 2022:
            # Ages around 18 in pairs, so that the mean is exactly 18.
            age_list = []
            while len(age_list) < learners:
                d = rnd.choice([0, 1, 1, 2])
                age_list += [18 - d, 18 + d] if d else [18, 18]
            age_list = age_list[:learners]
        else:
            age_list = [rnd.choice(ages) for _ in range(learners)]
        k = 0
        for s, n in enumerate(per_school):
            name, code, city = schools[s]
            # Each school sends its learners in one or two groups.
            for i in range(n):
                dc, dcity = dests[k % len(dests)]
                m = [10, 11, 3, 4, 5][(s + i) % 5]
                y = year if m >= 9 else year + 1
                days = [14, 21, 28, 21][(s + i) % 4]
                start = "%04d-%02d" % (y, m)
                end = "%04d-%02d" % (y, m + 1)
                add(project, ay, start, end, days, SHORT, FIELDS[s % len(FIELDS)], "BE",
                    ISCED3, genders[k], "Learner", "No", fewers[k], "No", age_list[k],
                    "BE", city, name, code, dc, dcity, host(dc, dcity), None)
                k += 1
        # Staff on job shadowing; group leaders with the groups.
        for i in range(staff):
            name, code, city = schools[i * 3]
            dc, dcity = dests[i % len(dests)]
            add(project, ay, "%04d-03" % (year + 1), "%04d-03" % (year + 1), 5,
                "Staff training abroad (job shadowing)", "", "BE", "",
                ["Female", "Male"][i % 2], "Staff", "No", "No", "No", 40 + i,
                "BE", city, name, code, dc, dcity, host(dc, dcity), None)
        for i in range(accompanying):
            name, code, city = schools[i * 2]
            dc, dcity = dests[(i + 1) % len(dests)]
            add(project, ay, "%04d-10" % year, "%04d-11" % year, 14, SHORT, "", "BE", "",
                ["Female", "Male"][i % 2], "Staff", "No", "No", "Yes", 35 + i,
                "BE", city, name, code, dc, dcity, host(dc, dcity), None)
        # Incoming learners from abroad, placed by active members.
        for i in range(incoming):
            name, code, city = schools[(i * 7) % active]
            sc, scity = dests[i % len(dests)]
            m = [2, 3, 4, 5][i % 4]
            ref = "%d-1-%s01-KA121-VET-%09d" % (year, sc, 70000 + i % 3)
            add(ref, ay, "%04d-%02d" % (year + 1, m), "%04d-%02d" % (year + 1, m + 1), 21,
                SHORT, FIELDS[i % len(FIELDS)], sc, ISCED3, ["Female", "Male"][i % 2],
                "Learner", "No", "No", "No", 17 + i % 3, sc, scity,
                "Sending school %s (fictional)" % scity, None, "BE", city, name, code)
    # The summer before: a group that left in August 2022 (school year 2021-22).
    name, code, city = MEMBERS[0]
    for i in range(6):
        add("2021-1-BE01-KA121-VET-000011111", "2021-2022", "2022-08", "2022-08", 14, SHORT,
            FIELDS[0], "BE", ISCED3, "Female", "Learner", "No", "Yes", "No", 17, "BE", city,
            name, code, "NL", "Utrecht", host("NL", "Utrecht"), None)

    # Identical mobilities are one row with their count, as in the open data.
    counts = {}
    order = []
    for r in records:
        if r not in counts:
            counts[r] = 0
            order.append(r)
        counts[r] += 1
    with open(os.path.join(out, "mobility.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(HEADER + "\n")
        for r in order:
            f.write(";".join(r) + ";" + str(counts[r]) + "\n")
    with open(os.path.join(out, "members.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("Erasmus code,Name\n")
        for name, code, _city in MEMBERS:
            f.write("%s,%s\n" % (code or "", name))


if __name__ == "__main__":
    main()
