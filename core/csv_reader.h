/* csv_reader.h: reading CSV through libcsv, record by record, with the file name and
 * the physical line of each record, so every data error can say
 * "file:line:column: reason". */
#ifndef VISTA_CSV_READER_H
#define VISTA_CSV_READER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vista.h"

typedef struct vista_csv_row {
  const char *file;    /* as given to vista_csv_read() */
  int64_t line;        /* physical line where the record starts (1-based) */
  int64_t index;       /* record number: 0 is the first (the header) */
  size_t nfields;
  const char **fields; /* NUL-terminated, borrowed for the callback only */
  const size_t *lens;
  size_t bad_text;     /* 0, or the 1-based field that is not text: not
                          valid UTF-8, or a control character in it */
  const char *bad_text_why; /* then why, e.g. "is not valid UTF-8" */
  const char *raw;     /* the record's bytes as in the file, line ends */
  size_t raw_len;      /* included (NULL/0 unless keep_raw was asked) */
  char delim;          /* the delimiter in use */
} vista_csv_row;

typedef struct vista_csv_options {
  char delim;   /* 0: detect from the first line among , ; TAB | */
  int keep_raw; /* give each record's raw bytes (for a rejects file) */
  /* Called with every byte read, in order (hashing, progress); or NULL. */
  void (*on_bytes)(void *ud, const char *p, size_t n);
  /* Every line through libcsv, none split on the fast path (the tests
   * compare the two). */
  int libcsv_only;
} vista_csv_options;

/* Called once per record. Return VISTA_OK to go on; any other status stops
 * the read and is returned by vista_csv_read() (the callback sets the
 * session's message). */
typedef int (*vista_csv_row_fn)(void *ud, const vista_csv_row *row);

/* A record that is not well-formed CSV: its line, the field where it broke,
 * why, and its raw bytes when kept (else NULL). */
typedef int (*vista_csv_bad_fn)(void *ud, int64_t line, size_t field,
                                const char *reason, const char *raw,
                                size_t raw_len);

/* An import's source: a regular file, or "-" for standard input (a
 * pipeline). Anything else (a directory, a FIFO, /dev/zero) is refused at
 * once with "PATH: not a regular file", never read forever or half.
 * *f is the open stream (stdin for "-": not to be closed) and *size the
 * file's size, -1 for standard input. VISTA_ERR_IO with the message set
 * in s otherwise. */
int vista_input_open(vista_session *s, const char *path, FILE **f,
                     int64_t *size);
/* Closes what vista_input_open() opened (not stdin). Accepts NULL. */
void vista_input_close(FILE *f);
/* The name messages give a source: "<stdin>" for "-", else path. */
const char *vista_input_name(const char *path);

/* Reads path, a source as vista_input_open() takes it (a UTF-8 BOM is
 * skipped; LF or CRLF line ends; quoted fields may
 * hold delimiters, doubled quotes and newlines). A record that is not
 * well-formed CSV is passed to on_malformed (or stops the read when it is
 * NULL) and the read goes on at the next line. opts may be NULL. */
int vista_csv_read(vista_session *s, const char *path,
                   const vista_csv_options *opts, vista_csv_row_fn on_row,
                   vista_csv_bad_fn on_malformed, void *ud);


/* 0 when [p, p+len) is valid UTF-8, else the 1-based offset of the first bad
 * byte. */
size_t vista_utf8_invalid(const char *p, size_t len);

/* 0 when [p, p+len) is text: valid UTF-8 without control characters but
 * tab, line feed and carriage return (a quoted field may hold line ends).
 * Else the 1-based offset of the first bad byte, and *why says what is
 * wrong ("holds a control character (0x00)"), in a buffer of 48 bytes. */
size_t vista_text_invalid(const char *p, size_t len, char *why);

/* The name in names[0..n) nearest to word by edit distance (ASCII case
 * folded), or NULL when none is close enough to suggest. */
const char *vista_nearest_name(const char *word, const char *const *names,
                               size_t n);

#endif
