/* partner.c: an institution's partners, their agreements and contacts. It
 * owns importing a partner list (CSV, one row per partner, agreement or
 * contact; rows of the same partner merge) and vista.partner. A contact
 * that changes is closed, never overwritten, so its history stays. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>

#include "bind.h"
#include "csv_reader.h"
#include "internal.h"
#include "org.h"
#include "partner.h"

enum {
  P_INSTITUTION, P_NAME, P_COUNTRY, P_CITY, P_KIND, P_ABROAD, P_STRATEGIC,
  P_SECTOR, P_CODE, P_SINCE, P_UNTIL,
  A_KIND, A_SIGNED, A_FROM, A_TO, A_SCOPE,
  C_NAME, C_ROLE, C_EMAIL, C_PHONE, C_FROM, C_TO,
  P_COLS
};

static const char *const columns[P_COLS] = {
    "institution", "name", "country", "city", "kind", "abroad", "strategic",
    "sector", "erasmus_code", "since", "until",
    "agreement", "agreement_signed", "agreement_from", "agreement_to",
    "agreement_scope",
    "contact", "contact_role", "contact_email", "contact_phone",
    "contact_from", "contact_to"};

/* Other names people give these columns, normalised. */
static const struct {
  const char *name;
  int col;
} aliases[] = {
    {"partner", P_NAME},          {"partner name", P_NAME},
    {"organisation", P_NAME},     {"organization", P_NAME},
    {"country code", P_COUNTRY},  {"type", P_KIND},
    {"partner kind", P_KIND},     {"erasmus code", P_CODE},
    {"oid", P_CODE},              {"agreement kind", A_KIND},
    {"signed", A_SIGNED},         {"valid from", A_FROM},
    {"valid to", A_TO},           {"scope", A_SCOPE},
    {"contact name", C_NAME},     {"contact since", C_FROM},
    {"contact until", C_TO},      {"email", C_EMAIL},
    {"phone", C_PHONE},           {"owner", P_INSTITUTION},
};

static const char *const kinds[] = {"vet_school", "company",
                                    "higher_education", "agency", "other",
                                    NULL};

typedef struct importer {
  vista_session *s;
  const char *path;
  int64_t institution_id; /* from --institution or the only strategy */
  vista_reject_fn on_reject;
  void *ud;
  vista_import_report *report;
  int col_of_field[64];
  size_t nheader;
  int has[P_COLS];
  char today[11];
  vista_org *find_inst; /* the institution column */
  sqlite3_stmt *upsert, *agreement, *current, *close_contact,
      *update_contact, *insert_contact, *historic;
} importer;

static int reject(importer *im, int64_t line, size_t field, const char *fmt,
                  const char *arg) {
  char reason[512];
  snprintf(reason, sizeof reason, fmt, arg);
  return vista_reject_row(im->s, im->report, im->path, line, field, reason,
                          im->on_reject, im->ud);
}

static int read_header(importer *im, const vista_csv_row *row) {
  if (row->nfields > sizeof im->col_of_field / sizeof im->col_of_field[0])
    return vista_seterr(im->s, VISTA_ERR_INPUT,
                        "%s:%lld: too many columns (%zu) for a partner list",
                        im->path, (long long)row->line, row->nfields);
  for (size_t i = 0; i < row->nfields; i++) {
    char name[128], canon[128];
    vista_normalise_header(name, sizeof name, row->fields[i]);
    int col = -1;
    for (int c = 0; c < P_COLS && col < 0; c++) {
      vista_normalise_header(canon, sizeof canon, columns[c]);
      if (strcmp(name, canon) == 0)
        col = c;
    }
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0] && col < 0; k++)
      if (strcmp(name, aliases[k].name) == 0)
        col = aliases[k].col;
    if (col < 0) {
      const char *near = vista_nearest_name(row->fields[i], columns, P_COLS);
      return vista_seterr(im->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: unknown column '%s'%s%s%s", im->path,
                          (long long)row->line, i + 1, row->fields[i],
                          near ? " (did you mean " : "", near ? near : "",
                          near ? "?)" : "");
    }
    if (im->has[col])
      return vista_seterr(im->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: column '%s' appears twice", im->path,
                          (long long)row->line, i + 1, columns[col]);
    im->has[col] = 1;
    im->col_of_field[i] = col;
  }
  im->nheader = row->nfields;
  static const int required[] = {P_NAME, P_COUNTRY, P_KIND};
  for (size_t k = 0; k < 3; k++)
    if (!im->has[required[k]])
      return vista_seterr(im->s, VISTA_ERR_INPUT,
                          "%s:%lld: the header has no '%s' column", im->path,
                          (long long)row->line, columns[required[k]]);
  if (!im->has[P_INSTITUTION] && !im->institution_id)
    return vista_seterr(im->s, VISTA_ERR_INPUT,
                        "%s: whose partners? Add an 'institution' column "
                        "(Erasmus code), give --institution CODE, or import "
                        "the institution's strategy first",
                        im->path);
  return VISTA_OK;
}

