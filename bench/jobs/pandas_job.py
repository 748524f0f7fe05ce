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
learner = (m["Participant Profile"] == "Learner") & (m["GroupLeader"] != "Yes")
staff = (m["Participant Profile"] == "Staff") & (m["GroupLeader"] != "Yes")
w = pd.DataFrame({
    "inst": m["inst"], "s_country": m["Sending Country Code"], "participants": p,
    "learners": p * learner, "staff": p * staff,
    "female": p * (m["Participant Gender"] == "Female"),
    "male": p * (m["Participant Gender"] == "Male"),
    "fewer": p * (m["Fewer Opportunities"] == "Yes"),
    "special": p * (m["Special Needs"] == "Yes"),
    "dur": p * m["duration"], "agew": p * m["age"],
    "long": p * (learner & (m["duration"] >= 90)),
    "r_country": m["Receiving Country Code"]})
g = w.groupby(["inst", "s_country"])
f = g[["participants", "learners", "staff", "female", "male", "fewer", "special",
       "dur", "agew", "long"]].sum()
f["receiving_countries"] = g["r_country"].nunique()
pt = f["participants"]
res = pd.DataFrame({
    "participants": pt, "learners": f["learners"], "staff": f["staff"],
    "female_share": 100.0 * f["female"] / pt, "male_share": 100.0 * f["male"] / pt,
    "undefined_share": 100.0 * (pt - f["female"] - f["male"]) / pt,
    "fewer_share": 100.0 * f["fewer"] / pt, "special_share": 100.0 * f["special"] / pt,
    "receiving_countries": f["receiving_countries"],
    "mean_duration": f["dur"] / pt, "mean_age": f["agew"] / pt,
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
