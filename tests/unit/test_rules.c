/* Unit tests of the import's pure rules (mobility_rules.c and the ISCED
 * test in mobility_internal.h), each edge from both sides: the cases
 * `make mutate` showed no other test would notice going wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <strings.h>
#include <sqlite3.h>

#include "mobility_internal.h"

#define S(text) text, strlen(text)

/* The one definition of who counts as what is SQL (mobility_fact); the
 * importer and the summaries use the C copy. Every combination of the
 * deciding inputs, durations at and beside every edge, unknown included:
 * the two agree. */
static void test_band_and_role_c_equals_sql(void **st) {
  (void)st;
  sqlite3 *db;
  sqlite3_stmt *q;
  assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
  assert_int_equal(
      sqlite3_prepare_v2(
          db,
          "SELECT b, " MOB_ROLE_SQL("p", "b") ", " MOB_EDGE_SQL("b", "d")
          ", " MOB_RANGE_SQL("b", "k", "d") " FROM (SELECT p, k, d, "
          MOB_BAND_SQL("p", "l", "k", "d") " AS b FROM (SELECT ?1 AS p,"
          " ?2 AS l, ?3 AS k, ?4 AS d))",
          -1, &q, NULL),
      SQLITE_OK);
  static const int64_t profiles[] = {NONE, PROFILE_LEARNER, PROFILE_STAFF};
  static const int64_t leaders[] = {NONE, 0, 1};
  static const int64_t days[] = {NONE, 0,  1,  2,  4,  5,   8,   9,   10,
                                 11,   13, 14, 15, 29, 30,  31,  59,  60,
                                 61,   88, 89, 90, 91, 364, 365, 366, 5000};
  int n = 0, bands_seen[7] = {0};
  for (size_t a = 0; a < 3; a++)
    for (size_t b = 0; b < 3; b++)
      for (int k = ACT_NONE; k <= ACT_COMPETITION; k++)
        for (size_t d = 0; d < sizeof days / sizeof *days; d++) {
          int64_t in[4] = {profiles[a], leaders[b], k, days[d]};
          for (int i = 0; i < 4; i++)
            if (in[i] == NONE)
              sqlite3_bind_null(q, i + 1);
            else
              sqlite3_bind_int64(q, i + 1, in[i]);
          assert_int_equal(sqlite3_step(q), SQLITE_ROW);
          int band = mob_band(in[0], in[1], k, in[3]);
          assert_int_equal(sqlite3_column_int(q, 0), band);
          assert_int_equal(sqlite3_column_int(q, 1), mob_role(in[0], band));
          assert_int_equal(sqlite3_column_int(q, 2), mob_edge(band, in[3]));
          assert_int_equal(sqlite3_column_int(q, 3),
                           mob_out_of_range(band, k, in[3]));
          sqlite3_reset(q);
          bands_seen[band] = 1;
          n++;
        }
  assert_int_equal(n, 3 * 3 * 8 * 27);
  for (int b = 0; b < 7; b++)
    assert_true(bands_seen[b]); /* every band, and unknown, reached */
  sqlite3_finalize(q);
  sqlite3_close(db);
}