typedef struct cell {
  const char *p;
  size_t n;
  size_t field; /* 1-based column, 0 when the column is absent */
} cell;

static int bind_cell(sqlite3_stmt *st, int i, const cell *c) {
  return c->n ? sqlite3_bind_text(st, i, c->p, (int)c->n, SQLITE_STATIC)
              : sqlite3_bind_null(st, i);
}

static int run(importer *im, sqlite3_stmt *st, int64_t line, int64_t *id) {
  int rc = sqlite3_step(st);
  if (id)
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return vista_seterr(im->s, VISTA_ERR_SQL, "%s:%lld: %s", im->path,
                        (long long)line, vista_store_errmsg(im->s));
  return VISTA_OK;
}

/* A date cell into out, or a reject; empty stays empty. */
static int date_cell(importer *im, int64_t line, cell *c, int last,
                     char out[11], int *bad) {
  if (!c->n)
    return VISTA_OK;
  if (vista_iso_date(c->p, c->n, last, out) != 0) {
    char shown[48];
    snprintf(shown, sizeof shown, "%.*s", (int)(c->n > 40 ? 40 : c->n), c->p);
    *bad = 1;
    return reject(im, line, c->field,
                  "'%s' is not a date (YYYY-MM-DD or YYYY-MM)", shown);
  }
  c->p = out;
  c->n = 10;
  return VISTA_OK;
}

