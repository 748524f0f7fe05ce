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
#include <strings.h>
#include <unistd.h>

#include "country.h"
#include "dict.h"
#include "internal.h"
#include "mobility.h"
#include "mobility_internal.h"
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
  vista_sha256 c = {0};
  char hex[65];
  assert_int_equal(vista_sha256_init(&c), 0);
  assert_int_equal(vista_sha256_hex(&c, hex), 0);
  assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
                           "a495991b7852b855");
  assert_int_equal(vista_sha256_init(&c), 0);
  const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  for (const char *p = m; *p; p++) /* byte by byte crosses block edges */
    vista_sha256_update(&c, p, 1);
  assert_int_equal(vista_sha256_hex(&c, hex), 0);
  assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167"
                           "f6ecedd419db06c1");
  /* A million 'a', 1000 bytes at a time: many blocks to one call. */
  static char a[1000];
  memset(a, 'a', sizeof a);
  assert_int_equal(vista_sha256_init(&c), 0);
  for (int i = 0; i < 1000; i++)
    vista_sha256_update(&c, a, sizeof a);
  assert_int_equal(vista_sha256_hex(&c, hex), 0);
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

/* The plain definitions of the value rules, which the fast ones in
 * mobility_rules.c must agree with on every text. */
static int ref_eqi(const char *p, size_t n, const char *word) {
  return strlen(word) == n && strncasecmp(p, word, n) == 0;
}

static int ref_number(const char *p, size_t n, int64_t *v) {
  char buf[16];
  if (n == 0 || n >= sizeof buf)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (p[i] < '0' || p[i] > '9')
      return -1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  *v = atoll(buf);
  return 0;
}

static int ref_month(const char *p, size_t n, int64_t *out) {
  int64_t y, m;
  if (n != 7 || (p[4] != '-' && p[4] != '/') || ref_number(p, 4, &y) ||
      ref_number(p + 5, 2, &m) || y < 1900 || y > 2200 || m < 1 || m > 12)
    return -1;
  *out = y * 100 + m;
  return 0;
}

static int ref_academic_year(const char *p, size_t n, int64_t *out) {
  int64_t a, b;
  if ((n != 9 && n != 7) || (p[4] != '-' && p[4] != '/') ||
      ref_number(p, 4, &a) || ref_number(p + 5, n - 5, &b) || a < 1900 ||
      a > 2200)
    return -1;
  if (n == 9 ? b != a + 1 : b != (a + 1) % 100)
    return -1;
  *out = a;
  return 0;
}

static int ref_yes_no(const char *p, size_t n, int64_t *out) {
  if (ref_eqi(p, n, "yes") || ref_eqi(p, n, "y") || ref_eqi(p, n, "true") ||
      (n == 1 && p[0] == '1'))
    *out = 1;
  else if (ref_eqi(p, n, "no") || ref_eqi(p, n, "n") ||
           ref_eqi(p, n, "false") || (n == 1 && p[0] == '0'))
    *out = 0;
  else
    return -1;
  return 0;
}

/* A text near the values: digits, separators, signs, the letters of the
 * words, bytes that or-ed with 0x20 give a letter or a digit. */
static size_t random_value(char *p, unsigned *seed) {
  static const char alphabet[] = "0123456789-/+ yesnotruefalsYESNOTRUEFALS"
                                 "\x11\x10\x45\xc3\xa9@[`{";
  int kind = rand_r(seed) % 4;
  if (kind == 0) /* a month or an academic year, maybe out of range */
    return (size_t)sprintf(p, "%d%c%02d", 1890 + rand_r(seed) % 330,
                           rand_r(seed) % 2 ? '-' : '/', rand_r(seed) % 14);
  if (kind == 1)
    return (size_t)sprintf(p, "%d-%d", 1890 + rand_r(seed) % 330,
                           rand_r(seed) % 2 ? 1890 + rand_r(seed) % 330
                                            : rand_r(seed) % 101);
  size_t n = (size_t)(rand_r(seed) % 10);
  for (size_t i = 0; i < n; i++)
    p[i] = alphabet[rand_r(seed) % (sizeof alphabet - 1)];
  if (kind == 2 && n >= 5) /* often the shape of a month */
    p[4] = '-';
  p[n] = '\0';
  return n;
}

static void test_value_rules_agree_with_their_definitions(void **st) {
  (void)st;
  static const char *const words[] = {"yes", "y", "true", "no", "n",
                                      "false", "female", "undefined", "in"};
  unsigned seed = 7;
  char p[64];
  for (int t = 0; t < 200000; t++) {
    size_t n = random_value(p, &seed);
    int64_t a = -7, b = -7;
    assert_int_equal(mob_parse_month(p, n, &a), ref_month(p, n, &b));
    assert_true(a == b);
    a = b = -7;
    assert_int_equal(mob_parse_academic_year(p, n, &a),
                     ref_academic_year(p, n, &b));
    assert_true(a == b);
    a = b = -7;
    assert_int_equal(mob_parse_yes_no(p, n, &a), ref_yes_no(p, n, &b));
    assert_true(a == b);
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
      assert_int_equal(mob_eqi(p, n, words[w]), ref_eqi(p, n, words[w]));
  }
  int64_t v;
  assert_int_equal(mob_parse_month("2018-09", 7, &v), 0);
  assert_int_equal(v, 201809);
  assert_int_equal(mob_parse_month("2018-+9", 7, &v), -1);
  assert_int_equal(mob_parse_academic_year("2018/19", 7, &v), 0);
  assert_int_equal(v, 2018);
  assert_int_equal(mob_parse_academic_year("2099-+0", 7, &v), -1);
  assert_int_equal(mob_parse_yes_no("TRUE", 4, &v), 0);
  assert_int_equal(v, 1);
  assert_int_equal(mob_eqi("F\x45MALE", 6, "female"), 1);
  assert_int_equal(mob_eqi("\x06" "emale", 6, "female"), 0);
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
      cmocka_unit_test(test_value_rules_agree_with_their_definitions),
  };
  return cmocka_run_group_tests_name("mobility", tests, NULL, NULL);
}
