/* Unit tests of the JSON writer (core/json.c): escapes, UTF-8, numbers,
 * nesting, the outermost array one element per line, and its failures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "vista.h"

static int setup(void **state) {
  vista_json *j = malloc(sizeof *j);
  if (!j)
    return -1;
  vista_json_init(j, 0);
  *state = j;
  return 0;
}

static int teardown(void **state) {
  vista_json_free(*state);
  free(*state);
  return 0;
}

static const char *text(vista_json *j) {
  size_t len;
  const char *t = vista_json_text(j, &len);
  assert_int_equal(vista_json_status(j), VISTA_OK);
  assert_int_equal(strlen(t), len);
  return t;
}

/* The string s (n bytes) as the writer writes it. */
static const char *string_of(vista_json *j, const char *s, size_t n) {
  vista_json_free(j);
  vista_json_init(j, 0);
  vista_json_string(j, s, n);
  return text(j);
}

static const char *number_of(vista_json *j, double v) {
  vista_json_free(j);
  vista_json_init(j, 0);
  vista_json_number(j, v);
  return text(j);
}

static void test_json_escapes_quotes_backslashes_and_control_chars(
    void **state) {
  vista_json *j = *state;
  assert_string_equal(string_of(j, "a\"b\\c", 5), "\"a\\\"b\\\\c\"");
  assert_string_equal(string_of(j, "\n\r\t\b\f", 5), "\"\\n\\r\\t\\b\\f\"");
  assert_string_equal(string_of(j, "\x01\x1f", 2), "\"\\u0001\\u001f\"");
  assert_string_equal(string_of(j, "Va\0lencia", 9), "\"Va\\u0000lencia\"");
  assert_string_equal(string_of(j, "/\x7f", 2), "\"/\x7f\""); /* legal */
  assert_string_equal(string_of(j, "", 0), "\"\"");
}

