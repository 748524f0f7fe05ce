/* export.c: vista export TABLE. Writes a table as CSV or JSON (through
 * json.c, the one JSON writer), streaming row by row. Mobility is written
 * in vista's own CSV format, which imports back to the same figures. A
 * text cell that a spreadsheet would run as a formula (beginning with =,
 * +, -, @, a tab or a carriage return) is written with a leading
 * apostrophe, which vista's importer removes again.
 * Entry point: vista_export(). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "internal.h"
#include "json.h"

/* vista's own CSV: the records as mobility_view shows them, with the
 * values spelled as the import reads them. */
static const char mobility_sql[] =
    "SELECT project_reference,"
    " CASE WHEN academic_year IS NOT NULL THEN academic_year || '-' ||"
    "  (academic_year + 1) END AS academic_year,"
    " CASE WHEN start_month IS NOT NULL THEN printf('%04d-%02d',"
    "  start_month / 100, start_month % 100) END AS start_month,"
    " CASE WHEN end_month IS NOT NULL THEN printf('%04d-%02d',"
    "  end_month / 100, end_month % 100) END AS end_month,"
    " duration AS duration_days, activity, field_of_education, nationality,"
    " education_level,"
    " CASE gender WHEN 'female' THEN 'Female' WHEN 'male' THEN 'Male' END"
    "  AS gender,"
    " CASE profile WHEN 'learner' THEN 'Learner' WHEN 'staff' THEN 'Staff'"
    "  END AS profile,"
    " CASE special_needs WHEN 1 THEN 'Yes' WHEN 0 THEN 'No' END"
    "  AS special_needs,"
    " CASE fewer_opportunities WHEN 1 THEN 'Yes' WHEN 0 THEN 'No' END"
    "  AS fewer_opportunities,"
    " CASE group_leader WHEN 1 THEN 'Yes' WHEN 0 THEN 'No' END"
    "  AS group_leader,"
    " age, sending_country, sending_city, sending_organisation,"
    " sending_erasmus_code, receiving_country, receiving_city,"
    " receiving_organisation, receiving_erasmus_code, participants,"
    " direction, partner,"
    " CASE recognised WHEN 1 THEN 'Yes' WHEN 0 THEN 'No' END AS recognised"
    " FROM mobility_view ORDER BY id";

/* The tables that can be exported as they are stored, and the records as
 * mobility_view shows them (codes decoded: what docs/database.md promises).
 * Each in a fixed order, so that two exports of the same data are the same
 * file. */
static const struct {
  const char *name;
  const char *sql;
} tables[] = {
    {"mobility", mobility_sql},
    {"mobility_view", "SELECT * FROM mobility_view ORDER BY id"},
    {"institution", "SELECT * FROM institution ORDER BY id"},
    {"country", "SELECT * FROM country ORDER BY code"},
    {"project", "SELECT * FROM project ORDER BY id"},
    {"label", "SELECT * FROM label ORDER BY id"},
    {"import_log", "SELECT * FROM import_log ORDER BY id"},
    {"import_reject", "SELECT * FROM import_reject ORDER BY import_id, line"},
    {"mobility_file", "SELECT * FROM mobility_file ORDER BY import_id"},
    {"mobility_summary", "SELECT * FROM mobility_summary"},
    {"mobility_destination", "SELECT * FROM mobility_destination"},
    {"institution_fact", "SELECT * FROM institution_fact"
                         " ORDER BY institution_id, period, name"},
    {"strategy", "SELECT id, institution_id, title, period_from, period_to,"
                 " mission, vision, source_path, imported_at"
                 " FROM strategy ORDER BY id"},
    {"strategy_item", "SELECT * FROM strategy_item"
                      " ORDER BY strategy_id, kind, pos"},
    {"goal", "SELECT * FROM goal ORDER BY strategy_id, pos"},
    {"goal_indicator", "SELECT * FROM goal_indicator"
                       " ORDER BY strategy_id, goal_id, indicator_id"},
    {"action", "SELECT * FROM action ORDER BY strategy_id, pos"},
    {"env_factor", "SELECT * FROM env_factor ORDER BY strategy_id, line, id"},
    {"indicator", "SELECT * FROM indicator ORDER BY strategy_id, line, id"},
    {"indicator_value", "SELECT * FROM indicator_value"
                        " ORDER BY strategy_id, indicator_id, kind, period"},
    {"partner", "SELECT * FROM partner ORDER BY id"},
    {"agreement", "SELECT * FROM agreement"
                  " ORDER BY partner_id, kind, valid_from"},
    {"milestone", "SELECT * FROM milestone ORDER BY institution_id, start, id"},
};

#define NTABLES (sizeof tables / sizeof tables[0])

const char *vista_export_tables(size_t i) {
  return i < NTABLES ? tables[i].name : NULL;
}

static int needs_guard(const unsigned char *p, size_t n) {
  return n && (p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@' ||
               p[0] == '\t' || p[0] == '\r');
}

