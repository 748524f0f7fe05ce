/* org.c: one organisation identity. Every lookup of an institution from
 * what a person typed or a file wrote — an Erasmus code, an OID, a PIC, a
 * name with its country and city, an alias — goes through vista_org_find,
 * so that each is read the same way everywhere and a miss says why, with a
 * "did you mean". Names are folded for matching (vista_fold_name, in
 * text.c, also the SQL function vista_fold that keeps institution_key)
 * and shown as written. Also here: the aliases users add (vista alias),
 * which merge an institution seen without its code into the one with it,
 * and the list of such likely duplicates. The mobility importer keys new
 * organisations by the same folded name, country and city
 * (mobility_read.c); it does not call this file row by row. No Lua here:
 * the binding is org_lua.c. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "country.h"
#include "internal.h"
#include "mobility.h"
#include "org.h"

enum { ST_CODE, ST_ALIAS, ST_NAME, ST_COUNT };

static const char *const sql[ST_COUNT] = {
    "SELECT id FROM institution WHERE erasmus_code = ?1",
    "SELECT institution_id FROM org_alias WHERE kind = ?1 AND key = ?2",
    "SELECT i.id, coalesce(i.erasmus_code, ''), coalesce(i.city, ''),"
    " coalesce(i.country, '') FROM institution_key k"
    " JOIN institution i ON i.id = k.institution_id"
    " WHERE k.name_key = ?1 AND (?2 IS NULL OR i.country = ?2) ORDER BY i.id",
};

struct vista_org {
  vista_session *s;
  sqlite3_stmt *st[ST_COUNT];
};

int vista_org_new(vista_session *s, vista_org **out) {
  *out = NULL;
  int rc = vista_store_open(s);
  if (rc != VISTA_OK)
    return rc;
  vista_org *r = calloc(1, sizeof *r);
  if (!r)
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  r->s = s;
  for (int i = 0; i < ST_COUNT; i++)
    if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &r->st[i], NULL) != SQLITE_OK) {
      rc = vista_seterr_sql(s, "finding an institution");
      vista_org_free(r);
      return rc;
    }
  *out = r;
  return VISTA_OK;
}

void vista_org_free(vista_org *r) {
  if (!r)
    return;
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(r->st[i]);
  free(r);
}

static int all_digits(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)p[i]))
      return 0;
  return n > 0;
}

vista_org_by vista_org_kind(const char *text) {
  size_t n = strlen(text);
  if (n == 9 && (text[0] == 'E' || text[0] == 'e') &&
      all_digits(text + 1, 8))
    return VISTA_ORG_OID;
  if (n == 9 && all_digits(text, 9))
    return VISTA_ORG_PIC;
  return VISTA_ORG_NONE;
}

/* Whether text is written as Erasmus codes are: capitals, spaces, hyphens
 * and digits, a space inside, a digit at the end ('B  GENT58'). */
static int looks_like_code(const char *t, size_t n) {
  int space = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c == ' ')
      space = 1;
    else if (!isupper(c) && !isdigit(c) && c != '-')
      return 0;
  }
  return space && n > 2 && isdigit((unsigned char)t[n - 1]);
}

/* A folded copy of text (owned: the caller frees), or NULL out of
 * memory. */
static char *fold(const char *text) {
  size_t n = strlen(text);
  size_t need = vista_fold_name(NULL, 0, text, n) + 1;
  char *k = malloc(need);
  if (k)
    vista_fold_name(k, need, text, n);
  return k;
}

/* The Erasmus+ code of a country written either way (GR is EL), or NULL
 * when country is none; "" when it is no country code. */
static const char *country_code(const char *country) {
  if (!country || !*country)
    return NULL;
  const vista_country *c =
      vista_country_by_id(vista_country_id(country, strlen(country)));
  return c ? c->code : "";
}

/* Levenshtein distance between a and b, in bytes (two rows). */
static size_t distance(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  if (na > 200 || nb > 200)
    return (size_t)-1;
  size_t row[201], prev[201];
  for (size_t j = 0; j <= nb; j++)
    prev[j] = j;
  for (size_t i = 1; i <= na; i++) {
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      size_t del = prev[j] + 1, ins = row[j - 1] + 1;
      row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    memcpy(prev, row, (nb + 1) * sizeof *row);
  }
  return prev[nb];
}

/* Writes into m->message why nothing matched text, with the nearest code
 * (the same letters spaced otherwise) or name. */
