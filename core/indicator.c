/* indicator.c: what the indicators are computed from. It owns importing an
 * institution's yearly facts (the denominators: learners enrolled,
 * graduates, staff FTE, budget, ...) and the one-pass SQL behind the
 * built-in indicators (vista.indicator.base and friends). The definitions
 * themselves, built-in and custom, are Lua: stdlib/vista/indicator.lua. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bind.h"
#include "csv_reader.h"
#include "indicator.h"
#include "internal.h"
#include "mobility_internal.h"
#include "org.h"

/* The facts an institution records by period (also listed, with their
 * meaning, in stdlib/vista/indicator_catalog.lua). */
static const char *const fact_names[] = {
    "learners_enrolled", "new_learners",  "graduates",
    "staff_headcount",   "staff_fte",     "budget",
    "external_funding",  "competition_learners", "programmes",
    "iah_programmes"};
#define NFACTS ((int)(sizeof fact_names / sizeof fact_names[0]))

enum { F_INSTITUTION = NFACTS, F_PERIOD, F_COLS };

typedef struct facts_importer {
  vista_session *s;
  const char *path;
  vista_reject_fn on_reject;
  void *ud;
  vista_import_report *report;
  int col_of_field[64];
  size_t nheader;
  vista_org *find; /* the institution column */
  sqlite3_stmt *upsert;
} facts_importer;

static int facts_reject(facts_importer *im, int64_t line, size_t field,
                        const char *reason) {
  return vista_reject_row(im->s, im->report, im->path, line, field, reason,
                          im->on_reject, im->ud);
}

static int facts_header(facts_importer *im, const vista_csv_row *row) {
  const char *names[F_COLS];
  for (int i = 0; i < NFACTS; i++)
    names[i] = fact_names[i];
  names[F_INSTITUTION] = "institution";
  names[F_PERIOD] = "period";
  int seen[F_COLS] = {0};
  if (row->nfields > sizeof im->col_of_field / sizeof im->col_of_field[0])
    return vista_seterr(im->s, VISTA_ERR_INPUT, "%s:%lld: too many columns",
                        im->path, (long long)row->line);
  for (size_t i = 0; i < row->nfields; i++) {
    char name[128], canon[128];
    vista_normalise_header(name, sizeof name, row->fields[i]);
    int col = -1;
    for (int c = 0; c < F_COLS && col < 0; c++) {
      vista_normalise_header(canon, sizeof canon, names[c]);
      if (strcmp(name, canon) == 0)
        col = c;
    }
    if (col < 0 && (strcmp(name, "year") == 0 ||
                    strcmp(name, "school year") == 0))
      col = F_PERIOD;
    if (col < 0 && strcmp(name, "erasmus code") == 0)
      col = F_INSTITUTION;
    if (col < 0) {
      const char *near = vista_nearest_name(row->fields[i], names, F_COLS);
      return vista_seterr(im->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: unknown column '%s'%s%s%s", im->path,
                          (long long)row->line, i + 1, row->fields[i],
                          near ? " (did you mean " : "", near ? near : "",
                          near ? "?)" : "");
    }
    if (seen[col]++)
      return vista_seterr(im->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: column '%s' appears twice", im->path,
                          (long long)row->line, i + 1, names[col]);
    im->col_of_field[i] = col;
  }
  if (!seen[F_INSTITUTION] || !seen[F_PERIOD])
    return vista_seterr(im->s, VISTA_ERR_INPUT,
                        "%s:%lld: the header needs 'institution' (Erasmus "
                        "code) and 'period' columns",
                        im->path, (long long)row->line);
  im->nheader = row->nfields;
  return VISTA_OK;
}

/* A period label: 'YYYY' or 'YYYY-YY' (a school year); 0 when it is not. */
static int valid_period(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (i != 4 && (p[i] < '0' || p[i] > '9'))
      return 0;
  if (n == 4)
    return 1;
  if (n != 7 || p[4] != '-')
    return 0;
  int y = atoi(p) + 1;
  return (p[5] - '0') * 10 + (p[6] - '0') == y % 100;
}

