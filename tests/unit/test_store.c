/* Unit tests of the store: opening, migrations, versions, transactions;
 * the writeback of big transactions and the ticker its thread sleeps on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "ticker.h"
#include "writeback.h"

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

static void *wait_a_minute(void *ud) {
  static int stopped;
  stopped = vista_ticker_wait(ud, 60L * 1000000000L);
  return &stopped;
}

/* A stop ends a sleep at once, and every sleep after it; a sleep that
 * nobody stops ends with its time. */
static void test_ticker_stop_wakes_the_sleeper(void **state) {
  (void)state;
  vista_ticker t;
  assert_int_equal(vista_ticker_init(&t), 0);
  assert_int_equal(vista_ticker_wait(&t, 1000), 0);
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, wait_a_minute, &t), 0);
  vista_ticker_stop(&t);
  void *out;
  pthread_join(th, &out);
  assert_int_equal(*(int *)out, 1);
  assert_int_equal(vista_ticker_wait(&t, 60L * 1000000000L), 1);
  vista_ticker_free(&t);
}

/* Whether another process could take a write lock on the bytes SQLite
 * locks for readers (its SHARED range): 0 while this process holds it. */
static int others_may_lock(const char *path) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(path, O_RDONLY);
    struct flock fl = {.l_type = F_WRLCK,
                       .l_whence = SEEK_SET,
                       .l_start = 0x40000000 + 2,
                       .l_len = 510};
    int free_range =
        fd >= 0 && fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK;
    _exit(free_range ? 0 : 1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The writeback's descriptor of the database lives as long as the session:
 * closing it during a transaction would drop SQLite's POSIX locks. */
static void test_writeback_keeps_sqlite_locks(void **state) {
  (void)state;
  vista_session *s;
  assert_int_equal(vista_session_new(&s, db_path), VISTA_OK);
  assert_int_equal(vista_store_open(s), VISTA_OK);
  assert_int_equal(vista_store_begin(s), VISTA_OK);
  assert_int_equal(query_int(s, "SELECT count(*) FROM institution"), 0);
  assert_false(others_may_lock(db_path));
  int fd = vista_store_file_fd(s);
  assert_true(fd >= 0);
  assert_int_equal(vista_store_file_fd(s), fd);
  vista_writeback *w =
      vista_writeback_start(fd, sqlite3_db_filename(vista_store_db(s), "main"));
  assert_int_equal(sqlite3_exec(vista_store_db(s),
                                "INSERT INTO institution(name, country)"
                                " VALUES ('A', 'BE')",
                                0, 0, 0),
                   SQLITE_OK);
  vista_writeback_stop(w);
  assert_false(others_may_lock(db_path));
  assert_int_equal(vista_store_commit(s), VISTA_OK);
  assert_int_equal(query_int(s, "SELECT count(*) FROM institution"), 1);
  vista_session_free(s);
  assert_true(others_may_lock(db_path));
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
      cmocka_unit_test(test_ticker_stop_wakes_the_sleeper),
      cmocka_unit_test_setup_teardown(test_writeback_keeps_sqlite_locks,
                                      setup_path, teardown_path),
  };
  return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