static void csv_text(FILE *out, const unsigned char *p, size_t n) {
  int guard = needs_guard(p, n);
  int quote = guard || (n && (p[0] == ' ' || p[n - 1] == ' '));
  for (size_t i = 0; i < n && !quote; i++)
    quote = p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r';
  if (quote)
    fputc('"', out);
  if (guard)
    fputc('\'', out);
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '"')
      fputc('"', out);
    fputc(p[i], out);
  }
  if (quote)
    fputc('"', out);
}

static void write_value(FILE *out, sqlite3_stmt *st, int c) {
  switch (sqlite3_column_type(st, c)) {
  case SQLITE_NULL:
    break;
  case SQLITE_INTEGER:
    fprintf(out, "%lld", (long long)sqlite3_column_int64(st, c));
    break;
  case SQLITE_FLOAT: {
    /* The one number format of every output (json.h): 0.9, not
     * 0.90000000000000002; not finite is an empty cell. */
    char buf[32];
    double v = sqlite3_column_double(st, c);
    if (isfinite(v))
      fwrite(buf, 1, vista_json_number_text(buf, v), out);
    break;
  }
  default:
    csv_text(out, sqlite3_column_text(st, c),
             (size_t)sqlite3_column_bytes(st, c));
  }
}

static void json_value(vista_json *j, sqlite3_stmt *st, int c) {
  switch (sqlite3_column_type(st, c)) {
  case SQLITE_NULL:
    vista_json_null(j);
    break;
  case SQLITE_INTEGER:
    vista_json_int(j, sqlite3_column_int64(st, c));
    break;
  case SQLITE_FLOAT:
    vista_json_number(j, sqlite3_column_double(st, c));
    break;
  default: {
    const char *p = (const char *)sqlite3_column_text(st, c);
    vista_json_string(j, p ? p : "", (size_t)sqlite3_column_bytes(st, c));
  }
  }
}

/* Each row an object of its columns, one row per line, written out row by
 * row. */
static int export_json(vista_session *s, sqlite3_stmt *st, const char *table,
                       FILE *out, int64_t *rows) {
  vista_json j;
  vista_json_init(&j, 1);
  int ncol = sqlite3_column_count(st);
  int step;
  vista_json_begin_array(&j);
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    vista_json_begin_object(&j);
    for (int c = 0; c < ncol; c++) {
      const char *name = sqlite3_column_name(st, c);
      vista_json_key(&j, name, strlen(name));
      json_value(&j, st, c);
    }
    vista_json_end_object(&j);
    if (vista_json_write(&j, out) != VISTA_OK)
      break;
    (*rows)++;
  }
  vista_json_end_array(&j);
  vista_json_write(&j, out);
  if (j.status == VISTA_OK && (fputc('\n', out) == EOF || fflush(out) != 0 ||
                               ferror(out)))
    j.status = VISTA_ERR_IO;
  int rc = VISTA_OK;
  if (j.status == VISTA_ERR_NOMEM)
    rc = vista_seterr(s, VISTA_ERR_NOMEM, "export: out of memory");
  else if (j.status != VISTA_OK)
    rc = vista_seterr(s, VISTA_ERR_IO, "write error: %s", strerror(errno));
  else if (step != SQLITE_DONE)
    rc = vista_seterr_sql(s, table);
  vista_json_free(&j);
  return rc;
}

int vista_export(vista_session *s, const char *table, const char *format,
                 FILE *out, int64_t *rows) {
  const char *sql = NULL;
  *rows = 0;
  for (size_t i = 0; i < NTABLES; i++)
    if (strcmp(tables[i].name, table) == 0)
      sql = tables[i].sql;
  if (!sql) {
    /* The list comes from the table above, so it cannot go stale. */
    char names[1024];
    size_t len = 0;
    for (size_t i = 0; i < NTABLES && len < sizeof names; i++)
      len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
                              i ? ", " : "", tables[i].name);
    return vista_seterr(s, VISTA_ERR_INPUT, "cannot export '%s' (tables: %s)",
                        table, names);
  }
  int json = strcmp(format, "json") == 0;
  if (!json && strcmp(format, "csv") != 0)
    return vista_seterr(s, VISTA_ERR_INPUT,
                        "unknown export format '%s' (csv or json)", format);
  int rc = vista_store_open(s);
  if (rc != VISTA_OK)
    return rc;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, table);
  if (json) {
    rc = export_json(s, st, table, out, rows);
    sqlite3_finalize(st);
    return rc;
  }
  int ncol = sqlite3_column_count(st);
  for (int c = 0; c < ncol; c++) {
    const char *name = sqlite3_column_name(st, c);
    if (c)
      fputc(',', out);
    csv_text(out, (const unsigned char *)name, strlen(name));
  }
  fputc('\n', out);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    for (int c = 0; c < ncol; c++) {
      if (c)
        fputc(',', out);
      write_value(out, st, c);
    }
    fputc('\n', out);
    (*rows)++;
  }
  if (step != SQLITE_DONE)
    rc = vista_seterr_sql(s, table);
  else if (fflush(out) != 0 || ferror(out))
    rc = vista_seterr(s, VISTA_ERR_IO, "write error: %s", strerror(errno));
  sqlite3_finalize(st);
  return rc;
}
