/* institution.c: institutions, the organisations every model refers to
 * (sending and receiving organisations, partners, the subject of a
 * strategy). Owns importing an institution list from CSV. One per Erasmus
 * code, or per name, country and city where the code is unknown (the
 * identity is vista_org_key's; finding one by what people type is
 * org.c's). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "internal.h"
#include "org.h"

enum { COL_CODE, COL_NAME, COL_COUNTRY, COL_CITY, COL_OID, COL_PIC,
       COL_COUNT };

static const char *const canonical[COL_COUNT] = {
    "erasmus_code", "name", "country", "city", "oid", "pic"};

/* Accepted header names, normalised (lowercase, '_' and '-' as spaces). */
static const struct {
  const char *name;
  int col;
} aliases[] = {
    {"erasmus code", COL_CODE},
    {"organisation erasmus code", COL_CODE},
    {"organization erasmus code", COL_CODE},
    {"name", COL_NAME},
    {"institution", COL_NAME},
    {"organisation", COL_NAME},
    {"organization", COL_NAME},
    {"organisation name", COL_NAME},
    {"organization name", COL_NAME},
    {"country", COL_COUNTRY},
    {"country code", COL_COUNTRY},
    {"city", COL_CITY},
    {"oid", COL_OID},
    {"organisation id", COL_OID},
    {"organization id", COL_OID},
    {"pic", COL_PIC},
};

#define NALIASES (sizeof aliases / sizeof aliases[0])

/* With a code, the code is the institution; without one, its identity
 * (vista_org_key: folded name, country, city) finds it, so that two
 * schools of one name in two towns stay two. */
static const char insert_sql[] =
    "INSERT INTO institution(erasmus_code, name, country, city)"
    " VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT(erasmus_code) DO UPDATE SET name = excluded.name,"
    "   country = excluded.country, city = coalesce(excluded.city, city)"
    " RETURNING id";
/* An OID or PIC the list gives: a key the resolver finds it by. */
static const char key_sql[] =
    "INSERT INTO org_alias(kind, key, alias, institution_id)"
    " VALUES (?1, upper(?2), ?2, ?3) ON CONFLICT(kind, key) DO UPDATE"
    " SET institution_id = excluded.institution_id";
static const char find_sql[] =
    "SELECT i.id FROM institution_key k"
    " JOIN institution i ON i.id = k.institution_id"
    " WHERE k.name_key = vista_fold(?1) AND i.country = ?2"
    " AND i.erasmus_code IS NULL"
    " AND vista_org_key(NULL, i.name, i.country, i.city) ="
    "   vista_org_key(NULL, ?1, ?2, ?3)";

typedef struct importer {
  vista_session *s;
  const char *path;
  vista_reject_fn on_reject;
  void *ud;
  vista_import_report *report;
  sqlite3_stmt *insert, *find, *key, *name_key;
  int col_of_field[64]; /* header position -> COL_*, or -1 */
  size_t nheader;
} importer;

void vista_normalise_header(char *dst, size_t n, const char *src) {
  size_t j = 0;
  int space = 0;
  for (; *src && j + 1 < n; src++) {
    int c = (unsigned char)*src;
    if (c == '_' || c == '-' || isspace(c)) {
      space = j > 0;
      continue;
    }
    if (space && j + 1 < n - 1)
      dst[j++] = ' ';
    space = 0;
    dst[j++] = (char)tolower(c);
  }
  dst[j] = '\0';
}

const char *vista_trim(const char *p, size_t *len) {
  size_t n = *len;
  while (n && isspace((unsigned char)*p))
    p++, n--;
  while (n && isspace((unsigned char)p[n - 1]))
    n--;
  *len = n;
  return p;
}

static int reject(importer *im, int64_t line, size_t field,
                  const char *reason) {
  return vista_reject_row(im->s, im->report, im->path, line, field, reason,
                          im->on_reject, im->ud);
}

static int read_header(importer *im, const vista_csv_row *row) {
  int seen[COL_COUNT] = {0};
  if (row->nfields > sizeof im->col_of_field / sizeof im->col_of_field[0])
    return vista_seterr(im->s, VISTA_ERR_INPUT,
                        "%s:%lld: too many columns (%zu) for an institution "
                        "list",
                        im->path, (long long)row->line, row->nfields);
  for (size_t i = 0; i < row->nfields; i++) {
    char name[128];
    vista_normalise_header(name, sizeof name, row->fields[i]);
    int col = -1;
    for (size_t k = 0; k < NALIASES && col < 0; k++)
      if (strcmp(name, aliases[k].name) == 0)
        col = aliases[k].col;
    if (col < 0) {
      const char *near = vista_nearest_name(row->fields[i], canonical,
                                            COL_COUNT);
      return vista_seterr(im->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: unknown column '%s'%s%s%s", im->path,
                          (long long)row->line, i + 1, row->fields[i],
                          near ? " (did you mean " : "", near ? near : "",
                          near ? "?)" : "");
    }
    if (seen[col])
      return vista_seterr(im->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: column '%s' appears twice", im->path,
                          (long long)row->line, i + 1, canonical[col]);
    seen[col] = 1;
    im->col_of_field[i] = col;
  }
  im->nheader = row->nfields;
  for (int c = COL_NAME; c <= COL_COUNTRY; c++)
    if (!seen[c])
      return vista_seterr(im->s, VISTA_ERR_INPUT,
                          "%s:%lld: the header has no '%s' column", im->path,
                          (long long)row->line, canonical[c]);
  return VISTA_OK;
}

