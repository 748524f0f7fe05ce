/* json.c: the JSON writer of json.h. Plain C over a growing buffer; it
 * knows nothing of SQLite or Lua, so that vista export and the Lua binding
 * (json_lua.c) write JSON the same way. Entry points: vista_json_*. */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "vista.h"

void vista_json_init(vista_json *j, int lines) {
  memset(j, 0, sizeof *j);
  j->lines = lines;
}

void vista_json_free(vista_json *j) {
  if (!j)
    return;
  free(j->buf);
  j->buf = NULL;
  j->len = j->cap = 0;
}

int vista_json_status(const vista_json *j) { return j->status; }

const char *vista_json_errmsg(const vista_json *j) {
  switch (j->status) {
  case VISTA_OK:
    return "no error";
  case VISTA_ERR_NOMEM:
    return "out of memory";
  case VISTA_ERR_INPUT:
    return "JSON nested deeper than 200 arrays and objects";
  default:
    return "cannot write the JSON";
  }
}

/* Makes room for n more bytes and the terminating NUL. */
static int reserve(vista_json *j, size_t n) {
  if (j->status != VISTA_OK)
    return 0;
  if (n > SIZE_MAX / 2 - j->len) {
    j->status = VISTA_ERR_NOMEM;
    return 0;
  }
  if (j->len + n + 1 <= j->cap)
    return 1;
  size_t cap = j->cap ? j->cap : 256;
  while (cap < j->len + n + 1)
    cap *= 2;
  char *buf = realloc(j->buf, cap);
  if (!buf) {
    j->status = VISTA_ERR_NOMEM;
    return 0;
  }
  j->buf = buf;
  j->cap = cap;
  return 1;
}

static void put(vista_json *j, const char *s, size_t n) {
  if (!reserve(j, n))
    return;
  memcpy(j->buf + j->len, s, n);
  j->len += n;
  j->buf[j->len] = '\0';
}

static void put_char(vista_json *j, char c) { put(j, &c, 1); }

/* Before a value: the comma after the previous element, the line break of
 * the outermost array. A value after a key takes neither. */
static void begin_value(vista_json *j) {
  if (j->after_key) {
    j->after_key = 0;
    return;
  }
  if (j->depth > 0) {
    if (j->started[j->depth])
      put_char(j, ',');
    if (j->lines && j->depth == 1)
      put_char(j, '\n');
    j->started[j->depth] = 1;
  }
}

void vista_json_null(vista_json *j) {
  begin_value(j);
  put(j, "null", 4);
}

void vista_json_bool(vista_json *j, int b) {
  begin_value(j);
  if (b)
    put(j, "true", 4);
  else
    put(j, "false", 5);
}

void vista_json_int(vista_json *j, int64_t v) {
  char text[24];
  int n = snprintf(text, sizeof text, "%" PRId64, v);
  begin_value(j);
  put(j, text, (size_t)n);
}

size_t vista_json_number_text(char *buf, double v) {
  if (!isfinite(v)) {
    memcpy(buf, "null", 5);
    return 4;
  }
  /* The fewest of 15, 16, 17 significant digits that read back as v: 17
   * always do; 15 give 0.1 rather than 0.10000000000000001. */
  int n = 0;
  for (int digits = 15; digits <= 17; digits++) {
    n = snprintf(buf, 32, "%.*g", digits, v);
    if (strtod(buf, NULL) == v)
      break;
  }
  return (size_t)n;
}

void vista_json_number(vista_json *j, double v) {
  char text[32];
  size_t n = vista_json_number_text(text, v);
  begin_value(j);
  put(j, text, n);
}

/* The length of the valid UTF-8 sequence at p (1 to 4), or 0 when the byte
 * at p does not start one (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF). */
static size_t utf8_length(const unsigned char *p, size_t left) {
  unsigned char c = p[0];
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else {
    return 0;
  }
  if (left < n || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xBF)
      return 0;
  return n;
}

static void put_string(vista_json *j, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  put_char(j, '"');
  size_t i = 0;
  while (i < n && j->status == VISTA_OK) {
    /* The longest run that needs no escape goes in one copy. */
    size_t run = i;
    while (run < n && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' &&
           p[run] != '\\')
      run++;
    if (run > i) {
      put(j, s + i, run - i);
      i = run;
      continue;
    }
    unsigned char c = p[i];
    if (c < 0x80) {
      char esc[6] = {'\\', 0, 0, 0, 0, 0};
      size_t len = 2;
      switch (c) {
      case '"':
      case '\\':
        esc[1] = (char)c;
        break;
      case '\n':
        esc[1] = 'n';
        break;
      case '\r':
        esc[1] = 'r';
        break;
      case '\t':
        esc[1] = 't';
        break;
      case '\b':
        esc[1] = 'b';
        break;
      case '\f':
        esc[1] = 'f';
        break;
      default:
        memcpy(esc + 1, "u00", 3);
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        len = 6;
      }
      put(j, esc, len);
      i++;
      continue;
    }
    size_t len = utf8_length(p + i, n - i);
    if (len == 0) {
      put(j, "\\ufffd", 6);
      i++;
    } else if (len == 3 && c == 0xE2 && p[i + 1] == 0x80 &&
               (p[i + 2] == 0xA8 || p[i + 2] == 0xA9)) {
      put(j, p[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
      i += 3;
    } else {
      put(j, s + i, len);
      i += len;
    }
  }
  put_char(j, '"');
}

void vista_json_string(vista_json *j, const char *s, size_t n) {
  begin_value(j);
  put_string(j, s, n);
}

void vista_json_key(vista_json *j, const char *s, size_t n) {
  assert(!j->after_key);
  begin_value(j);
  put_string(j, s, n);
  put_char(j, ':');
  j->after_key = 1;
}

static void open_nest(vista_json *j, char c) {
  begin_value(j);
  if (j->status != VISTA_OK)
    return;
  if (j->depth >= VISTA_JSON_MAX_DEPTH) {
    j->status = VISTA_ERR_INPUT;
    return;
  }
  put_char(j, c);
  j->depth++;
  j->started[j->depth] = 0;
}

static void close_nest(vista_json *j, char c) {
  if (j->status != VISTA_OK)
    return;
  assert(j->depth > 0 && !j->after_key);
  if (j->lines && j->depth == 1 && j->started[1])
    put_char(j, '\n');
  j->depth--;
  put_char(j, c);
}

void vista_json_begin_array(vista_json *j) { open_nest(j, '['); }
void vista_json_end_array(vista_json *j) { close_nest(j, ']'); }
void vista_json_begin_object(vista_json *j) { open_nest(j, '{'); }
void vista_json_end_object(vista_json *j) { close_nest(j, '}'); }

const char *vista_json_text(const vista_json *j, size_t *len) {
  *len = j->len;
  return j->buf ? j->buf : "";
}

int vista_json_write(vista_json *j, FILE *out) {
  if (j->status == VISTA_OK && j->len &&
      fwrite(j->buf, 1, j->len, out) != j->len)
    j->status = VISTA_ERR_IO;
  j->len = 0;
  return j->status;
}
