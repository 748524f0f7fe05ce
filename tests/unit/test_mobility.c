/* Unit tests of the mobility import's rules: derivations, markers, codes,
 * and the helpers under it (country codes, SHA-256, the text dictionary). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "country.h"
#include "dict.h"
#include "internal.h"
#include "mobility.h"
#include "sha256.h"

static char path[512];

static void write_file(const char *text) {
  const char *tmp = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/test_mobility_%d.csv", tmp ? tmp : "/tmp",
           (int)getpid());
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static vista_session *import(const char *text, vista_mobility_report *r,
                             const char *map) {
  vista_session *s;
  vista_mobility_options o = {0};
  o.map = map;
  write_file(text);
  assert_int_equal(vista_session_new(&s, ":memory:"), VISTA_OK);
  int rc = vista_mobility_import(s, path, &o, NULL, NULL, r);
  if (rc != VISTA_OK)
    fail_msg("%s", vista_errmsg(s));
  return s;
}

static int64_t one(vista_session *s, const char *sql) {
  sqlite3_stmt *st;
  int64_t v = -999;
  assert_int_equal(sqlite3_prepare_v2(vista_store_db(s), sql, -1, &st, NULL),
                   SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void test_bands_follow_activity_first_then_duration(void **st) {
  (void)st;
  vista_mobility_report r;
  vista_session *s = import(
      "Activity (mob);Participant Profile;GroupLeader;Mobility Duration\n"
      "Group mobility of VET learners;Learner;No;12\n"          /* other */
      "Short-term learning mobility of VET learners;Learner;No;12\n"
      "ErasmusPro;Learner;No;90\n"                               /* long */
      "Short-term learning mobility of VET learners;Learner;No;9\n"
      "Job shadowing;Staff;No;5\n"                               /* staff */
      "Accompanying person;Staff;No;5\n"
      "Short-term learning mobility of VET learners;Staff;Yes;20\n"
      "Short-term learning mobility of VET learners;Learner;No;-\n",
      &r, NULL);
  assert_int_equal(r.rows.rows_stored, 8);
  sqlite3_stmt *q;
  sqlite3_prepare_v2(vista_store_db(s),
                     "SELECT group_concat(coalesce(band, 0), '') FROM"
                     " (SELECT band FROM mobility_fact ORDER BY id)",
                     -1, &q, NULL);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  /* other, short, long, other (9 days), staff, accompanying (by activity),
   * accompanying (group leader), unknown (no duration). */
  assert_string_equal((const char *)sqlite3_column_text(q, 0), "51253440");
  sqlite3_finalize(q);
  /* 9 and 90 days sit on band edges and are flagged. */
  assert_int_equal(one(s, "SELECT sum(band_edge) FROM mobility_fact"), 2);
  vista_session_free(s);
}

static void test_vet_comes_from_key_action_then_activity(void **st) {
  (void)st;
  vista_mobility_report r;
  vista_session *s = import(
      "Project Reference,Activity (mob)\n"
      "2015-1-FR01-KA102-035114,Anything\n"
      "2022-1-BE02-KA121-VET-000020840,Anything\n"
      "2016-1-BE04-KA347-000164,Youth dialogue\n"
      ",VET learners traineeships\n"
      ",Something else\n",
      &r, NULL);
  assert_int_equal(r.rows.rows_stored, 5);
  assert_int_equal(one(s, "SELECT sum(is_vet * (1 << (id - 1))) FROM mobility_fact"),
                   1 + 2 + 8);
  assert_int_equal(one(s, "SELECT count(*) FROM project WHERE key_action ="
                          " 'KA121-VET' AND call_year = 2022 AND na_code ="
                          " 'BE02' AND round = 1"),
                   1);
  vista_session_free(s);
}

static void test_missing_markers_are_unknown(void **st) {
  (void)st;
  vista_mobility_report r;
  vista_session *s = import(
      "Education Level;Participant Gender;Participant Nationality;"
      "Field of Education\n"
      "??? - ? Unknown ?;Undefined;-;???\n"
      "? Unknown ?;undefined;EL;Health\n",
      &r, NULL);
  assert_int_equal(r.rows.rows_stored, 2);
  assert_int_equal(one(s, "SELECT count(*) FROM mobility_fact WHERE"
                          " education_level_id IS NULL AND gender IS NULL"),
                   2);
  assert_int_equal(one(s, "SELECT count(*) FROM mobility WHERE"
                          " nationality_id IS NULL AND field_id IS NULL"),
                   1);
  assert_int_equal(one(s, "SELECT count(*) FROM label"), 1);
  /* Participants default to 1 when the file has no such column. */
  assert_int_equal(r.participants, 2);
  vista_session_free(s);
}

