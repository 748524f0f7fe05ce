#!/usr/bin/env python3
"""gen_mobility.py: made-up Erasmus+ KA1 mobility data in the official
open-data format, for vista's tests and benchmarks.

usage: gen_mobility.py --rows N [--seed S] [--institutions K] [--out FILE|-]
                       [--dirty P] [--crlf] [--defect-log FILE]

  --rows N           data rows to write (the header is not counted)
  --seed S           any integer (default 1): the same arguments give the
                     same bytes, on every platform and Python 3 version
  --institutions K   sending institutions (default 2000)
  --out FILE         where to write; '-' (the default) is standard output
  --dirty P          give each row, with probability P (0 to 1), one of
                     the defects listed below, and start the file with a
                     UTF-8 byte order mark as a spreadsheet would
  --crlf             end lines with CR LF instead of LF
  --defect-log FILE  write one line per defect: LINE TAB KIND TAB COLUMN
                     (LINE counts physical lines, the header is line 1;
                     COLUMN is the 1-based column changed, 0 for the row)

The file is what the Commission publishes as "KA1 mobilities": UTF-8,
fields separated by ';', quoted only when they hold ';', '"' or a line
break, the 24 columns of HEADER. The content is centred on vocational
education and training (VET): KA102 and KA116 projects up to the 2020
call, KA121-VET and KA122-VET from 2021, and a few higher-education
(KA103) and adult-education (KA104) rows beside them. Learners go on
short placements (10-89 days), on long ErasmusPro ones (90 days to a
year) or to skills competitions (a few days); staff go on job shadowing,
courses and teaching; groups travel with an accompanying teacher
(GroupLeader = Yes). Country codes are the Erasmus+ ones (EL for Greece,
UK for the United Kingdom, which leaves after the 2020 call). Names and
cities carry their own letters (Łódź, Θεσσαλονίκη, Škola "Naša"; ...),
companies hosting trainees have no Erasmus code ('-'), and about one row
in twenty-five stands for several identical mobilities (Participants > 1).

Every clean row is one vista imports. Each defect of --dirty is one seen
in real exports; the importer keeps the row for the first five kinds and
rejects it for the others:

  blank_duration     Mobility Duration left empty        kept, no duration
  dash_placeholder   '-' in an optional field            kept, that field unknown
  trailing_spaces    spaces after a value                kept, spaces trimmed
  mixed_eol          one line ends in the other EOL      kept
  name_variant       sending organisation in capitals    kept, same institution
  missing_column     a field dropped                     rejected
  extra_column       an empty field inserted             rejected
  bad_age            "17 years", "n/a", -1, 150, ...     rejected
  bad_country        "Germany", "D", "GRC" as a code     rejected
  bad_participants   0, empty, "-", "two"                rejected
  bad_project        mangled project reference           rejected
  repeated_header    the header again, mid-file          rejected

plus the byte order mark (logged as line 1, kind bom, column 0).

Stability, which the tests use: the world (institutions, hosts, projects)
depends only on --seed and --institutions; the rows come in the same order
whatever --rows is, so a shorter file is a prefix of a longer one; and
defects draw from their own stream, so a dirty file is the clean file of
the same seed with some rows changed, line for line. Randomness comes only
from random.Random(seed).random(), whose sequence Python keeps the same
across versions, and floats are only multiplied and compared.

Speed: about 1 million rows in 10 seconds on one core (each flow of rows
shares its pre-joined text; a row draws a dozen numbers).
"""

import argparse
import csv
import sys
import unicodedata
from bisect import bisect
from random import Random

HEADER = [
    "Project Reference", "Academic Year", "Mobility Start Month",
    "Mobility End Month", "Mobility Duration", "Activity (mob)",
    "Field of Education", "Participant Nationality", "Education Level",
    "Participant Gender", "Participant Profile", "Special Needs",
    "Fewer Opportunities", "GroupLeader", "Participant Age",
    "Sending Country Code", "Sending City", "Sending Organization",
    "Sending Organisation Erasmus Code", "Receiving Country Code",
    "Receiving City", "Receiving Organization",
    "Receiving Organisation Erasmus Code", "Participants"]

