/* scope.c: a session for one institution (vista --scope X).
 *
 * Enforced by SQLite, not by reading SQL text. When the database opens,
 * X's rows of every table that holds an institution's records are copied
 * into a TEMP table of the same name (unqualified names find the temp
 * schema first), and the main schema's views are re-created in temp over
 * them. An authorizer, installed for the whole session, then denies every
 * read of a main table that is not public (countries, labels, the
 * schema): main.mobility, a subquery, a join, a CTE
 * or a main view reaching the records are all refused, whatever they are
 * called. (Temp views filtering main would not do: the authorizer knows a
 * read's view only by name, and a CTE can take any name.) The
 * dictionaries are scoped too: institutions and projects X's records use,
 * plus the senders that benchmarks name. The aggregates
 * others may see (benchmarks, consortia) are prepared by our own C code
 * while the session is trusted — only around sqlite3_prepare, as the
 * authorizer is consulted when a statement is compiled — and suppress
 * small cells themselves. A scoped session writes nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "mobility.h"
#include "org.h"

/* Tables anyone may read: places and codes, not people or partners. */
static const char *const public_tables[] = {
    "country", "label", "sqlite_master", "sqlite_schema", NULL};

/* Tables with an institution's own rows, and which of them X sees ('@'
 * is X's id). A main table in neither list is not readable at all. */
static const struct {
  const char *table, *filter;
} scoped_tables[] = {
    {"mobility", "sending_id = @ OR receiving_id = @"},
    /* The dictionaries: the entries X's own records use, plus the public
     * list of sending institutions that benchmarks name (one row each in
     * the terms). Another school's host company in Bologna, or its
     * projects, would show its partner network. */
    {"institution", "id = @ OR id IN (SELECT sending_id FROM temp.mobility)"
                    " OR id IN (SELECT receiving_id FROM temp.mobility)"
                    " OR id IN (SELECT DISTINCT institution_id"
                    " FROM main.mobility_term)"},
    {"project", "id IN (SELECT project_id FROM temp.mobility)"},
    /* The resolver's keys and aliases, of the institutions seen only. */
    {"institution_key", "institution_id IN (SELECT id FROM temp.institution)"},
    {"org_alias", "institution_id IN (SELECT id FROM temp.institution)"},
    {"mobility_summary", "institution_id = @"},
    {"mobility_destination", "institution_id = @"},
    {"mobility_term", "institution_id = @"},
    {"mobility_term_destination", "institution_id = @"},
    {"mobility_term_incoming", "institution_id = @"},
    {"mobility_file", "import_id < 0"},
    {"import_log", "id < 0"},
    {"import_reject", "import_id < 0"},
    {"institution_fact", "institution_id = @"},
    {"strategy", "institution_id = @"},
    {"strategy_item", "strategy_id IN (SELECT id FROM temp.strategy)"},
    {"goal", "strategy_id IN (SELECT id FROM temp.strategy)"},
    {"goal_indicator", "strategy_id IN (SELECT id FROM temp.strategy)"},
    {"action", "strategy_id IN (SELECT id FROM temp.strategy)"},
    {"env_factor", "strategy_id IN (SELECT id FROM temp.strategy)"},
    {"indicator", "strategy_id IN (SELECT id FROM temp.strategy)"},
    {"indicator_value", "strategy_id IN (SELECT id FROM temp.strategy)"},
    {"partner", "institution_id = @"},
    {"agreement", "partner_id IN (SELECT id FROM temp.partner)"},
    {"contact", "partner_id IN (SELECT id FROM temp.partner)"},
    {"milestone", "institution_id = @"},
    {"survey_response", "institution_id = @"},
    {"survey_language", "response_id IN (SELECT id FROM temp.survey_response)"},
    {"survey_answer", "response_id IN (SELECT id FROM temp.survey_response)"},
};
#define NSCOPED (sizeof scoped_tables / sizeof scoped_tables[0])

/* PRAGMAs a scoped session may read: the schema, nothing of the rows. */
static const char *const schema_pragmas[] = {
    "application_id", "collation_list", "compile_options", "database_list",
    "encoding",       "foreign_key_list", "function_list", "index_info",
    "index_list",     "index_xinfo",    "module_list",     "page_size",
    "pragma_list",    "schema_version", "table_info",      "table_list",
    "table_xinfo",    "user_version",   NULL};

static int listed(const char *const *list, const char *name) {
  for (int i = 0; name && list[i]; i++)
    if (strcmp(list[i], name) == 0)
      return 1;
  return 0;
}

static int scoped_table(const char *name);