static void test_values_are_read_and_checked(void **st) {
  (void)st;
  vista_mobility_report r;
  vista_session *s = import(
      "Academic Year,Mobility Start Month,Mobility End Month,"
      "Participant Age,Participants,Special Needs\n"
      "2018-2019,2018-09,2018-10,17,3,Yes\n" /* stored */
      "2018/19,2018/09,2018/09,17,1,no\n"     /* stored */
      "2018-2020,2018-09,2018-10,17,1,No\n"   /* academic year */
      "2018-2019,2018-13,2018-10,17,1,No\n"   /* month */
      "2018-2019,2018-09,2018-08,17,1,No\n"   /* ends before it starts */
      "2018-2019,2018-09,2018-10,-3,1,No\n"   /* age */
      "2018-2019,2018-09,2018-10,17,0,No\n"   /* participants */
      "2018-2019,2018-09,2018-10,17,1,Maybe\n", /* flag */
      &r, NULL);
  assert_int_equal(r.rows.rows_stored, 2);
  assert_int_equal(r.rows.rows_rejected, 6);
  assert_int_equal(r.participants, 4);
  assert_int_equal(one(s, "SELECT sum(academic_year + start_month + year)"
                          " FROM mobility_fact"),
                   2 * (2018 + 201809 + 2018));
  /* Each rejected at its own column, in order. */
  assert_int_equal(one(s, "SELECT group_concat(field, '') FROM import_reject"),
                   123456);
  vista_session_free(s);
}

static void test_map_renames_and_ignores_columns(void **st) {
  (void)st;
  vista_mobility_report r;
  vista_session *s = import("Cod proiect;Note\n"
                            "2014-1-BE04-KA347-000164;free text\n",
                            &r, "Cod proiect=Project Reference, Note = -");
  assert_int_equal(r.rows.rows_stored, 1);
  assert_int_equal(one(s, "SELECT count(*) FROM project"), 1);
  vista_session_free(s);
}

static void test_country_codes(void **st) {
  (void)st;
  assert_int_equal(vista_country_id("GR", 2), vista_country_id("EL", 2));
  assert_int_equal(vista_country_id("gb", 2), vista_country_id("UK", 2));
  assert_int_not_equal(vista_country_id("XK", 2), 0);
  assert_int_equal(vista_country_id("ZZ", 2), 0);
  assert_int_equal(vista_country_id("!#", 2), 0);
  assert_int_equal(vista_country_id("BEL", 3), 0);
  assert_string_equal(vista_country_by_id(vista_country_id("EL", 2))->iso,
                      "GR");
}

static void test_sha256_known_vectors(void **st) {
  (void)st;
  vista_sha256 c;
  char hex[65];
  vista_sha256_init(&c);
  vista_sha256_hex(&c, hex);
  assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
                           "a495991b7852b855");
  vista_sha256_init(&c);
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (const char *p = m; *p; p++) /* byte by byte crosses block edges */
    vista_sha256_update(&c, p, 1);
  vista_sha256_hex(&c, hex);
  assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167"
                           "f6ecedd419db06c1");
  /* A million 'a', 1000 bytes at a time: many blocks to one call. */
  static char a[1000];
  memset(a, 'a', sizeof a);
  vista_sha256_init(&c);
  for (int i = 0; i < 1000; i++)
    vista_sha256_update(&c, a, sizeof a);
  vista_sha256_hex(&c, hex);
  assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e"
                           "046d39ccc7112cd0");
}

static void test_dict_grows_and_finds(void **st) {
  (void)st;
  vista_dict *d = vista_dict_new();
  char key[32];
  for (int i = 1; i <= 5000; i++) {
    int n = snprintf(key, sizeof key, "key %d", i);
    assert_int_equal(vista_dict_put(d, key, (size_t)n, i), 0);
  }
  assert_int_equal(vista_dict_count(d), 5000);
  assert_int_equal(vista_dict_get(d, "key 4321", 8), 4321);
  assert_int_equal(vista_dict_get(d, "key 0", 5), 0);
  vista_dict_free(d);
}

static int cleanup(void **state) {
  (void)state;
  remove(path);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(
          test_bands_follow_activity_first_then_duration, cleanup),
      cmocka_unit_test_teardown(test_vet_comes_from_key_action_then_activity,
                                cleanup),
      cmocka_unit_test_teardown(test_missing_markers_are_unknown, cleanup),
      cmocka_unit_test_teardown(test_values_are_read_and_checked, cleanup),
      cmocka_unit_test_teardown(test_map_renames_and_ignores_columns, cleanup),
      cmocka_unit_test(test_country_codes),
      cmocka_unit_test(test_sha256_known_vectors),
      cmocka_unit_test(test_dict_grows_and_finds),
  };
  return cmocka_run_group_tests_name("mobility", tests, NULL, NULL);
}
