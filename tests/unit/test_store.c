/* Unit tests of the store: opening, migrations, versions, transactions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static char db_path[512];

static int setup_path(void **state) {
  (void)state;
  const char *tmp = getenv("TMPDIR");
  snprintf(db_path, sizeof db_path, "%s/test_store_%d.db", tmp ? tmp : "/tmp",
           (int)getpid());
  remove(db_path);
  return 0;
}

static int teardown_path(void **state) {
  (void)state;
  char p[600];
  remove(db_path);
  snprintf(p, sizeof p, "%s-wal", db_path);
  remove(p);
  snprintf(p, sizeof p, "%s-shm", db_path);
  remove(p);
  return 0;
}

static int64_t query_int(vista_session *s, const char *sql) {
  sqlite3_stmt *st = NULL;
  int64_t v = -1;
  assert_int_equal(sqlite3_prepare_v2(vista_store_db(s), sql, -1, &st, NULL),
                   SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void test_store_memory_database_is_migrated(void **state) {
  (void)state;
  vista_session *s;
  assert_int_equal(vista_session_new(&s, ":memory:"), VISTA_OK);
  assert_int_equal(vista_store_open(s), VISTA_OK);
  int found, now;
  vista_store_versions(s, &found, &now);
  assert_int_equal(found, 0);
  assert_int_equal(now, vista_schema_version());
  assert_int_equal(query_int(s, "PRAGMA user_version"), vista_schema_version());
  assert_int_equal(query_int(s, "SELECT count(*) FROM institution"), 0);
  assert_int_equal(query_int(s, "PRAGMA foreign_keys"), 1);
  vista_session_free(s);
}

static void test_store_file_uses_wal_and_reopens_without_migrating(void **st) {
  (void)st;
  vista_session *s;
  assert_int_equal(vista_session_new(&s, db_path), VISTA_OK);
  assert_int_equal(vista_store_open(s), VISTA_OK);
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_prepare_v2(vista_store_db(s), "PRAGMA journal_mode",
                                      -1, &q, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
  sqlite3_finalize(q);
  vista_session_free(s);

  assert_int_equal(vista_session_new(&s, db_path), VISTA_OK);
  assert_int_equal(vista_store_open(s), VISTA_OK);
  int found, now;
  vista_store_versions(s, &found, &now);
  assert_int_equal(found, vista_schema_version());
  assert_int_equal(now, vista_schema_version());
  vista_session_free(s);
}

static void test_store_refuses_newer_database(void **state) {
  (void)state;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", 0, 0, 0),
                   SQLITE_OK);
  sqlite3_close(db);
  vista_session *s;
  assert_int_equal(vista_session_new(&s, db_path), VISTA_OK);
  assert_int_equal(vista_store_open(s), VISTA_ERR_VERSION);
  assert_non_null(strstr(vista_errmsg(s), "newer vista"));
  assert_non_null(strstr(vista_errmsg(s), "999"));
  assert_null(vista_store_db(s));
  vista_session_free(s);
}

static void test_store_reports_a_file_that_is_not_a_database(void **state) {
  (void)state;
  FILE *f = fopen(db_path, "w");
  assert_non_null(f);
  fputs("this is not SQLite, but it is long enough to look like a header....."
        "...............................................................",
        f);
  fclose(f);
  vista_session *s;
  assert_int_equal(vista_session_new(&s, db_path), VISTA_OK);
  assert_int_not_equal(vista_store_open(s), VISTA_OK);
  assert_non_null(strstr(vista_errmsg(s), db_path));
  assert_non_null(strstr(vista_errmsg(s), "not a database"));
  vista_session_free(s);
}

static void test_store_rollback_discards_writes(void **state) {
  (void)state;
  vista_session *s;
  assert_int_equal(vista_session_new(&s, ":memory:"), VISTA_OK);
  assert_int_equal(vista_store_open(s), VISTA_OK);
  assert_int_equal(vista_store_begin(s), VISTA_OK);
  assert_int_equal(sqlite3_exec(vista_store_db(s),
                                "INSERT INTO institution(name, country)"
                                " VALUES ('A', 'BE')",
                                0, 0, 0),
                   SQLITE_OK);
  vista_store_rollback(s);
  assert_int_equal(query_int(s, "SELECT count(*) FROM institution"), 0);
  vista_session_free(s);
}

static void test_store_schema_enforces_country_codes(void **state) {
  (void)state;
  vista_session *s;
  assert_int_equal(vista_session_new(&s, ":memory:"), VISTA_OK);
  assert_int_equal(vista_store_open(s), VISTA_OK);
  assert_int_not_equal(sqlite3_exec(vista_store_db(s),
                                    "INSERT INTO institution(name, country)"
                                    " VALUES ('A', 'be')",
                                    0, 0, 0),
                       SQLITE_OK);
  vista_session_free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_store_memory_database_is_migrated),
      cmocka_unit_test_setup_teardown(
          test_store_file_uses_wal_and_reopens_without_migrating, setup_path,
          teardown_path),
      cmocka_unit_test_setup_teardown(test_store_refuses_newer_database,
                                      setup_path, teardown_path),
      cmocka_unit_test_setup_teardown(
          test_store_reports_a_file_that_is_not_a_database, setup_path,
          teardown_path),
      cmocka_unit_test(test_store_rollback_discards_writes),
      cmocka_unit_test(test_store_schema_enforces_country_codes),
  };
  return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
