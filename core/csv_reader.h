/* csv_reader.h: reading CSV through libcsv, record by record, with the file name and
 * the physical line of each record, so every data error can say
 * "file:line:column: reason". */
#ifndef VISTA_CSV_READER_H
#define VISTA_CSV_READER_H

#include <stddef.h>
#include <stdint.h>

#include "vista.h"

typedef struct vista_csv_row {
  const char *file;    /* as given to vista_csv_read() */
  int64_t line;        /* physical line where the record starts (1-based) */
  int64_t index;       /* record number: 0 is the first (the header) */
  size_t nfields;
  const char **fields; /* NUL-terminated, borrowed for the callback only */
  const size_t *lens;
  size_t bad_utf8;     /* 0, or the 1-based field that is not valid UTF-8 */
} vista_csv_row;

/* Called once per record. Return VISTA_OK to go on; any other status stops
 * the read and is returned by vista_csv_read() (the callback sets the
 * session's message). */
typedef int (*vista_csv_row_fn)(void *ud, const vista_csv_row *row);

/* Reads path (a UTF-8 BOM is skipped; LF or CRLF line ends; quoted fields may
 * hold delimiters, doubled quotes and newlines). delim 0 detects it from the
 * first line among , ; TAB and |. A record that is not well-formed CSV is
 * passed to on_malformed with its line and reason (or stops the read when
 * on_malformed is NULL) and the read goes on at the next line. */
typedef int (*vista_csv_bad_fn)(void *ud, int64_t line, size_t field,
                                const char *reason);
int vista_csv_read(vista_session *s, const char *path, char delim,
                   vista_csv_row_fn on_row, vista_csv_bad_fn on_malformed,
                   void *ud);

/* 0 when [p, p+len) is valid UTF-8, else the 1-based offset of the first bad
 * byte. */
size_t vista_utf8_invalid(const char *p, size_t len);

/* The name in names[0..n) nearest to word by edit distance (ASCII case
 * folded), or NULL when none is close enough to suggest. */
const char *vista_nearest_name(const char *word, const char *const *names,
                               size_t n);

#endif
