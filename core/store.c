/* store.c: the SQLite connection. It owns opening the database, the
 * connection's pragmas, the schema and its migrations, transactions, and the
 * import log. It is the only file that opens a database. It does not decide
 * what a script may do with the connection: query.c guards that.
 *
 * The stable views of docs/database.md (mobility_view, the strategy,
 * partner and milestone tables, ...) are an interface other tools read:
 * a migration keeps each of them, its name and its columns' names, types
 * and meanings. It may add a column (and document it there); it never
 * drops, renames or redefines one. A view that must change is re-created
 * with every documented column. tests/cli/test_database.py checks. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>

#include "country.h"
#include "mobility.h"
#include "mobility_internal.h"
#include "internal.h"
#include "memory.h"

static int fill_countries(vista_session *s);
static int reband(vista_session *s);
static int terms_later(vista_session *s);

/* Each step moves the schema from version i to i + 1: its SQL, then an
 * optional C step for data the SQL cannot hold, both in one transaction.
 * Published steps are never edited: a change to the schema is a new step. */
static const struct {
  const char *sql;
  int (*fill)(vista_session *s);
} migrations[] = {
  /* 1: institutions, and the record of every import and its rejects. */
  {"CREATE TABLE institution ("
   "  id INTEGER PRIMARY KEY,"
   "  erasmus_code TEXT UNIQUE CHECK (length(erasmus_code) > 0),"
   "  name TEXT NOT NULL CHECK (length(name) > 0),"
   "  country TEXT"
   "    CHECK (length(country) = 2 AND country = upper(country)),"
   "  city TEXT"
   ") STRICT;"
   "CREATE UNIQUE INDEX institution_name_country"
   "  ON institution(name, country) WHERE erasmus_code IS NULL;"
   "CREATE TABLE import_log ("
   "  id INTEGER PRIMARY KEY,"
   "  kind TEXT NOT NULL,"
   "  source TEXT NOT NULL,"
   "  imported_at TEXT NOT NULL,"
   "  rows_read INTEGER NOT NULL DEFAULT 0,"
   "  rows_stored INTEGER NOT NULL DEFAULT 0,"
   "  rows_rejected INTEGER NOT NULL DEFAULT 0"
   ") STRICT;"
   "CREATE TABLE import_reject ("
   "  import_id INTEGER NOT NULL REFERENCES import_log(id) ON DELETE CASCADE,"
   "  line INTEGER NOT NULL,"
   "  field INTEGER,"
   "  reason TEXT NOT NULL"
   ") STRICT;"
   "CREATE INDEX import_reject_import ON import_reject(import_id);",
   NULL},
  /* 2: mobility. Texts are stored once (label, project, institution,
   * country) and the fact table holds integers; two summaries, kept up to
   * date by the importer, answer the per-institution figures. */
  {"CREATE TABLE country ("
   "  id INTEGER PRIMARY KEY,"
   "  code TEXT NOT NULL UNIQUE,"
   "  iso TEXT NOT NULL,"
   "  name TEXT NOT NULL"
   ") STRICT;"
   "CREATE TABLE label ("
   "  id INTEGER PRIMARY KEY,"
   "  text TEXT NOT NULL UNIQUE"
   ") STRICT;"
   "CREATE TABLE project ("
   "  id INTEGER PRIMARY KEY,"
   "  reference TEXT NOT NULL UNIQUE,"
   "  call_year INTEGER NOT NULL,"
   "  round INTEGER NOT NULL,"
   "  na_code TEXT NOT NULL,"
   "  key_action TEXT NOT NULL"
   ") STRICT;"
   "CREATE TABLE mobility_file ("
   "  import_id INTEGER PRIMARY KEY"
   "    REFERENCES import_log(id) ON DELETE CASCADE,"
   "  sha256 TEXT NOT NULL,"
   "  size INTEGER NOT NULL,"
   "  format TEXT NOT NULL,"
   "  first_id INTEGER,"
   "  last_id INTEGER,"
   "  participants INTEGER NOT NULL"
   ") STRICT;"
   "CREATE INDEX mobility_file_sha256 ON mobility_file(sha256);"
   /* Codes: gender 1 female, 2 male; profile 1 learner, 2 staff;
    * direction 1 outgoing, 2 incoming; band 1 short-term learner, 2
    * long-term learner, 3 staff, 4 group leader or accompanying person, 5
    * other learner activity; flags 0 no, 1 yes; NULL unknown. The small
    * codes are stored packed in one integer (two bits each, 0 unknown) and
    * read as columns through the view mobility_fact: a record costs a third
    * less to write. (Generated columns would be computed on every insert
    * into a STRICT table.) */
   "CREATE TABLE mobility ("
   "  id INTEGER PRIMARY KEY,"
   "  import_id INTEGER NOT NULL,"
   "  line INTEGER NOT NULL,"
   "  project_id INTEGER,"
   "  academic_year INTEGER,"
   "  start_month INTEGER,"
   "  end_month INTEGER,"
   "  duration INTEGER CHECK (duration >= 0),"
   "  activity_id INTEGER,"
   "  field_id INTEGER,"
   "  nationality_id INTEGER,"
   "  education_level_id INTEGER,"
   "  codes INTEGER NOT NULL CHECK (codes >= 0),"
   "  age INTEGER,"
   "  sending_country_id INTEGER,"
   "  sending_city_id INTEGER,"
   "  sending_id INTEGER,"
   "  receiving_country_id INTEGER,"
   "  receiving_city_id INTEGER,"
   "  receiving_id INTEGER,"
   "  participants INTEGER NOT NULL CHECK (participants > 0),"
   "  partner_id INTEGER"
   ") STRICT;"
   "CREATE VIEW mobility_fact AS SELECT m.*,"
   "  nullif(m.codes & 3, 0) AS gender,"
   "  nullif(m.codes >> 2 & 3, 0) AS profile,"
   "  nullif(m.codes >> 4 & 3, 0) - 1 AS special_needs,"
   "  nullif(m.codes >> 6 & 3, 0) - 1 AS fewer_opportunities,"
   "  nullif(m.codes >> 8 & 3, 0) - 1 AS group_leader,"
   "  nullif(m.codes >> 10 & 3, 0) AS direction,"
   "  nullif(m.codes >> 12 & 3, 0) - 1 AS recognised,"
   "  m.codes >> 14 & 1 AS is_vet,"
   "  nullif(m.codes >> 15 & 7, 0) AS band,"
   "  m.codes >> 18 & 1 AS band_edge,"
   "  m.start_month / 100 AS year"
   " FROM mobility m;"
   /* The summaries: -1 (0 for ids and years, '' for the key action) means
    * unknown there, so that every key is a value. */
   "CREATE TABLE mobility_summary ("
   "  institution_id INTEGER NOT NULL,"
   "  sending_country_id INTEGER NOT NULL,"
   "  year INTEGER NOT NULL,"
   "  key_action TEXT NOT NULL,"
   "  is_vet INTEGER NOT NULL,"
   "  profile INTEGER NOT NULL,"
   "  band INTEGER NOT NULL,"
   "  direction INTEGER NOT NULL,"
   "  participants INTEGER NOT NULL,"
   "  female INTEGER NOT NULL,"
   "  male INTEGER NOT NULL,"
   "  fewer_opportunities INTEGER NOT NULL,"
   "  special_needs INTEGER NOT NULL,"
   "  duration_sum INTEGER NOT NULL,"
   "  duration_n INTEGER NOT NULL,"
   "  age_sum INTEGER NOT NULL,"
   "  age_n INTEGER NOT NULL,"
   "  PRIMARY KEY (institution_id, sending_country_id, year, key_action,"
   "    is_vet, profile, band, direction)"
   ") STRICT, WITHOUT ROWID;"
   "CREATE TABLE mobility_destination ("
   "  institution_id INTEGER NOT NULL,"
   "  sending_country_id INTEGER NOT NULL,"
   "  year INTEGER NOT NULL,"
   "  key_action TEXT NOT NULL,"
   "  is_vet INTEGER NOT NULL,"
   "  profile INTEGER NOT NULL,"
   "  band INTEGER NOT NULL,"
   "  direction INTEGER NOT NULL,"
   "  receiving_country_id INTEGER NOT NULL,"
   "  participants INTEGER NOT NULL,"
   "  PRIMARY KEY (institution_id, sending_country_id, year, key_action,"
   "    is_vet, profile, band, direction, receiving_country_id)"
   ") STRICT, WITHOUT ROWID;"
   /* The records as text, for people and for scripts. */
   "CREATE VIEW mobility_view AS SELECT"
   "  m.id, m.import_id, m.line, p.reference AS project_reference,"
   "  p.call_year, p.round, p.na_code, p.key_action,"
   "  m.academic_year, m.start_month, m.end_month, m.duration,"
   "  act.text AS activity, fld.text AS field_of_education,"
   "  nat.code AS nationality, edu.text AS education_level,"
   "  CASE m.gender WHEN 1 THEN 'female' WHEN 2 THEN 'male' END AS gender,"
   "  CASE m.profile WHEN 1 THEN 'learner' WHEN 2 THEN 'staff' END"
   "    AS profile,"
   "  m.special_needs, m.fewer_opportunities, m.group_leader, m.age,"
   "  sc.code AS sending_country, scity.text AS sending_city,"
   "  si.name AS sending_organisation,"
   "  si.erasmus_code AS sending_erasmus_code, m.sending_id,"
   "  rc.code AS receiving_country, rcity.text AS receiving_city,"
   "  ri.name AS receiving_organisation,"
   "  ri.erasmus_code AS receiving_erasmus_code, m.receiving_id,"
   "  m.participants,"
   "  CASE m.direction WHEN 1 THEN 'outgoing' WHEN 2 THEN 'incoming' END"
   "    AS direction,"
   "  partner.text AS partner, m.recognised, m.is_vet,"
   "  CASE m.band WHEN 1 THEN 'short' WHEN 2 THEN 'long' WHEN 3 THEN 'staff'"
   "    WHEN 4 THEN 'accompanying' WHEN 5 THEN 'other' END AS band,"
   "  m.year, m.band_edge"
   " FROM mobility_fact m"
   " LEFT JOIN project p ON p.id = m.project_id"
   " LEFT JOIN label act ON act.id = m.activity_id"
   " LEFT JOIN label fld ON fld.id = m.field_id"
   " LEFT JOIN country nat ON nat.id = m.nationality_id"
   " LEFT JOIN label edu ON edu.id = m.education_level_id"
   " LEFT JOIN country sc ON sc.id = m.sending_country_id"
   " LEFT JOIN label scity ON scity.id = m.sending_city_id"
   " LEFT JOIN institution si ON si.id = m.sending_id"
   " LEFT JOIN country rc ON rc.id = m.receiving_country_id"
   " LEFT JOIN label rcity ON rcity.id = m.receiving_city_id"
   " LEFT JOIN institution ri ON ri.id = m.receiving_id"
   " LEFT JOIN label partner ON partner.id = m.partner_id;",
   fill_countries},
  /* 3: an institution's yearly facts, its strategy, its partners, and the
   * indicators with their targets and entered measurements. Periods are
   * text: '2024' (calendar year) or '2024-25' (school year, September to
   * August). Dates are ISO text, compared as text. */
  {"CREATE TABLE institution_fact ("
   "  institution_id INTEGER NOT NULL REFERENCES institution(id),"
   "  period TEXT NOT NULL,"
   "  name TEXT NOT NULL,"
   "  value REAL NOT NULL CHECK (value >= 0),"
   "  source TEXT NOT NULL,"
   "  PRIMARY KEY (institution_id, period, name)"
   ") STRICT, WITHOUT ROWID;"
   "CREATE TABLE strategy ("
   "  id INTEGER PRIMARY KEY,"
   "  institution_id INTEGER NOT NULL REFERENCES institution(id),"
   "  title TEXT NOT NULL,"
   "  period_from TEXT NOT NULL,"
   "  period_to TEXT NOT NULL CHECK (period_to >= period_from),"
   "  mission TEXT NOT NULL,"
   "  vision TEXT NOT NULL,"
   "  source_path TEXT NOT NULL,"
   "  source TEXT NOT NULL,"
   "  imported_at TEXT NOT NULL,"
   "  UNIQUE (institution_id, period_from)"
   ") STRICT;"
   "CREATE TABLE strategy_item ("
   "  strategy_id INTEGER NOT NULL REFERENCES strategy(id) ON DELETE CASCADE,"
   "  kind TEXT NOT NULL CHECK (kind IN ('value', 'core_skill')),"
   "  pos INTEGER NOT NULL,"
   "  text TEXT NOT NULL,"
   "  PRIMARY KEY (strategy_id, kind, pos)"
   ") STRICT;"
   "CREATE TABLE goal ("
   "  strategy_id INTEGER NOT NULL REFERENCES strategy(id) ON DELETE CASCADE,"
   "  id TEXT NOT NULL,"
   "  pos INTEGER NOT NULL,"
   "  text TEXT NOT NULL,"
   "  why_kind TEXT NOT NULL"
   "    CHECK (why_kind IN ('goal', 'mission', 'vision', 'factor', 'text')),"
   "  why TEXT,"
   "  line INTEGER NOT NULL,"
   "  PRIMARY KEY (strategy_id, id)"
   ") STRICT;"
   "CREATE TABLE goal_indicator ("
   "  strategy_id INTEGER NOT NULL REFERENCES strategy(id) ON DELETE CASCADE,"
   "  goal_id TEXT NOT NULL,"
   "  indicator_id TEXT NOT NULL,"
   "  PRIMARY KEY (strategy_id, goal_id, indicator_id)"
   ") STRICT;"
   "CREATE TABLE action ("
   "  strategy_id INTEGER NOT NULL REFERENCES strategy(id) ON DELETE CASCADE,"
   "  pos INTEGER NOT NULL,"
   "  goal_id TEXT NOT NULL,"
   "  what TEXT NOT NULL,"
   "  owner TEXT,"
   "  start TEXT,"
   "  due TEXT,"
   "  budget REAL CHECK (budget >= 0),"
   "  person_days REAL CHECK (person_days >= 0),"
   "  status TEXT NOT NULL CHECK (status IN"
   "    ('planned', 'started', 'done', 'dropped')),"
   "  indicator_id TEXT,"
   "  line INTEGER NOT NULL,"
   "  PRIMARY KEY (strategy_id, pos)"
   ") STRICT;"
   "CREATE TABLE env_factor ("
   "  strategy_id INTEGER NOT NULL REFERENCES strategy(id) ON DELETE CASCADE,"
   "  id TEXT NOT NULL,"
   "  level TEXT NOT NULL CHECK (level IN ('institutional', 'regional',"
   "    'national', 'sectoral', 'european', 'global')),"
   "  category TEXT NOT NULL CHECK (category IN ('political', 'economic',"
   "    'social', 'technological', 'legal', 'environmental')),"
   "  text TEXT NOT NULL,"
   "  source TEXT,"
   "  trend TEXT CHECK (trend IN ('rising', 'stable', 'falling')),"
   "  impact INTEGER NOT NULL CHECK (impact BETWEEN -3 AND 3),"
   "  likelihood REAL NOT NULL CHECK (likelihood BETWEEN 0 AND 1),"
   "  line INTEGER NOT NULL,"
   "  PRIMARY KEY (strategy_id, id)"
   ") STRICT;"
   "CREATE TABLE indicator ("
   "  strategy_id INTEGER NOT NULL REFERENCES strategy(id) ON DELETE CASCADE,"
   "  id TEXT NOT NULL,"
   "  name TEXT,"
   "  unit TEXT,"
   "  definition TEXT,"
   "  direction TEXT CHECK (direction IN ('higher', 'lower')),"
   "  period_type TEXT CHECK (period_type IN ('calendar', 'school')),"
   "  builtin INTEGER NOT NULL,"
   "  line INTEGER NOT NULL,"
   "  PRIMARY KEY (strategy_id, id)"
   ") STRICT;"
   "CREATE TABLE indicator_value ("
   "  strategy_id INTEGER NOT NULL REFERENCES strategy(id) ON DELETE CASCADE,"
   "  indicator_id TEXT NOT NULL,"
   "  kind TEXT NOT NULL CHECK (kind IN ('baseline', 'target', 'measured')),"
   "  period TEXT NOT NULL,"
   "  value REAL NOT NULL,"
   "  PRIMARY KEY (strategy_id, indicator_id, kind, period)"
   ") STRICT;"
   "CREATE TABLE partner ("
   "  id INTEGER PRIMARY KEY,"
   "  institution_id INTEGER NOT NULL REFERENCES institution(id),"
   "  name TEXT NOT NULL CHECK (length(name) > 0),"
   "  country TEXT NOT NULL"
   "    CHECK (length(country) = 2 AND country = upper(country)),"
   "  city TEXT,"
   "  kind TEXT NOT NULL CHECK (kind IN ('vet_school', 'company',"
   "    'higher_education', 'agency', 'other')),"
   "  abroad INTEGER NOT NULL CHECK (abroad IN (0, 1)),"
   "  strategic INTEGER NOT NULL CHECK (strategic IN (0, 1)),"
   "  sector TEXT,"
   "  erasmus_code TEXT,"
   "  since TEXT,"
   "  until TEXT,"
   "  UNIQUE (institution_id, name, country)"
   ") STRICT;"
   "CREATE TABLE agreement ("
   "  partner_id INTEGER NOT NULL REFERENCES partner(id) ON DELETE CASCADE,"
   "  kind TEXT NOT NULL,"
   "  signed TEXT,"
   "  valid_from TEXT,"
   "  valid_to TEXT CHECK (valid_to IS NULL OR valid_from IS NULL"
   "    OR valid_to >= valid_from),"
   "  scope TEXT,"
   "  UNIQUE (partner_id, kind, valid_from)"
   ") STRICT;"
   /* A contact that changes is closed (valid_to set), not overwritten. */
   "CREATE TABLE contact ("
   "  id INTEGER PRIMARY KEY,"
   "  partner_id INTEGER NOT NULL REFERENCES partner(id) ON DELETE CASCADE,"
   "  name TEXT NOT NULL,"
   "  role TEXT,"
   "  email TEXT,"
   "  phone TEXT,"
   "  valid_from TEXT,"
   "  valid_to TEXT"
   ") STRICT;"
   "CREATE INDEX contact_partner ON contact(partner_id);",
   NULL},
  /* 4: the terms, what indicators and benchmarks are computed from: what
   * each institution sent by half year (year * 2, + 1 from September: they
   * add up to calendar and to school years), key action and National
   * Agency, as participant-weighted counts; the destinations by term; and
   * the learners and staff each institution received by term. Learners are
   * the learner profile less group leaders and accompanying persons; ages
   * and durations are the learners'. Filled from the records stored. */
  {"CREATE TABLE mobility_term ("
   "  institution_id INTEGER NOT NULL,"
   "  term INTEGER NOT NULL,"
   "  key_action TEXT NOT NULL,"
   "  na_code TEXT NOT NULL,"
   "  participants INTEGER NOT NULL,"
   "  learners INTEGER NOT NULL,"
   "  learners_10d INTEGER NOT NULL,"
   "  learners_15d INTEGER NOT NULL,"
   "  ivet_10d INTEGER NOT NULL,"
   "  long_term INTEGER NOT NULL,"
   "  female INTEGER NOT NULL,"
   "  male INTEGER NOT NULL,"
   "  fewer INTEGER NOT NULL,"
   "  special INTEGER NOT NULL,"
   "  recognised INTEGER NOT NULL,"
   "  recognition_known INTEGER NOT NULL,"
   "  staff INTEGER NOT NULL,"
   "  staff_5d INTEGER NOT NULL,"
   "  age_sum INTEGER NOT NULL,"
   "  age_n INTEGER NOT NULL,"
   "  duration_sum INTEGER NOT NULL,"
   "  duration_n INTEGER NOT NULL,"
   "  PRIMARY KEY (institution_id, term, key_action, na_code)"
   ") STRICT, WITHOUT ROWID;"
   "CREATE TABLE mobility_term_incoming ("
   "  institution_id INTEGER NOT NULL,"
   "  term INTEGER NOT NULL,"
   "  learners INTEGER NOT NULL,"
   "  staff INTEGER NOT NULL,"
   "  PRIMARY KEY (institution_id, term)"
   ") STRICT, WITHOUT ROWID;"
   "CREATE TABLE mobility_term_destination ("
   "  institution_id INTEGER NOT NULL,"
   "  term INTEGER NOT NULL,"
   "  receiving_country_id INTEGER NOT NULL,"
   "  participants INTEGER NOT NULL,"
   "  PRIMARY KEY (institution_id, term, receiving_country_id)"
   ") STRICT, WITHOUT ROWID;",
   terms_later},
  /* 5: the strategy journey's first steps: what the institution has done
   * (milestones: projects, accreditations, charters, partnerships,
   * networks, competitions, strategies; from a strategy file or a CSV
   * file), and an anonymous survey of its staff's international skills. */
  {"CREATE TABLE milestone ("
   "  id INTEGER PRIMARY KEY,"
   "  institution_id INTEGER NOT NULL REFERENCES institution(id),"
   "  strategy_id INTEGER REFERENCES strategy(id) ON DELETE CASCADE,"
   "  kind TEXT NOT NULL CHECK (kind IN ('project', 'accreditation',"
   "    'charter', 'partnership', 'network', 'competition', 'strategy',"
   "    'milestone')),"
   "  title TEXT NOT NULL CHECK (length(title) > 0),"
   "  start TEXT NOT NULL,"
   "  until TEXT CHECK (until IS NULL OR until >= start),"
   "  reference TEXT,"
   "  role TEXT,"
   "  partners TEXT,"
   "  funding REAL CHECK (funding IS NULL OR funding >= 0),"
   "  source TEXT,"
   "  line INTEGER"
   ") STRICT;"
   "CREATE UNIQUE INDEX milestone_key"
   "  ON milestone(institution_id, kind, title, start);"
   "CREATE TABLE survey_response ("
   "  id INTEGER PRIMARY KEY,"
   "  institution_id INTEGER NOT NULL REFERENCES institution(id),"
   "  import_id INTEGER NOT NULL REFERENCES import_log(id) ON DELETE CASCADE,"
   "  line INTEGER NOT NULL,"
   "  department TEXT NOT NULL,"
   "  role TEXT,"
   "  interest TEXT CHECK (interest IN ('yes', 'maybe', 'no')),"
   "  support TEXT"
   ") STRICT;"
   "CREATE INDEX survey_response_institution"
   "  ON survey_response(institution_id);"
   /* Levels: 1 A1 .. 6 C2. */
   "CREATE TABLE survey_language ("
   "  response_id INTEGER NOT NULL"
   "    REFERENCES survey_response(id) ON DELETE CASCADE,"
   "  language TEXT NOT NULL,"
   "  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 6),"
   "  PRIMARY KEY (response_id, language)"
   ") STRICT, WITHOUT ROWID;"
   /* kind: experience (stay_abroad, project, hosting, expert) or a role
    * the respondent could lead (lead_project_writing, lead_hosting,
    * lead_competitions, lead_training). */
   "CREATE TABLE survey_answer ("
   "  response_id INTEGER NOT NULL"
   "    REFERENCES survey_response(id) ON DELETE CASCADE,"
   "  kind TEXT NOT NULL,"
   "  PRIMARY KEY (response_id, kind)"
   ") STRICT, WITHOUT ROWID;",
   NULL},
  /* 6: each record keeps its organisations' names as its row spelled them.
   * An institution is one per Erasmus code, but the open data spells a
   * code's name many ways; with the institution's one display name alone,
   * an export gave every row the first spelling seen, not what it came
   * with. A name is a label (stored once, as other texts) when the row
   * spells it otherwise than its institution's display name; NULL when it
   * is that name (nearly every row: nothing to store, and every record
   * stored before, which is all that was known of them); 0 when the row
   * gave no name (an organisation known by its code only). */
  {"ALTER TABLE mobility ADD COLUMN sending_name_id INTEGER;"
   "ALTER TABLE mobility ADD COLUMN receiving_name_id INTEGER;"
   /* The same view as in step 2, but for the organisations' names. */
   "DROP VIEW mobility_view;"
   "CREATE VIEW mobility_view AS SELECT"
   "  m.id, m.import_id, m.line, p.reference AS project_reference,"
   "  p.call_year, p.round, p.na_code, p.key_action,"
   "  m.academic_year, m.start_month, m.end_month, m.duration,"
   "  act.text AS activity, fld.text AS field_of_education,"
   "  nat.code AS nationality, edu.text AS education_level,"
   "  CASE m.gender WHEN 1 THEN 'female' WHEN 2 THEN 'male' END AS gender,"
   "  CASE m.profile WHEN 1 THEN 'learner' WHEN 2 THEN 'staff' END"
   "    AS profile,"
   "  m.special_needs, m.fewer_opportunities, m.group_leader, m.age,"
   "  sc.code AS sending_country, scity.text AS sending_city,"
   "  CASE WHEN m.sending_name_id = 0 THEN NULL"
   "    ELSE coalesce(sname.text, si.name) END AS sending_organisation,"
   "  si.erasmus_code AS sending_erasmus_code, m.sending_id,"
   "  rc.code AS receiving_country, rcity.text AS receiving_city,"
   "  CASE WHEN m.receiving_name_id = 0 THEN NULL"
   "    ELSE coalesce(rname.text, ri.name) END AS receiving_organisation,"
   "  ri.erasmus_code AS receiving_erasmus_code, m.receiving_id,"
   "  m.participants,"
   "  CASE m.direction WHEN 1 THEN 'outgoing' WHEN 2 THEN 'incoming' END"
   "    AS direction,"
   "  partner.text AS partner, m.recognised, m.is_vet,"
   "  CASE m.band WHEN 1 THEN 'short' WHEN 2 THEN 'long' WHEN 3 THEN 'staff'"
   "    WHEN 4 THEN 'accompanying' WHEN 5 THEN 'other' END AS band,"
   "  m.year, m.band_edge"
   " FROM mobility_fact m"
   " LEFT JOIN project p ON p.id = m.project_id"
   " LEFT JOIN label act ON act.id = m.activity_id"
   " LEFT JOIN label fld ON fld.id = m.field_id"
   " LEFT JOIN country nat ON nat.id = m.nationality_id"
   " LEFT JOIN label edu ON edu.id = m.education_level_id"
   " LEFT JOIN country sc ON sc.id = m.sending_country_id"
   " LEFT JOIN label scity ON scity.id = m.sending_city_id"
   " LEFT JOIN institution si ON si.id = m.sending_id"
   " LEFT JOIN label sname ON sname.id = m.sending_name_id"
   " LEFT JOIN country rc ON rc.id = m.receiving_country_id"
   " LEFT JOIN label rcity ON rcity.id = m.receiving_city_id"
   " LEFT JOIN institution ri ON ri.id = m.receiving_id"
   " LEFT JOIN label rname ON rname.id = m.receiving_name_id"
   " LEFT JOIN label partner ON partner.id = m.partner_id;",
   NULL},
  /* 7: what the environment scan covers and where milestones happened: a
   * factor's theme (a Mobility Scoreboard area or labour-market needs, one
   * of the ids vista.strategy_file lists), and the country (an Erasmus+
   * code) and partner a milestone names, so that the timeline can merge
   * them with what the mobility records show. */
  {"ALTER TABLE env_factor ADD COLUMN theme TEXT;"
   "ALTER TABLE milestone ADD COLUMN country TEXT"
   "  CHECK (length(country) = 2 AND country = upper(country));"
   "ALTER TABLE milestone ADD COLUMN partner TEXT;",
   NULL},
  /* 8: the records' fingerprint per import, for the same data saved in
   * another form (CRLF, quoted, a translated header): the file's SHA-256
   * differs, the parsed records do not. record_sum and record_xor combine
   * a 64-bit hash of each record in any order (a multiset: a row twice
   * counts twice); import_sample keeps the smallest distinct hashes, to
   * estimate how much of a new file an earlier import already holds. */
  {"ALTER TABLE import_log ADD COLUMN record_sum INTEGER;"
   "ALTER TABLE import_log ADD COLUMN record_xor INTEGER;"
   "ALTER TABLE import_log ADD COLUMN record_count INTEGER;"
   "ALTER TABLE import_log ADD COLUMN record_participants INTEGER;"
   "CREATE INDEX import_log_records ON import_log(record_sum, record_xor);"
   "CREATE TABLE import_sample ("
   "  import_id INTEGER NOT NULL REFERENCES import_log(id) ON DELETE CASCADE,"
   "  hash INTEGER NOT NULL CHECK (hash >= 0),"
   "  PRIMARY KEY (import_id, hash)"
   ") STRICT, WITHOUT ROWID;",
   NULL},
  /* 9: one meaning per word. The band, the role (learner, staff,
   * accompanying), the edge and range flags are the SQL definitions of
   * mobility_internal.h, computed in mobility_fact from the stored
   * profile, group leader flag, activity kind and duration; every figure
   * selects them (the importer stores its fast copy in the codes for the
   * summaries: test_rules proves the two equal). New codes: the activity
   * kind (bits 19-21, ACT_* in mobility.h), out of range (bit 22), gender 3
   * Undefined/Other, band 6 group mobility or skills competition, the
   * recent-graduate flag (bits 23-24). New columns: the pseudonymous
   * person id (a label) of an institution's own list, and the known-counts
   * the shares need for their coverage. The fill step classifies the
   * activities of records stored before and re-bands them. */
  {"ALTER TABLE mobility ADD COLUMN person_id INTEGER;"
   "ALTER TABLE mobility_summary ADD COLUMN gender_undefined INTEGER"
   "  NOT NULL DEFAULT 0;"
   "ALTER TABLE mobility_summary ADD COLUMN gender_known INTEGER"
   "  NOT NULL DEFAULT 0;"
   "ALTER TABLE mobility_summary ADD COLUMN fewer_known INTEGER"
   "  NOT NULL DEFAULT 0;"
   "ALTER TABLE mobility_summary ADD COLUMN special_known INTEGER"
   "  NOT NULL DEFAULT 0;"
   "ALTER TABLE mobility_term ADD COLUMN gender_undefined INTEGER"
   "  NOT NULL DEFAULT 0;"
   "ALTER TABLE mobility_term ADD COLUMN gender_known INTEGER"
   "  NOT NULL DEFAULT 0;"
   "ALTER TABLE mobility_term ADD COLUMN fewer_known INTEGER"
   "  NOT NULL DEFAULT 0;"
   "ALTER TABLE mobility_term ADD COLUMN special_known INTEGER"
   "  NOT NULL DEFAULT 0;"
   "ALTER TABLE mobility_term ADD COLUMN level_known INTEGER"
   "  NOT NULL DEFAULT 0;"
   "DROP VIEW mobility_view;"
   "DROP VIEW mobility_fact;"
   "CREATE VIEW mobility_fact AS SELECT b.*,"
   "  " MOB_ROLE_SQL("b.profile", "b.band") " AS role,"
   "  coalesce(" MOB_ROLE_SQL("b.profile", "b.band") " = 1, 0)"
   "    AS is_learner,"
   "  coalesce(" MOB_ROLE_SQL("b.profile", "b.band") " = 2, 0) AS is_staff,"
   "  coalesce(" MOB_ROLE_SQL("b.profile", "b.band") " = 3, 0)"
   "    AS is_accompanying,"
   "  " MOB_EDGE_SQL("b.band", "b.duration") " AS band_edge,"
   "  " MOB_RANGE_SQL("b.band", "b.activity_kind", "b.duration")
   "    AS out_of_range"
   " FROM (SELECT d.*, "
   MOB_BAND_SQL("d.profile", "d.group_leader", "d.activity_kind",
                "d.duration") " AS band"
   "  FROM (SELECT m.*,"
   "  nullif(m.codes & 3, 0) AS gender,"
   "  nullif(m.codes >> 2 & 3, 0) AS profile,"
   "  nullif(m.codes >> 4 & 3, 0) - 1 AS special_needs,"
   "  nullif(m.codes >> 6 & 3, 0) - 1 AS fewer_opportunities,"
   "  nullif(m.codes >> 8 & 3, 0) - 1 AS group_leader,"
   "  nullif(m.codes >> 10 & 3, 0) AS direction,"
   "  nullif(m.codes >> 12 & 3, 0) - 1 AS recognised,"
   "  m.codes >> 14 & 1 AS is_vet,"
   "  m.codes >> 19 & 7 AS activity_kind,"
   "  nullif(m.codes >> 23 & 3, 0) - 1 AS recent_graduate,"
   "  m.start_month / 100 AS year,"
   /* September to August, named by its first year: 2023-09 is 2023. */
   "  m.start_month / 100 - (m.start_month % 100 < 9) AS school_year"
   "  FROM mobility m) d) b;"
   "CREATE VIEW mobility_view AS SELECT"
   "  m.id, m.import_id, m.line, p.reference AS project_reference,"
   "  p.call_year, p.round, p.na_code, p.key_action,"
   "  m.academic_year, m.start_month, m.end_month, m.duration,"
   "  act.text AS activity, fld.text AS field_of_education,"
   "  nat.code AS nationality, edu.text AS education_level,"
   "  CASE m.gender WHEN 1 THEN 'female' WHEN 2 THEN 'male'"
   "    WHEN 3 THEN 'undefined' END AS gender,"
   "  CASE m.profile WHEN 1 THEN 'learner' WHEN 2 THEN 'staff' END"
   "    AS profile,"
   "  m.special_needs, m.fewer_opportunities, m.group_leader, m.age,"
   "  sc.code AS sending_country, scity.text AS sending_city,"
   "  CASE WHEN m.sending_name_id = 0 THEN NULL"
   "    ELSE coalesce(sname.text, si.name) END AS sending_organisation,"
   "  si.erasmus_code AS sending_erasmus_code, m.sending_id,"
   "  rc.code AS receiving_country, rcity.text AS receiving_city,"
   "  CASE WHEN m.receiving_name_id = 0 THEN NULL"
   "    ELSE coalesce(rname.text, ri.name) END AS receiving_organisation,"
   "  ri.erasmus_code AS receiving_erasmus_code, m.receiving_id,"
   "  m.participants,"
   "  CASE m.direction WHEN 1 THEN 'outgoing' WHEN 2 THEN 'incoming' END"
   "    AS direction,"
   "  partner.text AS partner, m.recognised, m.is_vet,"
   "  CASE m.band WHEN 1 THEN 'short' WHEN 2 THEN 'long' WHEN 3 THEN 'staff'"
   "    WHEN 4 THEN 'accompanying' WHEN 5 THEN 'other' WHEN 6 THEN 'group'"
   "    END AS band,"
   "  m.year, m.band_edge,"
   "  CASE m.role WHEN 1 THEN 'learner' WHEN 2 THEN 'staff'"
   "    WHEN 3 THEN 'accompanying' END AS role,"
   "  m.is_learner, m.is_staff, m.is_accompanying,"
   "  CASE m.activity_kind WHEN 1 THEN 'other' WHEN 2 THEN 'group'"
   "    WHEN 3 THEN 'staff' WHEN 4 THEN 'accompanying' WHEN 5 THEN 'long'"
   "    WHEN 6 THEN 'short' WHEN 7 THEN 'competition' END AS activity_kind,"
   "  m.out_of_range,"
   "  CASE WHEN m.school_year IS NOT NULL THEN"
   "    printf('%d-%02d', m.school_year, (m.school_year + 1) % 100)"
   "    END AS school_year,"
   "  m.recent_graduate, person.text AS person_id"
   " FROM mobility_fact m"
   " LEFT JOIN project p ON p.id = m.project_id"
   " LEFT JOIN label act ON act.id = m.activity_id"
   " LEFT JOIN label fld ON fld.id = m.field_id"
   " LEFT JOIN country nat ON nat.id = m.nationality_id"
   " LEFT JOIN label edu ON edu.id = m.education_level_id"
   " LEFT JOIN country sc ON sc.id = m.sending_country_id"
   " LEFT JOIN label scity ON scity.id = m.sending_city_id"
   " LEFT JOIN institution si ON si.id = m.sending_id"
   " LEFT JOIN label sname ON sname.id = m.sending_name_id"
   " LEFT JOIN country rc ON rc.id = m.receiving_country_id"
   " LEFT JOIN label rcity ON rcity.id = m.receiving_city_id"
   " LEFT JOIN institution ri ON ri.id = m.receiving_id"
   " LEFT JOIN label rname ON rname.id = m.receiving_name_id"
   " LEFT JOIN label partner ON partner.id = m.partner_id"
   " LEFT JOIN label person ON person.id = m.person_id;",
   reband},
  /* 10: one organisation identity. An institution without a code is its
   * name, country and city (two schools of one name in two towns are
   * two), the name compared as people vary it: institution_key holds each
   * institution's name folded (case, accents, spacing: vista_fold), beside
   * the table users read; every writer of a name writes it too, with
   * VISTA_ORG_KEY_SQL (org.h). Not a trigger: a statement that fires one
   * keeps a statement journal, a 64 KiB page per new institution of a
   * mobility import (1.3 GB written for 300 000 rows). org_alias
   * holds the other names users give an institution (vista alias) and its
   * OIDs and PICs. */
  {"CREATE TABLE institution_key ("
   "  institution_id INTEGER PRIMARY KEY,"
   "  name_key TEXT NOT NULL"
   ") STRICT;"
   "CREATE INDEX institution_key_name ON institution_key(name_key);"
   "INSERT INTO institution_key SELECT id, vista_fold(name) FROM institution;"
   "DROP INDEX institution_name_country;"
   "CREATE UNIQUE INDEX institution_identity"
   "  ON institution(name, country, city) WHERE erasmus_code IS NULL;"
   "CREATE TABLE org_alias ("
   "  kind TEXT NOT NULL CHECK (kind IN ('name', 'oid', 'pic')),"
   "  key TEXT NOT NULL CHECK (length(key) > 0),"
   "  alias TEXT NOT NULL,"
   "  institution_id INTEGER NOT NULL"
   "    REFERENCES institution(id) ON DELETE CASCADE,"
   "  PRIMARY KEY (kind, key)"
   ") STRICT;"
   "CREATE INDEX org_alias_institution ON org_alias(institution_id);",
   NULL},
};

