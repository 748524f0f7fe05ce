#!/usr/bin/env Rscript
# VET learners abroad by year, read from a vista database with R (DBI and
# RSQLite). The same question as
# `vista run mobility --by year vet=true profile=learner` (its `learners`
# column), asked of the stable view mobility_view (docs/database.md).
# A learner is is_learner = 1, the role vista counts (docs/definitions.md,
# "Who counts as what"), whatever the duration or band; every count sums
# participants.
#
# usage: Rscript learners_by_year.R VISTA_DB
suppressPackageStartupMessages(library(DBI))

db <- commandArgs(trailingOnly = TRUE)[1]
con <- dbConnect(RSQLite::SQLite(), db, flags = RSQLite::SQLITE_RO)
by_year <- dbGetQuery(con, "
  SELECT year, sum(participants) AS learners
  FROM mobility_view
  WHERE is_vet = 1 AND is_learner = 1
  GROUP BY year
  ORDER BY year")
dbDisconnect(con)

# An unknown year is an empty cell, as vista writes it.
write.csv(by_year, stdout(), row.names = FALSE, quote = FALSE, na = "")