static int explain_miss(vista_org *r, const char *text, const char *key,
                        const char *country, vista_org_match *m) {
  sqlite3 *db = r->s->db;
  sqlite3_stmt *st = NULL;
  char near[256] = "";
  int code = looks_like_code(text, strlen(text));
  int rc = VISTA_OK;
  {
    /* 'B GENT58' for 'B  GENT58': a code's letters, spaced or cased
     * otherwise. */
    if (sqlite3_prepare_v2(db,
                           "SELECT erasmus_code FROM institution"
                           " WHERE replace(upper(erasmus_code), ' ', '') ="
                           " replace(upper(?1), ' ', '') LIMIT 1",
                           -1, &st, NULL) != SQLITE_OK)
      return vista_seterr_sql(r->s, "finding an institution");
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      snprintf(near, sizeof near, "%s", sqlite3_column_text(st, 0));
      code = 1;
    }
    sqlite3_finalize(st);
  }
  if (!*near && !code && *key) {
    if (sqlite3_prepare_v2(db,
                           "SELECT i.name, k.name_key FROM institution i"
                           " JOIN institution_key k ON k.institution_id = i.id"
                           " WHERE ?1 IS NULL OR i.country = ?1"
                           " UNION ALL SELECT alias, key FROM org_alias"
                           " WHERE kind = 'name'",
                           -1, &st, NULL) != SQLITE_OK)
      return vista_seterr_sql(r->s, "finding an institution");
    if (country)
      sqlite3_bind_text(st, 1, country, -1, SQLITE_STATIC);
    size_t best = (size_t)-1, len = strlen(key);
    size_t limit = len < 6 ? 2 : len / 3;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
      size_t d = distance(key, (const char *)sqlite3_column_text(st, 1));
      if (d < best && d <= limit) {
        best = d;
        snprintf(near, sizeof near, "%s", sqlite3_column_text(st, 0));
      }
    }
    if (step != SQLITE_DONE)
      rc = vista_seterr_sql(r->s, "finding an institution");
    sqlite3_finalize(st);
  }
  snprintf(m->message, sizeof m->message, "no institution %s '%s'%s%s%s%s%s",
           code ? "with Erasmus code" : "with Erasmus code or name", text,
           country ? " in " : "", country ? country : "",
           *near ? " (did you mean '" : "", near, *near ? "'?)" : "");
  return rc;
}

