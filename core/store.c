/* store.c: the SQLite connection. It owns opening the database, the
 * connection's pragmas, the schema and its migrations, transactions, and the
 * import log. It is the only file that opens a database. It does not decide
 * what a script may do with the connection: query.c guards that. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Each step moves the schema from version i to i + 1. Published steps are
 * never edited: a change to the schema is a new step at the end. */
static const char *const migrations[] = {
  /* 1: institutions, and the record of every import and its rejects. */
  "CREATE TABLE institution ("
  "  id INTEGER PRIMARY KEY,"
  "  erasmus_code TEXT UNIQUE CHECK (length(erasmus_code) > 0),"
  "  name TEXT NOT NULL CHECK (length(name) > 0),"
  "  country TEXT NOT NULL"
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
};

#define MIGRATION_COUNT ((int)(sizeof migrations / sizeof migrations[0]))

int vista_schema_version(void) { return MIGRATION_COUNT; }

const char *vista_sqlite_version(void) { return sqlite3_libversion(); }

int vista_seterr(vista_session *s, int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
  va_end(ap);
  return status;
}

int vista_seterr_sql(vista_session *s, const char *what) {
  const char *msg = s->db ? sqlite3_errmsg(s->db) : "no database";
  int code = s->db ? sqlite3_errcode(s->db) : SQLITE_ERROR;
  return vista_seterr(s, code == SQLITE_NOMEM ? VISTA_ERR_NOMEM : VISTA_ERR_SQL,
                      "%s: %s", what, msg);
}

int vista_session_new(vista_session **out, const char *path) {
  *out = NULL;
  vista_session *s = calloc(1, sizeof *s);
  if (!s)
    return VISTA_ERR_NOMEM;
  s->path = strdup(path ? path : "vista.db");
  if (!s->path) {
    free(s);
    return VISTA_ERR_NOMEM;
  }
  *out = s;
  return VISTA_OK;
}

void vista_session_free(vista_session *s) {
  if (!s)
    return;
  if (s->db)
    sqlite3_close_v2(s->db);
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
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return vista_seterr(s, VISTA_ERR_SQL, "%s: %s", s->path,
                        sqlite3_errmsg(s->db));
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
  if ((rc = exec(s, migrations[step])) != VISTA_OK ||
      (rc = exec(s, pragma)) != VISTA_OK ||
      (rc = exec(s, "COMMIT")) != VISTA_OK) {
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return vista_seterr(s, rc, "%s (while migrating to schema version %d)",
                        vista_errmsg(s), step + 1);
  }
  return VISTA_OK;
}

static int progress(void *ud) {
  vista_session *s = ud;
  return s->stop_flag && *s->stop_flag;
}

void vista_store_set_stop_flag(vista_session *s, volatile int *flag) {
  s->stop_flag = flag;
}

int vista_store_open(vista_session *s) {
  if (s->db)
    return VISTA_OK;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(s->path, &s->db, flags, NULL) != SQLITE_OK) {
    int rc = vista_seterr(s, VISTA_ERR_IO, "%s: cannot open database: %s",
                          s->path, s->db ? sqlite3_errmsg(s->db) : "no memory");
    sqlite3_close_v2(s->db);
    s->db = NULL;
    return rc;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, 5000);
  /* Checked every few thousand VM steps, so a runaway query can be stopped. */
  sqlite3_progress_handler(s->db, 10000, progress, s);

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
  if ((rc = exec(s, "PRAGMA journal_mode = WAL")) != VISTA_OK ||
      (rc = exec(s, "PRAGMA synchronous = NORMAL")) != VISTA_OK)
    goto fail;
  s->version_found = version;
  for (int step = version; step < MIGRATION_COUNT; step++)
    if ((rc = migrate_step(s, step)) != VISTA_OK)
      goto fail;
  s->version_now = MIGRATION_COUNT;
  return VISTA_OK;

fail:
  sqlite3_close_v2(s->db);
  s->db = NULL;
  return rc;
}

int vista_store_begin(vista_session *s) {
  if (!s->db)
    return vista_seterr(s, VISTA_ERR, "database is not open");
  return exec(s, "BEGIN IMMEDIATE");
}

int vista_store_commit(vista_session *s) { return exec(s, "COMMIT"); }

void vista_store_rollback(vista_session *s) {
  if (s->db && !sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
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