/* Step 4's fill: the terms are made from the records by today's
 * definitions, which need step 9's columns; step 9 rebuilds every
 * summary, so step 4 leaves its tables empty. */
static int terms_later(vista_session *s) {
  (void)s;
  return VISTA_OK;
}

/* Step 9's fill: the activity kind of every record stored before (from
 * its text, as the importer classifies it), then its band and flags by
 * the definitions of mobility_internal.h, then the summaries again. One
 * pass each over the records. (SQLite gives & | << >> one precedence,
 * left to right: hence the parentheses.) */
#define P9 "nullif((codes >> 2) & 3, 0)"
#define L9 "(nullif((codes >> 8) & 3, 0) - 1)"
#define K9 "((codes >> 19) & 7)"
#define B9 MOB_BAND_SQL(P9, L9, K9, "duration")
static int reband(vista_session *s) {
  sqlite3_stmt *st = NULL, *ins = NULL;
  int rc = VISTA_OK;
  if (sqlite3_exec(s->db,
                   "CREATE TEMP TABLE step9_kind(id INTEGER PRIMARY KEY,"
                   " kind INTEGER NOT NULL)",
                   NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db,
                         "SELECT id, text FROM label WHERE id IN"
                         " (SELECT DISTINCT activity_id FROM mobility)",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db, "INSERT INTO step9_kind VALUES (?1, ?2)", -1,
                         &ins, NULL) != SQLITE_OK)
    rc = vista_seterr_sql(s, "classifying the activities");
  while (rc == VISTA_OK && sqlite3_step(st) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 1);
    int n = sqlite3_column_bytes(st, 1);
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, sqlite3_column_int64(st, 0));
    sqlite3_bind_int(ins, 2, mob_activity_kind(t, (size_t)n));
    if (sqlite3_step(ins) != SQLITE_DONE)
      rc = vista_seterr_sql(s, "classifying the activities");
  }
  sqlite3_finalize(st);
  sqlite3_finalize(ins);
  if (rc == VISTA_OK &&
      sqlite3_exec(s->db,
                   "UPDATE mobility SET codes = (codes & ~(7 << 19))"
                   " | (coalesce((SELECT kind FROM step9_kind"
                   "  WHERE id = mobility.activity_id), 0) << 19);"
                   "UPDATE mobility SET codes ="
                   " (codes & ~((7 << 15) | (1 << 18) | (1 << 22)))"
                   " | (coalesce(" B9 ", 0) << 15)"
                   " | (" MOB_EDGE_SQL(B9, "duration") " << 18)"
                   " | (" MOB_RANGE_SQL(B9, K9, "duration") " << 22);"
                   "DROP TABLE step9_kind;",
                   NULL, NULL, NULL) != SQLITE_OK)
    rc = vista_seterr_sql(s, "re-banding the records");
  return rc == VISTA_OK ? vista_mobility_rebuild_summaries(s) : rc;
}
#undef P9
#undef L9
#undef K9
#undef B9

