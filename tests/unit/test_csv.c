/* Unit tests of the CSV reader and the institution import built on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_reader.h"
#include "internal.h"

static char path[512];

typedef struct seen {
  int n;
  int64_t lines[16];
  char first[16][64];
  size_t nfields[16];
  size_t bad_text[16];
  char last_field[16][64];
  int bad;
  int64_t bad_line;
} seen;

static int collect(void *ud, const vista_csv_row *row) {
  seen *s = ud;
  if (s->n < 16) {
    s->lines[s->n] = row->line;
    snprintf(s->first[s->n], 64, "%s", row->nfields ? row->fields[0] : "");
    snprintf(s->last_field[s->n], 64, "%s",
             row->nfields ? row->fields[row->nfields - 1] : "");
    s->nfields[s->n] = row->nfields;
    s->bad_text[s->n] = row->bad_text;
  }
  s->n++;
  return VISTA_OK;
}

static int collect_bad(void *ud, int64_t line, size_t field,
                       const char *reason, const char *raw, size_t raw_len) {
  seen *s = ud;
  (void)field, (void)reason, (void)raw, (void)raw_len;
  s->bad++;
  s->bad_line = line;
  return VISTA_OK;
}

static void write_file(const char *text, size_t len) {
  const char *tmp = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/test_csv_%d.csv", tmp ? tmp : "/tmp",
           (int)getpid());
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, len, f), len);
  fclose(f);
}

#define WRITE(lit) write_file(lit, sizeof lit - 1)

static vista_session *memory_session(void) {
  vista_session *s;
  assert_int_equal(vista_session_new(&s, ":memory:"), VISTA_OK);
  assert_int_equal(vista_store_open(s), VISTA_OK);
  return s;
}

static void test_csv_tracks_lines_across_bom_crlf_and_quoted_newlines(void **st) {
  (void)st;
  WRITE("\xEF\xBB\xBF"
        "a;b;c\r\n"
        "1;\"two\r\nlines\";3\r\n"
        "\r\n"
        "4;\"x;\"\"y\"\"\";6\r\n"
        "7;8;9");
  vista_session *s = memory_session();
  seen got = {0};
  assert_int_equal(vista_csv_read(s, path, NULL, collect, collect_bad, &got),
                   VISTA_OK);
  assert_int_equal(got.n, 4);
  assert_string_equal(got.first[0], "a"); /* the BOM is not part of it */
  assert_int_equal(got.lines[0], 1);
  assert_int_equal(got.lines[1], 2);
  assert_int_equal(got.lines[2], 5); /* after a two-line record and a blank */
  assert_int_equal(got.lines[3], 6);
  assert_int_equal(got.nfields[2], 3);
  assert_string_equal(got.last_field[3], "9");
  vista_session_free(s);
}

/* Lines without quotes take a fast path around libcsv: they must split
 * exactly as libcsv splits the same fields when a quote sends them through
 * it (spaces around unquoted fields dropped, empty fields kept). */
static void test_csv_fast_path_splits_as_libcsv_does(void **st) {
  (void)st;
  const char *plain = "h1;h2;h3;h4\n  a ;\tb\t;;d  \n   \n";
  const char *quoted = "h1;h2;h3;h4\n  a ;\tb\t;;\"d\"  \n   \n";
  vista_session *s = memory_session();
  for (int k = 0; k < 2; k++) {
    write_file(k ? quoted : plain, strlen(k ? quoted : plain));
    seen got = {0};
    assert_int_equal(vista_csv_read(s, path, NULL, collect, collect_bad, &got),
                     VISTA_OK);
    assert_int_equal(got.n, 2);
    assert_int_equal(got.nfields[1], 4);
    assert_string_equal(got.first[1], "a");
    assert_string_equal(got.last_field[1], "d");
    assert_int_equal(got.lines[1], 2);
  }
  vista_session_free(s);
}

/* Everything a read reports, in order, as bytes: to compare two reads. */
typedef struct transcript {
  char *buf;
  size_t len, cap;
} transcript;

