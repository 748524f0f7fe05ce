/* vista.h: the public C API of the vista engine.
 *
 * A vista_session is one database (an SQLite file, or ":memory:") with an
 * error buffer. Every fallible function returns a status (VISTA_OK is 0) and
 * leaves a one-line message in the session, read with vista_errmsg(). Data
 * errors read "file:line:column: reason". Strings returned as const char *
 * are borrowed from the session: valid until the next call on it. */
#ifndef VISTA_H
#define VISTA_H

#include <stddef.h>
#include <stdint.h>

enum {
  VISTA_OK = 0,
  VISTA_ERR,         /* generic failure; the message says what */
  VISTA_ERR_NOMEM,   /* out of memory */
  VISTA_ERR_IO,      /* a file could not be read or written */
  VISTA_ERR_SQL,     /* SQLite refused; the message is SQLite's */
  VISTA_ERR_VERSION, /* the database was written by a newer vista */
  VISTA_ERR_INPUT,   /* bad input data: file:line:column: reason */
  VISTA_ERR_LIMIT    /* a script exceeded a limit or was interrupted */
};

typedef struct vista_session vista_session;

/* The SQLite library's version string. */
const char *vista_sqlite_version(void);

/* The schema version this build creates and understands. */
int vista_schema_version(void);

/* Creates a session for the database at path (copied; NULL means
 * "vista.db"). The file is not touched until vista_store_open(). On
 * VISTA_ERR_NOMEM *out is NULL; otherwise the caller frees it. */
int vista_session_new(vista_session **out, const char *path);

/* Closes the database if open and frees the session. Accepts NULL. */
void vista_session_free(vista_session *s);

/* The last error message (borrowed; "" when none). */
const char *vista_errmsg(const vista_session *s);

/* Restricts the session to one institution (an Erasmus code, else an
 * exact name), applied when the database opens: its own records in full,
 * others' only through the suppressed aggregates (scope.c). */
int vista_session_set_scope(vista_session *s, const char *institution);
/* The id of the institution the open session is scoped to, 0 if none. */
int64_t vista_session_scope(const vista_session *s);

/* Whether vista_store_open() may create the database file when there is
 * none (the default). Only creating commands (init, the imports) should:
 * for the others a missing file is a mistyped path, and opening fails
 * with "no database at PATH (vista init creates one)". */
void vista_session_set_create(vista_session *s, int create);

/* The database path the session was created with (borrowed). */
const char *vista_session_path(const vista_session *s);

/* Opens the database (once; later calls return VISTA_OK at once), sets the
 * connection's pragmas, and runs any migrations it lacks, each in its own
 * transaction. A database from a newer vista gives VISTA_ERR_VERSION. */
int vista_store_open(vista_session *s);

/* Opens an existing database read-only, as it is: no file is created, no
 * pragma or migration is written (for the shell completion, which must not
 * make a database where the user only pressed Tab). VISTA_ERR_IO if there is
 * none. Models that write must not be used on such a session. */
int vista_store_open_readonly(vista_session *s);

/* The schema version found when the database was opened (0 = it was new),
 * and the version it has now. Valid after vista_store_open(). */
void vista_store_versions(const vista_session *s, int *found, int *now);

/* Transactions. Every write the core makes runs inside one. */
int vista_store_begin(vista_session *s);
int vista_store_commit(vista_session *s);
void vista_store_rollback(vista_session *s);

/* Imports. A report counts what happened; rejected rows are also stored in
 * the database (table import_reject) with their line and reason. */
typedef struct vista_import_report {
  int64_t import_id;
  int64_t rows_read;
  int64_t rows_stored;
  int64_t rows_rejected;
} vista_import_report;

/* Called for every rejected row with "file:line:column: reason" (borrowed
 * for the duration of the call). May be NULL. */
typedef void (*vista_reject_fn)(void *ud, const char *message);

/* Imports a CSV list of institutions (Erasmus code, name, country, city).
 * One transaction: on any error nothing is stored. */
int vista_institution_import(vista_session *s, const char *path,
                             vista_reject_fn on_reject, void *ud,
                             vista_import_report *report);

/* Calls fn with each institution's Erasmus code (borrowed for the call), in
 * order, on an open session. */
int vista_institution_codes(vista_session *s,
                            void (*fn)(void *ud, const char *code), void *ud);

#endif