int vista_org_find(vista_org *r, const char *text, const char *country,
                   const char *city, vista_org_match *m) {
  memset(m, 0, sizeof *m);
  size_t n = strlen(text);
  const char *t = vista_trim(text, &n);
  char *trimmed = malloc(n + 1);
  char *key = NULL, *city_key = NULL;
  int rc = VISTA_OK;
  if (!trimmed)
    return vista_seterr(r->s, VISTA_ERR_NOMEM, "out of memory");
  memcpy(trimmed, t, n);
  trimmed[n] = '\0';
  const char *cc = country_code(country);
  if (cc && !*cc) {
    snprintf(m->message, sizeof m->message, "'%s' is no country code",
             country);
    goto done;
  }
  if (!n) {
    snprintf(m->message, sizeof m->message, "no name or code given");
    goto done;
  }
  sqlite3_stmt *st = r->st[ST_CODE];
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, trimmed, (int)n, SQLITE_STATIC);
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW) {
    m->id = sqlite3_column_int64(st, 0);
    m->by = VISTA_ORG_CODE;
    m->count = 1;
    goto done;
  }
  if (step != SQLITE_DONE)
    goto sql_error;

  vista_org_by kind = vista_org_kind(trimmed);
  if (kind == VISTA_ORG_OID || kind == VISTA_ORG_PIC) {
    trimmed[0] = (char)toupper((unsigned char)trimmed[0]);
    st = r->st[ST_ALIAS];
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, kind == VISTA_ORG_OID ? "oid" : "pic", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, 2, trimmed, (int)n, SQLITE_STATIC);
    if ((step = sqlite3_step(st)) == SQLITE_ROW) {
      m->id = sqlite3_column_int64(st, 0);
      m->by = kind;
      m->count = 1;
    } else if (step == SQLITE_DONE) {
      snprintf(m->message, sizeof m->message,
               "no institution with %s '%s' (vista knows an %s from an "
               "institution list's '%s' column or from vista alias %s "
               "CODE)",
               kind == VISTA_ORG_OID ? "OID" : "PIC", trimmed,
               kind == VISTA_ORG_OID ? "OID" : "PIC",
               kind == VISTA_ORG_OID ? "oid" : "pic", trimmed);
    } else
      goto sql_error;
    goto done;
  }

  if (!(key = fold(trimmed)) || (city && !(city_key = fold(city))))
    goto nomem;
  st = r->st[ST_ALIAS];
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, "name", -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
  if ((step = sqlite3_step(st)) == SQLITE_ROW) {
    m->id = sqlite3_column_int64(st, 0);
    m->by = VISTA_ORG_ALIAS;
    m->count = 1;
    goto done;
  }
  if (step != SQLITE_DONE)
    goto sql_error;

  /* By name: those in the city given first; else those whose city is not
   * known (an institution list without cities). */
  st = r->st[ST_NAME];
  sqlite3_reset(st);
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (cc)
    sqlite3_bind_text(st, 2, cc, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, 2);
  int in_city = 0, no_city = 0;
  int64_t city_id = 0, no_city_id = 0;
  char places[160] = "";
  size_t used = 0;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    const char *code = (const char *)sqlite3_column_text(st, 1);
    const char *where = (const char *)sqlite3_column_text(st, 2);
    const char *ctry = (const char *)sqlite3_column_text(st, 3);
    int same = 1;
    if (city_key && *city_key) {
      char *k = fold(where);
      if (!k)
        goto nomem;
      same = strcmp(k, city_key) == 0;
      if (!*k)
        no_city++, no_city_id = id;
      free(k);
    }
    if (same && (!city_key || !*city_key || *where))
      in_city++, city_id = id;
    if (used < sizeof places)
      used += (size_t)snprintf(
          places + used, sizeof places - used, "%s%s%s%s%s%s",
          used ? "; " : "", code, *code && (*where || *ctry) ? " " : "",
          *where ? where : "", *where && *ctry ? ", " : "", ctry);
  }
  if (step != SQLITE_DONE)
    goto sql_error;
  if (in_city == 1 || (in_city == 0 && no_city == 1)) {
    m->id = in_city ? city_id : no_city_id;
    m->by = VISTA_ORG_NAME;
    m->count = 1;
  } else if (in_city > 1 || no_city > 1) {
    m->count = in_city ? in_city : no_city;
    snprintf(m->message, sizeof m->message,
             "%d institutions are named '%s' (%s): give the Erasmus code%s",
             m->count, trimmed, places,
             city_key && *city_key ? "" : " or the city");
  } else if (*places && city_key && *city_key) {
    snprintf(m->message, sizeof m->message,
             "no institution named '%s' in %s (known in: %s)", trimmed,
             city, places);
  } else
    rc = explain_miss(r, trimmed, key, cc, m);
  goto done;

nomem:
  rc = vista_seterr(r->s, VISTA_ERR_NOMEM, "out of memory");
  goto done;
sql_error:
  rc = vista_seterr_sql(r->s, "finding an institution");
done:
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_reset(r->st[i]), sqlite3_clear_bindings(r->st[i]);
  free(trimmed);
  free(key);
  free(city_key);
  return rc;
}

int vista_org_lookup(vista_session *s, const char *text, const char *country,
                     const char *city, vista_org_match *m) {
  vista_org *r;
  memset(m, 0, sizeof *m);
  int rc = vista_org_new(s, &r);
  if (rc == VISTA_OK)
    rc = vista_org_find(r, text, country, city, m);
  vista_org_free(r);
  return rc;
}

int vista_org_require(vista_session *s, const char *what, const char *text,
                      int64_t *id) {
  vista_org_match m;
  *id = 0;
  int rc = vista_org_lookup(s, text, NULL, NULL, &m);
  if (rc != VISTA_OK)
    return rc;
  if (!m.id)
    return vista_seterr(s, VISTA_ERR_INPUT, "%s: %s", what, m.message);
  *id = m.id;
  return VISTA_OK;
}

/* ---- aliases and merging ---- */

static int exec1(vista_session *s, const char *q, int64_t a, int64_t b,
                 const char *text, int *changes) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "vista alias");
  sqlite3_bind_int64(st, 1, a);
  sqlite3_bind_int64(st, 2, b);
  if (text)
    sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
  int step = sqlite3_step(st);
  sqlite3_finalize(st);
  if (step != SQLITE_DONE && step != SQLITE_ROW)
    return vista_seterr_sql(s, "vista alias");
  if (changes)
    *changes += sqlite3_changes(s->db);
  return VISTA_OK;
}

