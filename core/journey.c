/* journey.c: the strategy journey's first steps as data — an institution's
 * milestones (vista import timeline FILE) and the anonymous survey of its
 * staff's international skills (vista import survey FILE). Both are CSV
 * through libcsv, one transaction, bad rows rejected with line and column
 * as for the other imports. What is derived from them is Lua's
 * (stdlib/vista/timeline.lua, skills.lua). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "country.h"
#include "csv_reader.h"
#include "internal.h"
#include "journey.h"
#include "org.h"

#define MAX_COLS 64

/* One CSV import of ours: the header mapped to our columns, the row's
 * trimmed values by column, and where rejects go. */
typedef struct reader {
  vista_session *s;
  const char *path;   /* for messages: "<stdin>" for "-" */
  const char *source; /* as given: a file, or "-" */
  vista_reject_fn on_reject;
  void *ud;
  vista_import_report *report;
  const char *const *names; /* our columns; aliases as "name|alias|..." */
  int ncols;
  int col_of[MAX_COLS];
  size_t nheader;
  int has[MAX_COLS];
  const char *val[MAX_COLS];
  size_t len[MAX_COLS], field[MAX_COLS];
  int64_t institution_id; /* --institution, or the only strategy's */
  const char *institution_code;
  vista_org *find_inst;
  int (*row)(struct reader *r, const vista_csv_row *row);
  const char *refused; /* columns refused by name ("name|email|...") */
  const char *refused_why;
  sqlite3_stmt *st[4];
} reader;

static int reject(reader *r, int64_t line, size_t field, const char *why) {
  return vista_reject_row(r->s, r->report, r->path, line, field, why,
                          r->on_reject, r->ud);
}

/* Whether normalised name is one of the '|'-separated names of spec. */
static int names_match(const char *spec, const char *name) {
  char canon[128];
  const char *p = spec;
  while (*p) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    char one[128];
    snprintf(one, sizeof one, "%.*s", (int)n, p);
    vista_normalise_header(canon, sizeof canon, one);
    if (strcmp(canon, name) == 0)
      return 1;
    p += n + (bar != NULL);
  }
  return 0;
}

static int read_header(reader *r, const vista_csv_row *row) {
  if (row->nfields > MAX_COLS)
    return vista_seterr(r->s, VISTA_ERR_INPUT, "%s:%lld: too many columns",
                        r->path, (long long)row->line);
  for (size_t i = 0; i < row->nfields; i++) {
    char name[128];
    vista_normalise_header(name, sizeof name, row->fields[i]);
    if (r->refused && names_match(r->refused, name))
      return vista_seterr(r->s, VISTA_ERR_INPUT, "%s:%lld:%zu: column '%s': %s",
                          r->path, (long long)row->line, i + 1,
                          row->fields[i], r->refused_why);
    int col = -1;
    for (int c = 0; c < r->ncols && col < 0; c++)
      if (names_match(r->names[c], name))
        col = c;
    if (col < 0) {
      const char *plain[MAX_COLS];
      char buf[MAX_COLS][64];
      for (int c = 0; c < r->ncols; c++) {
        snprintf(buf[c], sizeof buf[c], "%.*s",
                 (int)strcspn(r->names[c], "|"), r->names[c]);
        plain[c] = buf[c];
      }
      const char *near = vista_nearest_name(row->fields[i], plain,
                                            (size_t)r->ncols);
      return vista_seterr(r->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: unknown column '%s'%s%s%s", r->path,
                          (long long)row->line, i + 1, row->fields[i],
                          near ? " (did you mean " : "", near ? near : "",
                          near ? "?)" : "");
    }
    if (r->has[col]++)
      return vista_seterr(r->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: column '%s' appears twice", r->path,
                          (long long)row->line, i + 1, row->fields[i]);
    r->col_of[i] = col;
  }
  r->nheader = row->nfields;
  return VISTA_OK;
}

/* The institution of a row: its institution column (found as org.c finds
 * one), else the default; -1 when the store failed. */
static int64_t row_institution(reader *r, int col, int64_t line) {
  if (!r->len[col]) {
    if (!r->institution_id)
      reject(r, line, 0,
             "no institution: give an institution column or --institution");
    return r->institution_id;
  }
  char named[256];
  vista_org_match m;
  snprintf(named, sizeof named, "%.*s", (int)r->len[col], r->val[col]);
  if (vista_org_find(r->find_inst, named, NULL, NULL, &m) != VISTA_OK)
    return -1;
  if (!m.id)
    reject(r, line, r->field[col], m.message);
  return m.id;
}