/* The rules themselves, one case per rule and its trap. */
static void test_band_rules(void **st) {
  (void)st;
  /* Activity first: ErasmusPro of 60 days is long, short-term of 95 days
   * short, a group mobility of 12 days its own band. */
  assert_int_equal(mob_band(PROFILE_LEARNER, 0, ACT_LONG, 60), BAND_LONG);
  assert_int_equal(mob_band(PROFILE_LEARNER, 0, ACT_SHORT, 95), BAND_SHORT);
  assert_int_equal(mob_band(PROFILE_LEARNER, 0, ACT_GROUP, 12), BAND_GROUP);
  assert_int_equal(mob_band(PROFILE_LEARNER, 0, ACT_COMPETITION, 3),
                   BAND_GROUP);
  /* ... and flagged outside their range, never re-banded. */
  assert_true(mob_out_of_range(BAND_LONG, ACT_LONG, 60));
  assert_true(mob_out_of_range(BAND_SHORT, ACT_SHORT, 95));
  assert_false(mob_out_of_range(BAND_SHORT, ACT_SHORT, 89));
  assert_true(mob_out_of_range(BAND_LONG, ACT_OTHER, 400));
  /* Only when the activity says nothing, the duration decides. */
  assert_int_equal(mob_band(PROFILE_LEARNER, 0, ACT_OTHER, 90), BAND_LONG);
  assert_int_equal(mob_band(PROFILE_LEARNER, 0, ACT_OTHER, 89), BAND_SHORT);
  assert_int_equal(mob_band(PROFILE_LEARNER, 0, ACT_OTHER, 9), BAND_OTHER);
  assert_int_equal(mob_band(PROFILE_LEARNER, 0, ACT_NONE, NONE), 0);
  /* A learner of unknown duration is still a learner. */
  assert_int_equal(mob_role(PROFILE_LEARNER, 0), ROLE_LEARNER);
  /* Group leaders are never learners, whatever the profile. */
  assert_int_equal(mob_role(PROFILE_LEARNER,
                            mob_band(PROFILE_LEARNER, 1, ACT_SHORT, 20)),
                   ROLE_ACCOMPANYING);
  /* Staff on a learner activity travel as accompanying staff. */
  assert_int_equal(mob_band(PROFILE_STAFF, 0, ACT_GROUP, 10), BAND_LEADER);
  assert_int_equal(mob_band(PROFILE_STAFF, 0, ACT_COMPETITION, 5),
                   BAND_LEADER);
  assert_int_equal(mob_band(PROFILE_STAFF, 0, ACT_STAFF, 5), BAND_STAFF);
  assert_int_equal(mob_band(NONE, NONE, ACT_STAFF, 5), BAND_STAFF);
  assert_int_equal(mob_band(NONE, NONE, ACT_SHORT, 20), 0);
  /* Edges: a day either side of 10 and 90. */
  assert_true(mob_edge(BAND_OTHER, 9) && mob_edge(BAND_SHORT, 10));
  assert_true(mob_edge(BAND_SHORT, 89) && mob_edge(BAND_LONG, 90));
  assert_false(mob_edge(BAND_SHORT, 11) || mob_edge(BAND_GROUP, 10));
}

static void test_activity_kinds(void **st) {
  (void)st;
  assert_int_equal(mob_activity_kind(S("Accompanying persons")),
                   ACT_ACCOMPANYING);
  assert_int_equal(mob_activity_kind(S("Participation in VET skills "
                                       "competitions")),
                   ACT_COMPETITION);
  assert_int_equal(mob_activity_kind(S("Group mobility of VET learners")),
                   ACT_GROUP);
  assert_int_equal(mob_activity_kind(S("Job shadowing")), ACT_STAFF);
  assert_int_equal(mob_activity_kind(S("Long-term teaching assignments")),
                   ACT_STAFF);
  assert_int_equal(mob_activity_kind(S("Long-term learning mobility of VET "
                                       "learners (ErasmusPro)")),
                   ACT_LONG);
  assert_int_equal(mob_activity_kind(S("ERASMUSPRO")), ACT_LONG);
  assert_int_equal(mob_activity_kind(S("Short-term learning mobility of "
                                       "VET learners")),
                   ACT_SHORT);
  assert_int_equal(mob_activity_kind(S("VET learners traineeships in "
                                       "vocational institutes/companies")),
                   ACT_OTHER);
}

static void test_vet_key_actions_and_their_neighbours(void **st) {
  (void)st;
  static const char *const vet[] = {"KA102", "KA116", "KA121-VET",
                                    "KA122-VET", "KA202"};
  static const char *const not_vet[] = {"KA101", "KA103", "KA115", "KA117",
                                        "KA121-SCH", "KA122-SCH", "KA122-ADU",
                                        "KA201", "KA203", "KA220-VET",
                                        "KA121", "KA122", "", "ka102"};
  for (size_t i = 0; i < sizeof vet / sizeof *vet; i++)
    assert_true(mob_is_vet_key_action(vet[i]));
  for (size_t i = 0; i < sizeof not_vet / sizeof *not_vet; i++)
    assert_false(mob_is_vet_key_action(not_vet[i]));
}

static void test_vet_activity_names(void **st) {
  (void)st;
  assert_true(mob_activity_is_vet(S("VET learners traineeships")));
  assert_true(mob_activity_is_vet(S("Short-term mobility of VET")));
  assert_true(mob_activity_is_vet(S("VET")));
  assert_true(mob_activity_is_vet(S("ErasmusPro")));
  assert_true(mob_activity_is_vet(S("Long-term ErasmusPro")));
  assert_false(mob_activity_is_vet(S("VE")));
  assert_false(mob_activity_is_vet(S("vet learners")));
  assert_false(mob_activity_is_vet(S("ErasmusPr")));
  assert_false(mob_activity_is_vet(S("Higher education students")));
  assert_false(mob_activity_is_vet(S("Volunteering")));
  assert_false(mob_activity_is_vet(S("xxT Teacher")));
  assert_false(mob_activity_is_vet(S("VEX")));
  /* Only the first n bytes count. */
  assert_false(mob_activity_is_vet("VET", 2));
  assert_false(mob_activity_is_vet("ErasmusPro", 9));
}