# Country: Erasmus+ code, VET National Agency, how much it sends and hosts
# (relative), the prefix of its higher-education Erasmus codes, cities in
# Latin script (the first ones larger), and names in its own words for
# vocational schools ({c} city, {p} patron).
COUNTRIES = [
    ("DE", "DE02", 14.0, 8.0, "D", ["Berlin", "München", "Köln", "Hamburg", "Bremen", "Düsseldorf", "Erfurt", "Göttingen", "Fürth", "Saarbrücken", "Osnabrück"],
     ["Berufskolleg {c}", "Berufsbildende Schulen II {c}", "Handwerkskammer {c}", "Staatliche Berufsschule {c}", "Berufliche Schule für Gastronomie; {c}", "Bildungszentrum der IHK {c}"]),
    ("FR", "FR01", 10.0, 5.0, "F", ["Paris", "Lyon", "Toulouse", "Nantes", "Strasbourg", "Montpellier", "Rouen", "Saint-Étienne", "Besançon", "Nîmes"],
     ["Lycée professionnel {p}", "CFA des métiers de {c}", "Lycée des métiers de l'hôtellerie {p}", "GRETA {c}; formation continue", "Maison familiale rurale de {c}"]),
    ("ES", "ES01", 10.0, 11.0, "E", ["Madrid", "Barcelona", "Sevilla", "Valencia", "Bilbao", "Zaragoza", "Málaga", "Murcia", "Cádiz", "León", "Logroño"],
     ["IES {p}", "CIFP {c}", "Centro Integrado de Formación Profesional \"{p}\"", "Escuela de Hostelería de {c}", "Colegio {p}"]),
    ("IT", "IT01", 8.0, 7.0, "I", ["Roma", "Milano", "Napoli", "Torino", "Genova", "Bologna", "Bari", "Cagliari", "Forlì", "Canicattì"],
     ["Istituto Professionale \"{p}\"", "IIS {p} di {c}", "Istituto Tecnico Agrario {c}", "Centro di Formazione Professionale {c}", "Fondazione ENAIP {c}"]),
    ("PL", "PL01", 9.0, 2.0, "PL", ["Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk", "Lublin", "Toruń", "Kielce", "Białystok"],
     ["Zespół Szkół Zawodowych nr 2 w {c}", "Technikum Gastronomiczne w {c}", "Centrum Kształcenia Praktycznego w {c}", "Zespół Szkół im. {p}"]),
    ("NL", "NL01", 6.0, 4.0, "NL", ["Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Arnhem", "Leeuwarden", "Venlo"],
     ["ROC {c}", "Vakcollege {c}", "Stichting Scalda {c}", "Deltion College {c}", "Hoornbeeck College"]),
    ("TR", "TR01", 9.0, 0.7, "TR", ["Ankara", "İstanbul", "İzmir", "Konya", "Trabzon", "Adana", "Kayseri", "Çanakkale", "Düzce"],
     ["{c} Mesleki ve Teknik Anadolu Lisesi", "{p} Mesleki ve Teknik Anadolu Lisesi", "{c} Halk Eğitimi Merkezi", "{c} Ticaret Odası"]),
    ("UK", "UK01", 4.0, 5.0, "UK", ["London", "Manchester", "Glasgow", "Cardiff", "Belfast", "Leeds", "Sheffield", "Aberdeen"],
     ["{c} College", "{c} College of Further Education", "{p} Academy", "Apprenticeship Trust {c}"]),
    ("PT", "PT01", 4.0, 4.0, "P", ["Lisboa", "Porto", "Braga", "Coimbra", "Aveiro", "Évora", "Viseu", "Funchal"],
     ["Escola Profissional de {c}", "Escola Secundária {p}", "Escola de Hotelaria de {c}", "Agrupamento de Escolas {p}"]),
    ("RO", "RO01", 5.0, 1.0, "RO", ["București", "Iași", "Cluj-Napoca", "Timișoara", "Brașov", "Constanța", "Oradea", "Suceava"],
     ["Colegiul Tehnic \"{p}\"", "Liceul Tehnologic nr. 1 {c}", "Școala Profesională {c}", "Colegiul Economic {c}"]),
    ("AT", "AT01", 3.0, 3.0, "A", ["Wien", "Graz", "Linz", "Innsbruck", "Klagenfurt", "Dornbirn", "Leoben"],
     ["HTL {c}", "Landesberufsschule {c}", "Tourismusschulen {c}", "BFI {c}"]),
    ("BE", "BE01", 2.0, 2.5, "B", ["Antwerpen", "Gent", "Brugge", "Liège", "Namur", "Charleroi", "Eupen", "Hasselt"],
     ["VTI {c}", "Institut technique {p}", "Syntra {c}", "Centre d'éducation et de formation en alternance {c}"]),
    ("CZ", "CZ01", 3.0, 1.5, "CZ", ["Praha", "Brno", "Ostrava", "Plzeň", "Olomouc", "Liberec", "Jihlava", "Třebíč"],
     ["Střední odborná škola {c}", "Střední průmyslová škola {c}", "SOU gastronomie a služeb {c}"]),
    ("HU", "HU01", 3.0, 1.5, "HU", ["Budapest", "Debrecen", "Szeged", "Pécs", "Győr", "Eger", "Székesfehérvár"],
     ["{c}i Szakképzési Centrum", "{p} Technikum", "{c} Vendéglátóipari Szakgimnázium"]),
    ("FI", "FI01", 2.5, 1.5, "SF", ["Helsinki", "Tampere", "Turku", "Oulu", "Jyväskylä", "Vaasa", "Seinäjoki"],
     ["{c} ammattiopisto", "Ammattiopisto {p}", "Koulutuskeskus Sedu {c}"]),
    ("EL", "EL01", 2.0, 2.5, "G", ["Athina", "Thessaloniki", "Patra", "Irakleio", "Volos", "Chania", "Kavala"],
     ["EPAL {c}", "ΕΠΑΛ {c}", "IEK {c}", "Δημόσιο ΙΕΚ {c}"]),
    ("BG", "BG01", 2.5, 1.0, "BG", ["Sofia", "Plovdiv", "Varna", "Burgas", "Ruse", "Pleven"],
     ["Professional High School of Tourism {c}", "ПГ по туризъм \"{p}\"", "Професионална гимназия {c}"]),
    ("SK", "SK01", 2.0, 0.8, "SK", ["Bratislava", "Košice", "Žilina", "Nitra", "Prešov", "Trnava"],
     ["Stredná odborná škola {c}", "Hotelová akadémia {c}", "SOŠ technická {c}"]),
    ("LT", "LT01", 2.0, 0.8, "LT", ["Vilnius", "Kaunas", "Klaipėda", "Šiauliai", "Panevėžys"],
     ["{c} profesinio rengimo centras", "{c} technologijų mokykla"]),
    ("HR", "HR01", 1.8, 1.2, "HR", ["Zagreb", "Split", "Rijeka", "Osijek", "Zadar", "Dubrovnik"],
     ["Strukovna škola {c}", "Turistička i ugostiteljska škola {c}", "Obrtnička škola {c}"]),
    ("DK", "DK01", 1.5, 1.2, "DK", ["København", "Aarhus", "Odense", "Aalborg", "Kolding"],
     ["Erhvervsskolen {c}", "{c} Tekniske Skole", "Social- og Sundhedsskolen {c}"]),
    ("SE", "SE01", 1.5, 1.5, "S", ["Stockholm", "Göteborg", "Malmö", "Umeå", "Luleå", "Växjö"],
     ["{c} Yrkesgymnasium", "Hotell- och restaurangskolan {c}", "Komvux {c}"]),
    ("IE", "IE01", 0.8, 4.0, "IRL", ["Dublin", "Cork", "Galway", "Limerick", "Sligo", "Dún Laoghaire"],
     ["{c} Further Education and Training Centre", "{p} Community College"]),
    ("NO", "NO01", 1.2, 1.2, "N", ["Oslo", "Bergen", "Trondheim", "Tromsø", "Bodø"],
     ["{c} videregående skole", "Opplæringskontoret {c}"]),
    ("SI", "SI01", 1.0, 1.0, "SI", ["Ljubljana", "Maribor", "Celje", "Koper", "Kranj"],
     ["Šolski center {c}", "Srednja gostinska šola {c}"]),
    ("LV", "LV01", 1.0, 0.7, "LV", ["Rīga", "Daugavpils", "Liepāja", "Cēsis"],
     ["{c} Valsts tehnikums", "{c} Tūrisma un radošās industrijas tehnikums"]),
    ("EE", "EE01", 0.7, 0.6, "EE", ["Tallinn", "Tartu", "Pärnu", "Jõhvi"],
     ["{c} Kutsehariduskeskus", "{c} Ametikool"]),
    ("MK", "MK01", 0.7, 0.2, "MK", ["Skopje", "Bitola", "Štip", "Ohrid"],
     ["СОУ \"{p}\" {c}", "Vocational School {p} {c}"]),
    ("CY", "CY01", 0.4, 1.0, "CY", ["Lefkosia", "Lemesos", "Larnaka", "Pafos"],
     ["Τεχνική Σχολή {c}", "Technical School of {c}"]),
    ("MT", "MT01", 0.3, 3.0, "MT", ["Valletta", "Paola", "Sliema", "Mosta"],
     ["MCAST {c}", "Institute of Tourism Studies; {c} campus"]),
    ("LU", "LU01", 0.25, 0.4, "LUX", ["Luxembourg", "Esch-sur-Alzette", "Ettelbruck"],
     ["Lycée technique {c}", "École d'hôtellerie et de tourisme {c}"]),
    ("IS", "IS01", 0.2, 0.5, "IS", ["Reykjavík", "Akureyri", "Selfoss"],
     ["Verkmenntaskólinn {c}", "Fjölbrautaskóli {c}"]),
    ("LI", "LI01", 0.06, 0.1, "FL", ["Vaduz", "Schaan"],
     ["Berufsbildung {c}"]),
]
UK = next(i for i, c in enumerate(COUNTRIES) if c[0] == "UK")
IE = next(i for i, c in enumerate(COUNTRIES) if c[0] == "IE")