int vista_scope_check(vista_session *s, int action, const char *a,
                      const char *b, const char *db, const char *inner) {
  (void)b, (void)inner;
  if (!s || !s->scope_id || s->trusted)
    return SQLITE_OK;
  switch (action) {
  case SQLITE_READ:
    if (db && strcmp(db, "temp") == 0)
      return SQLITE_OK; /* X's own rows */
    if (db && strcmp(db, "main") == 0)
      return listed(public_tables, a) ? SQLITE_OK : SQLITE_DENY;
    /* No schema: a table read for its rows alone (count(*)), named as
     * the query wrote it. Unqualified, a copied table's name finds the
     * temp copy first. */
    return !db && (listed(public_tables, a) || scoped_table(a))
               ? SQLITE_OK
               : SQLITE_DENY;
  case SQLITE_SELECT:
  case SQLITE_FUNCTION:
  case SQLITE_RECURSIVE:
    return SQLITE_OK;
  case SQLITE_PRAGMA:
    return listed(schema_pragmas, a) ? SQLITE_OK : SQLITE_DENY;
  default:
    return SQLITE_DENY;
  }
}

static int scoped_table(const char *name) {
  for (size_t i = 0; name && i < NSCOPED; i++)
    if (strcmp(scoped_tables[i].table, name) == 0)
      return 1;
  return 0;
}

static int authorize(void *ud, int action, const char *a, const char *b,
                     const char *db, const char *inner) {
  return vista_scope_check(ud, action, a, b, db, inner);
}

void vista_store_authorizer(vista_session *s) {
  if (s->db)
    sqlite3_set_authorizer(s->db, s->scope_id ? authorize : NULL,
                           s->scope_id ? s : NULL);
}

/* Appends filter to buf with every '@' replaced by id. */
static void put_filter(char *buf, size_t n, const char *filter, long long id) {
  size_t at = strlen(buf);
  for (const char *p = filter; *p && at + 24 < n; p++) {
    if (*p == '@')
      at += (size_t)snprintf(buf + at, n - at, "%lld", id);
    else
      buf[at++] = *p;
  }
  buf[at] = '\0';
}

static int run(vista_session *s, const char *sql) {
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "opening the scoped session");
  return VISTA_OK;
}

/* The institution the scope names, as org.c finds one. */
static int find_institution(vista_session *s) {
  vista_org_match m;
  s->scope_id = 0;
  int rc = vista_org_lookup(s, s->scope_name, NULL, NULL, &m);
  if (rc != VISTA_OK)
    return rc;
  if (!m.id)
    return vista_seterr(s, VISTA_ERR, "--scope %s: %s", s->scope_name,
                        m.message);
  s->scope_id = m.id;
  return VISTA_OK;
}

int vista_scope_apply(vista_session *s) {
  if (!s->scope_name)
    return VISTA_OK;
  int rc = find_institution(s);
  if (rc != VISTA_OK)
    return rc;
  long long id = (long long)s->scope_id;
  char sql[1024];
  for (size_t i = 0; i < NSCOPED && rc == VISTA_OK; i++) {
    const char *t = scoped_tables[i].table;
    snprintf(sql, sizeof sql,
             "CREATE TEMP TABLE %s AS SELECT * FROM main.%s WHERE ", t, t);
    put_filter(sql, sizeof sql, scoped_tables[i].filter, id);
    rc = run(s, sql);
  }
  /* The main schema's views again, in temp, over the tables above. */
  sqlite3_stmt *st = NULL;
  if (rc == VISTA_OK &&
      sqlite3_prepare_v2(s->db,
                         "SELECT sql FROM main.sqlite_schema WHERE type ="
                         " 'view' AND sql LIKE 'CREATE VIEW %'",
                         -1, &st, NULL) != SQLITE_OK)
    rc = vista_seterr_sql(s, "opening the scoped session");
  while (rc == VISTA_OK && sqlite3_step(st) == SQLITE_ROW) {
    const char *text = (const char *)sqlite3_column_text(st, 0);
    char *copy = sqlite3_mprintf("CREATE TEMP VIEW %s",
                                 text + strlen("CREATE VIEW "));
    rc = copy ? run(s, copy)
              : vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
    sqlite3_free(copy);
  }
  sqlite3_finalize(st);
  /* The summaries again, from X's records as copied (they hold what X
   * received too, so that they agree with the records): the rebuild's
   * unqualified names now find the temp tables and views. */
  if (rc == VISTA_OK)
    rc = vista_mobility_rebuild_summaries(s);
  if (rc != VISTA_OK) {
    s->scope_id = 0;
    return rc;
  }
  vista_store_authorizer(s);
  return VISTA_OK;
}

int vista_session_set_scope(vista_session *s, const char *institution) {
  if (s->db)
    return vista_seterr(s, VISTA_ERR,
                        "the scope is set before the database opens");
  free(s->scope_name);
  s->scope_name = institution ? strdup(institution) : NULL;
  if (institution && !s->scope_name)
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  return VISTA_OK;
}

int64_t vista_session_scope(const vista_session *s) { return s->scope_id; }