static int fill_countries(vista_session *s) {
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (sqlite3_prepare_v2(s->db,
                         "INSERT INTO country(id, code, iso, name)"
                         " VALUES (?1, ?2, ?3, ?4)",
                         -1, &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, s->path);
  const vista_country *c;
  for (size_t i = 0; (c = vista_country_at(i)) != NULL; i++) {
    sqlite3_reset(st);
    if (sqlite3_bind_int(st, 1, vista_country_id(c->code, 2)) != SQLITE_OK ||
        sqlite3_bind_text(st, 2, c->code, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 3, c->iso, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 4, c->name, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE) {
      rc = vista_seterr_sql(s, s->path);
      break;
    }
  }
  sqlite3_finalize(st);
  return rc;
}

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

int vista_schema_version(void) { return MIGRATION_COUNT; }

const char *vista_sqlite_version(void) { return sqlite3_libversion(); }

int vista_seterr(vista_session *s, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
  va_end(ap);
  /* A data error quotes the input, which may hold line ends (a quoted
   * header name, found by the fuzzer); its message is still one line. */
  if (status == VISTA_ERR_INPUT)
    vista_one_line(s->errmsg);
  return status;
}

/* SQLite's message, with what failed when the disk did: a full disk or a
 * file size limit must not read as a bare "disk I/O error". SQLite keeps
 * the system's errno only sometimes, so the extended code says the rest. */
static const char *db_errmsg(vista_session *s, char *buf, size_t n) {
  if (!s->db)
    return "no database";
  int ext = sqlite3_extended_errcode(s->db);
  int sys = sqlite3_system_errno(s->db);
  const char *when = ext == SQLITE_IOERR_WRITE      ? "writing"
                     : ext == SQLITE_IOERR_FSYNC    ? "syncing"
                     : ext == SQLITE_IOERR_TRUNCATE ? "truncating"
                     : ext == SQLITE_IOERR_READ     ? "reading"
                                                    : NULL;
  if ((ext & 0xff) != SQLITE_IOERR && (ext & 0xff) != SQLITE_FULL)
    return sqlite3_errmsg(s->db);
  if (sys > 0)
    snprintf(buf, n, "%s (%s)", sqlite3_errmsg(s->db), strerror(sys));
  else if (when)
    snprintf(buf, n, "%s while %s%s", sqlite3_errmsg(s->db), when,
             ext == SQLITE_IOERR_READ ? ""
                                      : " (is the disk full, or a file size "
                                        "limit reached?)");
  else
    return sqlite3_errmsg(s->db);
  return buf;
}

const char *vista_store_errmsg(vista_session *s) {
  static _Thread_local char buf[300];
  return db_errmsg(s, buf, sizeof buf);
}

int vista_seterr_sql(vista_session *s, const char *what) {
  char buf[300];
  const char *msg = db_errmsg(s, buf, sizeof buf);
  int code = s->db ? sqlite3_errcode(s->db) : SQLITE_ERROR;
  return vista_seterr(s, code == SQLITE_NOMEM ? VISTA_ERR_NOMEM : VISTA_ERR_SQL,
                      "%s: %s", what, msg);
}

int vista_store_file_fd(vista_session *s) {
  if (s->file_fd < 0 && s->db) {
    const char *name = sqlite3_db_filename(s->db, "main");
    if (name && *name)
      s->file_fd = open(name, O_RDONLY | O_CLOEXEC);
  }
  return s->file_fd;
}

int vista_session_new(vista_session **out, const char *path) {
  *out = NULL;
  vista_session *s = vista_calloc(1, sizeof *s);
  if (!s)
    return VISTA_ERR_NOMEM;
  s->file_fd = -1;
  s->path = vista_strdup(path ? path : "vista.db");
  if (!s->path) {
    free(s);
    return VISTA_ERR_NOMEM;
  }
  *out = s;
  return VISTA_OK;
}

void vista_session_set_create(vista_session *s, int create) {
  s->no_create = !create;
}

void vista_session_free(vista_session *s) {
  if (!s)
    return;
  if (s->db)
    sqlite3_close_v2(s->db);
  if (s->file_fd >= 0)
    close(s->file_fd);
  free(s->scope_name);
  free(s->path);
  free(s);
}

const char *vista_errmsg(const vista_session *s) {
  return s ? s->errmsg : "out of memory";
}

const char *vista_session_path(const vista_session *s) { return s->path; }

sqlite3 *vista_store_db(vista_session *s) { return s->db; }

void vista_store_versions(const vista_session *s, int *found, int *now) {
  if (found)
    *found = s->version_found;
  if (now)
    *now = s->version_now;
}

static int exec(vista_session *s, const char *sql) {
  char buf[300];
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return vista_seterr(s,
                        sqlite3_errcode(s->db) == SQLITE_NOMEM
                            ? VISTA_ERR_NOMEM
                            : VISTA_ERR_SQL,
                        "%s: %s", s->path, db_errmsg(s, buf, sizeof buf));
  return VISTA_OK;
}

static int read_user_version(vista_session *s, int *version) {
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
          SQLITE_OK ||
      sqlite3_step(st) != SQLITE_ROW)
    rc = vista_seterr(s, VISTA_ERR_SQL, "%s: %s", s->path,
                      sqlite3_errmsg(s->db));
  else
    *version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return rc;
}

/* Runs one migration step and records it, all in one transaction. */
static int migrate_step(vista_session *s, int step) {
  char pragma[64];
  int rc = exec(s, "BEGIN IMMEDIATE");
  if (rc != VISTA_OK)
    return rc;
  /* The version is our own counter, never input: formatting it is safe. */
  snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", step + 1);
  if ((rc = exec(s, migrations[step].sql)) != VISTA_OK ||
      (migrations[step].fill && (rc = migrations[step].fill(s)) != VISTA_OK) ||
      (rc = exec(s, pragma)) != VISTA_OK ||
      (rc = exec(s, "COMMIT")) != VISTA_OK) {
    /* The message is formatted into the buffer it came from: copy it. */
    char why[VISTA_ERRMSG_SIZE];
    snprintf(why, sizeof why, "%s", vista_errmsg(s));
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return vista_seterr(s, rc, "%s (while migrating to schema version %d)",
                        why, step + 1);
  }
  return VISTA_OK;
}

/* vista_fold(text): a name folded for matching (vista_fold_name), for
 * institution_key and the queries that compare names. NULL stays
 * NULL. */
static void sql_fold(sqlite3_context *cx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *t = (const char *)sqlite3_value_text(argv[0]);
  if (!t)
    return;
  size_t n = (size_t)sqlite3_value_bytes(argv[0]);
  char small[256];
  size_t need = vista_fold_name(small, sizeof small, t, n);
  if (need < sizeof small) {
    sqlite3_result_text(cx, small, (int)need, SQLITE_TRANSIENT);
    return;
  }
  char *big = sqlite3_malloc64(need + 1);
  if (!big) {
    sqlite3_result_error_nomem(cx);
    return;
  }
  vista_fold_name(big, need + 1, t, n);
  sqlite3_result_text(cx, big, (int)need, sqlite3_free);
}

/* vista_org_key(code, name, country, city): an organisation's identity
 * (vista_org_key in text.c), for the queries that key institutions. */
static void sql_org_key(sqlite3_context *cx, int argc, sqlite3_value **argv) {
  (void)argc;
  const char *t[4];
  size_t n[4];
  for (int i = 0; i < 4; i++) {
    t[i] = (const char *)sqlite3_value_text(argv[i]);
    n[i] = t[i] ? (size_t)sqlite3_value_bytes(argv[i]) : 0;
  }
  if (!n[0] && !n[1])
    return; /* neither code nor name: no organisation */
  size_t need = vista_org_key(NULL, 0, t[0], n[0], t[1], n[1], t[2], t[3],
                              n[3]);
  char *k = sqlite3_malloc64(need + 1);
  if (!k) {
    sqlite3_result_error_nomem(cx);
    return;
  }
  vista_org_key(k, need + 1, t[0], n[0], t[1], n[1], t[2], t[3], n[3]);
  sqlite3_result_text(cx, k, (int)need, sqlite3_free);
}

static int progress(void *ud) {
  vista_session *s = ud;
  return s->on_progress && s->on_progress(s->progress_ud);
}

void vista_store_set_progress(vista_session *s, int (*fn)(void *ud),
                              void *ud) {
  s->on_progress = fn;
  s->progress_ud = ud;
}

void vista_store_temp_in_memory(vista_session *s) {
  s->temp_in_memory = 1;
  if (s->db)
    sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
}

int vista_store_open(vista_session *s) {
  if (s->db)
    return VISTA_OK;
  /* SQLite's memory counts against the same cap as Lua's (memory.c). */
  vista_mem_setup();
  /* One connection, used by one thread at a time: no mutexes. */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (!s->no_create)
    flags |= SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK) {
    /* Without leave to create, a file that is not there was mistyped or
     * never made: say so, not SQLite's "unable to open". (":memory:" and
     * temporary databases open without the flag.) Without a handle, SQLite
     * could not allocate one. */
    int missing = s->no_create && s->db &&
                  sqlite3_errcode(s->db) == SQLITE_CANTOPEN &&
                  access(s->path, F_OK) != 0 && errno == ENOENT;
    int nomem = !s->db || sqlite3_errcode(s->db) == SQLITE_NOMEM;
    int rc = missing ? vista_seterr(s, VISTA_ERR_IO,
                                    "no database at %s (vista init creates "
                                    "one)",
                                    s->path)
                     : vista_seterr(s, nomem ? VISTA_ERR_NOMEM : VISTA_ERR_IO,
                                    "%s: cannot open database: %s", s->path,
                                    s->db ? sqlite3_errmsg(s->db)
                                          : "out of memory");
    sqlite3_close_v2(s->db);
    s->db = NULL;
    return rc;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_create_function(s->db, "vista_fold", 1,
                          SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                              SQLITE_INNOCUOUS,
                          NULL, sql_fold, NULL, NULL);
  sqlite3_create_function(s->db, "vista_org_key", 4,
                          SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                              SQLITE_INNOCUOUS,
                          NULL, sql_org_key, NULL, NULL);
  sqlite3_busy_timeout(s->db, 5000);
  /* Checked every few thousand VM steps, so a runaway query can be stopped
   * and its steps counted (sandbox.c). */
  sqlite3_progress_handler(s->db, VISTA_PROGRESS_OPS, progress, s);
  /* Debian's SQLite lets fts3_tokenizer(name, pointer) register a C
   * pointer as a tokenizer; nothing of ours needs it. */
  sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0,
                    (int *)NULL);

  int rc;
  int version = 0;
  /* foreign_keys is per connection, off by default, and cannot change
   * inside a transaction: set it first. */
  if ((rc = exec(s, "PRAGMA foreign_keys = ON")) != VISTA_OK ||
      (rc = read_user_version(s, &version)) != VISTA_OK)
    goto fail;
  if (version > MIGRATION_COUNT) {
    rc = vista_seterr(s, VISTA_ERR_VERSION,
                      "%s: the database was written by a newer vista (schema "
                      "version %d; this vista knows up to %d): upgrade vista",
                      s->path, version, MIGRATION_COUNT);
    goto fail;
  }
  /* Big pages make bulk imports and whole-table scans cheaper (measured:
   * a million records import 15 % faster than with 4 KiB pages). The page
   * size can only be chosen before the first table exists. */
  if (version == 0 && (rc = exec(s, "PRAGMA page_size = 65536")) != VISTA_OK)
    goto fail;
  if ((rc = exec(s, "PRAGMA journal_mode = WAL")) != VISTA_OK ||
      (rc = exec(s, "PRAGMA synchronous = NORMAL")) != VISTA_OK ||
      (s->temp_in_memory &&
       (rc = exec(s, "PRAGMA temp_store = MEMORY")) != VISTA_OK))
    goto fail;
  s->version_found = version;
  for (int step = version; step < MIGRATION_COUNT; step++)
    if ((rc = migrate_step(s, step)) != VISTA_OK)
      goto fail;
  s->version_now = MIGRATION_COUNT;
  if ((rc = vista_scope_apply(s)) != VISTA_OK)
    goto fail;
  return VISTA_OK;

fail:
  sqlite3_close_v2(s->db);
  s->db = NULL;
  return rc;
}