static void test_isced_3_and_4_only(void **st) {
  (void)st;
  assert_true(mob_is_isced34(S("ISCED-3 - Upper secondary education")));
  assert_true(mob_is_isced34(S("ISCED-4 - Post-secondary non-tertiary")));
  assert_true(mob_is_isced34(S("isced 3 upper")));
  assert_true(mob_is_isced34(S("ISCED 4x")));
  assert_false(mob_is_isced34(S("ISCED-2 - Lower secondary education")));
  assert_false(mob_is_isced34(S("ISCED-5 - Short-cycle tertiary")));
  assert_false(mob_is_isced34(S("ISCED_3 - Upper")));
  assert_false(mob_is_isced34(S("ISCED-")));
  assert_false(mob_is_isced34(S("ISCEX-3 - Upper")));
  assert_false(mob_is_isced34("ISCED-3", 6));
  assert_true(mob_is_isced34(S("ISCED-3"))); /* 7 characters are enough */
  assert_true(mob_is_isced34(S("ISCED 4")));
}

static void test_trim_and_missing_markers(void **st) {
  (void)st;
  size_t n = strlen(" \tab c\t ");
  const char *p = mob_trim(" \tab c\t ", &n);
  assert_int_equal(n, 4);
  assert_memory_equal(p, "ab c", 4);
  n = 3;
  p = mob_trim("ab\t", &n);
  assert_int_equal(n, 2);
  n = 3;
  p = mob_trim("a\tb", &n);
  assert_int_equal(n, 3);
  n = 2;
  mob_trim(" \t", &n);
  assert_int_equal(n, 0);
  assert_int_equal(mob_is_missing(S("???")), 1);
  assert_int_equal(mob_is_missing(S("? Unknown ?")), 1);
  assert_int_equal(mob_is_missing(S("??? - ? Unknown ?")), 1);
  assert_int_equal(mob_is_missing(S("")), 1);
  assert_int_equal(mob_is_missing(S("-")), 1);
  assert_int_equal(mob_is_missing(S("undefined")), 1);
  /* The same lengths with other text, and the markers' neighbours. */
  assert_int_equal(mob_is_missing(S("?ab")), 0);
  assert_int_equal(mob_is_missing(S("? Unknown !")), 0);
  assert_int_equal(mob_is_missing(S("??? - ? Unknown !")), 0);
  assert_int_equal(mob_is_missing(S("????")), 0);
  assert_int_equal(mob_is_missing(S("--")), 0);
}

static void test_header_names(void **st) {
  (void)st;
  char out[160];
  mob_normalise(out, sizeof out, S("  Mobility Start Year/Month "));
  assert_string_equal(out, "mobility start year month");
  mob_normalise(out, sizeof out, S("_participant__GENDER"));
  assert_string_equal(out, "participant gender");
  mob_normalise(out, sizeof out, S("a b"));
  assert_string_equal(out, "a b");
  mob_normalise(out, 6, S("ab cdefgh"));
  assert_string_equal(out, "ab c");
  assert_int_equal(mob_field_by_name(S("Participant Gender")), MF_GENDER);
  assert_int_equal(mob_field_by_name(S("participant_profile")), MF_PROFILE);
  /* The canonical (own-format) names, not aliases. */
  assert_int_equal(mob_field_by_name(S("duration_days")), MF_DURATION);
  assert_int_equal(mob_field_by_name(S("sending_erasmus_code")), MF_SENDING_CODE);
  assert_int_equal(mob_field_by_name(S("recognised")), MF_RECOGNISED);
  /* A column read as nothing on purpose: "ignore" or a lone "-". */
  assert_int_equal(mob_field_by_name(S("ignore")), MF_COUNT);
  assert_int_equal(mob_field_by_name(S("Ignore")), MF_COUNT);
  assert_int_equal(mob_field_by_name(S("-")), MF_COUNT);
  assert_int_equal(mob_field_by_name(S("--")), -1);
  assert_int_equal(mob_field_by_name(S("x")), -1);
  assert_int_equal(mob_field_by_name(S("genderx")), -1);
}