static int facts_row(facts_importer *im, const vista_csv_row *row) {
  char why[160];
  im->report->rows_read++;
  if (row->nfields != im->nheader) {
    snprintf(why, sizeof why, "expected %zu fields as in the header, found %zu",
             im->nheader, row->nfields);
    return facts_reject(im, row->line, 0, why);
  }
  if (row->bad_text) {
    int c = im->col_of_field[row->bad_text - 1];
    snprintf(why, sizeof why, "%s %s",
             c == F_INSTITUTION ? "institution"
             : c == F_PERIOD    ? "period"
                                : fact_names[c],
             row->bad_text_why);
    return facts_reject(im, row->line, row->bad_text, why);
  }
  const char *val[F_COLS] = {0};
  size_t len[F_COLS] = {0}, field[F_COLS] = {0};
  for (size_t i = 0; i < row->nfields; i++) {
    int c = im->col_of_field[i];
    len[c] = row->lens[i];
    val[c] = vista_trim(row->fields[i], &len[c]);
    field[c] = i + 1;
  }
  if (!valid_period(val[F_PERIOD], len[F_PERIOD]))
    return facts_reject(im, row->line, field[F_PERIOD],
                        "period must be a year (2024) or a school year "
                        "(2024-25)");
  double values[NFACTS];
  for (int c = 0; c < NFACTS; c++) {
    if (!len[c])
      continue;
    char buf[64], *end;
    snprintf(buf, sizeof buf, "%.*s", (int)(len[c] > 60 ? 60 : len[c]),
             val[c]);
    values[c] = strtod(buf, &end);
    if (*end || end == buf || len[c] > 60 || values[c] < 0 ||
        !isfinite(values[c])) {
      snprintf(why, sizeof why, "%s '%s' is not a number, 0 or more",
               fact_names[c], buf);
      return facts_reject(im, row->line, field[c], why);
    }
  }
  char named[256];
  vista_org_match m;
  snprintf(named, sizeof named, "%.*s", (int)len[F_INSTITUTION],
           val[F_INSTITUTION]);
  if (vista_org_find(im->find, named, NULL, NULL, &m) != VISTA_OK)
    return VISTA_ERR;
  int64_t inst = m.id;
  if (!inst)
    return facts_reject(im, row->line, field[F_INSTITUTION], m.message);
  for (int c = 0; c < NFACTS; c++) {
    if (!len[c])
      continue;
    sqlite3_stmt *st = im->upsert;
    sqlite3_bind_int64(st, 1, inst);
    sqlite3_bind_text(st, 2, val[F_PERIOD], (int)len[F_PERIOD], SQLITE_STATIC);
    sqlite3_bind_text(st, 3, fact_names[c], -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 4, values[c]);
    sqlite3_bind_text(st, 5, im->path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
      return vista_seterr(im->s, VISTA_ERR_SQL, "%s:%lld: %s", im->path,
                          (long long)row->line, vista_store_errmsg(im->s));
  }
  im->report->rows_stored++;
  return VISTA_OK;
}

static int facts_on_row(void *ud, const vista_csv_row *row) {
  facts_importer *im = ud;
  return row->index == 0 ? facts_header(im, row) : facts_row(im, row);
}

static int facts_malformed(void *ud, int64_t line, size_t field,
                           const char *reason, const char *raw,
                           size_t raw_len) {
  facts_importer *im = ud;
  (void)raw, (void)raw_len;
  im->report->rows_read++;
  return facts_reject(im, line, field, reason);
}

int vista_facts_import(vista_session *s, const char *source,
                       vista_reject_fn on_reject, void *ud,
                       vista_import_report *report) {
  const char *path = vista_input_name(source); /* for messages */
  facts_importer im;
  memset(&im, 0, sizeof im);
  im.s = s, im.path = path, im.on_reject = on_reject, im.ud = ud;
  im.report = report;
  memset(report, 0, sizeof *report);
  int rc = vista_store_open(s);
  if (rc != VISTA_OK || (rc = vista_store_begin(s)) != VISTA_OK)
    return rc;
  if (vista_org_new(s, &im.find) != VISTA_OK ||
      sqlite3_prepare_v2(s->db,
                         "INSERT INTO institution_fact(institution_id,"
                         " period, name, value, source)"
                         " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO UPDATE"
                         " SET value = excluded.value,"
                         " source = excluded.source",
                         -1, &im.upsert, NULL) != SQLITE_OK)
    rc = vista_seterr_sql(s, "facts import");
  if (rc == VISTA_OK)
    rc = vista_store_import_begin(s, "facts", path, &report->import_id);
  if (rc == VISTA_OK)
    rc = vista_csv_read(s, source, NULL, facts_on_row, facts_malformed, &im);
  if (rc == VISTA_OK && im.nheader == 0)
    rc = vista_seterr(s, VISTA_ERR_INPUT, "%s: the file is empty (no header)",
                      path);
  vista_org_free(im.find);
  sqlite3_finalize(im.upsert);
  if (rc == VISTA_OK && (rc = vista_store_import_end(s, report)) == VISTA_OK)
    rc = vista_store_commit(s);
  if (rc != VISTA_OK)
    vista_store_rollback(s);
  return rc;
}

/* ---- the Lua side: the figures the built-ins are computed from ---- */

/* The period of a term (see mobility_term in store.c): the calendar year,
 * or the school year (September to August) as '2023-24'. */
static const char calendar_period[] = "CAST(t.term / 2 AS TEXT)";
static const char school_period[] =
    "printf('%d-%02d', (t.term - 1) / 2, ((t.term - 1) / 2 + 1) % 100)";
/* The same of a record, by its start month. */
static const char record_calendar_period[] = "CAST(m.start_month / 100 AS TEXT)";
static const char record_school_period[] =
    "printf('%d-%02d', m.start_month / 100 - (m.start_month % 100 < 9),"
    " (m.start_month / 100 - (m.start_month % 100 < 9) + 1) % 100)";

/* Reads {period = 'calendar'|'school', institution = id|code} at 1. */
static const char *read_options(lua_State *L, vista_session *s,
                                lua_Integer *inst) {
  *inst = 0;
  if (lua_isnoneornil(L, 1))
    return calendar_period;
  luaL_checktype(L, 1, LUA_TTABLE);
  const char *expr = calendar_period;
  lua_getfield(L, 1, "period");
  if (!lua_isnil(L, -1)) {
    const char *p = lua_tostring(L, -1);
    if (p && strcmp(p, "school") == 0)
      expr = school_period;
    else if (!p || strcmp(p, "calendar") != 0)
      luaL_error(L, "vista.indicator: period must be 'calendar' or 'school'");
  }
  lua_getfield(L, 1, "institution");
  if (lua_isinteger(L, -1)) {
    *inst = lua_tointeger(L, -1);
  } else if (lua_type(L, -1) == LUA_TSTRING) {
    vista_org_match m;
    if (vista_org_lookup(s, lua_tostring(L, -1), NULL, NULL, &m) != VISTA_OK)
      vista_bind_error(L, s);
    if (!(*inst = m.id))
      luaL_error(L, "vista.indicator: %s", m.message);
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "vista.indicator: institution must be an id or an Erasmus "
                  "code");
  }
  lua_pop(L, 2);
  return expr;
}