int vista_store_open_readonly(vista_session *s) {
  if (s->db)
    return VISTA_OK;
  int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK) {
    int rc = vista_seterr(s, VISTA_ERR_IO, "%s: cannot open database: %s",
                          s->path, s->db ? sqlite3_errmsg(s->db) : "no memory");
    sqlite3_close_v2(s->db);
    s->db = NULL;
    return rc;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_create_function(s->db, "vista_fold", 1,
                          SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                              SQLITE_INNOCUOUS,
                          NULL, sql_fold, NULL, NULL);
  sqlite3_create_function(s->db, "vista_org_key", 4,
                          SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                              SQLITE_INNOCUOUS,
                          NULL, sql_org_key, NULL, NULL);
  sqlite3_busy_timeout(s->db, 1000);
  return VISTA_OK;
}

int vista_store_open_reader(vista_session *s) {
  if (s->db)
    return VISTA_OK;
  int rc = vista_store_open_readonly(s);
  int version = 0;
  if (rc == VISTA_OK)
    rc = read_user_version(s, &version);
  if (rc == VISTA_OK && version != MIGRATION_COUNT)
    rc = vista_seterr(s, version > MIGRATION_COUNT ? VISTA_ERR_VERSION
                                                   : VISTA_ERR,
                      version > MIGRATION_COUNT
                          ? "%s: the database was written by a newer vista "
                            "(schema version %d; this vista knows up to %d)"
                          : "%s: schema version %d, not %d: open it once "
                            "without readonly (or run vista init) to "
                            "upgrade it",
                      s->path, version, MIGRATION_COUNT);
  if (rc == VISTA_OK) {
    s->version_found = s->version_now = version;
    /* The scope's copies are TEMP tables: temp is writable even when the
     * database file is not. */
    rc = vista_scope_apply(s);
  }
  if (rc != VISTA_OK) {
    sqlite3_close_v2(s->db);
    s->db = NULL;
  }
  return rc;
}