/* Moves everything of institution from (known without its code) to into:
 * its records (each keeping the name its row gave, as a label when it was
 * from's display name), aliases, and then removes it. Its own facts,
 * strategy, partners, milestones or survey stop the merge (a foreign key):
 * two lists of the same kind would have to be reconciled by hand. */
static int merge(vista_session *s, int64_t from, int64_t into,
                 int64_t *moved) {
  static const char *const steps[] = {
      "INSERT OR IGNORE INTO label(text) SELECT a.name FROM institution a,"
      " institution b WHERE a.id = ?1 AND b.id = ?2 AND a.name <> b.name",
      /* NULL: the row spelled the institution's display name, which is
       * from's: keep it as the row's own. */
      "UPDATE mobility SET sending_id = ?2, sending_name_id ="
      " coalesce(sending_name_id, (SELECT l.id FROM label l, institution i"
      " WHERE i.id = ?1 AND l.text = i.name)) WHERE sending_id = ?1",
      "UPDATE mobility SET receiving_id = ?2, receiving_name_id ="
      " coalesce(receiving_name_id, (SELECT l.id FROM label l, institution i"
      " WHERE i.id = ?1 AND l.text = i.name)) WHERE receiving_id = ?1",
      "UPDATE OR REPLACE org_alias SET institution_id = ?2"
      " WHERE institution_id = ?1",
      "DELETE FROM institution_key WHERE institution_id = ?1 AND ?2 = ?2",
  };
  int changes = 0, rc = VISTA_OK;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0] && rc == VISTA_OK;
       i++)
    rc = exec1(s, steps[i], from, into, NULL, i == 1 || i == 2 ? &changes
                                                                 : NULL);
  if (rc != VISTA_OK)
    return rc;
  *moved += changes;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, "DELETE FROM institution WHERE id = ?1", -1,
                         &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "vista alias");
  sqlite3_bind_int64(st, 1, from);
  int step = sqlite3_step(st);
  sqlite3_finalize(st);
  if (step == SQLITE_CONSTRAINT_FOREIGNKEY || step == SQLITE_CONSTRAINT)
    return vista_seterr(s, VISTA_ERR_INPUT,
                        "vista alias: the institution without a code has "
                        "facts, a strategy, partners, milestones or a "
                        "survey of its own; import them under the Erasmus "
                        "code first");
  if (step != SQLITE_DONE)
    return vista_seterr_sql(s, "vista alias");
  return VISTA_OK;
}

int vista_org_alias(vista_session *s, const char *alias, const char *target,
                    int64_t *merged) {
  int64_t moved = 0, into = 0;
  if (merged)
    *merged = 0;
  int rc = vista_store_open(s);
  if (rc != VISTA_OK)
    return rc;
  if ((rc = vista_org_require(s, "vista alias", target, &into)) != VISTA_OK)
    return rc;
  size_t n = strlen(alias);
  const char *t = vista_trim(alias, &n);
  char *text = strndup(t, n);
  char *key = NULL;
  if (!text)
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  vista_org_by kind = vista_org_kind(text);
  const char *kind_name = kind == VISTA_ORG_OID   ? "oid"
                          : kind == VISTA_ORG_PIC ? "pic"
                                                  : "name";
  if (kind != VISTA_ORG_NONE) {
    text[0] = (char)toupper((unsigned char)text[0]);
    key = strdup(text);
  } else
    key = fold(text);
  if (!key) {
    free(text);
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  }
  if (!*key) {
    rc = vista_seterr(s, VISTA_ERR_INPUT,
                      "vista alias: '%s' has no letters or digits to match",
                      alias);
    goto done;
  }
  /* An Erasmus code names its own institution, never another's. */
  vista_org_match m;
  if ((rc = vista_org_lookup(s, text, NULL, NULL, &m)) != VISTA_OK)
    goto done;
  if (m.id && m.id != into && m.by == VISTA_ORG_CODE) {
    rc = vista_seterr(s, VISTA_ERR_INPUT,
                      "vista alias: '%s' is the Erasmus code of another "
                      "institution",
                      text);
    goto done;
  }
  if (exec1(s, "SAVEPOINT org_alias", 0, 0, NULL, NULL) != VISTA_OK) {
    rc = VISTA_ERR_SQL;
    goto done;
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "INSERT INTO org_alias(kind, key, alias,"
                         " institution_id) VALUES (?1, ?2, ?3, ?4)"
                         " ON CONFLICT(kind, key) DO UPDATE SET"
                         " alias = excluded.alias,"
                         " institution_id = excluded.institution_id",
                         -1, &st, NULL) != SQLITE_OK) {
    rc = vista_seterr_sql(s, "vista alias");
    goto rollback;
  }
  sqlite3_bind_text(st, 1, kind_name, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, into);
  int step = sqlite3_step(st);
  sqlite3_finalize(st);
  if (step != SQLITE_DONE) {
    rc = vista_seterr_sql(s, "vista alias");
    goto rollback;
  }
  /* The same organisation seen without its code, in the same country. */
  if (kind == VISTA_ORG_NONE) {
    int64_t ids[64];
    int nids = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT o.id FROM institution o, institution t,"
                           " institution_key k WHERE t.id = ?2"
                           " AND k.name_key = ?1 AND o.id = k.institution_id"
                           " AND o.erasmus_code IS NULL AND o.id <> t.id"
                           " AND o.country IS t.country ORDER BY o.id",
                           -1, &st, NULL) != SQLITE_OK) {
      rc = vista_seterr_sql(s, "vista alias");
      goto rollback;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, into);
    while ((step = sqlite3_step(st)) == SQLITE_ROW && nids < 64)
      ids[nids++] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    for (int i = 0; i < nids && rc == VISTA_OK; i++)
      rc = merge(s, ids[i], into, &moved);
    if (rc == VISTA_OK && nids)
      rc = vista_mobility_rebuild_summaries(s);
    if (rc != VISTA_OK)
      goto rollback;
  }
  if (exec1(s, "RELEASE org_alias", 0, 0, NULL, NULL) != VISTA_OK) {
    rc = VISTA_ERR_SQL;
    goto rollback;
  }
  if (merged)
    *merged = moved;
  goto done;