/* Runs sql (ours), its ?1 the institution when there is one, and pushes
 * its rows [-0, +1, e]. */
static int push_result(lua_State *L, vista_session *s, const char *sql,
                       lua_Integer inst) {
  sqlite3 *db = vista_store_db(s);
  sqlite3_stmt *st = vista_push_statement(L, db, sql);
  if (inst)
    sqlite3_bind_int64(st, 1, inst);
  int box = lua_gettop(L);
  vista_push_rows(L, db, st);
  vista_finish_statement(L, box);
  return 1;
}

/* Runs one of the queries below: fmt has pairs of %s, the period
 * expression then the institution filter (our own text, never a
 * script's). */
static int run_query(lua_State *L, const char *fmt) {
  vista_session *s = vista_bind_session(L);
  lua_Integer inst;
  const char *period = read_options(L, s, &inst);
  const char *filter = inst ? " AND t.institution_id = ?1" : "";
  char sql[4096];
  snprintf(sql, sizeof sql, fmt, period, filter, period, filter);
  return push_result(L, s, sql, inst);
}

/* The figures the built-ins divide, from the terms (what the institution
 * sent). */
static int l_base(lua_State *L) {
  return run_query(
      L, "WITH b AS (SELECT t.institution_id AS institution, %s AS period,"
         " sum(t.learners) AS learners, sum(t.learners_10d) AS learners_10d,"
         " sum(t.learners_15d) AS learners_15d, sum(t.ivet_10d) AS ivet_10d,"
         " sum(t.fewer) AS fewer, sum(t.special) AS special,"
         " sum(t.female) AS female, sum(t.male) AS male,"
         " sum(t.long_term) AS long_term, sum(t.recognised) AS recognised,"
         " sum(t.recognition_known) AS recognition_known,"
         " sum(t.staff_5d) AS staff_5d, sum(t.staff) AS staff"
         " FROM mobility_term t WHERE 1%s GROUP BY 1, 2),"
         " d AS (SELECT t.institution_id AS institution, %s AS period,"
         " count(DISTINCT t.receiving_country_id) AS destinations"
         " FROM mobility_term_destination t WHERE 1%s GROUP BY 1, 2)"
         " SELECT b.*, coalesce(d.destinations, 0) AS destinations"
         " FROM b LEFT JOIN d USING (institution, period) ORDER BY 1, 2");
}

