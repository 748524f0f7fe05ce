/* Unit tests of the small-cell rules (core/suppress.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "suppress.h"

enum { LEARNERS, FEMALE, FEWER, AGE_N, AGE_SUM, COUNTRIES, N };

static const sup_column cols[N] = {
    {"learners", SUP_COUNT, -1, 0}, {"female", SUP_SHARE, LEARNERS, 0},
    {"fewer", SUP_SHARE, LEARNERS, 1}, {"age_n", SUP_COUNT, -1, 0},
    {"age_sum", SUP_MEAN, AGE_N, 0},   {"countries", SUP_NONE, -1, 0},
};

static void test_counts_under_k_are_hidden_and_zero_is_shown(void **state) {
  (void)state;
  unsigned char h[N];
  int64_t small[N] = {4, 0, 0, 4, 70, 2};
  sup_row(cols, N, small, 1, 5, h);
  assert_int_equal(h[LEARNERS], SUP_SMALL);
  assert_int_equal(h[AGE_N], SUP_SMALL);
  assert_int_equal(h[COUNTRIES], SUP_SHOWN); /* not people */
  assert_int_equal(h[FEMALE], SUP_OTHER);    /* its base is hidden */
  int64_t k3[N] = {3, 0, 0, 3, 50, 1};
  sup_row(cols, N, k3, 1, 3, h);
  assert_int_equal(h[LEARNERS], SUP_SHOWN); /* k = 3: 3 is shown */
}

static void test_share_needs_a_base_of_23_and_a_large_complement(void **state) {
  (void)state;
  unsigned char h[N];
  int64_t v22[N] = {22, 11, 0, 22, 400, 3};
  sup_row(cols, N, v22, 1, 5, h);
  assert_int_equal(h[LEARNERS], SUP_SHOWN);
  assert_int_equal(h[FEMALE], SUP_OTHER); /* 11 of 22: no percentage */
  int64_t v23[N] = {23, 11, 0, 23, 400, 3};
  sup_row(cols, N, v23, 1, 5, h);
  assert_int_equal(h[FEMALE], SUP_SHOWN);
  int64_t nearly_all[N] = {100, 97, 0, 100, 1800, 3};
  sup_row(cols, N, nearly_all, 1, 5, h);
  assert_int_equal(h[FEMALE], SUP_OTHER); /* 3 men would be given away */
  int64_t few[N] = {100, 4, 0, 100, 1800, 3};
  sup_row(cols, N, few, 1, 5, h);
  assert_int_equal(h[FEMALE], SUP_SMALL);
}

static void test_mean_needs_8(void **state) {
  (void)state;
  unsigned char h[N];
  int64_t seven[N] = {30, 15, 6, 7, 126, 3};
  sup_row(cols, N, seven, 1, 5, h);
  assert_int_equal(h[AGE_SUM], SUP_OTHER);
  int64_t eight[N] = {30, 15, 6, 8, 144, 3};
  sup_row(cols, N, eight, 1, 5, h);
  assert_int_equal(h[AGE_SUM], SUP_SHOWN);
}

static void test_exact_for_the_owner_and_protected_when_published(
    void **state) {
  (void)state;
  unsigned char h[N];
  int64_t v[N] = {3, 2, 2, 3, 54, 1};
  sup_row(cols, N, v, 0, 5, h); /* the data owner's own: exact figures */
  for (int c = 0; c < N; c++)
    assert_int_equal(h[c], SUP_SHOWN); /* special categories included */
  sup_row(cols, N, v, 1, 5, h); /* published or scoped: protected */
  assert_int_equal(h[LEARNERS], SUP_SMALL);
  assert_int_equal(h[FEWER], SUP_SMALL);
  int64_t w[N] = {196, 112, 40, 196, 3528, 15};
  sup_row(cols, N, w, 1, 5, h);
  for (int c = 0; c < N; c++)
    assert_int_equal(h[c], SUP_SHOWN); /* the ErasDu consortium */
}

static void test_total_is_hidden_when_it_gives_a_cell_away(void **state) {
  (void)state;
  /* One column of three rows: the total minus the shown rows would be the
   * hidden cell. */
  int64_t rows[3] = {3, 40, 50};
  unsigned char hid[3] = {SUP_SMALL, 0, 0};
  assert_false(sup_total_shown(0, 1, rows, hid, 3, 5));
  /* Two hidden adding to 5 or more: the total may be shown... */
  int64_t two[3] = {3, 4, 50};
  unsigned char hid2[3] = {SUP_SMALL, SUP_SMALL, 0};
  assert_true(sup_total_shown(0, 1, two, hid2, 3, 5));
  /* ...unless they add to under k, or all sit at 1 or at k-1. */
  int64_t low[3] = {1, 2, 50};
  assert_false(sup_total_shown(0, 1, low, hid2, 3, 5));
  int64_t ones[4] = {1, 1, 1, 1};
  unsigned char hid4[4] = {SUP_SMALL, SUP_SMALL, SUP_SMALL, SUP_SMALL};
  assert_false(sup_total_shown(0, 1, ones, hid4, 4, 5)); /* 4 staff */
  int64_t fours[2] = {4, 4};
  assert_false(sup_total_shown(0, 1, fours, hid4, 2, 5));
  int64_t mixed[2] = {4, 4};
  unsigned char hidm[2] = {SUP_SMALL, SUP_OTHER};
  assert_true(sup_total_shown(0, 1, mixed, hidm, 2, 5));
  unsigned char none[3] = {0, 0, 0};
  assert_true(sup_total_shown(0, 1, rows, none, 3, 5));
}