int vista_store_begin(vista_session *s) {
  if (!s->db)
    return vista_seterr(s, VISTA_ERR, "database is not open");
  return exec(s, "BEGIN IMMEDIATE");
}

int vista_store_commit(vista_session *s) { return exec(s, "COMMIT"); }

void vista_store_rollback(vista_session *s) {
  if (!s->db || sqlite3_get_autocommit(s->db))
    return;
  sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  /* Out of memory, even ROLLBACK cannot be compiled. Closing the
   * connection rolls back without allocating; the next use opens it
   * again (vista_store_open). */
  if (!sqlite3_get_autocommit(s->db)) {
    sqlite3_close_v2(s->db);
    s->db = NULL;
  }
}

int vista_store_import_begin(vista_session *s, const char *kind,
                             const char *source, int64_t *import_id) {
  static const char sql[] =
      "INSERT INTO import_log(kind, source, imported_at)"
      " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
      sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC) != SQLITE_OK ||
      sqlite3_bind_text(st, 2, source, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_DONE)
    rc = vista_seterr_sql(s, "import log");
  else
    *import_id = sqlite3_last_insert_rowid(s->db);
  sqlite3_finalize(st);
  return rc;
}

int vista_store_import_end(vista_session *s, const vista_import_report *r) {
  static const char sql[] =
      "UPDATE import_log SET rows_read = ?2, rows_stored = ?3,"
      " rows_rejected = ?4 WHERE id = ?1";
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
      sqlite3_bind_int64(st, 1, r->import_id) != SQLITE_OK ||
      sqlite3_bind_int64(st, 2, r->rows_read) != SQLITE_OK ||
      sqlite3_bind_int64(st, 3, r->rows_stored) != SQLITE_OK ||
      sqlite3_bind_int64(st, 4, r->rows_rejected) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_DONE)
    rc = vista_seterr_sql(s, "import log");
  sqlite3_finalize(st);
  return rc;
}