rollback:
  sqlite3_exec(s->db, "ROLLBACK TO org_alias; RELEASE org_alias", NULL, NULL,
               NULL);
done:
  free(text);
  free(key);
  return rc;
}

int vista_org_duplicates(vista_session *s, int64_t since, vista_org_pair_fn fn,
                         void *ud) {
  static const char q[] =
      "SELECT a.id, a.name, coalesce(a.city, ''), b.id, b.erasmus_code,"
      " b.name FROM institution a"
      " JOIN institution_key ak ON ak.institution_id = a.id"
      " JOIN institution_key bk ON bk.name_key = ak.name_key"
      " JOIN institution b ON b.id = bk.institution_id"
      " AND b.country IS a.country AND b.erasmus_code IS NOT NULL"
      " WHERE a.erasmus_code IS NULL AND ak.name_key <> ''"
      " AND (a.city IS NULL OR b.city IS NULL"
      "   OR vista_fold(a.city) = vista_fold(b.city))"
      " AND (a.id > ?1 OR b.id > ?1)"
      " ORDER BY a.name, a.id, b.id";
  int rc = vista_store_open(s);
  if (rc != VISTA_OK)
    return rc;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, q, -1, &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "likely duplicates");
  sqlite3_bind_int64(st, 1, since);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW)
    fn(ud, sqlite3_column_int64(st, 0),
       (const char *)sqlite3_column_text(st, 1),
       (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3),
       (const char *)sqlite3_column_text(st, 4),
       (const char *)sqlite3_column_text(st, 5));
  rc = step == SQLITE_DONE ? VISTA_OK
                           : vista_seterr_sql(s, "likely duplicates");
  sqlite3_finalize(st);
  return rc;
}

int vista_org_last_id(vista_session *s, int64_t *id) {
  *id = 0;
  int rc = vista_store_open(s);
  if (rc != VISTA_OK)
    return rc;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(id), 0) FROM institution",
                         -1, &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "institutions");
  if (sqlite3_step(st) == SQLITE_ROW)
    *id = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return VISTA_OK;
}

int vista_org_list_aliases(vista_session *s, vista_org_alias_fn fn,
                           void *ud) {
  int rc = vista_store_open(s);
  if (rc != VISTA_OK)
    return rc;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT a.kind, a.alias, coalesce(i.erasmus_code, ''),"
                         " i.name FROM org_alias a"
                         " JOIN institution i ON i.id = a.institution_id"
                         " ORDER BY a.kind, a.key",
                         -1, &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "aliases");
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW)
    fn(ud, (const char *)sqlite3_column_text(st, 0),
       (const char *)sqlite3_column_text(st, 1),
       (const char *)sqlite3_column_text(st, 2),
       (const char *)sqlite3_column_text(st, 3));
  rc = step == SQLITE_DONE ? VISTA_OK : vista_seterr_sql(s, "aliases");
  sqlite3_finalize(st);
  return rc;
}