/* A share or a mean over a base hidden for another reason than its size
 * is hidden too; one without a base stands alone. */
static void test_a_hidden_base_hides_what_divides_by_it(void **state) {
  (void)state;
  enum { ALL, PART, PART_OF_PART, MEAN_OF_PART, LONE_SHARE, LONE_MEAN, M };
  static const sup_column c[M] = {
      {"all", SUP_COUNT, -1, 0},          {"part", SUP_SHARE, ALL, 0},
      {"part_of_part", SUP_SHARE, PART, 0}, {"mean", SUP_MEAN, PART, 0},
      {"lone_share", SUP_SHARE, -1, 0},   {"lone_mean", SUP_MEAN, -1, 0}};
  unsigned char h[M];
  /* 97 of 100: the complement 3 hides part, though 97 is large. */
  int64_t v[M] = {100, 97, 50, 2000, 30, 1};
  sup_row(c, M, v, 1, 5, h);
  assert_int_equal(h[PART], SUP_OTHER);
  assert_int_equal(h[PART_OF_PART], SUP_OTHER);
  assert_int_equal(h[MEAN_OF_PART], SUP_OTHER);
  assert_int_equal(h[LONE_SHARE], SUP_SHOWN);
  assert_int_equal(h[LONE_MEAN], SUP_SHOWN);
  int64_t w[M] = {100, 50, 25, 1000, 3, 1};
  sup_row(c, M, w, 1, 5, h);
  assert_int_equal(h[PART], SUP_SHOWN);
  assert_int_equal(h[PART_OF_PART], SUP_SHOWN);
  assert_int_equal(h[MEAN_OF_PART], SUP_SHOWN);
  assert_int_equal(h[LONE_SHARE], SUP_SMALL);
}

/* Each edge of a share from both sides: its count 1 / k-1 / k, its
 * complement 0 / k-1 / k. */
static void test_share_edges(void **state) {
  (void)state;
  unsigned char h[N];
  int64_t one[N] = {100, 1, 0, 100, 1800, 3};
  sup_row(cols, N, one, 1, 5, h);
  assert_int_equal(h[FEMALE], SUP_SMALL);
  int64_t k[N] = {100, 5, 0, 100, 1800, 3};
  sup_row(cols, N, k, 1, 5, h);
  assert_int_equal(h[FEMALE], SUP_SHOWN);
  int64_t all[N] = {100, 100, 0, 100, 1800, 3}; /* complement 0: a true zero */
  sup_row(cols, N, all, 1, 5, h);
  assert_int_equal(h[FEMALE], SUP_SHOWN);
  int64_t comp4[N] = {100, 96, 0, 100, 1800, 3};
  sup_row(cols, N, comp4, 1, 5, h);
  assert_int_equal(h[FEMALE], SUP_OTHER);
  int64_t comp5[N] = {100, 95, 0, 100, 1800, 3};
  sup_row(cols, N, comp5, 1, 5, h);
  assert_int_equal(h[FEMALE], SUP_SHOWN);
  int64_t comp1[N] = {100, 99, 0, 100, 1800, 3};
  sup_row(cols, N, comp1, 1, 5, h);
  assert_int_equal(h[FEMALE], SUP_OTHER);
}

/* A mean or a share whose base is the first column. */
static void test_base_in_the_first_column(void **state) {
  (void)state;
  static const sup_column c[3] = {{"n", SUP_COUNT, -1, 0},
                                  {"sum", SUP_MEAN, 0, 0},
                                  {"part", SUP_SHARE, 0, 0}};
  unsigned char h[3];
  int64_t seven[3] = {7, 126, 0};
  sup_row(c, 3, seven, 1, 5, h);
  assert_int_equal(h[1], SUP_OTHER);
  assert_int_equal(h[2], SUP_OTHER);
  int64_t many[3] = {30, 540, 15};
  sup_row(c, 3, many, 1, 5, h);
  assert_int_equal(h[1], SUP_SHOWN);
  assert_int_equal(h[2], SUP_SHOWN);
}

/* Small hidden cells that are neither all 1 nor all k-1 may stand beside
 * their total: 1 and 4 could be 2 and 3. */
static void test_mixed_small_cells_keep_their_total(void **state) {
  (void)state;
  int64_t rows[3] = {1, 4, 50};
  unsigned char hid[3] = {SUP_SMALL, SUP_SMALL, 0};
  assert_true(sup_total_shown(0, 1, rows, hid, 3, 5));
  int64_t threes[3] = {2, 2, 2}; /* 6 = 3 x 2: neither all 1 nor all 4 */
  unsigned char hid3[3] = {SUP_SMALL, SUP_SMALL, SUP_SMALL};
  assert_true(sup_total_shown(0, 1, threes, hid3, 3, 5));
  int64_t k3[2] = {2, 2}; /* k = 3: all at k-1 */
  assert_false(sup_total_shown(0, 1, k3, hid3, 2, 3));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_a_hidden_base_hides_what_divides_by_it),
      cmocka_unit_test(test_share_edges),
      cmocka_unit_test(test_base_in_the_first_column),
      cmocka_unit_test(test_mixed_small_cells_keep_their_total),
      cmocka_unit_test(test_counts_under_k_are_hidden_and_zero_is_shown),
      cmocka_unit_test(test_share_needs_a_base_of_23_and_a_large_complement),
      cmocka_unit_test(test_mean_needs_8),
      cmocka_unit_test(test_exact_for_the_owner_and_protected_when_published),
      cmocka_unit_test(test_total_is_hidden_when_it_gives_a_cell_away),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