# Local spellings some schools use in their names instead of the Latin one.
LOCAL_CITY = {"Thessaloniki": "Θεσσαλονίκη", "Athina": "Αθήνα", "Sofia": "София",
              "Plovdiv": "Пловдив", "Skopje": "Скопје", "Lefkosia": "Λευκωσία"}

PATRONS = ["Maria Montessori", "Marie Skłodowska-Curie", "Tomás de Iriarte",
           "Hristo Botev", "Nicolae Bălcescu", "János Arany", "Alvar Aalto",
           "Fernando Pessoa", "Božena Němcová", "Primo Levi", "Nazım Hikmet",
           "Κωνσταντίνος Καβάφης", "Clara Campoamor", "Ludwig Erhard",
           "Jules Ferry", "Ion Creangă", "Henrika Tandefelt", "Mykolas Biržiška",
           "Emilio Lussu", "Đuro Pilar", "Konstantin Preslav", "Johann Pestalozzi",
           "Gabriela Mistral", "Anne Frank", "Karel Čapek", "Sophie Germain",
           "\"Els Castells\"", "Mehmet Akif Ersoy"]

# Companies and bodies that take trainees: no Erasmus code, '-' in the file.
# Each with the countries where its name belongs (None: anywhere); {c} is
# the city, {s} a family name.
HOSTS = [("Hotel {s} {c}", None), ("Municipality of {c}", None), ("{s} Engineering Ltd", ("UK", "IE", "MT")),
         ("{s} & Sons Catering", ("UK", "IE", "MT")), ("Farm Shop \"{s}\"; {c}", ("UK", "IE")),
         ("{s} Design AB", ("SE",)), ("{s} Bilverksted AS", ("NO",)), ("{s} Rafverk ehf.", ("IS",)),
         ("{s} Tømrer ApS", ("DK",)), ("Ravintola {s} Oy", ("FI",)),
         ("Autohaus {s} GmbH", ("DE", "AT", "LI")), ("Bäckerei {s}", ("DE", "AT", "LI", "LU")),
         ("Stadtwerke {c}", ("DE", "AT")), ("Tischlerei {s} & Söhne", ("DE", "AT")),
         ("Zahnarztpraxis Dr. {s}", ("DE", "AT")), ("Kita Regenbogen {c}", ("DE", "AT")),
         ("Restaurante \"{s}\" {c} S.L.", ("ES",)), ("Clínica Veterinaria {s}", ("ES", "PT")),
         ("Pastelería {s}", ("ES",)), ("Garage {s}; {c}", ("FR", "BE", "LU")),
         ("Salon de coiffure {s}", ("FR", "BE", "LU")), ("Hôtel-Restaurant {s}", ("FR", "BE", "LU")),
         ("Atelier {s}", ("FR", "BE")), ("Agriturismo Ca' {s}", ("IT",)),
         ("Servizi Informatici {s} S.r.l.", ("IT", "MT")), ("Officina {s} & C. s.n.c.", ("IT",)),
         ("Elektroinstalacje {s} sp. z o.o.", ("PL",)), ("Ośrodek Wczasowy \"{s}\"", ("PL",)),
         ("Casa de Repouso {s}", ("PT",)), ("{s} Tours & Eventos Lda.", ("PT",)),
         ("Bouwbedrijf {s} B.V.", ("NL", "BE")), ("Otel {s} {c}", ("TR",)),
         ("Ξενοδοχείο {s}", ("EL", "CY")), ("Hotel {s} d.o.o.", ("HR", "SI")),
         ("Autoservis {s} s.r.o.", ("CZ", "SK")), ("{s} Étterem Kft.", ("HU",)),
         ("SC {s} Turism SRL", ("RO",)), ("Хотел {s} ЕООД", ("BG",)),
         ("{s} Ресторан ДООЕЛ", ("MK",)), ("UAB \"{s}\"", ("LT",)), ("SIA {s}", ("LV",)),
         ("{s} OÜ", ("EE",))]
