/* fuzz_csv.c: the CSV reader (core/csv.c). The input is a file's
 * contents, read twice: on the fast path (lines without quotes split in one
 * pass) and through libcsv alone. The two must agree on every record
 * (fields, lines, UTF-8 verdicts, raw bytes) and on every malformed line,
 * and every malformed line must carry a reason. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "fuzz_common.h"

/* What one read saw, flattened into one byte string to compare. */
typedef struct trace {
  char *p;
  size_t len, cap;
} trace;

static void put(trace *t, const void *p, size_t n) {
  if (t->len + n > t->cap) {
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + n)
      cap *= 2;
    char *np = realloc(t->p, cap);
    if (!np)
      fuzz_fail("out of memory");
    t->p = np;
    t->cap = cap;
  }
  memcpy(t->p + t->len, p, n);
  t->len += n;
}

static void put_u64(trace *t, uint64_t v) { put(t, &v, sizeof v); }

static int on_row(void *ud, const vista_csv_row *row) {
  trace *t = ud;
  fuzz_say("row line %lld index %lld fields %zu bad %zu raw %zu",
           (long long)row->line, (long long)row->index, row->nfields,
           row->bad_text, row->raw_len);
  put(t, "R", 1);
  put_u64(t, (uint64_t)row->line);
  put_u64(t, (uint64_t)row->index);
  put_u64(t, row->nfields);
  put_u64(t, row->bad_text);
  if (row->bad_text)
    put(t, row->bad_text_why, strlen(row->bad_text_why));
  put(t, &row->delim, 1);
  for (size_t i = 0; i < row->nfields; i++) {
    if (row->fields[i][row->lens[i]] != '\0')
      fuzz_fail("line %lld: field %zu is not NUL-terminated",
                (long long)row->line, i + 1);
    put_u64(t, row->lens[i]);
    put(t, row->fields[i], row->lens[i]);
  }
  put_u64(t, row->raw_len);
  if (row->raw)
    put(t, row->raw, row->raw_len);
  return VISTA_OK;
}

static int on_bad(void *ud, int64_t line, size_t field, const char *reason,
                  const char *raw, size_t raw_len) {
  trace *t = ud;
  fuzz_check_message("malformed", reason);
  fuzz_say("malformed line %lld field %zu: %s (raw %zu)", (long long)line,
           field, reason, raw_len);
  put(t, "B", 1);
  put_u64(t, (uint64_t)line);
  put_u64(t, field);
  put(t, reason, strlen(reason));
  put_u64(t, raw_len);
  if (raw)
    put(t, raw, raw_len);
  return VISTA_OK;
}

static int read_once(vista_session *s, const char *path, int libcsv_only,
                     trace *t) {
  vista_csv_options o = {.keep_raw = 1, .libcsv_only = libcsv_only};
  int rc = vista_csv_read(s, path, &o, on_row, on_bad, t);
  put_u64(t, (uint64_t)rc);
  fuzz_say("%s: status %d", libcsv_only ? "libcsv" : "fast path", rc);
  if (rc != VISTA_OK) {
    fuzz_check_message("read", vista_errmsg(s));
    put(t, vista_errmsg(s), strlen(vista_errmsg(s)));
  }
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_write_file(data, size, ".csv");
  vista_session *s = NULL;
  if (vista_session_new(&s, ":memory:") != VISTA_OK)
    fuzz_fail("out of memory");
  trace fast = {0}, slow = {0};
  read_once(s, path, 0, &fast);
  read_once(s, path, 1, &slow);
  if (fast.len != slow.len || memcmp(fast.p, slow.p, fast.len) != 0)
    fuzz_fail("the fast path and libcsv read the file differently");
  free(fast.p);
  free(slow.p);
  vista_session_free(s);
  return 0;
}