static int store_row(importer *im, const vista_csv_row *row) {
  cell c[P_COLS] = {{0}};
  char dates[6][11];
  char country[3];
  int64_t line = row->line;
  im->report->rows_read++;
  if (row->nfields != im->nheader) {
    char why[96];
    snprintf(why, sizeof why, "expected %zu fields as in the header, found %zu",
             im->nheader, row->nfields);
    return reject(im, line, 0, "%s", why);
  }
  if (row->bad_text) {
    char why[128];
    snprintf(why, sizeof why, "%s %s",
             columns[im->col_of_field[row->bad_text - 1]], row->bad_text_why);
    return reject(im, line, row->bad_text, "%s", why);
  }
  for (size_t i = 0; i < row->nfields; i++) {
    cell *x = &c[im->col_of_field[i]];
    x->n = row->lens[i];
    x->p = vista_trim(row->fields[i], &x->n);
    x->field = i + 1;
  }
  if (!c[P_NAME].n)
    return reject(im, line, c[P_NAME].field, "%s", "name is empty");
  if (c[P_COUNTRY].n != 2 || !isalpha((unsigned char)c[P_COUNTRY].p[0]) ||
      !isalpha((unsigned char)c[P_COUNTRY].p[1]))
    return reject(im, line, c[P_COUNTRY].field, "%s",
                  "country must be a two-letter code such as DE or EL");
  country[0] = (char)toupper((unsigned char)c[P_COUNTRY].p[0]);
  country[1] = (char)toupper((unsigned char)c[P_COUNTRY].p[1]);
  country[2] = '\0';

  /* kind: the listed words, any case, spaces or '-' for '_'. */
  char kind[32] = "";
  if (c[P_KIND].n && c[P_KIND].n < sizeof kind) {
    for (size_t i = 0; i < c[P_KIND].n; i++) {
      char ch = (char)tolower((unsigned char)c[P_KIND].p[i]);
      kind[i] = ch == ' ' || ch == '-' ? '_' : ch;
    }
    kind[c[P_KIND].n] = '\0';
  }
  int kind_ok = 0;
  for (int k = 0; kinds[k]; k++)
    kind_ok |= strcmp(kind, kinds[k]) == 0;
  if (!kind_ok)
    return reject(im, line, c[P_KIND].field, "%s",
                  "kind must be vet_school, company, higher_education, "
                  "agency or other");
  int flags[2] = {-1, -1}; /* abroad, strategic; -1 when the cell is empty */
  static const int flag_cols[2] = {P_ABROAD, P_STRATEGIC};
  for (int k = 0; k < 2; k++) {
    const cell *x = &c[flag_cols[k]];
    if (!x->n)
      continue;
    if ((flags[k] = vista_yes_no(x->p, x->n)) < 0)
      return reject(im, line, x->field, "%s must be yes or no",
                    columns[flag_cols[k]]);
  }
  static const int date_cols[6] = {P_SINCE, P_UNTIL, A_SIGNED,
                                   A_FROM,  A_TO,    C_FROM};
  int bad = 0;
  for (int k = 0; k < 6 && !bad; k++) {
    int rc = date_cell(im, line, &c[date_cols[k]],
                       date_cols[k] == P_UNTIL || date_cols[k] == A_TO,
                       dates[k], &bad);
    if (rc != VISTA_OK)
      return rc;
  }
  char contact_to[11];
  if (!bad) {
    int rc = date_cell(im, line, &c[C_TO], 1, contact_to, &bad);
    if (rc != VISTA_OK)
      return rc;
  }
  if (bad)
    return VISTA_OK;
  if (c[A_TO].n && c[A_FROM].n && memcmp(c[A_TO].p, c[A_FROM].p, 10) < 0)
    return reject(im, line, c[A_TO].field, "%s",
                  "the agreement ends before it starts");
  if (!c[A_KIND].n && (c[A_SIGNED].n || c[A_FROM].n || c[A_TO].n ||
                       c[A_SCOPE].n))
    return reject(im, line, c[A_KIND].field ? c[A_KIND].field : 1, "%s",
                  "agreement dates or scope without the agreement's kind");
  if (!c[C_NAME].n && (c[C_ROLE].n || c[C_EMAIL].n || c[C_PHONE].n ||
                       c[C_FROM].n || c[C_TO].n))
    return reject(im, line, c[C_NAME].field ? c[C_NAME].field : 1, "%s",
                  "contact details without the contact's name");

  /* Whose partner. */
  int64_t inst = im->institution_id;
  if (c[P_INSTITUTION].n) {
    char named[256];
    vista_org_match m;
    snprintf(named, sizeof named, "%.*s", (int)c[P_INSTITUTION].n,
             c[P_INSTITUTION].p);
    int rc = vista_org_find(im->find_inst, named, NULL, NULL, &m);
    if (rc != VISTA_OK)
      return rc;
    if (!(inst = m.id))
      return reject(im, line, c[P_INSTITUTION].field, "%s", m.message);
  }
  if (!inst)
    return reject(im, line, c[P_INSTITUTION].field, "%s",
                  "whose partner? the institution column is empty");

  sqlite3_stmt *st = im->upsert;
  sqlite3_bind_int64(st, 1, inst);
  bind_cell(st, 2, &c[P_NAME]);
  sqlite3_bind_text(st, 3, country, 2, SQLITE_STATIC);
  bind_cell(st, 4, &c[P_CITY]);
  sqlite3_bind_text(st, 5, kind, -1, SQLITE_STATIC);
  if (flags[0] >= 0)
    sqlite3_bind_int(st, 6, flags[0]);
  if (flags[1] >= 0)
    sqlite3_bind_int(st, 7, flags[1]);
  bind_cell(st, 8, &c[P_SECTOR]);
  bind_cell(st, 9, &c[P_CODE]);
  bind_cell(st, 10, &c[P_SINCE]);
  bind_cell(st, 11, &c[P_UNTIL]);
  int64_t partner;
  int rc = run(im, st, line, &partner);
  if (rc != VISTA_OK)
    return rc;

  if (c[A_KIND].n) {
    st = im->agreement;
    sqlite3_bind_int64(st, 1, partner);
    bind_cell(st, 2, &c[A_KIND]);
    bind_cell(st, 3, &c[A_SIGNED]);
    bind_cell(st, 4, &c[A_FROM]);
    bind_cell(st, 5, &c[A_TO]);
    bind_cell(st, 6, &c[A_SCOPE]);
    if ((rc = run(im, st, line, NULL)) != VISTA_OK)
      return rc;
  }

  if (c[C_NAME].n && c[C_TO].n) {
    /* A past contact: recorded once. */
    st = im->historic;
    sqlite3_bind_int64(st, 1, partner);
    bind_cell(st, 2, &c[C_NAME]);
    bind_cell(st, 3, &c[C_ROLE]);
    bind_cell(st, 4, &c[C_EMAIL]);
    bind_cell(st, 5, &c[C_PHONE]);
    bind_cell(st, 6, &c[C_FROM]);
    bind_cell(st, 7, &c[C_TO]);
    if ((rc = run(im, st, line, NULL)) != VISTA_OK)
      return rc;
  } else if (c[C_NAME].n) {
    /* The current contact for this role: the same person is updated;
     * someone else closes the one before. */
    int64_t same;
    st = im->current;
    sqlite3_bind_int64(st, 1, partner);
    bind_cell(st, 2, &c[C_ROLE]);
    bind_cell(st, 3, &c[C_NAME]);
    if ((rc = run(im, st, line, &same)) != VISTA_OK)
      return rc;
    if (same) {
      st = im->update_contact;
      sqlite3_bind_int64(st, 1, same);
      bind_cell(st, 2, &c[C_EMAIL]);
      bind_cell(st, 3, &c[C_PHONE]);
      if ((rc = run(im, st, line, NULL)) != VISTA_OK)
        return rc;
    } else {
      /* The one before ends when this one starts, or today when the file
       * does not say. */
      const char *from = c[C_FROM].n ? c[C_FROM].p : im->today;
      st = im->close_contact;
      sqlite3_bind_int64(st, 1, partner);
      bind_cell(st, 2, &c[C_ROLE]);
      sqlite3_bind_text(st, 3, from, 10, SQLITE_STATIC);
      if ((rc = run(im, st, line, NULL)) != VISTA_OK)
        return rc;
      st = im->insert_contact;
      sqlite3_bind_int64(st, 1, partner);
      bind_cell(st, 2, &c[C_NAME]);
      bind_cell(st, 3, &c[C_ROLE]);
      bind_cell(st, 4, &c[C_EMAIL]);
      bind_cell(st, 5, &c[C_PHONE]);
      bind_cell(st, 6, &c[C_FROM]); /* unknown stays unknown */
      if ((rc = run(im, st, line, NULL)) != VISTA_OK)
        return rc;
    }
  }
  im->report->rows_stored++;
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
  return reject(im, line, field, "%s", reason);
}