static int insert(importer *im, const vista_csv_row *row, const char **val,
                  const size_t *len, const char *country, int64_t *id);

static int store_row(importer *im, const vista_csv_row *row) {
  int rc;
  const char *val[COL_COUNT] = {0};
  size_t len[COL_COUNT] = {0};
  size_t field_of[COL_COUNT] = {0};
  char country[3];
  char why[160];

  im->report->rows_read++;
  if (row->nfields != im->nheader) {
    snprintf(why, sizeof why, "expected %zu fields as in the header, found %zu",
             im->nheader, row->nfields);
    return reject(im, row->line, 0, why);
  }
  if (row->bad_text) {
    snprintf(why, sizeof why, "%s %s",
             canonical[im->col_of_field[row->bad_text - 1]],
             row->bad_text_why);
    return reject(im, row->line, row->bad_text, why);
  }
  for (size_t i = 0; i < row->nfields; i++) {
    int c = im->col_of_field[i];
    len[c] = row->lens[i];
    val[c] = vista_trim(row->fields[i], &len[c]);
    field_of[c] = i + 1;
  }
  if (len[COL_NAME] == 0)
    return reject(im, row->line, field_of[COL_NAME], "name is empty");
  if (len[COL_COUNTRY] != 2 || !isalpha((unsigned char)val[COL_COUNTRY][0]) ||
      !isalpha((unsigned char)val[COL_COUNTRY][1])) {
    snprintf(why, sizeof why, "country '%.*s' is not a two-letter code",
             (int)(len[COL_COUNTRY] > 40 ? 40 : len[COL_COUNTRY]),
             val[COL_COUNTRY] ? val[COL_COUNTRY] : "");
    return reject(im, row->line, field_of[COL_COUNTRY], why);
  }
  country[0] = (char)toupper((unsigned char)val[COL_COUNTRY][0]);
  country[1] = (char)toupper((unsigned char)val[COL_COUNTRY][1]);
  country[2] = '\0';
  /* The official data writes "-" for an unknown Erasmus code. */
  if (len[COL_CODE] == 1 && val[COL_CODE][0] == '-')
    len[COL_CODE] = 0;
  for (int c = COL_OID; c <= COL_PIC; c++) {
    char k[16];
    snprintf(k, sizeof k, "%.*s", (int)(len[c] < 15 ? len[c] : 15), val[c]);
    if (len[c] && (len[c] > 9 || vista_org_kind(k) != (c == COL_OID
                                                          ? VISTA_ORG_OID
                                                          : VISTA_ORG_PIC))) {
      snprintf(why, sizeof why, "%s '%s' is not %s", canonical[c], k,
               c == COL_OID ? "an OID (E and eight digits)"
                            : "a PIC (nine digits)");
      return reject(im, row->line, field_of[c], why);
    }
  }
  int64_t id = 0;

  sqlite3_stmt *st;
  if (!len[COL_CODE]) {
    /* Known already without a code: nothing to store. */
    st = im->find;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    sqlite3_bind_text(st, 1, val[COL_NAME], (int)len[COL_NAME],
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 2, country, 2, SQLITE_STATIC);
    if (len[COL_CITY])
      sqlite3_bind_text(st, 3, val[COL_CITY], (int)len[COL_CITY],
                        SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
      id = sqlite3_column_int64(st, 0);
    else if (step != SQLITE_DONE)
      return vista_seterr_sql(im->s, im->path);
  }
  if (!id && (rc = insert(im, row, val, len, country, &id)) != VISTA_OK)
    return rc;
  for (int c = COL_OID; c <= COL_PIC; c++) {
    if (!len[c])
      continue;
    st = im->key;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, c == COL_OID ? "oid" : "pic", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, val[c], (int)len[c], SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, id);
    if (sqlite3_step(st) != SQLITE_DONE)
      return vista_seterr_sql(im->s, im->path);
  }
  im->report->rows_stored++;
  return VISTA_OK;
}