static void put(transcript *t, const void *p, size_t n) {
  if (!n)
    return;
  if (t->len + n > t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 4096;
    while (cap < t->len + n)
      cap *= 2;
    t->buf = realloc(t->buf, cap);
    assert_non_null(t->buf);
    t->cap = cap;
  }
  memcpy(t->buf + t->len, p, n);
  t->len += n;
}

static void put_text(transcript *t, const char *p, size_t n) {
  char head[32];
  int k = snprintf(head, sizeof head, "[%zu]", n);
  put(t, head, (size_t)k);
  put(t, p, n);
}

static int record_row(void *ud, const vista_csv_row *row) {
  transcript *t = ud;
  char head[160];
  int k = snprintf(head, sizeof head, "row %lld #%lld text %zu %s fields %zu:",
                   (long long)row->line, (long long)row->index, row->bad_text,
                   row->bad_text ? row->bad_text_why : "ok", row->nfields);
  put(t, head, (size_t)k);
  for (size_t i = 0; i < row->nfields; i++) {
    assert_int_equal(strlen(row->fields[i]) <= row->lens[i], 1);
    put_text(t, row->fields[i], row->lens[i]);
  }
  put_text(t, row->raw, row->raw_len);
  put(t, "\n", 1);
  return VISTA_OK;
}

static int record_bad(void *ud, int64_t line, size_t field,
                      const char *reason, const char *raw, size_t raw_len) {
  transcript *t = ud;
  char head[160];
  int k = snprintf(head, sizeof head, "bad %lld field %zu %s:",
                   (long long)line, field, reason);
  put(t, head, (size_t)k);
  put_text(t, raw, raw_len);
  put(t, "\n", 1);
  return VISTA_OK;
}

static unsigned next_random(unsigned *seed) {
  *seed = *seed * 1103515245u + 12345u;
  return *seed >> 16;
}

/* A field as CSV is written in the wild: mostly well-formed (plain or
 * quoted, spaces around, delimiters, doubled quotes and line ends inside
 * quotes), sometimes broken (stray quotes, text after the closing quote,
 * bytes that are no UTF-8). */
static void random_field(transcript *f, unsigned *seed, char delim) {
  static const char *const bits[] = {
      "a", "bc", " ", "\t", "\xC3\xA9", "x y", "1", "\"\"", ";", ",", "\n",
      "\r\n", "\xFF", "'", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xC0\x80",
      "\xED\xA0\x80", "\x80", "\xE2\x82", "\xF4\x90\x80\x80", "\x01",
      "\x1B", "\x7F", "\""};
  /* Plain text may hold any of the bits but quotes, delimiters and line
   * ends: the first seven, UTF-8 good and bad (from 14 on) and control
   * characters (21 on). */
  static const int plain[] = {0,  1,  2,  3,  4,  5,  6,  14, 15,
                              16, 17, 18, 19, 20, 21, 22, 23};
  static const char *const pads[] = {"", "", "", " ", "\t", "  "};
  int kind = (int)(next_random(seed) % 10);
  const char *pad = pads[next_random(seed) % 6];
  put(f, pad, strlen(pad));
  /* Now and then a long field, so that lines span several 64-byte blocks
   * and some pass the length the reader scans in blocks. */
  int n = next_random(seed) % 16 == 0 ? 20 + (int)(next_random(seed) % 1500)
                                      : (int)(next_random(seed) % 6);
  if (kind < 4) { /* plain: no quote, no delimiter, no line end */
    for (int i = 0; i < n; i++) {
      const char *b = bits[plain[next_random(seed) % 17]];
      put(f, b, strlen(b));
    }
  } else if (kind < 9) { /* quoted, anything inside but a lone quote */
    put(f, "\"", 1);
    for (int i = 0; i < n; i++) {
      unsigned r = next_random(seed) % 24;
      const char *b = bits[r];
      if (r == 8 || r == 9)
        put(f, &delim, 1);
      else
        put(f, b, strlen(b));
    }
    put(f, "\"", 1);
    if (next_random(seed) % 12 == 0)
      put(f, "x", 1); /* text after the closing quote */
  } else { /* chaos */
    for (int i = 0; i < n; i++) {
      const char *b = bits[next_random(seed) % 22];
      put(f, b, strlen(b));
    }
    if (next_random(seed) % 3 == 0)
      put(f, "\"", 1);
  }
  pad = pads[next_random(seed) % 6];
  put(f, pad, strlen(pad));
}

