/* internal.h: what the core's files share and the outside must not see. */
#ifndef VISTA_INTERNAL_H
#define VISTA_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>

#include "vista.h"

#define VISTA_ERRMSG_SIZE 512

struct vista_session {
  char *path;
  sqlite3 *db;              /* NULL until vista_store_open() */
  int version_found;
  int version_now;
  char errmsg[VISTA_ERRMSG_SIZE];
  /* Set by the sandbox: called every VISTA_PROGRESS_OPS virtual machine
   * steps of a query, which stops when it returns non-zero. */
  int (*on_progress)(void *ud);
  void *progress_ud;
  /* Set for scripts: temporary tables and sorts stay in memory. */
  int temp_in_memory;
  /* --scope: the institution as given, its id once open (scope.c), and
   * how deep our own aggregate statements are being prepared. */
  char *scope_name;
  int64_t scope_id;
  int trusted;
  /* The database file, for writeback.c; -1 until asked for. Closed only
   * after SQLite's connection: closing any descriptor of a file drops the
   * process's POSIX locks on it, SQLite's too. */
  int file_fd;
  int no_create; /* vista_session_set_create(s, 0) */
};

/* A read-only descriptor of the session's database file, -1 if none. */
int vista_store_file_fd(vista_session *s);

/* Applies the session's scope after the migrations (scope.c). */
int vista_scope_apply(vista_session *s);
/* The scope's authorizer decision for one action (SQLITE_OK when the
 * session is not scoped). */
int vista_scope_check(vista_session *s, int action, const char *a,
                      const char *b, const char *db, const char *inner);
/* Installs the session's standing authorizer (the scope's, or none). */
void vista_store_authorizer(vista_session *s);

/* Formats the session's error message and returns status. A message of
 * VISTA_ERR_INPUT is made one line (vista_one_line). */
int vista_seterr(vista_session *s, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* SQLite's message for the session's connection, saying what failed when
 * the disk did (borrowed: valid until the next call in this thread). */
const char *vista_store_errmsg(vista_session *s);

/* Sets the error from SQLite's message for the session's connection. */
int vista_seterr_sql(vista_session *s, const char *what);

/* The open connection (NULL before vista_store_open()). */
sqlite3 *vista_store_db(vista_session *s);

/* How many SQLite virtual machine steps pass between two calls of the
 * session's progress function. */
#define VISTA_PROGRESS_OPS 10000

/* Calls fn(ud) every VISTA_PROGRESS_OPS steps of the connection's queries;
 * a query stops (SQLITE_INTERRUPT) when it returns non-zero. fn may be
 * NULL to remove it. */
void vista_store_set_progress(vista_session *s, int (*fn)(void *ud),
                              void *ud);

/* Keeps the connection's temporary tables and sorts in memory (PRAGMA
 * temp_store = MEMORY), now and when it opens: for script sessions, whose
 * memory is capped but whose temporary files would not be. */
void vista_store_temp_in_memory(vista_session *s);

/* Records one import in import_log and returns its id; rejects go with
 * vista_store_reject(). Both run inside the caller's transaction. */
int vista_store_import_begin(vista_session *s, const char *kind,
                             const char *source, int64_t *import_id);
int vista_store_import_end(vista_session *s, const vista_import_report *r);
int vista_store_reject(vista_session *s, int64_t import_id, int64_t line,
                       int column, const char *reason);

/* Turns every control character of text into a space, in place: a reason
 * that quotes a value may hold the line end of a quoted field, and a
 * message is one line (the fuzzer found it). */
void vista_one_line(char *text);

/* A rejected row of a CSV import: counted in r, told to on_reject (may be
 * NULL) as "path:line[:field]: reason" (field 0: the whole row), and
 * stored with vista_store_reject(). */
int vista_reject_row(vista_session *s, vista_import_report *r,
                     const char *path, int64_t line, size_t field,
                     const char *reason, vista_reject_fn on_reject, void *ud);

/* Copies a CSV header name src into dst (size n) lowercased, '_' and '-'
 * as spaces, trimmed, inner runs of spaces collapsed. */
void vista_normalise_header(char *dst, size_t n, const char *src);

/* The institution rows without one belong to: the one with Erasmus code
 * code (an error if there is none), or with code NULL the one institution
 * with a strategy (*id 0 when there is not exactly one). */
int vista_default_institution(vista_session *s, const char *code,
                              int64_t *id);

/* Trims ASCII white space; returns the start and sets *len. */
const char *vista_trim(const char *p, size_t *len);

/* Writes the ISO date text (len bytes) means into out[11]: 'YYYY-MM-DD',
 * or 'YYYY-MM' as the month's first day (last day when last is set).
 * Returns 0, or -1 when it is no date. */
int vista_iso_date(const char *text, size_t len, int last, char out[11]);

/* Reads yes/no, true/false, 1/0 (any case); -1 when it is none of them. */
int vista_yes_no(const char *text, size_t len);

/* An organisation's or a city's name as people vary it, folded for
 * matching (never for display): Latin letters lowercased and without
 * their accents (é e, ß ss, ș s), dots dropped (V.T.I. VTI), any run of
 * spaces and other punctuation one space, none at either end; other
 * scripts kept as written. Writes at
 * most cap bytes with the NUL into dst and returns the folded length (as
 * snprintf does: a result >= cap was cut). */
size_t vista_fold_name(char *dst, size_t cap, const char *src, size_t n);

/* The identity of an organisation, the one rule every writer and reader of
 * institutions keys them by: "c", a separator (0x1f) and its Erasmus code
 * when it has one; else "n", its folded name, its country code ("" when
 * unknown) and its folded city, separated so. Written as vista_fold_name
 * writes (returns the whole length). Also the SQL function
 * vista_org_key(code, name, country, city). */
size_t vista_org_key(char *dst, size_t cap, const char *code, size_t clen,
                     const char *name, size_t nlen, const char *country,
                     const char *city, size_t citylen);

#endif