static void test_whole_numbers(void **st) {
  (void)st;
  int64_t v = 0;
  assert_int_equal(mob_parse_int(S("10"), 0, 5000, &v), 0);
  assert_int_equal(v, 10);
  assert_int_equal(mob_parse_int(S("+7"), 0, 10, &v), 0);
  assert_int_equal(v, 7);
  assert_int_equal(mob_parse_int(S("-3"), -5, 10, &v), 0);
  assert_int_equal(v, -3);
  /* The bounds are inclusive. */
  assert_int_equal(mob_parse_int(S("0"), 0, 120, &v), 0);
  assert_int_equal(mob_parse_int(S("120"), 0, 120, &v), 0);
  assert_int_equal(mob_parse_int(S("121"), 0, 120, &v), -1);
  assert_int_equal(mob_parse_int(S("-1"), 0, 120, &v), -1);
  /* Twelve digits at most, a sign alone is no number. */
  assert_int_equal(mob_parse_int(S("000000000012"), 0, 99, &v), 0);
  assert_int_equal(v, 12);
  assert_int_equal(mob_parse_int(S("0000000000012"), 0, 99, &v), -1);
  assert_int_equal(mob_parse_int(S("-"), -9, 9, &v), -1);
  assert_int_equal(mob_parse_int(S(""), 0, 9, &v), -1);
  assert_int_equal(mob_parse_int(S("1x"), 0, 99, &v), -1);
  assert_int_equal(mob_parse_int(S("/1"), 0, 99, &v), -1);
  assert_int_equal(mob_parse_int(S(":1"), 0, 99, &v), -1);
  assert_int_equal(mob_parse_int(S("1 "), 0, 99, &v), -1);
  v = 42;
  assert_int_equal(mob_parse_int(S("200"), 0, 100, &v), -1);
  assert_int_equal(v, 42); /* untouched on failure */
}

static void test_months_and_academic_years(void **st) {
  (void)st;
  int64_t v = 0;
  assert_int_equal(mob_parse_month(S("2023-01"), &v), 0);
  assert_int_equal(v, 202301);
  assert_int_equal(mob_parse_month(S("2023/12"), &v), 0);
  assert_int_equal(v, 202312);
  assert_int_equal(mob_parse_month(S("1900-06"), &v), 0);
  assert_int_equal(mob_parse_month(S("2200-06"), &v), 0);
  assert_int_equal(mob_parse_month(S("1899-06"), &v), -1);
  assert_int_equal(mob_parse_month(S("2201-06"), &v), -1);
  assert_int_equal(mob_parse_month(S("2023-00"), &v), -1);
  assert_int_equal(mob_parse_month(S("2023-13"), &v), -1);
  assert_int_equal(mob_parse_month(S("2023.01"), &v), -1);
  assert_int_equal(mob_parse_month(S("2023-1"), &v), -1);
  assert_int_equal(mob_parse_month(S("2023-011"), &v), -1);
  /* ':' follows '9': no digit, though it would read as 10. */
  assert_int_equal(mob_parse_month(S("2023-0:"), &v), -1);
  assert_int_equal(mob_parse_month(S("202:-01"), &v), -1);
  assert_int_equal(mob_parse_month(S("2023-/1"), &v), -1);
  assert_int_equal(mob_parse_academic_year(S("2018-2019"), &v), 0);
  assert_int_equal(v, 2018);
  assert_int_equal(mob_parse_academic_year(S("2018/19"), &v), 0);
  assert_int_equal(mob_parse_academic_year(S("2099-00"), &v), 0);
  assert_int_equal(v, 2099);
  assert_int_equal(mob_parse_academic_year(S("2018-2020"), &v), -1);
  assert_int_equal(mob_parse_academic_year(S("2018-18"), &v), -1);
  assert_int_equal(mob_parse_academic_year(S("2018_19"), &v), -1);
  assert_int_equal(mob_parse_academic_year(S("2018-190"), &v), -1);
  assert_int_equal(mob_parse_academic_year(S("1899-1900"), &v), -1);
  assert_int_equal(mob_parse_academic_year(S("2201-2202"), &v), -1);
  assert_int_equal(mob_parse_academic_year(S("1900-1901"), &v), 0);
  assert_int_equal(mob_parse_academic_year(S("2200-2201"), &v), 0);
}