HOST_POOLS = [[t for t, where in HOSTS if where is None or c[0] in where] for c in COUNTRIES]
SURNAMES = ["Müller", "García", "Rossi", "Nowak", "Dubois", "Jansen", "Yılmaz", "Silva",
            "Popescu", "Novák", "Nagy", "Virtanen", "Papadopoulos", "Ivanov", "Kazlauskas",
            "Horvat", "Jensen", "Andersson", "O'Brien", "Hansen", "Novak", "Bērziņš", "Tamm",
            "Borg", "Schmit", "Jónsson", "Frick", "Smith", "Kowalczyk", "Ferreira", "Łukasik",
            "Østergaard", "Sánchez", "Colombo", "Petrović", "Kovács", "Lindqvist", "Ó Súilleabháin"]

# Field of education (ISCED-F names), how common among VET learners, the
# share of women learning it.
FIELDS = [
    ("Hotel, restaurants and catering", 15, 0.46), ("Mechanics and metal trades", 9, 0.05),
    ("Business and administration", 10, 0.63), ("Health", 7, 0.81),
    ("Motor vehicles, ships and aircraft", 6, 0.04), ("Electricity and energy", 6, 0.05),
    ("Building and civil engineering", 6, 0.08), ("Hair and beauty services", 5, 0.91),
    ("Information and Communication Technologies (ICTs)", 7, 0.14),
    ("Travel, tourism and leisure", 5, 0.70), ("Child care and youth services", 4, 0.87),
    ("Wholesale and retail sales", 4, 0.57), ("Agriculture", 3, 0.31),
    ("Food processing", 3, 0.42), ("Audio-visual techniques and media production", 3, 0.44),
    ("Horticulture", 2, 0.36), ("Social work and counselling", 2, 0.83),
    ("Textiles (clothes, footwear and leather)", 1, 0.84)]
HE_FIELDS = [("Business and administration", 0.61), ("Engineering and engineering trades", 0.24),
             ("Languages", 0.76), ("Nursing and midwifery", 0.86), ("Hospitality and tourism", 0.66)]
STAFF_FIELDS = ["Education science", "Training for pre-school teachers",
                "Teacher training with subject specialisation"]

LEVELS = [("ISCED-2 - Lower secondary education", 3),
          ("ISCED-3 - Upper secondary education", 72),
          ("ISCED-4 - Post-secondary non-tertiary education", 18),
          ("ISCED-5 - Short-cycle tertiary education", 7)]