/* Stores a new institution, or updates the one with its code. */
static int insert(importer *im, const vista_csv_row *row, const char **val,
                  const size_t *len, const char *country, int64_t *id) {
  sqlite3_stmt *st = im->insert;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if ((len[COL_CODE] &&
       sqlite3_bind_text(st, 1, val[COL_CODE], (int)len[COL_CODE],
                         SQLITE_STATIC) != SQLITE_OK) ||
      sqlite3_bind_text(st, 2, val[COL_NAME], (int)len[COL_NAME],
                        SQLITE_STATIC) != SQLITE_OK ||
      sqlite3_bind_text(st, 3, country, 2, SQLITE_STATIC) != SQLITE_OK ||
      (len[COL_CITY] &&
       sqlite3_bind_text(st, 4, val[COL_CITY], (int)len[COL_CITY],
                         SQLITE_STATIC) != SQLITE_OK))
    return vista_seterr_sql(im->s, im->path);
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW)
    *id = sqlite3_column_int64(st, 0);
  if (step != SQLITE_ROW || sqlite3_step(st) != SQLITE_DONE)
    return vista_seterr(im->s, VISTA_ERR_SQL, "%s:%lld: %s", im->path,
                        (long long)row->line, vista_store_errmsg(im->s));
  st = im->name_key;
  sqlite3_reset(st);
  if (sqlite3_bind_int64(st, 1, *id) != SQLITE_OK ||
      sqlite3_bind_text(st, 2, val[COL_NAME], (int)len[COL_NAME],
                        SQLITE_STATIC) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_DONE)
    return vista_seterr_sql(im->s, im->path);
  return VISTA_OK;
}

static int on_row(void *ud, const vista_csv_row *row) {
  importer *im = ud;
  if (row->index == 0)
    return read_header(im, row);
  return store_row(im, row);
}

static int on_malformed(void *ud, int64_t line, size_t field,
                        const char *reason, const char *raw, size_t raw_len) {
  importer *im = ud;
  (void)raw, (void)raw_len;
  im->report->rows_read++;
  return reject(im, line, field, reason);
}

int vista_institution_import(vista_session *s, const char *source,
                             vista_reject_fn on_reject, void *ud,
                             vista_import_report *report) {
  const char *path = vista_input_name(source); /* for messages */
  importer im = {s, path, on_reject, ud, report, NULL, NULL, NULL, NULL,
                 {0}, 0};
  memset(report, 0, sizeof *report);
  int rc = vista_store_open(s);
  if (rc != VISTA_OK)
    return rc;
  if ((rc = vista_store_begin(s)) != VISTA_OK)
    return rc;
  if ((rc = vista_store_import_begin(s, "institutions", path,
                                     &report->import_id)) != VISTA_OK)
    goto fail;
  if (sqlite3_prepare_v2(s->db, insert_sql, -1, &im.insert, NULL) !=
          SQLITE_OK ||
      sqlite3_prepare_v2(s->db, find_sql, -1, &im.find, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db, key_sql, -1, &im.key, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2(s->db, VISTA_ORG_KEY_SQL, -1, &im.name_key, NULL) !=
          SQLITE_OK) {
    rc = vista_seterr_sql(s, "institution import");
    goto fail;
  }
  rc = vista_csv_read(s, source, NULL, on_row, on_malformed, &im);
  if (rc == VISTA_OK && im.nheader == 0)
    rc = vista_seterr(s, VISTA_ERR_INPUT, "%s: the file is empty (no header)",
                      path);
  if (rc != VISTA_OK)
    goto fail;
  sqlite3_finalize(im.insert);
  sqlite3_finalize(im.find);
  sqlite3_finalize(im.key);
  sqlite3_finalize(im.name_key);
  im.insert = im.find = im.key = im.name_key = NULL;
  if ((rc = vista_store_import_end(s, report)) != VISTA_OK ||
      (rc = vista_store_commit(s)) != VISTA_OK)
    goto fail;
  return VISTA_OK;

fail:
  sqlite3_finalize(im.insert);
  sqlite3_finalize(im.find);
  sqlite3_finalize(im.key);
  sqlite3_finalize(im.name_key);
  vista_store_rollback(s);
  return rc;
}

int vista_default_institution(vista_session *s, const char *code,
                              int64_t *id) {
  *id = 0;
  if (code)
    return vista_org_require(s, "--institution", code, id);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT min(institution_id) FROM strategy"
                         " HAVING count(DISTINCT institution_id) = 1",
                         -1, &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "finding the institution");
  if (sqlite3_step(st) == SQLITE_ROW)
    *id = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return VISTA_OK;
}

int vista_institution_codes(vista_session *s,
                            void (*fn)(void *ud, const char *code), void *ud) {
  static const char sql[] = "SELECT erasmus_code FROM institution"
                            " WHERE erasmus_code IS NOT NULL ORDER BY 1";
  sqlite3_stmt *st = NULL;
  int rc;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
    rc = vista_seterr_sql(s, "institution codes");
    goto done;
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const unsigned char *code = sqlite3_column_text(st, 0);
    if (code)
      fn(ud, (const char *)code);
  }
  rc = rc == SQLITE_DONE ? VISTA_OK
                         : vista_seterr_sql(s, "institution codes");
done:
  sqlite3_finalize(st);
  return rc;
}
