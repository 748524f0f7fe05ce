/* export.c: vista export TABLE. Writes a table as CSV or JSON, streaming
 * row by row. Mobility is written in vista's own CSV format, which imports
 * back to the same figures. A text cell that a spreadsheet would run as a
 * formula (beginning with =, +, -, @, a tab or a carriage return) is
 * written with a leading apostrophe, which vista's importer removes again.
 * Entry points: vista_export() to a stream, vista_export_file() to a file
 * that appears whole or not at all. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "internal.h"

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

/* The tables that can be exported as they are stored. */
static const struct {
  const char *name;
  const char *sql;
} tables[] = {
    {"mobility", mobility_sql},
    {"institution", "SELECT * FROM institution ORDER BY id"},
    {"country", "SELECT * FROM country ORDER BY code"},
    {"project", "SELECT * FROM project ORDER BY id"},
    {"label", "SELECT * FROM label ORDER BY id"},
    {"import_log", "SELECT * FROM import_log ORDER BY id"},
    {"import_reject", "SELECT * FROM import_reject ORDER BY import_id, line"},
    {"mobility_file", "SELECT * FROM mobility_file ORDER BY import_id"},
    {"mobility_summary", "SELECT * FROM mobility_summary"},
    {"mobility_destination", "SELECT * FROM mobility_destination"},
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

static void json_text(FILE *out, const unsigned char *p, size_t n) {
  fputc('"', out);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c == '\n')
      fputs("\\n", out);
    else if (c == '\r')
      fputs("\\r", out);
    else if (c == '\t')
      fputs("\\t", out);
    else if (c < 0x20)
      fprintf(out, "\\u%04x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

static void write_value(FILE *out, sqlite3_stmt *st, int c, int json) {
  switch (sqlite3_column_type(st, c)) {
  case SQLITE_NULL:
    if (json)
      fputs("null", out);
    break;
  case SQLITE_INTEGER:
    fprintf(out, "%lld", (long long)sqlite3_column_int64(st, c));
    break;
  case SQLITE_FLOAT:
    fprintf(out, "%.17g", sqlite3_column_double(st, c));
    break;
  default: {
    const unsigned char *p = sqlite3_column_text(st, c);
    size_t n = (size_t)sqlite3_column_bytes(st, c);
    if (json)
      json_text(out, p, n);
    else
      csv_text(out, p, n);
  }
  }
}

int vista_export(vista_session *s, const char *table, const char *format,
                 FILE *out, int64_t *rows) {
  const char *sql = NULL;
  *rows = 0;
  for (size_t i = 0; i < NTABLES; i++)
    if (strcmp(tables[i].name, table) == 0)
      sql = tables[i].sql;
  if (!sql)
    return vista_seterr(s, VISTA_ERR_INPUT,
                        "cannot export '%s' (tables: mobility, institution, "
                        "country, project, label, import_log, import_reject, "
                        "mobility_file, mobility_summary, "
                        "mobility_destination)",
                        table);
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
  int ncol = sqlite3_column_count(st);
  if (json) {
    fputc('[', out);
  } else {
    for (int c = 0; c < ncol; c++) {
      const char *name = sqlite3_column_name(st, c);
      if (c)
        fputc(',', out);
      csv_text(out, (const unsigned char *)name, strlen(name));
    }
    fputc('\n', out);
  }
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (json) {
      fputs(*rows ? ",\n{" : "\n{", out);
      for (int c = 0; c < ncol; c++) {
        const char *name = sqlite3_column_name(st, c);
        if (c)
          fputc(',', out);
        json_text(out, (const unsigned char *)name, strlen(name));
        fputc(':', out);
        write_value(out, st, c, 1);
      }
      fputc('}', out);
    } else {
      for (int c = 0; c < ncol; c++) {
        if (c)
          fputc(',', out);
        write_value(out, st, c, 0);
      }
      fputc('\n', out);
    }
    (*rows)++;
  }
  if (json)
    fputs("\n]\n", out);
  if (step != SQLITE_DONE)
    rc = vista_seterr_sql(s, table);
  else if (fflush(out) != 0 || ferror(out))
    rc = vista_seterr(s, VISTA_ERR_IO, "export: %s", strerror(errno));
  sqlite3_finalize(st);
  return rc;
}

int vista_export_file(vista_session *s, const char *table, const char *format,
                      const char *path, int64_t *rows) {
  *rows = 0;
  size_t n = strlen(path) + sizeof ".vista-part";
  char *part = malloc(n);
  if (!part)
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  snprintf(part, n, "%s.vista-part", path);
  int fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0644);
  if (fd < 0) {
    int rc = errno == EEXIST
                 ? vista_seterr(s, VISTA_ERR_IO,
                                "%s: exists: another export is writing it, "
                                "or one was stopped (remove it)",
                                part)
                 : vista_seterr(s, VISTA_ERR_IO, "%s: %s", part,
                                strerror(errno));
    free(part);
    return rc;
  }
  FILE *out = fdopen(fd, "w");
  if (!out) {
    close(fd);
    remove(part);
    free(part);
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  }
  int rc = vista_export(s, table, format, out, rows);
  int err = errno;
  /* The data reaches the disk before the name does: a crash leaves the
   * old file or the whole new one. */
  if (rc == VISTA_OK && (fsync(fd) != 0 || ferror(out)))
    rc = VISTA_ERR_IO, err = errno;
  if (fclose(out) != 0 && rc == VISTA_OK)
    rc = VISTA_ERR_IO, err = errno;
  if (rc == VISTA_OK && rename(part, path) != 0)
    rc = VISTA_ERR_IO, err = errno;
  if (rc != VISTA_OK) {
    remove(part);
    if (rc == VISTA_ERR_IO)
      vista_seterr(s, rc, "%s: %s (nothing written)", path, strerror(err));
  }
  free(part);
  return rc;
}