HE_LEVELS = ["ISCED-6 - Bachelor’s or equivalent level",
             "ISCED-7 - Master’s or equivalent level"]
NOT_APPLICABLE = "??? - ? Unknown ?"

# Activities as the files name them, before and from the 2021 call.
A_PLACEMENT = ("VET learners traineeships in vocational institutes/companies",
               "Short-term learning mobility of VET learners")
A_PRO = ("ErasmusPro - long-term VET learners traineeships",
         "Long-term learning mobility of VET learners (ErasmusPro)")
A_COMPETITION = "Participation in VET skills competitions"  # from 2021
A_STAFF = (("Staff training abroad", "Teaching/training assignments abroad"),
           ("Job shadowing", "Courses and training", "Teaching or training assignments"))
A_ACCOMPANY = ("Staff training abroad", "Accompanying persons")
A_HE = ("Student mobility for traineeships between Programme Countries",
        "Student mobility for studies between Programme Countries",
        "Staff mobility for teaching between Programme Countries")
A_ADULT = "Staff mobility for teaching and training activities - Adult education"

OTHER_NATIONALITIES = ["UA", "SY", "MA", "AL", "XK", "BA", "RS", "AF", "BR", "CN",
                       "DZ", "ER", "GE", "IN", "MD", "NG", "PK", "RU", "TN", "VN"]
FIRST_CALL, LAST_CALL = 2014, 2023
NCOLS = len(HEADER)


class Weighted:
    """Picks an item with probability proportional to its weight, from one
    uniform number in [0, 1)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total

    def pick(self, u):
        i = bisect(self.cum, u * self.total)
        return self.items[min(i, len(self.items) - 1)]


def quote(text):
    """A field as the official files write it: quoted only when it has to be."""
    if ";" in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def ascii_upper(text):
    """The city as an Erasmus code spells it: capitals, no accents."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.upper() if ch.isalpha())


