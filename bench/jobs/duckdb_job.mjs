// The benchmark job in DuckDB (@duckdb/node-api): one step, or all of them
// in one process (for an in-memory database). Prints step times as JSON.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const [db, step, file, outFigures, outRank, jobs] = process.argv.slice(2);
const instance = await DuckDBInstance.create(db);
const con = await instance.connect();
const figuresSql = readFileSync(`${jobs}/peer_figures.sql`, 'utf8');
const rankSql = readFileSync(`${jobs}/peer_rank.sql`, 'utf8').trim();
const columns = `{'project': 'VARCHAR', 'academic_year': 'VARCHAR', 'start_month': 'VARCHAR',
  'end_month': 'VARCHAR', 'duration': 'BIGINT', 'activity': 'VARCHAR', 'field': 'VARCHAR',
  'nationality': 'VARCHAR', 'level': 'VARCHAR', 'gender': 'VARCHAR', 'profile': 'VARCHAR',
  'special': 'VARCHAR', 'fewer': 'VARCHAR', 'leader': 'VARCHAR', 'age': 'BIGINT',
  's_country': 'VARCHAR', 's_city': 'VARCHAR', 's_org': 'VARCHAR', 's_code': 'VARCHAR',
  'r_country': 'VARCHAR', 'r_city': 'VARCHAR', 'r_org': 'VARCHAR', 'r_code': 'VARCHAR',
  'participants': 'BIGINT'}`;
const times = {};
const timed = async (name, fn) => { const t = performance.now(); await fn(); times[name] = (performance.now() - t) / 1000; };
const esc = (s) => s.replaceAll("'", "''");
if (step === 'import' || step === 'all')
  await timed('import', () => con.run(`CREATE TABLE m AS SELECT * FROM read_csv('${esc(file)}',
    delim=';', header=true, quote='"', escape='"', columns=${columns}, nullstr='')`));
if (step === 'figures' || step === 'all')
  await timed('figures', async () => {
    await con.run(figuresSql);
    await con.run(`COPY (SELECT * EXCLUDE (s_country) FROM figures ORDER BY inst) TO '${esc(outFigures)}' (HEADER)`);
  });
if (step === 'rank' || step === 'all')
  await timed('rank', () => con.run(`COPY (${rankSql} ORDER BY inst) TO '${esc(outRank)}' (HEADER)`));
console.log(JSON.stringify(times));