/* The fast path must report exactly what libcsv reports for the same
 * bytes: every record, field, line, UTF-8 verdict, raw text and error. */
static void test_csv_fast_path_equals_libcsv_on_random_files(void **st) {
  (void)st;
  vista_session *s = memory_session();
  unsigned seed = 20261123;
  for (int file = 0; file < 1000; file++) {
    transcript text = {0};
    char delim = file % 3 == 0 ? ',' : ';';
    int lines = 1 + (int)(next_random(&seed) % 25);
    for (int l = 0; l < lines; l++) {
      int fields = 1 + (int)(next_random(&seed) % 6);
      for (int k = 0; k < fields; k++) {
        if (k)
          put(&text, &delim, 1);
        random_field(&text, &seed, delim);
      }
      unsigned end = next_random(&seed) % 8;
      if (l + 1 < lines || end < 6)
        put(&text, end == 0 ? "\r\n" : "\n", end == 0 ? 2 : 1);
    }
    write_file(text.buf, text.len);
    transcript got[2] = {{0}, {0}};
    for (int mode = 0; mode < 2; mode++) {
      vista_csv_options o = {.delim = delim, .keep_raw = 1,
                             .libcsv_only = mode};
      int rc = vista_csv_read(s, path, &o, record_row, record_bad, &got[mode]);
      char tail[600];
      int k = snprintf(tail, sizeof tail, "rc %d %s", rc,
                       rc == VISTA_OK ? "" : vista_errmsg(s));
      put(&got[mode], tail, (size_t)k);
    }
    if (got[0].len != got[1].len ||
        memcmp(got[0].buf, got[1].buf, got[0].len) != 0) {
      fprintf(stderr, "file %d differs:\n--- input\n%.*s\n--- fast path\n%.*s"
                      "\n--- libcsv\n%.*s\n",
              file, (int)text.len, text.buf, (int)got[0].len, got[0].buf,
              (int)got[1].len, got[1].buf);
      fail();
    }
    free(text.buf);
    free(got[0].buf);
    free(got[1].buf);
  }
  vista_session_free(s);
}

/* Found by the fuzzer (tests/fuzz/regressions/csv): a bare CR ends a
 * record inside libcsv and the quote after it opens a field that runs on
 * into the next line, which the fast path must then leave to libcsv. */
static void test_csv_fast_path_waits_for_a_field_libcsv_holds(void **st) {
  (void)st;
  vista_session *s = memory_session();
  write_file("y\r\"\na", 5);
  transcript got[2] = {{0}, {0}};
  for (int mode = 0; mode < 2; mode++) {
    vista_csv_options o = {.delim = ',', .keep_raw = 1, .libcsv_only = mode};
    assert_int_equal(
        vista_csv_read(s, path, &o, record_row, record_bad, &got[mode]),
        VISTA_OK);
  }
  assert_int_equal(got[0].len, got[1].len);
  assert_memory_equal(got[0].buf, got[1].buf, got[0].len);
  free(got[0].buf);
  free(got[1].buf);
  vista_session_free(s);
}

static void test_csv_detects_the_delimiter(void **st) {
  (void)st;
  WRITE("\"Name, full\",Country\nA,BE\n");
  vista_session *s = memory_session();
  seen got = {0};
  assert_int_equal(vista_csv_read(s, path, NULL, collect, NULL, &got), VISTA_OK);
  assert_int_equal(got.nfields[0], 2);
  assert_string_equal(got.first[0], "Name, full");
  vista_session_free(s);
}