static int on_row(void *ud, const vista_csv_row *row) {
  reader *r = ud;
  if (row->index == 0)
    return read_header(r, row);
  r->report->rows_read++;
  if (row->nfields != r->nheader) {
    char why[96];
    snprintf(why, sizeof why,
             "expected %zu fields as in the header, found %zu", r->nheader,
             row->nfields);
    return reject(r, row->line, 0, why);
  }
  if (row->bad_text) {
    const char *name = r->names[r->col_of[row->bad_text - 1]];
    char why[160];
    snprintf(why, sizeof why, "%.*s %s", (int)strcspn(name, "|"), name,
             row->bad_text_why);
    return reject(r, row->line, row->bad_text, why);
  }
  for (int c = 0; c < r->ncols; c++)
    r->val[c] = "", r->len[c] = 0, r->field[c] = 0;
  for (size_t i = 0; i < row->nfields; i++) {
    int c = r->col_of[i];
    r->len[c] = row->lens[i];
    r->val[c] = vista_trim(row->fields[i], &r->len[c]);
    r->field[c] = i + 1;
  }
  int64_t rejected = r->report->rows_rejected;
  int rc = r->row(r, row);
  if (rc == VISTA_OK && r->report->rows_rejected == rejected)
    r->report->rows_stored++;
  return rc;
}

static int on_malformed(void *ud, int64_t line, size_t field,
                        const char *reason, const char *raw, size_t raw_len) {
  reader *r = ud;
  (void)raw, (void)raw_len;
  r->report->rows_read++;
  return reject(r, line, field, reason);
}

static int prepare(reader *r, int i, const char *sql) {
  if (sqlite3_prepare_v2(r->s->db, sql, -1, &r->st[i], NULL) != SQLITE_OK)
    return vista_seterr_sql(r->s, r->path);
  return VISTA_OK;
}

static void reader_init(reader *r, vista_session *s, const char *path,
                        const char *institution, vista_reject_fn on_reject,
                        void *ud, vista_import_report *report) {
  memset(r, 0, sizeof *r);
  r->s = s, r->path = vista_input_name(path), r->source = path;
  r->institution_code = institution;
  r->on_reject = on_reject, r->ud = ud, r->report = report;
}

/* Runs an import: the default institution, the statements, the file. */
static int run_import(reader *r, const char *kind, const char *const *sql,
                      int nsql, const char *needed) {
  memset(r->report, 0, sizeof *r->report);
  int rc = vista_store_open(r->s);
  if (rc != VISTA_OK || (rc = vista_store_begin(r->s)) != VISTA_OK)
    return rc;
  if (vista_org_new(r->s, &r->find_inst) != VISTA_OK)
    rc = VISTA_ERR;
  /* --institution, else the one institution with a strategy. */
  if (rc == VISTA_OK)
    rc = vista_default_institution(r->s, r->institution_code,
                                   &r->institution_id);
  for (int i = 0; i < nsql && rc == VISTA_OK; i++)
    rc = prepare(r, i, sql[i]);
  if (rc == VISTA_OK)
    rc = vista_store_import_begin(r->s, kind, r->path, &r->report->import_id);
  if (rc == VISTA_OK)
    rc = vista_csv_read(r->s, r->source, NULL, on_row, on_malformed, r);
  if (rc == VISTA_OK && r->nheader == 0)
    rc = vista_seterr(r->s, VISTA_ERR_INPUT, "%s: the file is empty (no header)",
                      r->path);
  if (rc == VISTA_OK && needed) {
    for (int c = 0; c < r->ncols && rc == VISTA_OK; c++)
      if (strchr(needed, '0' + c) && !r->has[c])
        rc = vista_seterr(r->s, VISTA_ERR_INPUT,
                          "%s:1: the header needs a '%.*s' column", r->path,
                          (int)strcspn(r->names[c], "|"), r->names[c]);
  }
  vista_org_free(r->find_inst);
  for (int i = 0; i < nsql; i++)
    sqlite3_finalize(r->st[i]);
  if (rc == VISTA_OK && (rc = vista_store_import_end(r->s, r->report)) ==
                            VISTA_OK)
    rc = vista_store_commit(r->s);
  if (rc != VISTA_OK)
    vista_store_rollback(r->s);
  return rc;
}