int vista_partner_import(vista_session *s, const char *source,
                         const char *institution, vista_reject_fn on_reject,
                         void *ud, vista_import_report *report) {
  const char *path = vista_input_name(source); /* for messages */
  importer im;
  memset(&im, 0, sizeof im);
  im.s = s, im.path = path, im.on_reject = on_reject, im.ud = ud;
  im.report = report;
  memset(report, 0, sizeof *report);
  time_t now = time(NULL);
  strftime(im.today, sizeof im.today, "%Y-%m-%d", gmtime(&now));
  int rc = vista_store_open(s);
  if (rc != VISTA_OK)
    return rc;
  if ((rc = vista_store_begin(s)) != VISTA_OK)
    return rc;
  struct {
    sqlite3_stmt **st;
    const char *sql;
  } stmts[] = {
      /* abroad, when not given, is whether the partner's country differs
       * from the institution's. */
      {&im.upsert,
       "INSERT INTO partner(institution_id, name, country, city, kind,"
       " abroad, strategic, sector, erasmus_code, since, until)"
       " VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, ?3 IS NOT (SELECT country"
       " FROM institution WHERE id = ?1)), coalesce(?7, 0), ?8, ?9, ?10,"
       " ?11)"
       " ON CONFLICT(institution_id, name, country) DO UPDATE SET"
       " city = coalesce(excluded.city, city), kind = excluded.kind,"
       " abroad = coalesce(?6, abroad), strategic = coalesce(?7, strategic),"
       " sector = coalesce(excluded.sector, sector),"
       " erasmus_code = coalesce(excluded.erasmus_code, erasmus_code),"
       " since = coalesce(excluded.since, since),"
       " until = coalesce(excluded.until, until)"
       " RETURNING id"},
      {&im.agreement,
       "INSERT INTO agreement(partner_id, kind, signed, valid_from, valid_to,"
       " scope) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
       " ON CONFLICT(partner_id, kind, valid_from) DO UPDATE SET"
       " signed = coalesce(excluded.signed, signed),"
       " valid_to = coalesce(excluded.valid_to, valid_to),"
       " scope = coalesce(excluded.scope, scope)"},
      {&im.current,
       "SELECT id FROM contact WHERE partner_id = ?1 AND role IS ?2"
       " AND name = ?3 AND valid_to IS NULL"},
      {&im.update_contact,
       "UPDATE contact SET email = coalesce(?2, email),"
       " phone = coalesce(?3, phone) WHERE id = ?1"},
      {&im.close_contact,
       "UPDATE contact SET valid_to = max(?3, coalesce(valid_from, ?3))"
       " WHERE partner_id = ?1 AND role IS ?2 AND valid_to IS NULL"},
      {&im.insert_contact,
       "INSERT INTO contact(partner_id, name, role, email, phone, valid_from)"
       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&im.historic,
       "INSERT INTO contact(partner_id, name, role, email, phone, valid_from,"
       " valid_to) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS"
       " (SELECT 1 FROM contact WHERE partner_id = ?1 AND name = ?2"
       "  AND valid_from IS ?6 AND valid_to IS ?7)"},
  };
  size_t nst = sizeof stmts / sizeof stmts[0];
  rc = vista_org_new(s, &im.find_inst);
  for (size_t i = 0; i < nst && rc == VISTA_OK; i++)
    if (sqlite3_prepare_v2(s->db, stmts[i].sql, -1, stmts[i].st, NULL) !=
        SQLITE_OK)
      rc = vista_seterr_sql(s, "partner import");
  if (rc == VISTA_OK)
    rc = vista_default_institution(s, institution, &im.institution_id);
  if (rc == VISTA_OK)
    rc = vista_store_import_begin(s, "partners", path, &report->import_id);
  if (rc == VISTA_OK)
    rc = vista_csv_read(s, source, NULL, on_row, on_malformed, &im);
  if (rc == VISTA_OK && im.nheader == 0)
    rc = vista_seterr(s, VISTA_ERR_INPUT, "%s: the file is empty (no header)",
                      path);
  for (size_t i = 0; i < nst; i++)
    sqlite3_finalize(*stmts[i].st);
  vista_org_free(im.find_inst);
  if (rc == VISTA_OK && (rc = vista_store_import_end(s, report)) == VISTA_OK)
    rc = vista_store_commit(s);
  if (rc != VISTA_OK)
    vista_store_rollback(s);
  return rc;
}