def month(n):
    """Month number n (year * 12 + month - 1) as the files write it."""
    return "%d-%02d" % (n // 12, n % 12 + 1)


class World:
    """Institutions, hosts and projects: fixed by the seed and the number of
    institutions alone, whatever the number of rows."""

    def __init__(self, seed, k):
        r = Random(seed).random
        send = Weighted(range(len(COUNTRIES)), [c[2] for c in COUNTRIES])
        host_country = [c[3] for c in COUNTRIES]

        # Hosts per country: companies (no code) and, later, schools.
        self.hosts = []
        for ci, (_, _, _, weight, _, cities, _) in enumerate(COUNTRIES):
            seen = set()
            hosts = []
            for _ in range(max(4, int(weight * k / 30))):
                city = cities[int(r() * r() * len(cities))]
                pool = HOST_POOLS[ci]
                name = pool[int(r() * len(pool))].format(
                    c=city, s=SURNAMES[int(r() * len(SURNAMES))])
                if name not in seen:  # one host, however often drawn
                    seen.add(name)
                    hosts.append((quote(city), quote(name), "-"))
            self.hosts.append(hosts)

        # Sending institutions: a few big senders, many small ones.
        self.insts = []
        used_codes = set()
        for i in range(k):
            ci = send.pick(r())
            cc, na, _, _, he_prefix, cities, templates = COUNTRIES[ci]
            city = cities[int(r() * r() * len(cities))]
            kind = r()
            if kind < 0.03:
                sector = "he"
                name = ("University of Applied Sciences %s" % city if r() < 0.5
                        else "Universität %s" % city if cc in ("DE", "AT") else
                        "Université de %s" % city if cc in ("FR", "BE", "LU") else
                        "%s University" % city)
                stem = "%-3s%s" % (he_prefix, ascii_upper(city)[:7])
                n = 1
                while "%s%02d" % (stem, n) in used_codes:
                    n += 1
                code = "%s%02d" % (stem, n)
            else:
                sector = "adult" if kind < 0.05 else "vet"
                shown = LOCAL_CITY.get(city, city) if r() < 0.3 else city
                name = templates[int(r() * len(templates))].format(
                    c=shown, p=PATRONS[int(r() * len(PATRONS))])
                if sector == "adult":
                    name = "%s - Erwachsenenbildung" % name if cc in ("DE", "AT") \
                        else "%s (adult learning)" % name
                # Organisation ids E1nnnnnnn, spread out (7919 is prime to
                # 9 000 000) and made unique by the loop below.
                code = "E1%07d" % (1000000 + (i * 7919 + int(r() * 100)) % 9000000)
                while code in used_codes:
                    code = "E1%07d" % (int(code[2:]) + 1)
            used_codes.add(code)
            size = 1.0 + 60.0 * r() * r() * r() * r()
            female = 0.75 + 0.5 * r()
            fewer = 0.05 + 0.4 * r() * r()
            fields = Weighted(range(len(FIELDS)),
                              [w * (0.2 + r() * r() * 3) for _, w, _ in FIELDS])
            self.insts.append(dict(ci=ci, cc=cc, na=na, city=city, name=name, code=code,
                                   sector=sector, size=size, female=female, fewer=fewer,
                                   special=0.01 + 0.03 * r(), fields=fields))
        self.pick_inst = Weighted(range(k), [x["size"] for x in self.insts])

        # Schools take their partners' learners and staff too.
        schools = [[] for _ in COUNTRIES]
        for x in self.insts:
            if x["sector"] == "vet":
                schools[x["ci"]].append((quote(x["city"]), quote(x["name"]), x["code"]))

        # Each institution: its partners abroad and its projects.
        serial = {}
        for x in self.insts:
            nc = 1 + int(r() * r() * 9)
            wanted = Weighted(range(len(COUNTRIES)),
                              [0.0 if c == x["ci"] else w for c, w in enumerate(host_country)])
            partners = []
            weights = []
            for _ in range(nc):
                c = wanted.pick(r())
                for _ in range(1 + int(r() * 3)):
                    if r() < 0.2 and schools[c]:
                        h = schools[c][int(r() * len(schools[c]))]
                    else:
                        h = self.hosts[c][int(r() * len(self.hosts[c]))]
                    partners.append((c, h))
                    weights.append(0.3 + r())
            x["partners"] = Weighted(partners, weights)

            accredited = x["sector"] == "vet" and r() < 0.5
            charter = x["sector"] == "vet" and x["size"] > 6 and r() < 0.6
            first = FIRST_CALL + int(r() * r() * (LAST_CALL - FIRST_CALL + 1))
            projects = []
            for year in range(first, LAST_CALL + 1):
                if year > 2020 and (x["cc"] == "UK" or x["sector"] != "vet"):
                    continue  # the UK left; our HE and adult rows stop in 2020
                if year > first and r() < 0.2:
                    continue  # no grant that year
                if x["sector"] == "he":
                    action, na = "KA103", x["cc"] + "01"
                elif x["sector"] == "adult":
                    action, na = "KA104", x["na"]
                elif year <= 2020:
                    action, na = ("KA116" if charter and year >= 2016 else "KA102"), x["na"]
                else:
                    action, na = ("KA121-VET" if accredited else "KA122-VET"), x["na"]
                key = (year, na, action)
                last = serial.get(key)
                if last is None:
                    last = 1000 + int(r() * 40000)
                last += 1 + int(r() * 30)
                serial[key] = last
                if year <= 2020:
                    ref = "%d-1-%s-%s-%06d" % (year, na, action, last)
                else:
                    ref = "%d-1-%s-%s-%09d" % (year, na, action, last)
                projects.append((ref, year, action))
            if not projects:  # a UK school that would start after 2020
                projects.append(("2020-1-%s-KA102-%06d" % (x["na"], 90000 + int(r() * 9000)),
                                 2020, "KA102"))
            x["projects"] = Weighted(projects, [1.0 + r() for _ in projects])


def rows(world, seed):
    """Every row, in order, as a list of 24 fields already quoted. Never
    ends: the caller takes as many as it wants."""
    r = Random(seed * 1000003 + 17).random
    insts = world.insts
    pick_inst = world.pick_inst.pick
    ie_hosts = world.hosts[IE]
    codes = [c[0] for c in COUNTRIES]
    sending = [";".join((x["cc"], quote(x["city"]), quote(x["name"]), x["code"])) for x in insts]
    levels = Weighted([quote(s) for s, _ in LEVELS], [w for _, w in LEVELS]).pick
    short_days = Weighted(list(range(10, 90)),
                          [(8 if d in (14, 15, 21, 28, 30, 31, 42, 60, 84) else 1)
                           * (3 if d < 35 else 1) for d in range(10, 90)]).pick
    staff_days = Weighted(list(range(2, 31)),
                          [(9 if d in (5, 6, 7) else 3 if d < 12 else 1) for d in range(2, 31)]).pick
    learner_age = Weighted(list(range(15, 36)),
                           [2, 8, 14, 16, 14, 10, 7, 5, 4, 3, 2, 2, 1.5, 1, 1, 1, 1, .8, .6, .5, .4]).pick
    fields = [quote(f) for f, _, _ in FIELDS]
    female_of = [share for _, _, share in FIELDS]

    while True:
        ii = pick_inst(r())
        x = insts[ii]
        ref, year, action = x["projects"].pick(r())
        ci, host = x["partners"].pick(r())
        rcc = codes[ci]
        if ci == UK and year > 2020:  # no UK hosts after the 2020 call either
            rcc = "IE"
            host = ie_hosts[int(r() * len(ie_hosts))]
        receiving = "%s;%s;%s;%s" % (rcc, host[0], host[1], host[2])
        new = year > 2020
        start = year * 12 + 5 + int(r() * (15 if new else 24))
        if r() < 0.25:  # the spring and autumn waves
            start = start - start % 12 + (2 if r() < 0.5 else 9)
            if start < year * 12 + 5:
                start += 12
        sector = x["sector"]

        # The flow: who goes, for how long; rows share it.
        kind = "staff"
        learners = 1
        if sector == "he":
            kind = "he" if r() < 0.8 else "staff"
            learners = 1 + int(r() * 3)
        elif sector == "vet":
            u = r()
            if u < 0.08 and year >= 2018:  # ErasmusPro began with the 2018 call
                kind, learners = "pro", 1 + int(r() * 2)
            elif u < 0.1 and new:
                kind, learners = "competition", 1 + int(r() * 3)
            elif u < 0.8:
                kind, learners = "placement", 1 + int(r() * r() * r() * 16)
            else:
                learners = 1 + int(r() * 3)
        else:
            learners = 1 + int(r() * 2)
        field = x["fields"].pick(r())
        days = short_days(r()) if kind == "placement" else \
            90 + int(r() * r() * 276) if kind == "pro" else \
            2 + int(r() * 5) if kind == "competition" else 0
        leaders = 0
        if kind in ("placement", "competition") and learners >= 3 and r() < 0.7:
            leaders = 1 + (learners >= 10 and r() < 0.5)

        for j in range(learners + leaders):
            leader = j >= learners
            if leader or kind == "staff" or (kind == "he" and r() < 0.1):
                profile = "Staff"
                age = 26 + int(r() * r() * 40)
                level = NOT_APPLICABLE
                if leader:
                    dur = days if days <= 30 else staff_days(r())
                    activity = A_ACCOMPANY[new]
                    field_text = fields[field]
                    share = female_of[field] * 0.8 + 0.15
                elif sector == "he":
                    dur = 3 + int(r() * 10)
                    activity = A_HE[2]
                    field_text, share = HE_FIELDS[int(r() * len(HE_FIELDS))]
                elif sector == "adult":
                    dur = staff_days(r())
                    activity = A_ADULT
                    field_text, share = "Education science", 0.7
                else:
                    dur = staff_days(r())
                    options = A_STAFF[new]
                    activity = options[int(r() * len(options))]
                    field_text = STAFF_FIELDS[int(r() * len(STAFF_FIELDS))] if r() < 0.6 else "? Unknown ?"
                    share = 0.6
                fewer = "Yes" if r() < x["fewer"] * 0.1 else "No"
                leader_flag = "Yes" if leader else "No"
            else:
                profile = "Learner"
                leader_flag = "No"
                if kind == "he":
                    field_text, share = HE_FIELDS[int(r() * len(HE_FIELDS))]
                    level = HE_LEVELS[r() < 0.3]
                    traineeship = r() < 0.4
                    activity = A_HE[0] if traineeship else A_HE[1]
                    dur = 60 + int(r() * 240)
                    age = 19 + int(r() * r() * 12)
                else:
                    field_text, share = fields[field], female_of[field]
                    level = levels(r())
                    if kind == "pro":
                        activity = A_PRO[new]
                        dur = days + int(r() * 3) * 7
                        age = 18 + int(r() * r() * 12)
                    elif kind == "competition":
                        activity = A_COMPETITION
                        dur = days
                        age = learner_age(r())
                    else:
                        activity = A_PLACEMENT[new]
                        dur = days if r() < 0.85 else short_days(r())
                        age = learner_age(r())
                fewer = "Yes" if r() < x["fewer"] else "No"
            g = r()
            if g < 0.003:
                gender = "Undefined"
            elif g < 0.003 + 0.997 * min(0.97, share * x["female"]):
                gender = "Female"
            else:
                gender = "Male"
            n = r()
            nationality = x["cc"] if n < 0.94 else \
                OTHER_NATIONALITIES[int(r() * len(OTHER_NATIONALITIES))] if n < 0.985 else \
                codes[int(r() * len(codes))] if n < 0.998 else "-"
            special = "Yes" if r() < x["special"] else "No"
            begin = start + (r() < 0.08)
            end = begin + (dur + int(r() * 28)) // 30
            academic = begin // 12 - (begin % 12 < 5)
            participants = 1 if r() < 0.96 else 2 + int(r() * r() * 14)
            yield [ref, "%d-%d" % (academic, academic + 1), month(begin), month(end),
                   str(dur), activity, field_text, nationality, level, gender, profile,
                   special, fewer, leader_flag, str(age), sending[ii], receiving,
                   str(participants)]


def fields_of(row):
    """The row's 24 fields, quoted as written (the sending and receiving
    blocks come pre-joined, and a name may hold a quoted ';')."""
    text = ";".join(row)
    return [quote(f) for f in next(csv.reader([text], delimiter=";"))]


# Defect kinds: name, weight, and for those aimed at one field the fields
# (1-based) they may hit. Optional fields only for '-' and blanks, so that
# the row stays valid; text fields for trailing spaces.
DEFECTS = [("blank_duration", 12), ("dash_placeholder", 14), ("trailing_spaces", 12),
           ("mixed_eol", 6), ("name_variant", 6), ("missing_column", 6),
           ("extra_column", 5), ("bad_age", 10), ("bad_country", 8),
           ("bad_participants", 8), ("bad_project", 8), ("repeated_header", 3)]
DASH_FIELDS = [5, 8, 9, 15, 21]
SPACE_FIELDS = [6, 7, 10, 11, 17, 18, 21, 22]
BAD_AGES = ["n/a", "17 years", "seventeen", "-1", "150", "1 7", "18.5"]
BAD_COUNTRIES = ["Germany", "D", "GRC", "E S", "?", "España"]
BAD_PARTICIPANTS = ["0", "", "-", "two", "1.5"]


def add_defect(row, kind, r):
    """Changes the 24 fields of row in place; returns the 1-based field
    changed (0: the row as a whole)."""
    if kind == "blank_duration":
        row[4] = ""
        return 5
    if kind == "dash_placeholder":
        col = DASH_FIELDS[int(r() * len(DASH_FIELDS))]
        row[col - 1] = "-"
        return col
    if kind == "trailing_spaces":
        col = SPACE_FIELDS[int(r() * len(SPACE_FIELDS))]
        pad = " " * (1 + int(r() * 3))
        v = row[col - 1]
        row[col - 1] = v[:-1] + pad + '"' if v.endswith('"') else v + pad
        return col
    if kind == "mixed_eol":
        return 0
    if kind == "name_variant":
        row[17] = row[17].upper()
        return 18
    if kind == "missing_column":
        del row[int(r() * NCOLS)]
        return 0
    if kind == "extra_column":
        row.insert(int(r() * (NCOLS + 1)), "")
        return 0
    if kind == "bad_age":
        row[14] = BAD_AGES[int(r() * len(BAD_AGES))]
        return 15
    if kind == "bad_country":
        col = 16 if r() < 0.5 else 20
        row[col - 1] = quote(BAD_COUNTRIES[int(r() * len(BAD_COUNTRIES))])
        return col
    if kind == "bad_participants":
        row[23] = BAD_PARTICIPANTS[int(r() * len(BAD_PARTICIPANTS))]
        return 24
    if kind == "bad_project":
        ref = row[0]
        u = r()
        if u < 0.4:
            row[0] = ref.replace("-KA", "-ka")
        elif u < 0.7:
            row[0] = ref.replace("-", "/")
        else:
            row[0] = ref[:ref.rindex("-")]  # the serial number lost
        return 1
    if kind == "repeated_header":
        row[:] = [quote(h) for h in HEADER]
        return 1
    raise ValueError(kind)


def write(out, args, log):
    """Writes the file; with --dirty, logs each defect to log (or nowhere)."""
    world = World(args.seed, args.institutions)
    eol = "\r\n" if args.crlf else "\n"
    other_eol = "\n" if args.crlf else "\r\n"
    source = rows(world, args.seed)
    join = ";".join
    chunk = []
    if args.dirty <= 0:
        out.write(join(HEADER) + eol)
        for _ in range(args.rows):
            row = next(source)
            chunk.append(join(row))
            if len(chunk) == 10000:
                chunk.append("")
                out.write(eol.join(chunk))
                chunk = []
        if chunk:
            chunk.append("")
            out.write(eol.join(chunk))
        return
    r = Random(args.seed * 7777 + 5).random
    kinds = Weighted([k for k, _ in DEFECTS], [w for _, w in DEFECTS]).pick
    out.write("\ufeff" + join(HEADER) + eol)
    log("1\tbom\t0\n")
    for line in range(2, args.rows + 2):
        row = next(source)
        end = eol
        if r() < args.dirty:
            row = fields_of(row)
            kind = kinds(r())
            col = add_defect(row, kind, r)
            if kind == "mixed_eol":
                end = other_eol
            log("%d\t%s\t%d\n" % (line, kind, col))
        chunk.append(join(row) + end)
        if len(chunk) == 10000:
            out.write("".join(chunk))
            chunk = []
    out.write("".join(chunk))


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Made-up Erasmus+ KA1 mobility CSV in the official format.")
    ap.add_argument("--rows", type=int, required=True, help="data rows to write")
    ap.add_argument("--seed", type=int, default=1, help="same seed, same bytes")
    ap.add_argument("--institutions", type=int, default=2000, help="sending institutions")
    ap.add_argument("--out", default="-", help="output file, '-' for standard output")
    ap.add_argument("--dirty", type=float, default=0.0, help="share of rows with a defect")
    ap.add_argument("--crlf", action="store_true", help="CR LF line ends")
    ap.add_argument("--defect-log", help="write LINE TAB KIND TAB COLUMN per defect")
    args = ap.parse_args(argv)
    if args.rows < 0:
        ap.error("--rows must be 0 or more")
    if args.institutions < 1 or args.institutions > 9000000:
        ap.error("--institutions must be from 1 to 9000000")
    if not 0.0 <= args.dirty <= 1.0:
        ap.error("--dirty must be from 0 to 1")

    out = None
    log_file = None
    try:
        if args.out == "-":
            out = open(sys.stdout.fileno(), "w", encoding="utf-8", newline="",
                       buffering=1 << 20, closefd=False)
        else:
            out = open(args.out, "w", encoding="utf-8", newline="", buffering=1 << 20)
        if args.defect_log:
            log_file = open(args.defect_log, "w", encoding="utf-8", newline="\n")
        write(out, args, log_file.write if log_file else lambda s: None)
        out.flush()
    except BrokenPipeError:
        return 0  # `gen_mobility.py ... | head` is fine
    except OSError as e:
        print("gen_mobility.py: %s: %s" % (e.filename or args.out, e.strerror), file=sys.stderr)
        return 1
    finally:
        for f in (out, log_file):
            if f is not None:
                try:
                    f.close()
                except BrokenPipeError:
                    pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