int vista_store_reject(vista_session *s, int64_t import_id, int64_t line,
                       int column, const char *reason) {
  static const char sql[] =
      "INSERT INTO import_reject(import_id, line, field, reason)"
      " VALUES (?1, ?2, ?3, ?4)";
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK ||
      sqlite3_bind_int64(st, 1, import_id) != SQLITE_OK ||
      sqlite3_bind_int64(st, 2, line) != SQLITE_OK ||
      (column > 0 ? sqlite3_bind_int(st, 3, column)
                  : sqlite3_bind_null(st, 3)) != SQLITE_OK ||
      sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_DONE)
    rc = vista_seterr_sql(s, "import reject");
  sqlite3_finalize(st);
  return rc;
}

void vista_one_line(char *text) {
  for (unsigned char *p = (unsigned char *)text; *p; p++)
    if (*p < 0x20 || *p == 0x7F)
      *p = ' ';
}

int vista_reject_row(vista_session *s, vista_import_report *r,
                     const char *path, int64_t line, size_t field,
                     const char *reason, vista_reject_fn on_reject, void *ud) {
  char msg[VISTA_ERRMSG_SIZE];
  char why[256]; /* reasons are short; room for the path in msg */
  snprintf(why, sizeof why, "%s", reason);
  vista_one_line(why); /* it may quote a quoted field's line end */
  if (field)
    snprintf(msg, sizeof msg, "%s:%lld:%zu: %s", path, (long long)line, field,
             why);
  else
    snprintf(msg, sizeof msg, "%s:%lld: %s", path, (long long)line, why);
  r->rows_rejected++;
  if (on_reject)
    on_reject(ud, msg);
  return vista_store_reject(s, r->import_id, line, (int)field, why);
}
