"""Who counts as what, written out again in Python from docs/definitions.md
("Who counts as what", "Durations and bands", "Unknown values") for the
oracles: never read from vista. Values are the file's texts (None when a
missing-value marker or blank)."""

MARKERS = {"", "-", "???", "? Unknown ?", "??? - ? Unknown ?"}

# Activity kinds, as docs/definitions.md numbers them.
NONE, OTHER, GROUP, STAFF, ACCOMPANYING, LONG, SHORT, COMPETITION = range(8)
# Bands and roles.
B_SHORT, B_LONG, B_STAFF, B_ACCOMPANYING, B_OTHER, B_GROUP = 1, 2, 3, 4, 5, 6
LEARNER, STAFF_ROLE, ACCOMPANYING_ROLE = 1, 2, 3


def clean(v):
    """A cell as vista reads it: trimmed, None for the missing markers
    (and 'Undefined', except as a gender)."""
    if v is None:
        return None
    v = v.strip(" \t")
    if v in MARKERS or v.lower() == "undefined":
        return None
    return v


def gender(v):
    """'female', 'male', 'undefined' (Undefined/Other: recorded) or None."""
    if v is None:
        return None
    v = v.strip(" \t").lower()
    if v in ("female", "f"):
        return "female"
    if v in ("male", "m"):
        return "male"
    if v in ("undefined", "other", "x"):
        return "undefined"
    return None


def profile(v):
    v = (clean(v) or "").lower()
    if v in ("learner", "learners", "student", "trainee"):
        return "learner"
    if v == "staff":
        return "staff"
    return None


def flag(v):
    """True, False or None (unknown: any other text)."""
    v = (clean(v) or "").lower()
    if v in ("yes", "y", "true", "1"):
        return True
    if v in ("no", "n", "false", "0"):
        return False
    return None


def activity_kind(text):
    text = clean(text)
    if text is None:
        return NONE
    t = text.lower()
    if "accompany" in t:
        return ACCOMPANYING
    if "competition" in t:
        return COMPETITION
    if "group mobility" in t:
        return GROUP
    if any(w in t for w in ("staff", "job shadowing", "teaching", "course")):
        return STAFF
    if any(w in t for w in ("erasmuspro", "long-term", "long term")):
        return LONG
    if "short-term" in t or "short term" in t:
        return SHORT
    return OTHER


def band(prof, leader, kind, dur):
    """Activity first, duration second; None when unknown."""
    if leader is True or kind == ACCOMPANYING:
        return B_ACCOMPANYING
    if prof == "staff" or (prof is None and kind == STAFF):
        return B_ACCOMPANYING if kind in (GROUP, LONG, SHORT, COMPETITION) \
            else B_STAFF
    if prof != "learner":
        return None
    if kind in (GROUP, COMPETITION):
        return B_GROUP
    if kind == LONG:
        return B_LONG
    if kind == SHORT:
        return B_SHORT
    if dur is None:
        return None
    return B_LONG if dur >= 90 else B_SHORT if dur >= 10 else B_OTHER


def role(prof, b):
    if b == B_ACCOMPANYING:
        return ACCOMPANYING_ROLE
    if b == B_STAFF:
        return STAFF_ROLE
    if prof == "learner":
        return LEARNER
    return None


RANGES = {GROUP: (2, 30), COMPETITION: (1, 10), LONG: (90, 365),
          SHORT: (10, 89)}


def out_of_range(b, kind, dur):
    if dur is None or b is None or b == B_ACCOMPANYING:
        return False
    if kind in RANGES:
        lo, hi = RANGES[kind]
        return not lo <= dur <= hi
    if kind == STAFF and b == B_STAFF:
        return not 2 <= dur <= 365
    return dur > 365


def band_edge(b, dur):
    return b in (B_SHORT, B_LONG, B_OTHER) and dur in (9, 10, 89, 90)


def classify(prof_text, leader_text, activity_text, dur):
    """(role, band) of a record from its texts and its duration (int or
    None)."""
    p = profile(prof_text)
    b = band(p, flag(leader_text), activity_kind(activity_text), dur)
    return role(p, b), b