static void test_json_keeps_valid_utf8_and_replaces_invalid_bytes(
    void **state) {
  vista_json *j = *state;
  const char *greek = "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1"; /* Αθήνα */
  assert_string_equal(string_of(j, greek, strlen(greek)),
                      "\"\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1\"");
  const char *emoji = "\xf0\x9f\x98\x80"; /* U+1F600 */
  assert_string_equal(string_of(j, emoji, 4), "\"\xf0\x9f\x98\x80\"");
  /* A lone continuation byte, a byte that starts nothing. */
  assert_string_equal(string_of(j, "a\x80z", 3), "\"a\\ufffdz\"");
  assert_string_equal(string_of(j, "\xff", 1), "\"\\ufffd\"");
  /* An overlong '/', a surrogate, past U+10FFFF, cut short at the end. */
  assert_string_equal(string_of(j, "\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");
  assert_string_equal(string_of(j, "\xed\xa0\x80", 3),
                      "\"\\ufffd\\ufffd\\ufffd\"");
  assert_string_equal(string_of(j, "\xf4\x90\x80\x80", 4),
                      "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
  assert_string_equal(string_of(j, "x\xe2\x82", 3), "\"x\\ufffd\\ufffd\"");
  /* Line and paragraph separators end a line in JavaScript. */
  assert_string_equal(string_of(j, "\xe2\x80\xa8\xe2\x80\xa9", 6),
                      "\"\\u2028\\u2029\"");
}

static void test_json_numbers_read_back_and_are_never_inf_or_nan(
    void **state) {
  vista_json *j = *state;
  assert_string_equal(number_of(j, 0.1), "0.1");
  assert_string_equal(number_of(j, 28.57), "28.57");
  assert_string_equal(number_of(j, 1.0 / 3), "0.3333333333333333");
  assert_string_equal(number_of(j, 28.571428571428573), "28.571428571428573");
  assert_string_equal(number_of(j, -0.0), "-0");
  assert_string_equal(number_of(j, 1e300), "1e+300");
  assert_string_equal(number_of(j, -1e-300), "-1e-300");
  assert_string_equal(number_of(j, 2.5), "2.5");
  assert_string_equal(number_of(j, HUGE_VAL), "null");
  assert_string_equal(number_of(j, -HUGE_VAL), "null");
  assert_string_equal(number_of(j, NAN), "null");
  /* Every number written reads back as itself. */
  double samples[] = {0.1 + 0.2, 1e-7, 123456789.123456789, 5e-324,
                      1.7976931348623157e308};
  for (size_t i = 0; i < sizeof samples / sizeof *samples; i++)
    assert_true(strtod(number_of(j, samples[i]), NULL) == samples[i]);
}

static void test_json_integers_keep_every_digit(void **state) {
  vista_json *j = *state;
  vista_json_begin_array(j);
  vista_json_int(j, ((int64_t)1 << 53) + 1);
  vista_json_int(j, INT64_MAX);
  vista_json_int(j, INT64_MIN);
  vista_json_int(j, 0);
  vista_json_end_array(j);
  assert_string_equal(text(j), "[9007199254740993,9223372036854775807,"
                               "-9223372036854775808,0]");
}

static void test_json_nests_with_commas_and_tells_empty_array_from_object(
    void **state) {
  vista_json *j = *state;
  vista_json_begin_object(j);
  vista_json_key(j, "cycles", 6);
  vista_json_begin_array(j);
  vista_json_end_array(j);
  vista_json_key(j, "found", 5);
  vista_json_begin_object(j);
  vista_json_end_object(j);
  vista_json_key(j, "rows", 4);
  vista_json_begin_array(j);
  vista_json_begin_object(j);
  vista_json_key(j, "a\"", 2);
  vista_json_null(j);
  vista_json_key(j, "b", 1);
  vista_json_bool(j, 1);
  vista_json_end_object(j);
  vista_json_bool(j, 0);
  vista_json_begin_array(j);
  vista_json_int(j, 1);
  vista_json_end_array(j);
  vista_json_end_array(j);
  vista_json_end_object(j);
  assert_string_equal(text(j), "{\"cycles\":[],\"found\":{},\"rows\":"
                               "[{\"a\\\"\":null,\"b\":true},false,[1]]}");
}

static void test_json_lines_puts_each_outer_element_on_a_line(void **state) {
  vista_json *j = *state;
  vista_json_free(j);
  vista_json_init(j, 1);
  vista_json_begin_array(j);
  vista_json_begin_object(j);
  vista_json_key(j, "id", 2);
  vista_json_int(j, 1);
  vista_json_end_object(j);
  vista_json_begin_array(j);
  vista_json_int(j, 2);
  vista_json_int(j, 3);
  vista_json_end_array(j);
  vista_json_end_array(j);
  assert_string_equal(text(j), "[\n{\"id\":1},\n[2,3]\n]");
  vista_json_free(j);
  vista_json_init(j, 1);
  vista_json_begin_array(j);
  vista_json_end_array(j);
  assert_string_equal(text(j), "[]");
}

static void test_json_refuses_nesting_past_the_limit(void **state) {
  vista_json *j = *state;
  for (int i = 0; i < VISTA_JSON_MAX_DEPTH; i++)
    vista_json_begin_array(j);
  assert_int_equal(vista_json_status(j), VISTA_OK);
  vista_json_begin_object(j);
  assert_int_equal(vista_json_status(j), VISTA_ERR_INPUT);
  assert_string_equal(vista_json_errmsg(j),
                      "JSON nested deeper than 200 arrays and objects");
  /* Nothing more is written once it failed. */
  size_t len;
  vista_json_text(j, &len);
  vista_json_int(j, 1);
  size_t after;
  vista_json_text(j, &after);
  assert_int_equal(len, after);
}

static void test_json_write_streams_and_reports_a_failed_write(void **state) {
  vista_json *j = *state;
  FILE *f = tmpfile();
  assert_non_null(f);
  vista_json_begin_array(j);
  vista_json_string(j, "a", 1);
  assert_int_equal(vista_json_write(j, f), VISTA_OK);
  size_t len;
  vista_json_text(j, &len);
  assert_int_equal(len, 0); /* written out, the buffer is empty again */
  vista_json_string(j, "b", 1);
  vista_json_end_array(j);
  assert_int_equal(vista_json_write(j, f), VISTA_OK);
  rewind(f);
  char back[32] = {0};
  assert_int_equal(fread(back, 1, sizeof back - 1, f), 9);
  assert_string_equal(back, "[\"a\",\"b\"]");
  fclose(f);

  FILE *ro = fopen("/dev/null", "r"); /* a stream that cannot be written */
  assert_non_null(ro);
  vista_json_null(j);
  assert_int_equal(vista_json_write(j, ro), VISTA_ERR_IO);
  assert_string_equal(vista_json_errmsg(j), "cannot write the JSON");
  fclose(ro);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(
          test_json_escapes_quotes_backslashes_and_control_chars, setup,
          teardown),
      cmocka_unit_test_setup_teardown(
          test_json_keeps_valid_utf8_and_replaces_invalid_bytes, setup,
          teardown),
      cmocka_unit_test_setup_teardown(
          test_json_numbers_read_back_and_are_never_inf_or_nan, setup,
          teardown),
      cmocka_unit_test_setup_teardown(test_json_integers_keep_every_digit,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_json_nests_with_commas_and_tells_empty_array_from_object,
          setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_json_lines_puts_each_outer_element_on_a_line, setup, teardown),
      cmocka_unit_test_setup_teardown(test_json_refuses_nesting_past_the_limit,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(
          test_json_write_streams_and_reports_a_failed_write, setup,
          teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