/* What the institution received. */
static int l_incoming(lua_State *L) {
  return run_query(
      L, "SELECT t.institution_id AS institution, %s AS period,"
         " sum(t.learners) AS learners, sum(t.staff) AS staff"
         " FROM mobility_term_incoming t WHERE 1%s"
         " GROUP BY 1, 2 ORDER BY 1, 2");
}

static int l_destinations(lua_State *L) {
  return run_query(
      L, "SELECT t.institution_id AS institution, %s AS period,"
         " c.code AS country, sum(t.participants) AS participants"
         " FROM mobility_term_destination t"
         " JOIN country c ON c.id = t.receiving_country_id WHERE 1%s"
         " GROUP BY 1, 2, 3 ORDER BY 1, 2, 4 DESC, 3");
}

/* ---- the built-ins' own figures, from the records ----
 *
 * The terms give the benchmark's figures (participations); the built-ins
 * of one institution need what the terms cannot hold: distinct persons,
 * how many had each attribute recorded (coverage), VET learners without
 * recent graduates, completed mobilities. One query per period kind over
 * the institution's own records. A learner is a record whose role is
 * learner: mobility_fact's one definition (schema step 9), which the
 * terms and core/consortium.c read too. Sent: by the institution, direction
 * outgoing or unknown; received: by it, incoming or unknown. */
#define LEARNER "(m.role = 1)"
#define SENT "(m.sending_id = ?1 AND coalesce(m.direction, 1) = 1)"
#define RECEIVED "(m.receiving_id = ?1 AND coalesce(m.direction, 2) = 2)"

/* The columns of the records an own list may add (a pseudonymous person
 * id, the recent-graduate flag): their SQL where the database has them,
 * NULL (unknown) where it does not yet. */
static const char *record_column(sqlite3 *db, const char *name) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT %s FROM mobility_fact LIMIT 0", name);
  sqlite3_stmt *st = NULL;
  int ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
  sqlite3_finalize(st);
  return ok ? name : "NULL";
}

