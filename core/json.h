/* json.h: vista's one JSON writer (RFC 8259), used by vista export and,
 * through json_lua.c, by Lua (require "vista.json", vista.format). It
 * writes values into a growing buffer, with the commas and the nesting
 * checked; the caller decides what is an array and what an object.
 *
 * What it writes, whoever calls it:
 * - strings: UTF-8 as is; '"', '\\' and the control characters escaped
 *   (\n \r \t \b \f, else \u00XX); U+2028 and U+2029 escaped too (they end
 *   a line in JavaScript); each byte that is not part of valid UTF-8
 *   (overlong forms and surrogates included) becomes \ufffd.
 * - integers: every digit (int64, so past 2^53 as well).
 * - other numbers: the fewest significant digits (15, 16 or 17) that read
 *   back as the same double; NaN and the infinities are not JSON numbers
 *   and are written as null.
 * - no more than VISTA_JSON_MAX_DEPTH arrays and objects inside each other.
 */
#ifndef VISTA_JSON_H
#define VISTA_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VISTA_JSON_MAX_DEPTH 200

typedef struct vista_json {
  char *buf; /* owned; the text written since the last vista_json_write */
  size_t len;
  size_t cap;
  int status; /* VISTA_OK, or the first failure (then nothing more is
                 written) */
  int depth;
  int lines;     /* one element of the outermost array per line */
  int after_key; /* a key was written; its value comes next */
  unsigned char started[VISTA_JSON_MAX_DEPTH + 1]; /* per depth: an
                                                       element is written */
} vista_json;

/* Starts an empty writer. lines: each element of the outermost array on a
 * line of its own ("[\n{...},\n{...}\n]"), as vista export writes rows;
 * else no whitespace at all. */
void vista_json_init(vista_json *j, int lines);

/* Frees the buffer. The writer may be initialised again. */
void vista_json_free(vista_json *j);

/* VISTA_OK, VISTA_ERR_NOMEM, VISTA_ERR_INPUT (nested deeper than
 * VISTA_JSON_MAX_DEPTH) or VISTA_ERR_IO (a write to a file failed). */
int vista_json_status(const vista_json *j);

/* A one-line message for a status that is not VISTA_OK (static text). */
const char *vista_json_errmsg(const vista_json *j);

/* Values. Each is an element of the enclosing array, the value after a
 * key, or the whole text. Strings are bytes of length n (any bytes). */
void vista_json_null(vista_json *j);
void vista_json_bool(vista_json *j, int b);
void vista_json_int(vista_json *j, int64_t v);
void vista_json_number(vista_json *j, double v);
void vista_json_string(vista_json *j, const char *s, size_t n);
void vista_json_begin_array(vista_json *j);
void vista_json_end_array(vista_json *j);
void vista_json_begin_object(vista_json *j);
void vista_json_end_object(vista_json *j);

/* A key inside an object; its value is the next value written. */
void vista_json_key(vista_json *j, const char *s, size_t n);

/* The text so far (borrowed, valid until the next call on j; NUL
 * terminated unless the status is VISTA_ERR_NOMEM); *len gets its length.
 */
const char *vista_json_text(const vista_json *j, size_t *len);

/* Writes the text so far to out and empties the buffer, so that a long
 * output streams. Returns the status (VISTA_ERR_IO when out failed). */
int vista_json_write(vista_json *j, FILE *out);

/* v as a JSON number into buf (at least 32 bytes), or "null" when v is
 * not finite; returns the length. The one number format of every output:
 * vista.format writes numbers in tables, CSV and Markdown with it too. */
size_t vista_json_number_text(char *buf, double v);

#endif
