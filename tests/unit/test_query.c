/* Unit tests of vista.sql: read-only in C, parameters, types, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "sandbox_fixture.h"

static int query_setup(void **state) {
  if (fixture_setup(state) != 0)
    return -1;
  fixture *f = *state;
  if (vista_store_open(f->s) != VISTA_OK)
    return -1;
  return sqlite3_exec(vista_store_db(f->s),
                      "INSERT INTO institution(erasmus_code, name, country,"
                      " city) VALUES ('B  GENT25', 'Sint-Lucas', 'BE', 'Gent'),"
                      " (NULL, 'École', 'FR', NULL)",
                      0, 0, 0) == SQLITE_OK
             ? 0
             : -1;
}

static void expect_refused(fixture *f, const char *sql, const char *text) {
  char chunk[512];
  snprintf(chunk, sizeof chunk, "return vista.sql(%s)", sql);
  int rc = run(f, chunk);
  if (rc == VISTA_OK)
    fail_msg("not refused: %s", sql);
  if (!strstr(vista_sandbox_errmsg(f->sb), text))
    fail_msg("for %s expected '%s', got '%s'", sql, text,
             vista_sandbox_errmsg(f->sb));
  assert_string_equal(eval(f, "#vista.sql('SELECT * FROM institution')"),
                      "2");
}

static void test_query_refuses_every_write(void **state) {
  fixture *f = *state;
  expect_refused(f, "'DROP TABLE institution'", "read-only");
  expect_refused(f, "'DELETE FROM institution'", "read-only");
  expect_refused(f, "\"INSERT INTO institution(name, country) VALUES "
                    "('x', 'BE')\"",
                 "read-only");
  expect_refused(f, "\"UPDATE institution SET name = 'x'\"", "read-only");
  expect_refused(f, "'CREATE TABLE t(x)'", "read-only");
  expect_refused(f, "'CREATE TEMP TABLE t(x)'", "read-only");
  expect_refused(f, "\"ATTACH ':memory:' AS other\"", "read-only");
  expect_refused(f, "'PRAGMA user_version = 7'", "read-only");
  expect_refused(f, "'PRAGMA foreign_keys = OFF'", "read-only");
  expect_refused(f, "'PRAGMA writable_schema = 1'", "read-only");
  expect_refused(f, "'BEGIN'", "read-only");
  expect_refused(f, "'VACUUM'", "read-only");
  expect_refused(f, "\"WITH x AS (SELECT 1) DELETE FROM institution\"",
                 "read-only");
  expect_refused(f, "'SELECT 1; DELETE FROM institution'",
                 "exactly one statement");
  assert_int_equal(atoi(eval(f, "vista.sql('PRAGMA user_version')[1]"
                                ".user_version")),
                   vista_schema_version());
  assert_string_equal(eval(f, "#vista.sql(\"PRAGMA table_info('institution')\")"),
                      "5");
}

static void test_query_binds_parameters(void **state) {
  fixture *f = *state;
  assert_string_equal(eval(f, "vista.sql('SELECT name FROM institution"
                              " WHERE country = ?', 'BE')[1].name"),
                      "Sint-Lucas");
  assert_string_equal(eval(f, "vista.sql('SELECT name FROM institution"
                              " WHERE country = :c', {c = 'FR'})[1].name"),
                      "École");
  assert_string_equal(eval(f, "vista.sql('SELECT ?1 + ?2 AS s', 40, 2)[1].s"),
                      "42");
  /* A value that looks like SQL stays a value. */
  assert_string_equal(eval(f, "#vista.sql('SELECT * FROM institution WHERE"
                              " name = ?', \"x' OR '1'='1\")"),
                      "0");
  expect_refused(f, "'SELECT ?', 1, 2", "1 parameter, 2 values given");
  expect_refused(f, "'SELECT :a', {b = 1}", "no value for parameter :a");
  expect_refused(f, "'SELECT ?', {}", "no value for parameter 1");
}

static void test_query_keeps_types(void **state) {
  fixture *f = *state;
  assert_string_equal(eval(f, "math.type(vista.sql('SELECT 3 AS n')[1].n)"),
                      "integer");
  assert_string_equal(eval(f, "math.type(vista.sql('SELECT 0.5 AS n')[1].n)"),
                      "float");
  assert_string_equal(eval(f, "vista.sql('SELECT NULL AS n')[1].n"), "nil");
  assert_string_equal(eval(f, "vista.sql('SELECT 9007199254740993 AS n')[1].n"),
                      "9007199254740993");
  assert_string_equal(eval(f, "table.concat(vista.sql('SELECT 1 AS b, 2 AS a')"
                              ".columns, ',')"),
                      "b,a");
}

static void test_query_errors_carry_sqlites_message(void **state) {
  fixture *f = *state;
  expect_refused(f, "'SELECT * FROM nowhere'", "no such table: nowhere");
  expect_refused(f, "'SELEC 1'", "syntax error");
  expect_refused(f, "''", "no statement");
}

static void test_query_calls_only_listed_functions(void **state) {
  fixture *f = *state;
  /* fts3_tokenizer('simple') returns a pointer into the library. */
  expect_refused(f, "\"SELECT fts3_tokenizer('simple')\"",
                 "vista.sql: the SQL function fts3_tokenizer() is not "
                 "available in vista scripts");
  expect_refused(f, "\"SELECT Load_Extension('/tmp/x.so')\"",
                 "the SQL function load_extension() is not available");
  expect_refused(f, "\"SELECT 1 FROM institution WHERE sqlite_log(1, 'x')\"",
                 "the SQL function sqlite_log() is not available");
  expect_refused(f, "\"SELECT rtreenode(2, x'00')\"",
                 "the SQL function rtreenode() is not available");
  /* What scripts use: core, aggregate, window, date, math, JSON. */
  assert_string_equal(
      eval(f, "vista.sql([[SELECT printf('%s-%d', upper(country), count(*)"
              " OVER ()) || json_extract('{\"a\": 2}', '$.a') || "
              "(date('2024-01-31', '+1 day') = '2024-02-01') || floor(pi()) "
              "|| sum(length(name)) OVER (ORDER BY id) AS v FROM institution"
              " ORDER BY id LIMIT 1]])[1].v"),
      "BE-2213.010");
  /* The connection refuses to register a tokenizer from a pointer. */
  int on = -1;
  assert_int_equal(sqlite3_db_config(vista_store_db(f->s),
                                     SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER,
                                     -1, &on),
                   SQLITE_OK);
  assert_int_equal(on, 0);
}

static void test_query_long_query_stops_at_the_time_limit(void **state) {
  fixture *f = *state;
  vista_sandbox_free(f->sb);
  vista_limits lim = {0, 64u << 20, 0.5, NULL};
  assert_int_equal(vista_sandbox_new(&f->sb, f->s, &lim, 0), VISTA_OK);
  int rc = run(f, "return vista.sql('WITH RECURSIVE c(x) AS (SELECT 1 UNION"
                  " ALL SELECT x + 1 FROM c) SELECT count(*) FROM c')");
  assert_int_equal(rc, VISTA_ERR_LIMIT);
  assert_non_null(strstr(vista_sandbox_errmsg(f->sb),
                         "script exceeded the time limit"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, query_setup, \
                                                fixture_teardown)
      T(test_query_refuses_every_write),
      T(test_query_binds_parameters),
      T(test_query_keeps_types),
      T(test_query_errors_carry_sqlites_message),
      T(test_query_calls_only_listed_functions),
      T(test_query_long_query_stops_at_the_time_limit),
#undef T
  };
  return cmocka_run_group_tests_name("query", tests, NULL, NULL);
}