static void test_csv_flags_invalid_utf8(void **st) {
  (void)st;
  WRITE("a,b\nok,caf\xE9\n");
  vista_session *s = memory_session();
  seen got = {0};
  assert_int_equal(vista_csv_read(s, path, NULL, collect, NULL, &got), VISTA_OK);
  assert_int_equal(got.bad_text[0], 0);
  assert_int_equal(got.bad_text[1], 2);
  vista_session_free(s);
}

/* A NUL or another control character is not text, on the fast path and
 * through libcsv alike; a tab and a line end inside quotes are. */
static void test_csv_flags_control_characters(void **st) {
  (void)st;
  WRITE("a,b\nok,Va\0lencia\nok,\"two\nlines\x1B\"\nt\tab,\"two\r\nlines\"\n");
  vista_session *s = memory_session();
  for (int mode = 0; mode < 2; mode++) {
    seen got = {0};
    vista_csv_options o = {.libcsv_only = mode};
    assert_int_equal(vista_csv_read(s, path, &o, collect, NULL, &got),
                     VISTA_OK);
    assert_int_equal(got.n, 4);
    assert_int_equal(got.bad_text[0], 0);
    assert_int_equal(got.bad_text[1], 2);
    assert_int_equal(got.bad_text[2], 2);
    assert_int_equal(got.bad_text[3], 0);
  }
  char why[48];
  assert_int_equal(vista_text_invalid("ab\x7F", 3, why), 3);
  assert_string_equal(why, "holds a control character (0x7F): not text");
  assert_int_equal(vista_text_invalid("caf\xE9", 4, why), 4);
  assert_string_equal(why, "is not valid UTF-8");
  assert_int_equal(vista_text_invalid("a\tb\r\n", 5, why), 0);
  vista_session_free(s);
}

static void test_csv_reports_a_quote_that_never_closes(void **st) {
  (void)st;
  WRITE("a,b\n1,2\n3,\"open\n4,5\n");
  vista_session *s = memory_session();
  seen got = {0};
  assert_int_equal(vista_csv_read(s, path, NULL, collect, NULL, &got),
                   VISTA_ERR_INPUT);
  assert_non_null(strstr(vista_errmsg(s), ":3:2: malformed CSV: a quoted "
                                          "field is never "
                                          "closed"));
  assert_int_equal(got.n, 2);
  vista_session_free(s);
}

static void test_csv_missing_file_names_it(void **st) {
  (void)st;
  vista_session *s = memory_session();
  seen got = {0};
  assert_int_equal(vista_csv_read(s, "/nonexistent/x.csv", NULL, collect, NULL,
                                  &got),
                   VISTA_ERR_IO);
  assert_string_equal(vista_errmsg(s),
                      "/nonexistent/x.csv: No such file or directory");
  vista_session_free(s);
}

static void test_utf8_validation(void **st) {
  (void)st;
  assert_int_equal(vista_utf8_invalid("Αθήνα", strlen("Αθήνα")), 0);
  assert_int_equal(vista_utf8_invalid("a\xC0\xAF", 3), 2); /* overlong */
  assert_int_equal(vista_utf8_invalid("\xED\xA0\x80", 3), 1); /* surrogate */
  assert_int_equal(vista_utf8_invalid("ab\xE2\x82", 4), 3); /* truncated */
}

static void test_nearest_name_suggests_typos_only(void **st) {
  (void)st;
  const char *names[] = {"erasmus_code", "name", "country", "city"};
  assert_string_equal(vista_nearest_name("Contry", names, 4), "country");
  assert_string_equal(vista_nearest_name("CITY", names, 4), "city");
  assert_null(vista_nearest_name("budget", names, 4));
}