static void test_yes_and_no(void **st) {
  (void)st;
  static const char *const yes[] = {"yes", "Y", "TRUE", "1"};
  static const char *const no[] = {"No", "n", "false", "0"};
  static const char *const neither[] = {"2", "", "yess", "10", "nope", "-"};
  int64_t v;
  for (size_t i = 0; i < 4; i++) {
    v = -1;
    assert_int_equal(mob_parse_yes_no(S(yes[i]), &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(mob_parse_yes_no(S(no[i]), &v), 0);
    assert_int_equal(v, 0);
  }
  for (size_t i = 0; i < sizeof neither / sizeof *neither; i++)
    assert_int_equal(mob_parse_yes_no(S(neither[i]), &v), -1);
}

static void test_project_references(void **st) {
  (void)st;
  mob_project_ref r;
  assert_int_equal(mob_parse_project(S("2022-1-BE02-KA121-VET-000020840"), &r), 0);
  assert_int_equal(r.call_year, 2022);
  assert_int_equal(r.round, 1);
  assert_string_equal(r.na, "BE02");
  assert_string_equal(r.key_action, "KA121-VET");
  assert_int_equal(mob_parse_project(S("2015-12-FR01-KA102-035114"), &r), 0);
  assert_int_equal(r.round, 12);
  assert_string_equal(r.key_action, "KA102");
  assert_int_equal(mob_parse_project(S("1990-1-EL01-KA202-0001"), &r), 0);
  assert_string_equal(r.na, "EL01");
  assert_int_equal(mob_parse_project(S("2100-1-UK01-KA116-00000000001"), &r), 0);
  assert_int_equal(mob_parse_project(S("2022-1-BE02-KA121-VET-001"), &r), 0);
  /* Each part wrong in turn. */
  static const char *const bad[] = {
      "1989-1-BE02-KA121-VET-000020840", /* call year */
      "2101-1-BE02-KA121-VET-000020840",
      "2022_1-BE02-KA121-VET-000020840",
      "2022--BE02-KA121-VET-0000208400", /* round */
      "2022-123-BE02-KA121-VET-00020840",
      "2022-012-BE02-KA121-VET-00020840", /* a round of two digits at most */
      "2022-1-bE02-KA121-VET-000020840", /* National Agency */
      "2022-1-Be02-KA121-VET-000020840",
      "2022-1-BEX2-KA121-VET-000020840",
      "2022-1-BE0X-KA121-VET-000020840",
      "2022-1-BE02_KA121-VET-000020840",
      "2022-1-BE02-XA121-VET-000020840", /* key action */
      "2022-1-BE02-KX121-VET-000020840",
      "2022-1-BE02-KAX21-VET-000020840",
      "2022-1-BE02-KA1X1-VET-000020840",
      "2022-1-BE02-KA12X-VET-000020840",
      "2022-1-BE02-KA121-VETVETVETVET-0001", /* key action too long */
      "2022-1-BE02-KA121-VET-00", /* serial: 3 to 11 digits */
      "2022-1-BE02-KA121-VET-000000000001",
      "2022-1-BE02-KA121-VET-00002084X",
      "2022-1-BE02-KA121-VET_000020840",
      "2022-1-BE02-KA121",
      "2022-1-BE02-KA121-"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    if (mob_parse_project(S(bad[i]), &r) != -1)
      fail_msg("accepted %s", bad[i]);
  }
  /* Lengths: 20 to 40 characters. */
  assert_int_equal(mob_parse_project(S("2022-1-BE02-KA1-0001"), &r), -1);
  assert_int_equal(mob_parse_project(S("2022-1-BE02-KA102-1"), &r), -1);
  assert_int_equal(mob_parse_project(S("2022-1-BE02-KA10-0001"), &r), -1);
  assert_int_equal(mob_parse_project(S("2022-1-BE02-KA102-0001"), &r), 0);
  /* The longest: a 15-character key action, an 11-digit serial: 40. */
  assert_int_equal(mob_parse_project(S("2022-12-BE02-KA121-VETVETVET-00000000001"), &r), 0);
  assert_string_equal(r.key_action, "KA121-VETVETVET");
  assert_int_equal(mob_parse_project(S("2022-12-BE02-KA121-VETVETVETV-0000000001"), &r), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_band_and_role_c_equals_sql),
      cmocka_unit_test(test_band_rules),
      cmocka_unit_test(test_activity_kinds),
      cmocka_unit_test(test_vet_key_actions_and_their_neighbours),
      cmocka_unit_test(test_vet_activity_names),
      cmocka_unit_test(test_isced_3_and_4_only),
      cmocka_unit_test(test_header_names),
      cmocka_unit_test(test_whole_numbers),
      cmocka_unit_test(test_trim_and_missing_markers),
      cmocka_unit_test(test_months_and_academic_years),
      cmocka_unit_test(test_yes_and_no),
      cmocka_unit_test(test_project_references),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
