/* fuzz_import.c: the importers of an institution's own lists, one target
 * each (built with FUZZ_KIND set to institutions, partners, facts, timeline
 * or survey). The input is the CSV file's contents, imported into a fresh
 * in-memory database holding one institution with a strategy (so that
 * rows without an institution column have one to belong to).
 *
 * Promises checked: the import succeeds with every row stored or rejected
 * once, each reject a one-line reason; or it fails with VISTA_ERR_INPUT
 * and a one-line message (never "internal error", never SQLite's own
 * complaint), and leaves the database as it was. */
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "indicator.h"
#include "internal.h"
#include "journey.h"
#include "partner.h"

enum { INSTITUTIONS, PARTNERS, FACTS, TIMELINE, SURVEY };
#ifndef FUZZ_KIND
#error "FUZZ_KIND: INSTITUTIONS, PARTNERS, FACTS, TIMELINE or SURVEY"
#endif

static const char seed_sql[] =
    "INSERT INTO institution(id, erasmus_code, name, country, city)"
    " VALUES (1, 'B  ANTWERP77', 'Scheldeland VET College', 'BE',"
    " 'Antwerpen');"
    "INSERT INTO strategy(id, institution_id, title, period_from, period_to,"
    " mission, vision, source_path, source, imported_at)"
    " VALUES (1, 1, 'Strategy', '2024-09', '2028-08', 'm', 'v', 's.lua', '',"
    " '2024-09-01T00:00:00Z');";

static int64_t rejects_told;

static void on_reject(void *ud, const char *msg) {
  (void)ud;
  fuzz_check_message("reject", msg);
  rejects_told++;
}

static int64_t count(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static int run(vista_session *s, const char *path, vista_import_report *r) {
  switch (FUZZ_KIND) {
  case INSTITUTIONS:
    return vista_institution_import(s, path, on_reject, NULL, r);
  case PARTNERS:
    return vista_partner_import(s, path, NULL, on_reject, NULL, r);
  case FACTS:
    return vista_facts_import(s, path, on_reject, NULL, r);
  case TIMELINE:
    return vista_milestone_import(s, path, NULL, on_reject, NULL, r);
  default:
    return vista_survey_import(s, path, NULL, on_reject, NULL, r);
  }
}

/* One session for the process. Its database is made once (migrations
 * cost more than most inputs) and kept as an image, put back before each
 * input: every input meets the same fresh database. */
static vista_session *s;
static unsigned char *image;
static sqlite3_int64 image_size;

static void restore(sqlite3 *db) {
  if (!image) {
    /* Small pages make a small image: 64 KiB pages (the store's choice
     * for big files) cost a 3 MiB copy per input. An in-memory database
     * keeps its page size through VACUUM, so the copy goes through a
     * file. */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.db", fuzz_path);
    sqlite3 *t = NULL;
    unlink(tmp);
    char *sql = sqlite3_mprintf("VACUUM INTO %Q", tmp);
    int ok = sql && sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK &&
         sqlite3_open(tmp, &t) == SQLITE_OK &&
         sqlite3_exec(t, "PRAGMA journal_mode = DELETE;"
                         " PRAGMA page_size = 4096; VACUUM",
                      NULL, NULL, NULL) == SQLITE_OK &&
         (image = sqlite3_serialize(t, "main", &image_size, 0)) != NULL;
    sqlite3_free(sql);
    sqlite3_close(t);
    unlink(tmp);
    if (!ok)
      fuzz_fail("cannot keep the database's image");
    fuzz_say("database image: %lld bytes", (long long)image_size);
  }
  unsigned char *copy = sqlite3_malloc64((sqlite3_uint64)image_size);
  if (!copy)
    fuzz_fail("out of memory");
  memcpy(copy, image, (size_t)image_size);
  if (sqlite3_deserialize(db, "main", copy, image_size, image_size,
                          SQLITE_DESERIALIZE_FREEONCLOSE |
                              SQLITE_DESERIALIZE_RESIZEABLE) != SQLITE_OK)
    fuzz_fail("cannot restore the database: %s", sqlite3_errmsg(db));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_write_file(data, size, ".csv");
  if (!s && (vista_session_new(&s, ":memory:") != VISTA_OK ||
             vista_store_open(s) != VISTA_OK ||
             sqlite3_exec(vista_store_db(s), seed_sql, NULL, NULL, NULL) !=
                 SQLITE_OK))
    fuzz_fail("cannot set up the database: %s", vista_errmsg(s));
  sqlite3 *db = vista_store_db(s);
  restore(db);
  vista_import_report r;
  memset(&r, 0, sizeof r);
  rejects_told = 0;
  int rc = run(s, path, &r);
  fuzz_say("status %d: %s", rc, rc ? vista_errmsg(s) : "");
  if (rc == VISTA_OK) {
    if (r.rows_stored + r.rows_rejected != r.rows_read ||
        r.rows_rejected != rejects_told)
      fuzz_fail("read %lld rows, stored %lld, rejected %lld, told %lld",
                (long long)r.rows_read, (long long)r.rows_stored,
                (long long)r.rows_rejected, (long long)rejects_told);
    if (count(db, "SELECT count(*) FROM import_reject") != r.rows_rejected)
      fuzz_fail("the rejects stored are not the rejects counted");
  } else {
    fuzz_check_message("import", vista_errmsg(s));
    if (rc != VISTA_ERR_INPUT)
      fuzz_fail("status %d: %s", rc, vista_errmsg(s));
    if (!sqlite3_get_autocommit(db))
      fuzz_fail("a failed import left its transaction open");
    /* Rolled back: no import logged, no institution added. */
    if (count(db, "SELECT count(*) FROM import_log") != 0 ||
        count(db, "SELECT count(*) FROM institution") != 1)
      fuzz_fail("a failed import left something behind");
  }
  return 0;
}
