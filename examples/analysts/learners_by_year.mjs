// VET learners abroad by year, with DuckDB (its Node API) over the records
// that vista exports: DuckDB reads SQLite files only through an extension
// it downloads, so it reads vista's CSV of the stable view mobility_view
// (docs/database.md) instead:
//
//   vista export mobility_view --out records.csv
//   node learners_by_year.mjs records.csv
//
// The same question as `vista run mobility --by year vet=true
// profile=learner` (its `learners` column). A learner is is_learner = 1,
// the role vista counts (docs/definitions.md, "Who counts as what"),
// whatever the duration or band; every count sums participants. Rows come
// in vista's order: an unknown year first.
import { DuckDBInstance } from '@duckdb/node-api';

const csv = process.argv[2];
const instance = await DuckDBInstance.create(':memory:');
const db = await instance.connect();
// The columns' types are given, not guessed from the first rows.
const reader = await db.runAndReadAll(`
  SELECT year, sum(participants) AS learners
  FROM read_csv($csv, header = true, auto_type_candidates = ['BIGINT', 'VARCHAR'])
  WHERE is_vet = 1 AND is_learner = 1
  GROUP BY year
  ORDER BY year NULLS FIRST`, { csv });
console.log('year,learners');
for (const [year, learners] of reader.getRows())
  console.log(`${year ?? ''},${learners}`);
db.closeSync();
instance.closeSync();