static int64_t count(vista_session *s, const char *sql) {
  sqlite3_stmt *q;
  int64_t n = -1;
  assert_int_equal(sqlite3_prepare_v2(vista_store_db(s), sql, -1, &q, NULL),
                   SQLITE_OK);
  if (sqlite3_step(q) == SQLITE_ROW)
    n = sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return n;
}

static void note_reject(void *ud, const char *msg) {
  char *last = ud;
  snprintf(last, 256, "%s", msg);
}

static void test_institution_import_stores_and_rejects(void **st) {
  (void)st;
  WRITE("Erasmus Code;Organisation Name;Country Code;City\n"
        "B  GENT25;Sint-Lucas;be;Gent\n"
        "-;No Code School;DE;\n"
        ";Empty Code School;FR;Lyon\n"
        "X  BAD;Bad Country;Belgium;X\n"
        "B  GENT25;Sint-Lucas Gent;BE;\n"
        "too;few\n");
  vista_session *s = memory_session();
  vista_import_report r;
  char last[256] = "";
  assert_int_equal(vista_institution_import(s, path, note_reject, last, &r),
                   VISTA_OK);
  assert_int_equal(r.rows_read, 6);
  assert_int_equal(r.rows_stored, 4);
  assert_int_equal(r.rows_rejected, 2);
  assert_non_null(strstr(last, ":7: expected 4 fields"));
  assert_int_equal(count(s, "SELECT count(*) FROM institution"), 3);
  assert_int_equal(count(s, "SELECT count(*) FROM institution"
                            " WHERE erasmus_code IS NULL"),
                   2);
  /* The second row for GENT25 updated the name and kept the city. */
  assert_int_equal(count(s, "SELECT count(*) FROM institution WHERE"
                            " name = 'Sint-Lucas Gent' AND city = 'Gent'"
                            " AND country = 'BE'"),
                   1);
  assert_int_equal(count(s, "SELECT count(*) FROM import_reject"), 2);
  assert_int_equal(count(s, "SELECT line FROM import_reject WHERE field = 3"),
                   5);
  vista_session_free(s);
}

static void test_institution_import_unknown_column_stores_nothing(void **st) {
  (void)st;
  WRITE("name,contry\nA,BE\n");
  vista_session *s = memory_session();
  vista_import_report r;
  assert_int_equal(vista_institution_import(s, path, NULL, NULL, &r),
                   VISTA_ERR_INPUT);
  assert_non_null(strstr(vista_errmsg(s), ":1:2: unknown column 'contry' "
                                          "(did you mean country?)"));
  assert_int_equal(count(s, "SELECT count(*) FROM import_log"), 0);
  assert_int_equal(count(s, "SELECT count(*) FROM institution"), 0);
  vista_session_free(s);
}

static int cleanup(void **state) {
  (void)state;
  remove(path);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(
          test_csv_tracks_lines_across_bom_crlf_and_quoted_newlines, cleanup),
      cmocka_unit_test_teardown(test_csv_detects_the_delimiter, cleanup),
      cmocka_unit_test_teardown(test_csv_fast_path_splits_as_libcsv_does,
                                cleanup),
      cmocka_unit_test_teardown(
          test_csv_fast_path_equals_libcsv_on_random_files, cleanup),
      cmocka_unit_test_teardown(
          test_csv_fast_path_waits_for_a_field_libcsv_holds, cleanup),
      cmocka_unit_test_teardown(test_csv_flags_invalid_utf8, cleanup),
      cmocka_unit_test_teardown(test_csv_flags_control_characters, cleanup),
      cmocka_unit_test_teardown(test_csv_reports_a_quote_that_never_closes,
                                cleanup),
      cmocka_unit_test(test_csv_missing_file_names_it),
      cmocka_unit_test(test_utf8_validation),
      cmocka_unit_test(test_nearest_name_suggests_typos_only),
      cmocka_unit_test_teardown(test_institution_import_stores_and_rejects,
                                cleanup),
      cmocka_unit_test_teardown(
          test_institution_import_unknown_column_stores_nothing, cleanup),
  };
  return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
