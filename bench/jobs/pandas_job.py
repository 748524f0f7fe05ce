"""The benchmark job in pandas: read, per-institution figures, percentile
rank within the sending country. Prints its step times as JSON."""
import json
import sys
import time

import pandas as pd

path, out_figures, out_rank = sys.argv[1:4]
t0 = time.perf_counter()
m = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
m["participants"] = m["Participants"].astype("int64")
m["duration"] = pd.to_numeric(m["Mobility Duration"])
m["age"] = pd.to_numeric(m["Participant Age"])
t1 = time.perf_counter()
code = m["Sending Organisation Erasmus Code"]
m["inst"] = code.where(code != "", m["Sending Organization"] + "|" + m["Sending Country Code"])
p = m["participants"]
# Who counts as what (docs/definitions.md): the activity's kind first.
act = m["Activity (mob)"].str.lower()
kind = pd.Series(1, index=m.index)
for k, words in ((6, ("short-term", "short term")),
                 (5, ("erasmuspro", "long-term", "long term")),
                 (3, ("staff", "job shadowing", "teaching", "course")),
                 (2, ("group mobility",)), (7, ("competition",)),
                 (4, ("accompany",))):  # the first match wins: set it last
    hit = pd.Series(False, index=m.index)
    for word in words:
        hit |= act.str.contains(word, regex=False)
    kind = kind.mask(hit, k)
prof, leader = m["Participant Profile"], m["GroupLeader"] == "Yes"
accompanying = leader | (kind == 4)
staffish = (prof == "Staff") | ((prof != "Learner") & (kind == 3))
learner = ~accompanying & ~staffish & (prof == "Learner")
staff = ~accompanying & staffish & ~kind.isin([2, 5, 6, 7])
gender = m["Participant Gender"]
w = pd.DataFrame({
    "inst": m["inst"], "s_country": m["Sending Country Code"], "participants": p,
    "learners": p * learner, "staff": p * staff,
    "female": p * (learner & (gender == "Female")),
    "male": p * (learner & (gender == "Male")),
    "undefined": p * (learner & (gender == "Undefined")),
    "fewer": p * (learner & (m["Fewer Opportunities"] == "Yes")),
    "fewer_known": p * (learner & m["Fewer Opportunities"].isin(["Yes", "No"])),
    "special": p * (learner & (m["Special Needs"] == "Yes")),
    "special_known": p * (learner & m["Special Needs"].isin(["Yes", "No"])),
    "dur": (p * m["duration"]).where(learner, 0).fillna(0),
    "dur_n": p * (learner & m["duration"].notna()),
    "agew": (p * m["age"]).where(learner, 0).fillna(0),
    "age_n": p * (learner & m["age"].notna()),
    "long": p * (learner & ((kind == 5) | (kind.isin([1, 3]) & (m["duration"] >= 90)))),
    "r_country": m["Receiving Country Code"]})
g = w.groupby(["inst", "s_country"])
sums = ["participants", "learners", "staff", "female", "male", "undefined", "fewer",
        "fewer_known", "special", "special_known", "dur", "dur_n", "agew", "age_n", "long"]
f = g[sums].sum()
f["receiving_countries"] = g["r_country"].nunique()
pt = f["participants"]
gk = (f["female"] + f["male"] + f["undefined"]).where(lambda x: x > 0)
res = pd.DataFrame({
    "participants": pt, "learners": f["learners"], "staff": f["staff"],
    "female_share": 100.0 * f["female"] / gk, "male_share": 100.0 * f["male"] / gk,
    "undefined_share": 100.0 * f["undefined"] / gk,
    "fewer_share": 100.0 * f["fewer"] / f["fewer_known"].where(f["fewer_known"] > 0),
    "special_share": 100.0 * f["special"] / f["special_known"].where(f["special_known"] > 0),
    "receiving_countries": f["receiving_countries"],
    "mean_duration": f["dur"] / f["dur_n"].where(f["dur_n"] > 0),
    "mean_age": f["agew"] / f["age_n"].where(f["age_n"] > 0),
    "long_term_share": 100.0 * f["long"] / f["learners"].where(f["learners"] > 0)})
res = res.reset_index()
t2 = time.perf_counter()
res[["inst"] + [c for c in res.columns if c not in ("inst", "s_country")]].to_csv(
    out_figures, index=False, float_format="%.10g")
rank = res[["inst", "s_country", "participants"]].copy()
n = rank.groupby("s_country")["participants"].transform("count")
r = rank.groupby("s_country")["participants"].rank(method="min")
rank["pct"] = ((r - 1) / (n - 1)).where(n > 1, 0.0)
rank[["inst", "pct"]].to_csv(out_rank, index=False, float_format="%.10g")
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "figures": t2 - t1, "rank": t3 - t2}))