/* Appends to b (size n) at *at; truncation is caught by the caller's
 * check of *at. */
static void add(char *b, size_t n, size_t *at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(char *b, size_t n, size_t *at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (*at < n) {
    int w = vsnprintf(b + *at, n - *at, fmt, ap);
    *at += w > 0 ? (size_t)w : 0;
  }
  va_end(ap);
}

/* The figures, by name and the condition they count. P: distinct persons
 * (a record without a person id counts its participants); W: participants
 * (mobilities). */
static const struct {
  char kind; /* 'P' or 'W' */
  const char *name, *cond;
} record_figures[] = {
    {'P', "learners", SENT " AND " LEARNER},
    {'W', "learner_mobilities", SENT " AND " LEARNER},
    {'W', "learners_without_person", SENT " AND " LEARNER " AND person IS NULL"},
    {'P', "female", SENT " AND " LEARNER " AND m.gender = 1"},
    {'P', "male", SENT " AND " LEARNER " AND m.gender = 2"},
    {'P', "gender_other", SENT " AND " LEARNER " AND m.gender > 2"},
    {'P', "gender_known", SENT " AND " LEARNER " AND m.gender IS NOT NULL"},
    {'P', "fewer", SENT " AND " LEARNER " AND m.fewer_opportunities = 1"},
    {'P', "fewer_known",
     SENT " AND " LEARNER " AND m.fewer_opportunities IS NOT NULL"},
    {'W', "long_term", SENT " AND " LEARNER " AND m.band = 2"},
    {'P', "vet_10d", SENT " AND " LEARNER " AND m.is_vet AND m.duration >= 10"},
    {'P', "vet_10d_level_known",
     SENT " AND " LEARNER " AND m.is_vet AND m.duration >= 10"
          " AND m.education_level_id IS NOT NULL"},
    {'P', "ivet_10d",
     SENT " AND " LEARNER " AND m.is_vet AND m.duration >= 10"
          " AND m.education_level_id IN (SELECT id FROM label WHERE " ISCED34
          ")"},
    {'P', "learners_15d",
     SENT " AND " LEARNER " AND m.is_vet AND m.duration > 14"
          " AND (?3 OR coalesce(graduate, 0) = 0)"},
    {'W', "completed", SENT " AND " LEARNER " AND ended"},
    {'W', "recognised",
     SENT " AND " LEARNER " AND ended AND m.recognised = 1"},
    {'W', "recognition_known",
     SENT " AND " LEARNER " AND ended AND m.recognised IS NOT NULL"},
    {'W', "incoming_learners", RECEIVED " AND " LEARNER},
};

/* vista.indicator.records{ institution = id, period = 'calendar'|'school',
 * as_of = YYYYMM, recent_graduates = false } -> one row per period with
 * the figures above. A mobility is completed when its end month (else its
 * start month) is before as_of's month. */
static int l_records(lua_State *L) {
  vista_session *s = vista_bind_session(L);
  lua_Integer inst;
  const char *period = read_options(L, s, &inst) == school_period
                           ? record_school_period
                           : record_calendar_period;
  if (!inst)
    return luaL_error(L, "vista.indicator.records: give the institution");
  lua_getfield(L, 1, "as_of");
  if (!lua_isinteger(L, -1))
    return luaL_error(L, "vista.indicator.records: as_of must be a month "
                         "(YYYYMM)");
  lua_Integer as_of = lua_tointeger(L, -1);
  lua_getfield(L, 1, "recent_graduates");
  int graduates = lua_toboolean(L, -1);
  lua_pop(L, 2);
  sqlite3 *db = vista_store_db(s);
  char sql[8192];
  size_t at = 0;
  add(sql, sizeof sql, &at,
      "WITH r AS (SELECT m.*, %s AS period, %s AS person, %s AS graduate,"
      " coalesce(m.end_month, m.start_month) < ?2 AS ended"
      " FROM mobility_fact m WHERE (m.sending_id = ?1 OR m.receiving_id = ?1)"
      " AND m.start_month IS NOT NULL)"
      " SELECT m.period",
      period, record_column(db, "person_id"),
      record_column(db, "recent_graduate"));
  for (size_t i = 0; i < sizeof record_figures / sizeof record_figures[0];
       i++) {
    const char *c = record_figures[i].cond;
    if (record_figures[i].kind == 'P')
      add(sql, sizeof sql, &at,
          ", count(DISTINCT CASE WHEN %s THEN person END)"
          " + coalesce(sum(CASE WHEN %s AND person IS NULL"
          " THEN m.participants END), 0) AS %s",
          c, c, record_figures[i].name);
    else
      add(sql, sizeof sql, &at,
          ", coalesce(sum(CASE WHEN %s THEN m.participants END), 0) AS %s", c,
          record_figures[i].name);
  }
  add(sql, sizeof sql, &at, " FROM r m GROUP BY 1 ORDER BY 1");
  if (at >= sizeof sql)
    return luaL_error(L, "vista.indicator.records: query too long");
  sqlite3_stmt *st = vista_push_statement(L, db, sql);
  sqlite3_bind_int64(st, 1, inst);
  sqlite3_bind_int64(st, 2, as_of);
  sqlite3_bind_int(st, 3, graduates);
  int box = lua_gettop(L);
  vista_push_rows(L, db, st);
  vista_finish_statement(L, box);
  return 1;
}

/* vista.indicator.learner_destinations{ institution = id, period = kind }
 * -> rows period, country, learners: the receiving countries of the
 * learner mobilities the institution sent (participants). */
static int l_learner_destinations(lua_State *L) {
  vista_session *s = vista_bind_session(L);
  lua_Integer inst;
  const char *period = read_options(L, s, &inst) == school_period
                           ? record_school_period
                           : record_calendar_period;
  if (!inst)
    return luaL_error(L, "vista.indicator.learner_destinations: give the "
                         "institution");
  char sql[1024];
  snprintf(sql, sizeof sql,
           "SELECT %s AS period, c.code AS country,"
           " sum(m.participants) AS learners FROM mobility_fact m"
           " JOIN country c ON c.id = m.receiving_country_id"
           " WHERE m.start_month IS NOT NULL AND " SENT " AND " LEARNER
           " GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
           period);
  return push_result(L, s, sql, inst);
}

/* vista.indicator.active_partners{ institution = id, period = kind } ->
 * rows period, partner: the institution's partners (matched by Erasmus
 * code, else by name and country) that received a mobility it sent or
 * sent one it received, any participant. */
static int l_active_partners(lua_State *L) {
  vista_session *s = vista_bind_session(L);
  lua_Integer inst;
  const char *period = read_options(L, s, &inst) == school_period
                           ? record_school_period
                           : record_calendar_period;
  if (!inst)
    return luaL_error(L, "vista.indicator.active_partners: give the "
                         "institution");
  char sql[2048];
  snprintf(sql, sizeof sql,
           "SELECT DISTINCT %s AS period, p.id AS partner"
           " FROM mobility_fact m JOIN institution o ON o.id ="
           "  CASE WHEN " SENT " THEN m.receiving_id ELSE m.sending_id END"
           " JOIN partner p ON p.institution_id = ?1 AND"
           "  (p.erasmus_code = o.erasmus_code OR (p.name = o.name AND"
           "   p.country = o.country))"
           " WHERE m.start_month IS NOT NULL AND (" SENT " OR " RECEIVED ")"
           " ORDER BY 1, 2",
           period);
  return push_result(L, s, sql, inst);
}

/* vista.indicator.member_activity{ members = {id, ...}, from = YYYYMM,
 * to = YYYYMM } -> rows institution, learners: each member that sent a
 * learner starting in the months, with its learners (persons where the
 * records give a person id). */
static int l_member_activity(lua_State *L) {
  vista_session *s = vista_bind_session(L);
  /* As for a consortium (core/consortium.c): a scoped session chooses no
   * member list, whose overlaps would give members away. */
  if (s->scope_id)
    return luaL_error(L, "vista.indicator: a session scoped to %s cannot "
                         "choose a member list",
                      s->scope_name);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "members");
  luaL_checktype(L, -1, LUA_TTABLE);
  lua_getfield(L, 1, "from");
  lua_getfield(L, 1, "to");
  lua_Integer from = luaL_checkinteger(L, -2), to = luaL_checkinteger(L, -1);
  lua_pop(L, 2);
  /* The members as a JSON array of ids, for json_each. */
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addchar(&b, '[');
  int first = 1;
  for (lua_Integer i = 1;; i++) {
    lua_rawgeti(L, 2, i);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      break;
    }
    if (!lua_isinteger(L, -1))
      return luaL_error(L, "vista.indicator.member_activity: members are "
                           "institution ids");
    lua_Integer id = lua_tointeger(L, -1);
    lua_pop(L, 1);
    char num[32];
    snprintf(num, sizeof num, "%s%lld", first ? "" : ",", (long long)id);
    luaL_addstring(&b, num);
    first = 0;
  }
  luaL_addchar(&b, ']');
  luaL_pushresult(&b);
  sqlite3 *db = vista_store_db(s);
  char sql[1024];
  snprintf(sql, sizeof sql,
           "WITH r AS (SELECT m.*, %s AS person FROM mobility_fact m"
           " WHERE m.sending_id IN (SELECT value FROM json_each(?1))"
           " AND coalesce(m.direction, 1) = 1 AND " LEARNER
           " AND m.start_month BETWEEN ?2 AND ?3)"
           " SELECT m.sending_id AS institution,"
           " count(DISTINCT m.person) + coalesce(sum(CASE WHEN m.person IS"
           " NULL THEN m.participants END), 0) AS learners"
           " FROM r m GROUP BY 1 ORDER BY 1",
           record_column(db, "person_id"));
  sqlite3_stmt *st = vista_push_statement(L, db, sql);
  sqlite3_bind_text(st, 1, lua_tostring(L, -2), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  int box = lua_gettop(L);
  vista_push_rows(L, db, st);
  vista_finish_statement(L, box);
  return 1;
}