/* ---- milestones ---- */

enum { T_INSTITUTION, T_KIND, T_TITLE, T_START, T_UNTIL, T_REFERENCE,
       T_ROLE, T_PARTNERS, T_FUNDING, T_COUNTRY, T_PARTNER, T_COLS };

static const char *const milestone_columns[T_COLS] = {
    "institution|erasmus code", "kind|type", "title|what|name",
    "start|date|from|year", "until|end|to", "reference|project reference",
    "role", "partners", "funding|budget|grant", "country|country code",
    "partner"};

const char *const vista_milestone_kinds[] = {
    "project", "accreditation", "charter", "partnership", "network",
    "competition", "strategy", "milestone", NULL};

/* A milestone's date: a year, a month or a day (vista_iso_date), as the
 * first day (or with last, the last day) it means. */
static int milestone_date(const char *p, size_t n, int last, char out[11]) {
  if (n == 4 && strspn(p, "0123456789") >= 4) {
    snprintf(out, 11, "%.4s-%s", p, last ? "12-31" : "01-01");
    return 0;
  }
  return vista_iso_date(p, n, last, out);
}

static int milestone_row(reader *r, const vista_csv_row *row) {
  int64_t line = row->line;
  int64_t rejected = r->report->rows_rejected;
  int64_t inst = row_institution(r, T_INSTITUTION, line);
  if (inst < 0)
    return VISTA_ERR; /* the store failed: its message is set */
  if (r->report->rows_rejected != rejected)
    return VISTA_OK;
  const char *kind = NULL;
  for (int k = 0; vista_milestone_kinds[k]; k++)
    if (strlen(vista_milestone_kinds[k]) == r->len[T_KIND] &&
        strncasecmp(vista_milestone_kinds[k], r->val[T_KIND],
                    r->len[T_KIND]) == 0)
      kind = vista_milestone_kinds[k];
  if (!kind)
    return reject(r, line, r->field[T_KIND],
                  "kind must be project, accreditation, charter, "
                  "partnership, network, competition, strategy or "
                  "milestone");
  if (!r->len[T_TITLE])
    return reject(r, line, r->field[T_TITLE], "the title is empty");
  char start[11], until[11];
  if (milestone_date(r->val[T_START], r->len[T_START], 0, start) != 0)
    return reject(r, line, r->field[T_START],
                  "start must be a date: 2019, 2019-09 or 2019-09-01");
  if (r->len[T_UNTIL] &&
      milestone_date(r->val[T_UNTIL], r->len[T_UNTIL], 1, until) != 0)
    return reject(r, line, r->field[T_UNTIL],
                  "until must be a date: 2021, 2021-08 or 2021-08-31");
  if (r->len[T_UNTIL] && strcmp(until, start) < 0)
    return reject(r, line, r->field[T_UNTIL], "until is before start");
  double funding = 0;
  if (r->len[T_FUNDING]) {
    char buf[64], *end;
    snprintf(buf, sizeof buf, "%.*s",
             (int)(r->len[T_FUNDING] > 60 ? 60 : r->len[T_FUNDING]),
             r->val[T_FUNDING]);
    funding = strtod(buf, &end);
    if (*end || end == buf || r->len[T_FUNDING] > 60 || funding < 0 ||
        !isfinite(funding))
      return reject(r, line, r->field[T_FUNDING],
                    "funding must be a number of euros, 0 or more");
  }
  /* The country as the Erasmus+ data writes it (GR is stored as EL); a
   * country's English name gets its code suggested. */
  const vista_country *country = NULL;
  if (r->len[T_COUNTRY]) {
    country = vista_country_by_id(
        vista_country_id(r->val[T_COUNTRY], r->len[T_COUNTRY]));
    if (!country) {
      const vista_country *c = NULL;
      for (size_t i = 0; (c = vista_country_at(i)) != NULL; i++)
        if (strlen(c->name) == r->len[T_COUNTRY] &&
            strncasecmp(c->name, r->val[T_COUNTRY], r->len[T_COUNTRY]) == 0)
          break;
      char why[96];
      snprintf(why, sizeof why,
               "country must be an Erasmus+ country code such as FI or "
               "DE%s%s%s",
               c ? " (did you mean " : "", c ? c->code : "", c ? "?)" : "");
      return reject(r, line, r->field[T_COUNTRY], why);
    }
  }
  sqlite3_stmt *st = r->st[0];
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  sqlite3_bind_int64(st, 1, inst);
  sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, r->val[T_TITLE], (int)r->len[T_TITLE],
                    SQLITE_STATIC);
  sqlite3_bind_text(st, 4, start, -1, SQLITE_STATIC);
  if (r->len[T_UNTIL])
    sqlite3_bind_text(st, 5, until, -1, SQLITE_STATIC);
  static const int text_cols[] = {T_REFERENCE, T_ROLE, T_PARTNERS};
  for (int i = 0; i < 3; i++)
    if (r->len[text_cols[i]])
      sqlite3_bind_text(st, 6 + i, r->val[text_cols[i]],
                        (int)r->len[text_cols[i]], SQLITE_STATIC);
  if (r->len[T_FUNDING])
    sqlite3_bind_double(st, 9, funding);
  sqlite3_bind_text(st, 10, r->path, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 11, line);
  if (country)
    sqlite3_bind_text(st, 12, country->code, -1, SQLITE_STATIC);
  if (r->len[T_PARTNER])
    sqlite3_bind_text(st, 13, r->val[T_PARTNER], (int)r->len[T_PARTNER],
                      SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_DONE)
    return vista_seterr(r->s, VISTA_ERR_SQL, "%s:%lld: %s", r->path,
                        (long long)line, vista_store_errmsg(r->s));
  return VISTA_OK;
}