/* vista.partner.list() -> partners, with their current contact and whether
 * an agreement is in effect today. */
static int l_list(lua_State *L) {
  vista_push_query(
      L,
      "SELECT p.id, p.institution_id AS institution, p.name, p.country,"
      " c.name AS country_name, p.city, p.kind, p.abroad, p.strategic,"
      " p.sector, p.erasmus_code, p.since, p.until,"
      " (SELECT count(*) FROM agreement a WHERE a.partner_id = p.id)"
      "   AS agreements,"
      " (SELECT group_concat(name, '; ') FROM contact k"
      "   WHERE k.partner_id = p.id AND k.valid_to IS NULL) AS contact"
      " FROM partner p LEFT JOIN country c ON c.code = p.country"
      " ORDER BY p.institution_id, p.strategic DESC, p.name");
  return 1;
}

/* vista.partner.agreements() and vista.partner.contacts(): every one, the
 * historic included, with the partner's id and name. */
static int l_agreements(lua_State *L) {
  vista_push_query(
      L,
      "SELECT a.partner_id AS partner, p.name AS partner_name, a.kind,"
      " a.signed, a.valid_from, a.valid_to, a.scope"
      " FROM agreement a JOIN partner p ON p.id = a.partner_id"
      " ORDER BY p.name, a.valid_from");
  return 1;
}

static int l_contacts(lua_State *L) {
  vista_push_query(
      L,
      "SELECT k.partner_id AS partner, p.name AS partner_name, k.name,"
      " k.role, k.email, k.phone, k.valid_from, k.valid_to,"
      " k.valid_to IS NULL AS current"
      " FROM contact k JOIN partner p ON p.id = k.partner_id"
      " ORDER BY p.name, k.role, k.valid_from, k.id");
  return 1;
}

int luaopen_vista_partner(lua_State *L) {
  static const luaL_Reg fns[] = {{"list", l_list},
                                 {"agreements", l_agreements},
                                 {"contacts", l_contacts},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
