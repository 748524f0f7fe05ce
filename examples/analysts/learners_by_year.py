#!/usr/bin/env python3
"""VET learners abroad by year, read from a vista database with pandas.

The same question as `vista run mobility --by year vet=true profile=learner`
(its `learners` column), asked of the stable view `mobility_view`
(docs/database.md). A learner is `is_learner = 1`, the role vista counts
(docs/definitions.md, "Who counts as what"), whatever the duration or
band; every count sums `participants`.

usage: python3 learners_by_year.py VISTA_DB
"""
import sqlite3
import sys

import pandas as pd

# Read-only: the analysis never changes the database.
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
records = pd.read_sql_query(
    "SELECT year, is_learner, participants FROM mobility_view"
    " WHERE is_vet = 1", db)
db.close()

learners = records[records["is_learner"] == 1]
by_year = (learners.astype({"year": "Int64"})
           .groupby("year", dropna=False)["participants"].sum()
           .rename("learners")
           .sort_index(na_position="first"))
# As vista writes it: an unknown year first, as an empty cell.
by_year.to_csv(sys.stdout, na_rep="")