int vista_milestone_import(vista_session *s, const char *path,
                           const char *institution, vista_reject_fn on_reject,
                           void *ud, vista_import_report *report) {
  reader r;
  reader_init(&r, s, path, institution, on_reject, ud, report);
  r.names = milestone_columns, r.ncols = T_COLS, r.row = milestone_row;
  static const char *const sql[] = {
      "INSERT INTO milestone(institution_id, kind, title, start, until,"
      " reference, role, partners, funding, source, line, country, partner)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
      " ON CONFLICT (institution_id, kind, title, start) DO UPDATE SET"
      " until = excluded.until, reference = excluded.reference,"
      " role = excluded.role, partners = excluded.partners,"
      " funding = excluded.funding, source = excluded.source,"
      " line = excluded.line, strategy_id = NULL,"
      " country = excluded.country, partner = excluded.partner"};
  /* kind (1), title (2), start (3) */
  return run_import(&r, "timeline", sql, 1, "123");
}

/* ---- the staff survey ---- */

enum { S_INSTITUTION, S_DEPARTMENT, S_ROLE, S_LANGUAGES, S_EXPERIENCE,
       S_INTEREST, S_LEAD, S_SUPPORT, S_RESPONDENT, S_COLS };

static const char *const survey_columns[S_COLS] = {
    "institution|erasmus code", "department|team|section", "role|function",
    "languages|language", "experience|international experience",
    "interest|interested", "could lead|could_lead|lead",
    "support|support needed", "respondent|respondent id"};

/* Languages by ISO 639-1 code, with their English names. */
static const char *const languages[][2] = {
    {"bg", "bulgarian"}, {"cs", "czech"},      {"da", "danish"},
    {"de", "german"},    {"el", "greek"},      {"en", "english"},
    {"es", "spanish"},   {"et", "estonian"},   {"fi", "finnish"},
    {"fr", "french"},    {"ga", "irish"},      {"hr", "croatian"},
    {"hu", "hungarian"}, {"it", "italian"},    {"lt", "lithuanian"},
    {"lv", "latvian"},   {"mt", "maltese"},    {"nl", "dutch"},
    {"pl", "polish"},    {"pt", "portuguese"}, {"ro", "romanian"},
    {"sk", "slovak"},    {"sl", "slovenian"},  {"sv", "swedish"},
    {"is", "icelandic"}, {"no", "norwegian"},  {"tr", "turkish"},
    {"mk", "macedonian"}, {"sr", "serbian"},   {"sq", "albanian"},
    {"ar", "arabic"},    {"zh", "chinese"},    {"ru", "russian"},
    {"uk", "ukrainian"}, {"ja", "japanese"},   {"lb", "luxembourgish"},
};
#define NLANG (sizeof languages / sizeof languages[0])

