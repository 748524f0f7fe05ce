#!/bin/sh
# Runs test_journey.lua on a database made from the fixtures beside it.
set -e
vista=$1
here=$(dirname "$0")
db=$(mktemp -d)/j.db
"$vista" --db "$db" import mobility "$here/journey_mobility.csv" >/dev/null
"$vista" --db "$db" import partners "$here/journey_partners.csv" --institution "B  TEST01" >/dev/null
"$vista" --db "$db" import timeline "$here/journey_timeline.csv" --institution "B  TEST01" >/dev/null
"$vista" --db "$db" import strategy "$here/journey_strategy.lua" >/dev/null
"$vista" --db "$db" import survey "$here/journey_survey.csv" --institution "B  TEST01" >/dev/null
"$vista" --db "$db" run "$here/test_journey.lua"
rm -rf "$(dirname "$db")"
