/* Unit tests of the organisation resolver (core/org.c) and the folding of
 * names it matches by (core/text.c): every kind of key, ambiguity, the
 * "did you mean", aliases and the merge of an institution seen without its
 * code. Each test gets a fresh in-memory database. */
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
#include "org.h"

static void exec_ok(vista_session *s, const char *sql) {
  char *err = NULL;
  int rc = sqlite3_exec(vista_store_db(s), sql, NULL, NULL, &err);
  if (rc != SQLITE_OK)
    fail_msg("%s: %s", sql, err ? err : "?");
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

/* Ids 1..6: two schools of one name in two towns, a coded school, the
 * same school without its code, one with an accented name, and one in
 * Greece. */
static int setup(void **state) {
  vista_session *s = NULL;
  assert_int_equal(vista_session_new(&s, ":memory:"), VISTA_OK);
  assert_int_equal(vista_store_open(s), VISTA_OK);
  exec_ok(s,
          "INSERT INTO institution(id, erasmus_code, name, country, city)"
          " VALUES (1, NULL, 'Sint-Jozefsinstituut', 'BE', 'Kortrijk'),"
          " (2, NULL, 'Sint-Jozefsinstituut', 'BE', 'Ieper'),"
          " (3, 'B  GENT58', 'VTI Gent', 'BE', 'Gent'),"
          " (4, NULL, 'VTI Gent', 'BE', 'Gent'),"
          " (5, 'F  PARIS123', 'Lycée Technique Émile Zola', 'FR', 'Paris'),"
          " (6, 'G  ATHINE01', 'EPAL Athinon', 'EL', 'Athina');"
          "INSERT INTO institution_key SELECT id, vista_fold(name)"
          " FROM institution");
  *state = s;
  return 0;
}

static int teardown(void **state) {
  vista_session_free(*state);
  return 0;
}

static const char *folded(const char *in) {
  static char out[128];
  vista_fold_name(out, sizeof out, in, strlen(in));
  return out;
}

static void test_org_fold_case_spacing_accents(void **state) {
  (void)state;
  assert_string_equal(folded("  Sint-Jozefs  Instituut "),
                      "sint jozefs instituut");
  assert_string_equal(folded("SINT JOZEFS-INSTITUUT"),
                      "sint jozefs instituut");
  assert_string_equal(folded("Lycée Technique Émile Zola"),
                      "lycee technique emile zola");
  assert_string_equal(folded("Straße Œuvre Ærø"), "strasse oeuvre aero");
  assert_string_equal(folded("Școala Ţăndărei Łódź"),
                      "scoala tandarei lodz");
  /* A typographic apostrophe and a non-breaking space are spacing. */
  assert_string_equal(folded("L\xe2\x80\x99\xc3\x89" "cole\xc2\xa0" "Vie"),
                      "l ecole vie");
  /* Other scripts are kept as written. */
  assert_string_equal(folded("ΕΠΑΛ 1"), "ΕΠΑΛ 1");
  assert_string_equal(folded("V.T.I. Gent"), "vti gent");
  assert_string_equal(folded("--"), "");
  /* Cut short as snprintf cuts: the whole length is returned. */
  char small[5];
  assert_int_equal(vista_fold_name(small, sizeof small, "Abcdefgh", 8), 8);
  assert_string_equal(small, "abcd");
}

static void test_org_key_identity(void **state) {
  (void)state;
  char a[64], b[64];
  vista_org_key(a, sizeof a, NULL, 0, "Sint-Jozefsinstituut", 20, "BE",
                "Kortrijk", 8);
  vista_org_key(b, sizeof b, NULL, 0, "SINT JOZEFSINSTITUUT", 20, "BE",
                "kortrijk", 8);
  assert_string_equal(a, b);
  vista_org_key(b, sizeof b, NULL, 0, "Sint-Jozefsinstituut", 20, "BE",
                "Ieper", 5);
  assert_string_not_equal(a, b);
  /* A code is the whole identity: name and place do not count. */
  vista_org_key(a, sizeof a, "B  GENT58", 9, "VTI Gent", 8, "BE", "Gent", 4);
  vista_org_key(b, sizeof b, "B  GENT58", 9, "Other", 5, "DE", NULL, 0);
  assert_string_equal(a, b);
}

static void test_org_kind(void **state) {
  (void)state;
  assert_int_equal(vista_org_kind("E10000000"), VISTA_ORG_OID);
  assert_int_equal(vista_org_kind("e12345678"), VISTA_ORG_OID);
  assert_int_equal(vista_org_kind("949000001"), VISTA_ORG_PIC);
  assert_int_equal(vista_org_kind("E1000000"), VISTA_ORG_NONE);
  assert_int_equal(vista_org_kind("B  GENT58"), VISTA_ORG_NONE);
}

static void test_org_finds_by_code_exactly(void **state) {
  vista_session *s = *state;
  vista_org_match m;
  assert_int_equal(vista_org_lookup(s, "B  GENT58", NULL, NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 3);
  assert_int_equal(m.by, VISTA_ORG_CODE);
  /* One space instead of two is no code, but is suggested. */
  assert_int_equal(vista_org_lookup(s, "B GENT58", NULL, NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 0);
  assert_string_equal(m.message, "no institution with Erasmus code "
                                 "'B GENT58' (did you mean 'B  GENT58'?)");
  assert_int_equal(vista_org_lookup(s, "b  gent58", NULL, NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 0);
  assert_non_null(strstr(m.message, "did you mean 'B  GENT58'?"));
}

static void test_org_finds_by_name_country_city(void **state) {
  vista_session *s = *state;
  vista_org_match m;
  /* Two schools share the name: ambiguous without the city. */
  assert_int_equal(vista_org_lookup(s, "Sint-Jozefsinstituut", "BE", NULL,
                                    &m),
                   VISTA_OK);
  assert_int_equal(m.id, 0);
  assert_int_equal(m.count, 2);
  assert_string_equal(m.message,
                      "2 institutions are named 'Sint-Jozefsinstituut' "
                      "(Kortrijk, BE; Ieper, BE): give the Erasmus code or "
                      "the city");
  /* The city tells them apart, written as people write it. */
  assert_int_equal(vista_org_lookup(s, "sint jozefsinstituut", "BE",
                                    "IEPER", &m),
                   VISTA_OK);
  assert_int_equal(m.id, 2);
  assert_int_equal(m.by, VISTA_ORG_NAME);
  assert_int_equal(vista_org_lookup(s, "Sint-Jozefsinstituut", NULL,
                                    "Kortrijk", &m),
                   VISTA_OK);
  assert_int_equal(m.id, 1);
  assert_int_equal(vista_org_lookup(s, "Sint-Jozefsinstituut", "BE",
                                    "Brugge", &m),
                   VISTA_OK);
  assert_int_equal(m.id, 0);
  assert_non_null(strstr(m.message, "in Brugge (known in: Kortrijk, BE"));
  /* Accents and case as people vary them. */
  assert_int_equal(vista_org_lookup(s, "LYCEE technique emile ZOLA", NULL,
                                    NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 5);
  /* GR is Greece's ISO code; the Erasmus+ data writes EL. */
  assert_int_equal(vista_org_lookup(s, "EPAL Athinon", "GR", NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 6);
  assert_int_equal(vista_org_lookup(s, "EPAL Athinon", "DE", NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 0);
  assert_int_equal(vista_org_lookup(s, "EPAL Athinon", "XX", NULL, &m),
                   VISTA_OK);
  assert_string_equal(m.message, "'XX' is no country code");
}

static void test_org_suggests_near_names(void **state) {
  vista_session *s = *state;
  vista_org_match m;
  assert_int_equal(vista_org_lookup(s, "Lycee Technique Emile Zolla", NULL,
                                    NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 0);
  assert_string_equal(m.message,
                      "no institution with Erasmus code or name 'Lycee "
                      "Technique Emile Zolla' (did you mean 'Lycée Technique "
                      "Émile Zola'?)");
  assert_int_equal(vista_org_lookup(s, "Nothing Like It", NULL, NULL, &m),
                   VISTA_OK);
  assert_string_equal(m.message, "no institution with Erasmus code or name "
                                 "'Nothing Like It'");
  assert_int_equal(vista_org_lookup(s, "   ", NULL, NULL, &m), VISTA_OK);
  assert_string_equal(m.message, "no name or code given");
}

static void test_org_oid_pic_and_alias(void **state) {
  vista_session *s = *state;
  vista_org_match m;
  assert_int_equal(vista_org_lookup(s, "E10000001", NULL, NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 0);
  assert_non_null(strstr(m.message, "no institution with OID 'E10000001'"));
  assert_int_equal(vista_org_alias(s, "e10000001", "B  GENT58", NULL),
                   VISTA_OK);
  assert_int_equal(vista_org_alias(s, "949000001", "F  PARIS123", NULL),
                   VISTA_OK);
  assert_int_equal(vista_org_lookup(s, "E10000001", NULL, NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 3);
  assert_int_equal(m.by, VISTA_ORG_OID);
  assert_int_equal(vista_org_lookup(s, "949000001", NULL, NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 5);
  assert_int_equal(m.by, VISTA_ORG_PIC);
  /* A name alias, found as people write it. */
  assert_int_equal(vista_org_alias(s, "Zola Paris", "F  PARIS123", NULL),
                   VISTA_OK);
  assert_int_equal(vista_org_lookup(s, "ZOLA  paris", NULL, NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 5);
  assert_int_equal(m.by, VISTA_ORG_ALIAS);
  /* An alias is never another institution's code. */
  assert_int_equal(vista_org_alias(s, "B  GENT58", "F  PARIS123", NULL),
                   VISTA_ERR_INPUT);
  assert_string_equal(vista_errmsg(s), "vista alias: 'B  GENT58' is the "
                                       "Erasmus code of another institution");
  assert_int_equal(vista_org_alias(s, "x", "B GENT58", NULL),
                   VISTA_ERR_INPUT);
  assert_non_null(strstr(vista_errmsg(s), "did you mean 'B  GENT58'?"));
}

static void test_org_alias_merges_the_school_without_its_code(void **state) {
  vista_session *s = *state;
  exec_ok(s, "INSERT INTO label(id, text) VALUES (1, 'V.T.I. Gent');"
             "INSERT INTO mobility(id, import_id, line, codes, sending_id,"
             " participants, sending_name_id) VALUES"
             " (1, 1, 2, 0, 4, 5, NULL), (2, 1, 3, 0, 4, 1, 1),"
             " (3, 1, 4, 0, 3, 2, NULL)");
  int64_t moved = -1;
  assert_int_equal(vista_org_alias(s, "vti gent", "B  GENT58", &moved),
                   VISTA_OK);
  assert_int_equal(moved, 2);
  assert_int_equal(query_int(s, "SELECT count(*) FROM institution"
                                " WHERE id = 4"),
                   0);
  assert_int_equal(query_int(s, "SELECT sum(participants) FROM mobility"
                                " WHERE sending_id = 3"),
                   8);
  /* Each record keeps the name its row gave. */
  assert_int_equal(query_int(s, "SELECT count(*) FROM mobility_view"
                                " WHERE sending_organisation = 'V.T.I. Gent'"),
                   1);
  assert_int_equal(query_int(s, "SELECT count(*) FROM mobility_view"
                                " WHERE sending_organisation = 'VTI Gent'"),
                   2);
  vista_org_match m;
  assert_int_equal(vista_org_lookup(s, "VTI Gent", NULL, NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 3);
}

static void count_pair(void *ud, int64_t without_id, const char *wn,
                       const char *wc, int64_t with_id, const char *code,
                       const char *name) {
  int *n = ud;
  (void)wn, (void)wc, (void)name;
  assert_int_equal(without_id, 4);
  assert_int_equal(with_id, 3);
  assert_string_equal(code, "B  GENT58");
  (*n)++;
}

static void test_org_duplicates_are_listed(void **state) {
  vista_session *s = *state;
  int n = 0;
  assert_int_equal(vista_org_duplicates(s, 0, count_pair, &n), VISTA_OK);
  assert_int_equal(n, 1);
  n = 0;
  assert_int_equal(vista_org_duplicates(s, 4, count_pair, &n), VISTA_OK);
  assert_int_equal(n, 0);
}

static void test_org_names_keep_their_key_on_update(void **state) {
  vista_session *s = *state;
  char path[600];
  const char *tmp = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/test_org_%d.csv", tmp ? tmp : "/tmp",
           (int)getpid());
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("erasmus_code,name,country,city\n"
        "B  GENT58,Vrij Technisch Instituut Gent,BE,Gent\n",
        f);
  fclose(f);
  vista_import_report r;
  assert_int_equal(vista_institution_import(s, path, NULL, NULL, &r),
                   VISTA_OK);
  remove(path);
  vista_org_match m;
  assert_int_equal(vista_org_lookup(s, "vrij technisch instituut GENT", NULL,
                                    NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 3);
  /* The old name now finds the school without a code alone. */
  assert_int_equal(vista_org_lookup(s, "VTI Gent", NULL, NULL, &m),
                   VISTA_OK);
  assert_int_equal(m.id, 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_org_fold_case_spacing_accents),
      cmocka_unit_test(test_org_key_identity),
      cmocka_unit_test(test_org_kind),
      cmocka_unit_test_setup_teardown(test_org_finds_by_code_exactly, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_org_finds_by_name_country_city,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(test_org_suggests_near_names, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_org_oid_pic_and_alias, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(
          test_org_alias_merges_the_school_without_its_code, setup, teardown),
      cmocka_unit_test_setup_teardown(test_org_duplicates_are_listed, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_org_names_keep_their_key_on_update,
                                      setup, teardown),
  };
  return cmocka_run_group_tests_name("org", tests, NULL, NULL);
}