static const char *language_code(const char *p, size_t n) {
  for (size_t i = 0; i < NLANG; i++)
    if ((strlen(languages[i][0]) == n &&
         strncasecmp(languages[i][0], p, n) == 0) ||
        (strlen(languages[i][1]) == n &&
         strncasecmp(languages[i][1], p, n) == 0))
      return languages[i][0];
  return NULL;
}

/* A CEFR level A1..C2 as 1..6 ("native" is C2); 0 when it is none. */
static int cefr(const char *p, size_t n) {
  if (n == 6 && strncasecmp(p, "native", 6) == 0)
    return 6;
  if (n != 2 || (p[0] != 'A' && p[0] != 'B' && p[0] != 'C' && p[0] != 'a' &&
                 p[0] != 'b' && p[0] != 'c') ||
      (p[1] != '1' && p[1] != '2'))
    return 0;
  return ((p[0] | 0x20) - 'a') * 2 + (p[1] - '0');
}

/* Splits a list on , ; | into trimmed items; calls f on each. Returns the
 * first non-OK status. */
typedef int (*item_fn)(reader *r, int64_t response, const char *p, size_t n,
                       char *why, size_t whylen);

static int each_item(reader *r, int col, int64_t response, item_fn f,
                     char *why, size_t whylen) {
  const char *p = r->val[col], *end = p + r->len[col];
  while (p < end) {
    const char *q = p;
    while (q < end && *q != ',' && *q != ';' && *q != '|')
      q++;
    size_t n = (size_t)(q - p);
    const char *item = vista_trim(p, &n);
    if (n) {
      int rc = f(r, response, item, n, why, whylen);
      if (rc)
        return rc;
    }
    p = q + 1;
  }
  return 0;
}

/* Checks (response 0) or stores one "code:level" language. */
static int language_item(reader *r, int64_t response, const char *p,
                         size_t n, char *why, size_t whylen) {
  size_t k = 0;
  while (k < n && p[k] != ':' && p[k] != ' ' && p[k] != '=')
    k++;
  size_t ln = n - k;
  const char *lv = p + k;
  while (ln && (*lv == ':' || *lv == ' ' || *lv == '='))
    lv++, ln--;
  const char *code = language_code(p, k);
  int level = cefr(lv, ln);
  if (!code || !level) {
    snprintf(why, whylen,
             "language '%.*s' is not 'code:level' (en:B2, fr:A2, de:native)",
             (int)(n > 40 ? 40 : n), p);
    return 1;
  }
  if (!response)
    return 0;
  sqlite3_stmt *st = r->st[1];
  sqlite3_reset(st);
  sqlite3_bind_int64(st, 1, response);
  sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 3, level);
  return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static const char *const experiences[][2] = {
    {"stay_abroad", "stay abroad|stays abroad|abroad|mobility"},
    {"project", "project|projects"},
    {"hosting", "hosting|hosted|host"},
    {"expert", "expert|skills competition expert|competition expert|"
               "competitions"},
    {"none", "none|no"}};
static const char *const leads[][2] = {
    {"lead_project_writing", "project writing|project_writing|projects|"
                             "writing"},
    {"lead_hosting", "hosting|host"},
    {"lead_competitions", "competitions|competition|skills competitions"},
    {"lead_training", "training|language training|trainer"}};

static const char *answer_kind(const char *const (*table)[2], size_t n,
                               const char *p, size_t len) {
  char raw[128], want[128];
  snprintf(raw, sizeof raw, "%.*s", (int)(len > 100 ? 100 : len), p);
  vista_normalise_header(want, sizeof want, raw);
  for (size_t i = 0; i < n; i++)
    if (names_match(table[i][1], want) || names_match(table[i][0], want))
      return table[i][0];
  return NULL;
}