/* vista.indicator.facts([institution]) -> rows institution, period, name,
 * value, source. */
static int l_facts(lua_State *L) {
  vista_session *s = vista_bind_session(L);
  sqlite3 *db = vista_store_db(s);
  sqlite3_stmt *st = vista_push_statement(
      L, db,
      "SELECT f.institution_id AS institution, f.period, f.name, f.value,"
      " f.source FROM institution_fact f"
      " JOIN institution i ON i.id = f.institution_id"
      " WHERE ?1 IS NULL OR f.institution_id = ?1"
      " ORDER BY 1, 2, 3");
  if (lua_isinteger(L, 1))
    sqlite3_bind_int64(st, 1, lua_tointeger(L, 1));
  else if (lua_type(L, 1) == LUA_TSTRING) {
    /* An institution as org.c finds it; none found has no facts. */
    vista_org_match m;
    if (vista_org_lookup(s, lua_tostring(L, 1), NULL, NULL, &m) != VISTA_OK)
      return vista_bind_error(L, s);
    sqlite3_bind_int64(st, 1, m.id);
  }
  int box = lua_gettop(L);
  vista_push_rows(L, db, st);
  vista_finish_statement(L, box);
  return 1;
}

int luaopen_vista_indicator(lua_State *L) {
  static const luaL_Reg fns[] = {{"base", l_base},
                                 {"incoming", l_incoming},
                                 {"destinations", l_destinations},
                                 {"facts", l_facts},
                                 {"records", l_records},
                                 {"learner_destinations",
                                  l_learner_destinations},
                                 {"active_partners", l_active_partners},
                                 {"member_activity", l_member_activity},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