static int store_answer(reader *r, int64_t response, const char *kind) {
  sqlite3_stmt *st = r->st[2];
  sqlite3_reset(st);
  sqlite3_bind_int64(st, 1, response);
  sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
  return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

static int experience_item(reader *r, int64_t response, const char *p,
                           size_t n, char *why, size_t whylen) {
  const char *kind = answer_kind(experiences, 5, p, n);
  if (!kind) {
    snprintf(why, whylen,
             "experience '%.*s' is none of stay_abroad, project, hosting, "
             "expert, none",
             (int)(n > 40 ? 40 : n), p);
    return 1;
  }
  return response && strcmp(kind, "none") != 0 ? store_answer(r, response, kind)
                                               : 0;
}

static int lead_item(reader *r, int64_t response, const char *p, size_t n,
                     char *why, size_t whylen) {
  const char *kind = answer_kind(leads, 4, p, n);
  if (!kind) {
    snprintf(why, whylen,
             "could lead '%.*s' is none of project_writing, hosting, "
             "competitions, training",
             (int)(n > 40 ? 40 : n), p);
    return 1;
  }
  return response ? store_answer(r, response, kind) : 0;
}

static int survey_row(reader *r, const vista_csv_row *row) {
  int64_t line = row->line;
  int64_t rejected = r->report->rows_rejected;
  int64_t inst = row_institution(r, S_INSTITUTION, line);
  if (inst < 0)
    return VISTA_ERR; /* the store failed: its message is set */
  if (r->report->rows_rejected != rejected)
    return VISTA_OK;
  if (!r->len[S_DEPARTMENT])
    return reject(r, line, r->field[S_DEPARTMENT], "the department is empty");
  const char *interest = NULL;
  if (r->len[S_INTEREST]) {
    int yn = vista_yes_no(r->val[S_INTEREST], r->len[S_INTEREST]);
    interest = yn == 1 ? "yes" : yn == 0 ? "no" : NULL;
    if (!interest && r->len[S_INTEREST] == 5 &&
        strncasecmp(r->val[S_INTEREST], "maybe", 5) == 0)
      interest = "maybe";
    if (!interest)
      return reject(r, line, r->field[S_INTEREST],
                    "interest must be yes, maybe or no");
  }
  /* Everything checked before anything is stored. */
  char why[160];
  static const struct {
    int col;
    item_fn f;
  } lists[] = {{S_LANGUAGES, language_item},
               {S_EXPERIENCE, experience_item},
               {S_LEAD, lead_item}};
  for (int i = 0; i < 3; i++)
    if (each_item(r, lists[i].col, 0, lists[i].f, why, sizeof why))
      return reject(r, line, r->field[lists[i].col], why);
  sqlite3_stmt *st = r->st[0];
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  sqlite3_bind_int64(st, 1, inst);
  sqlite3_bind_int64(st, 2, r->report->import_id);
  sqlite3_bind_int64(st, 3, line);
  sqlite3_bind_text(st, 4, r->val[S_DEPARTMENT], (int)r->len[S_DEPARTMENT],
                    SQLITE_STATIC);
  if (r->len[S_ROLE])
    sqlite3_bind_text(st, 5, r->val[S_ROLE], (int)r->len[S_ROLE],
                      SQLITE_STATIC);
  if (interest)
    sqlite3_bind_text(st, 6, interest, -1, SQLITE_STATIC);
  if (r->len[S_SUPPORT])
    sqlite3_bind_text(st, 7, r->val[S_SUPPORT], (int)r->len[S_SUPPORT],
                      SQLITE_STATIC);
  int64_t response =
      sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  int bad = !response;
  for (int i = 0; i < 3 && !bad; i++)
    bad = each_item(r, lists[i].col, response, lists[i].f, why, sizeof why);
  if (bad)
    return vista_seterr(r->s, VISTA_ERR_SQL, "%s:%lld: %s", r->path,
                        (long long)line, vista_store_errmsg(r->s));
  return VISTA_OK;
}

int vista_survey_import(vista_session *s, const char *path,
                        const char *institution, vista_reject_fn on_reject,
                        void *ud, vista_import_report *report) {
  reader r;
  reader_init(&r, s, path, institution, on_reject, ud, report);
  r.names = survey_columns, r.ncols = S_COLS, r.row = survey_row;
  r.refused = "name|first name|last name|surname|full name|email|e mail|"
              "phone|staff number|personnel number";
  r.refused_why = "the survey is anonymous: leave out what identifies a "
                  "respondent (an opaque 'respondent' number may stay)";
  static const char *const sql[] = {
      "INSERT INTO survey_response(institution_id, import_id, line,"
      " department, role, interest, support)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
      ("INSERT INTO survey_language(response_id, language, level)"
       " VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET"
       " level = max(level, excluded.level)"),
      "INSERT OR IGNORE INTO survey_answer(response_id, kind)"
      " VALUES (?1, ?2)"};
  /* department (1) */
  return run_import(&r, "survey", sql, 3, "1");
}
