/* csv.c: CSV through libcsv with file/line/column tracking. libcsv reports
 * fields but not positions, so the input is fed to it one physical line at a
 * time and the reader counts lines itself. Memory stays flat: one read
 * buffer and one record's fields. Entry point: vista_csv_read(). */
#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "memory.h"
#include "csv_reader.h"
#include "internal.h"

#define READ_SIZE (256 * 1024)
/* A line up to this long is scanned 64 bytes at a time (see scan_line),
 * which reads up to 63 bytes past its end: the read buffer has them.
 * Longer lines go to libcsv. */
#define SCAN_MAX 4096
#define SCAN_SLACK 64
/* A field longer than this is not data but a runaway quote. */
#define FIELD_MAX ((size_t)16 * 1024 * 1024)

typedef struct reader {
  vista_session *s;
  const char *file;
  vista_csv_row_fn on_row;
  vista_csv_bad_fn on_bad;
  void *ud;
  int64_t line;       /* the physical line being fed */
  int64_t rec_line;   /* where the current record started; 0 = none yet */
  int64_t index;
  int status;         /* first non-OK status from a callback */
  /* The current record: field bytes back to back, each NUL-terminated. */
  char *buf;
  size_t buf_len, buf_cap;
  size_t *offs, *lens;
  const char **ptrs;
  size_t nfields, fields_cap;
  /* The current record's raw bytes, when asked for. */
  int keep_raw;
  char delim;
  char *raw;
  size_t raw_len, raw_cap;
  char bad_why[48]; /* why the record's bad_text field is not text */
} reader;

static int keep_raw(reader *r, const char *p, size_t n) {
  if (r->raw_len + n > r->raw_cap) {
    size_t cap = r->raw_cap ? r->raw_cap : 4096;
    while (cap < r->raw_len + n)
      cap *= 2;
    if (cap > FIELD_MAX * 2)
      return 0; /* a runaway record: keep what fits */
    char *nr = vista_realloc(r->raw, cap);
    if (!nr)
      return -1;
    r->raw = nr;
    r->raw_cap = cap;
  }
  memcpy(r->raw + r->raw_len, p, n);
  r->raw_len += n;
  return 0;
}

static void *field_realloc(void *p, size_t n) {
  return n > FIELD_MAX ? NULL : vista_realloc(p, n);
}

/* The length of the UTF-8 sequence that starts with the byte past ASCII
 * at s[i] of s[0..len) (2 to 4), or 0 when it is not a valid one. */
static size_t utf8_sequence(const unsigned char *s, size_t len, size_t i) {
  unsigned c = s[i];
  size_t need;
  unsigned min;
  if ((c & 0xE0) == 0xC0)
    need = 1, min = 0x80, c &= 0x1F;
  else if ((c & 0xF0) == 0xE0)
    need = 2, min = 0x800, c &= 0x0F;
  else if ((c & 0xF8) == 0xF0)
    need = 3, min = 0x10000, c &= 0x07;
  else
    return 0;
  if (len - i <= need)
    return 0;
  for (size_t k = 1; k <= need; k++) {
    if ((s[i + k] & 0xC0) != 0x80)
      return 0;
    c = (c << 6) | (s[i + k] & 0x3F);
  }
  /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
    return 0;
  return need + 1;
}

size_t vista_utf8_invalid(const char *p, size_t len) {
  const unsigned char *s = (const unsigned char *)p;
  size_t i = 0;
  while (i < len) {
    /* Most text is ASCII: skip it eight bytes at a time. */
    while (i + 8 <= len) {
      uint64_t w;
      memcpy(&w, s + i, sizeof w);
      if (w & 0x8080808080808080ull)
        break;
      i += 8;
    }
    if (i >= len)
      break;
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = utf8_sequence(s, len, i);
    if (!k)
      return i + 1;
    i += k;
  }
  return 0;
}

/* A control character: not text. Tab, line feed and carriage return are
 * (a quoted field may hold a line end); every other C0 byte and DEL are
 * not: a NUL inside a value is never what the file meant. */
static int is_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F;
}

size_t vista_text_invalid(const char *p, size_t len, char *why) {
  for (size_t i = 0; i < len; i++)
    if (is_control((unsigned char)p[i])) {
      snprintf(why, 48, "holds a control character (0x%02X): not text",
               (unsigned char)p[i]);
      return i + 1;
    }
  size_t bad = vista_utf8_invalid(p, len);
  if (bad)
    snprintf(why, 48, "is not valid UTF-8");
  return bad;
}

/* Room for need fields. */
static int grow_fields(reader *r, size_t need) {
  if (need <= r->fields_cap)
    return 0;
  size_t cap = r->fields_cap ? r->fields_cap : 64;
  while (cap < need)
    cap *= 2;
  size_t *no = vista_realloc(r->offs, cap * sizeof *no);
  if (!no)
    return -1;
  r->offs = no;
  size_t *nl = vista_realloc(r->lens, cap * sizeof *nl);
  if (!nl)
    return -1;
  r->lens = nl;
  const char **np = vista_realloc(r->ptrs, cap * sizeof *np);
  if (!np)
    return -1;
  r->ptrs = np;
  r->fields_cap = cap;
  return 0;
}

/* Room for need more bytes of field text and one more field. */
static int grow(reader *r, size_t need) {
  if (r->buf_len + need > r->buf_cap) {
    size_t cap = r->buf_cap ? r->buf_cap : 4096;
    while (cap < r->buf_len + need)
      cap *= 2;
    char *nb = vista_realloc(r->buf, cap);
    if (!nb)
      return -1;
    r->buf = nb;
    r->buf_cap = cap;
  }
  return grow_fields(r, r->nfields + 1);
}

static void on_field(void *data, size_t len, void *ud) {
  reader *r = ud;
  if (r->status != VISTA_OK)
    return;
  if (grow(r, len + 1) != 0) {
    r->status = vista_seterr(r->s, VISTA_ERR_NOMEM, "%s:%lld: out of memory",
                             r->file, (long long)r->line);
    return;
  }
  if (len)
    memcpy(r->buf + r->buf_len, data, len);
  r->buf[r->buf_len + len] = '\0';
  r->offs[r->nfields] = r->buf_len;
  r->lens[r->nfields] = len;
  r->nfields++;
  r->buf_len += len + 1;
}

/* Hands the record in r->ptrs/r->lens to the callback and starts the next
 * one. */
static void deliver(reader *r, size_t bad_text) {
  if (r->status == VISTA_OK) {
    vista_csv_row row = {r->file, r->rec_line ? r->rec_line : r->line,
                         r->index, r->nfields, r->ptrs, r->lens, bad_text,
                         bad_text ? r->bad_why : NULL,
                         r->keep_raw ? r->raw : NULL, r->raw_len, r->delim};
    r->status = r->on_row(r->ud, &row);
    r->index++;
  }
  r->nfields = 0;
  r->buf_len = 0;
  r->rec_line = 0;
  r->raw_len = 0;
}

static size_t first_bad_field(reader *r) {
  for (size_t i = 0; i < r->nfields; i++)
    if (vista_text_invalid(r->ptrs[i], r->lens[i], r->bad_why))
      return i + 1;
  return 0;
}

static void on_record(int term, void *ud) {
  reader *r = ud;
  (void)term;
  for (size_t i = 0; i < r->nfields; i++)
    r->ptrs[i] = r->buf + r->offs[i];
  deliver(r, r->status == VISTA_OK ? first_bad_field(r) : 0);
}

static int malformed(reader *r, const char *reason) {
  int64_t line = r->rec_line ? r->rec_line : r->line;
  size_t field = r->nfields + 1;
  /* Without a header there is nothing to read the rows by: the first
   * record's fault ends the read rather than promoting a later row. */
  if (!r->on_bad || r->index == 0)
    return vista_seterr(r->s, VISTA_ERR_INPUT, "%s:%lld:%zu: malformed CSV: %s",
                        r->file, (long long)line, field, reason);
  return r->on_bad(r->ud, line, field, reason,
                   r->keep_raw ? r->raw : NULL, r->raw_len);
}

/* libcsv's parser state between records (ROW_NOT_BEGUN in libcsv.c; the
 * state is the public struct's pstate). */
#define LIBCSV_ROW_NOT_BEGUN 0

static int parser_init(struct csv_parser *p, char delim) {
  /* Strict: a stray quote is malformed CSV, reported with its line, never
   * guessed at; and a quote still open at the end is an error. */
  if (csv_init(p, CSV_APPEND_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0)
    return -1;
  csv_set_delim(p, (unsigned char)delim);
  csv_set_realloc_func(p, field_realloc);
  return 0;
}

/* The delimiter that occurs most often outside quotes on the first line. */
static char detect_delim(const char *p, size_t n) {
  static const char cands[] = {',', ';', '\t', '|'};
  size_t counts[4] = {0};
  int quoted = 0;
  for (size_t i = 0; i < n && (quoted || (p[i] != '\n' && p[i] != '\r'));
       i++) {
    if (p[i] == '"')
      quoted = !quoted;
    else if (!quoted)
      for (int k = 0; k < 4; k++)
        counts[k] += p[i] == cands[k];
  }
  int best = 0;
  for (int k = 1; k < 4; k++)
    if (counts[k] > counts[best])
      best = k;
  return cands[best];
}

/* A character libcsv drops around unquoted fields. */
static int is_space(char c, char delim) {
  /* Most bytes are past the space: one comparison says no. */
  return (unsigned char)c <= ' ' && (c == ' ' || c == '\t') && c != delim;
}

/* A line that makes no record: only line ends, spaces and tabs. */
static int is_blank(const char *p, size_t n, char delim) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != '\r' && p[i] != '\n' && !is_space(p[i], delim))
      return 0;
  return 1;
}

/* What a line holds, found 64 bytes at a time: bit i of delims[i / 64]
 * is set when byte i is a delimiter, of quotes when it is a quote, of
 * highs when it is past ASCII; and whether there is any quote, carriage
 * return, byte past ASCII (else the line is valid UTF-8 as it is) or
 * control character (see is_control: then the line is not all text). */
typedef struct line_scan {
  uint64_t delims[SCAN_MAX / 64], quotes[SCAN_MAX / 64],
      highs[SCAN_MAX / 64];
  int quote, cr, high, control;
} line_scan;

/* Bits of the 64 bytes at p: equal to c, a quote, a carriage return, with
 * the high bit set, and a control character other than tab (a carriage
 * return is one: the line goes to libcsv, which checks it again). */
static void match64(const char *p, char c, uint64_t *eq, uint64_t *quote,
                    uint64_t *cr, uint64_t *high, uint64_t *ctl) {
#ifdef __SSE2__
  const __m128i vc = _mm_set1_epi8(c), vq = _mm_set1_epi8('"'),
                vr = _mm_set1_epi8('\r'), vt = _mm_set1_epi8('\t'),
                vsp = _mm_set1_epi8(' '), vdel = _mm_set1_epi8(0x7F);
  uint64_t e = 0, q = 0, r = 0, h = 0, t = 0;
  for (int k = 0; k < 4; k++) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
    /* Signed: below a space are the C0 bytes and those past ASCII. */
    __m128i low = _mm_andnot_si128(_mm_cmpeq_epi8(x, vt),
                                   _mm_cmplt_epi8(x, vsp));
    low = _mm_or_si128(low, _mm_cmpeq_epi8(x, vdel));
    e |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vc)) << 16 * k;
    q |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vq)) << 16 * k;
    r |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vr)) << 16 * k;
    h |= (uint64_t)(uint16_t)_mm_movemask_epi8(x) << 16 * k;
    t |= (uint64_t)(uint16_t)_mm_movemask_epi8(low) << 16 * k;
  }
  *eq = e, *quote = q, *cr = r, *high = h, *ctl = t & ~h;
#else
  uint64_t e = 0, q = 0, r = 0, h = 0, t = 0;
  for (int i = 0; i < 64; i++) {
    unsigned char b = (unsigned char)p[i];
    e |= (uint64_t)(p[i] == c) << i;
    q |= (uint64_t)(p[i] == '"') << i;
    r |= (uint64_t)(p[i] == '\r') << i;
    h |= (uint64_t)(b >= 0x80) << i;
    t |= (uint64_t)((b < 0x20 && b != '\t') || b == 0x7F) << i;
  }
  *eq = e, *quote = q, *cr = r, *high = h, *ctl = t;
#endif
}

/* Scans p[0..n), n <= SCAN_MAX; reads up to p[n + 62]. */
static void scan_line(const char *p, size_t n, char delim, line_scan *s) {
  uint64_t any_q = 0, any_r = 0, any_h = 0, any_c = 0;
  for (size_t b = 0; b < n; b += 64) {
    uint64_t keep = n - b >= 64 ? ~0ull : (1ull << (n - b)) - 1;
    uint64_t d, q, r, h, c;
    match64(p + b, delim, &d, &q, &r, &h, &c);
    s->delims[b / 64] = d & keep;
    s->quotes[b / 64] = q & keep;
    s->highs[b / 64] = h & keep;
    any_q |= q & keep, any_r |= r & keep, any_h |= h & keep;
    any_c |= c & keep;
  }
  s->quote = any_q != 0, s->cr = any_r != 0, s->high = any_h != 0;
  s->control = any_c != 0;
}

/* The first set bit of m at or after from and before to, or to. */
static size_t next_bit(const uint64_t *m, size_t from, size_t to) {
  while (from < to) {
    uint64_t w = m[from / 64] >> (from % 64);
    if (w) {
      size_t i = from + (size_t)__builtin_ctzll(w);
      return i < to ? i : to;
    }
    from = (from / 64 + 1) * 64;
  }
  return to;
}

/* Whether the scanned line is valid UTF-8: only its bytes past ASCII are
 * looked at, each sequence from its first byte. */
static int scanned_utf8_valid(const char *p, size_t n, const line_scan *s) {
  size_t past = 0; /* the end of the last sequence */
  for (size_t k = 0; k * 64 < n; k++)
    for (uint64_t h = s->highs[k]; h; h &= h - 1) {
      size_t i = k * 64 + (size_t)__builtin_ctzll(h);
      if (i < past)
        continue;
      size_t len = utf8_sequence((const unsigned char *)p, n, i);
      if (!len)
        return 0;
      past = i + len;
    }
  return 1;
}

/* Bit i: the parity of the bits 0..i of x. */
static uint64_t prefix_xor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

/* Narrows p[a..b) to what is inside the spaces around it. */
static void trim_spaces(const char *p, size_t *a, size_t *b, char delim) {
  while (*a < *b && is_space(p[*a], delim))
    (*a)++;
  while (*b > *a && is_space(p[*b - 1], delim))
    (*b)--;
}

/* The fast path: a whole line that starts a record, holds no carriage
 * return but its line end, and whose quoted fields open and close on it,
 * is split here in place (delimiters and closing quotes become NULs,
 * doubled quotes are undoubled), exactly as libcsv would split it: spaces
 * around unquoted fields and around quoted ones dropped, a quoted field's
 * text kept as it is. Nearly every line of the official data is such a
 * line. Anything else (a quoted field that spans lines, a stray quote,
 * text after a closing quote, a line longer than SCAN_MAX) goes through
 * libcsv, the parser of record, which also reports what is wrong.
 *
 * The delimiters that split are those outside quotes: the parity of the
 * quotes before a byte says whether it is inside, and a doubled quote
 * leaves it as it was. The line is only written to once every field is
 * known to be well formed. Returns 1 when split, 0 when the line is not
 * for the fast path, -1 when out of memory. p[n] must be writable. */
static int split_line(reader *r, char *p, size_t n, char delim) {
  while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
    n--;
  if (n > SCAN_MAX)
    return 0;
  line_scan scan;
  scan_line(p, n, delim, &scan);
  if (scan.cr)
    return 0;
  size_t blocks = (n + 63) / 64;
  if (scan.quote) {
    uint64_t carry = 0; /* all ones when the last block ended inside */
    for (size_t k = 0; k < blocks; k++) {
      uint64_t inside = prefix_xor(scan.quotes[k]) ^ carry;
      scan.delims[k] &= ~inside;
      carry = 0 - (inside >> 63);
    }
    if (carry)
      return 0; /* a quote still open at the line end */
  }
  if (grow_fields(r, n + 1) != 0) /* at most a field a byte */
    return -1;
  /* Only a line with bytes past ASCII can be invalid UTF-8; one with a
   * control character is looked at field by field (first_bad_field). */
  int valid = !scan.control && (!scan.high || scanned_utf8_valid(p, n, &scan));
  /* First the shape: every field's bounds; a quoted field's text starts
   * after its quote and has `escaped` (doubled quotes) in the low bit of
   * its offset. A line with quotes is written to only once all its fields
   * are known to be well formed; one without is split at once. */
  size_t start = 0, k = 0, nfields = 0;
  uint64_t d = blocks ? scan.delims[0] : 0;
  for (;;) {
    while (!d && ++k < blocks)
      d = scan.delims[k];
    size_t end = d ? k * 64 + (size_t)__builtin_ctzll(d) : n;
    size_t f = nfields++;
    d &= d - 1;
    size_t a = start, b = end;
    trim_spaces(p, &a, &b, delim);
    size_t q = scan.quote ? next_bit(scan.quotes, a, b) : b;
    if (!scan.quote) {
      p[b] = '\0';
      r->ptrs[f] = p + a;
      r->lens[f] = b - a;
    } else if (q == b) {
      r->offs[f] = a << 1;
      r->lens[f] = b - a;
    } else {
      if (q != a || b - a < 2 || p[b - 1] != '"')
        return 0; /* a quote inside a field, text after the closing one */
      size_t escaped = 0;
      for (size_t i = next_bit(scan.quotes, a + 1, b - 1); i < b - 1;
           i = next_bit(scan.quotes, i + 2, b - 1)) {
        if (i + 2 > b - 1 || p[i + 1] != '"')
          return 0; /* a lone quote inside */
        escaped = 1;
      }
      r->offs[f] = (a + 1) << 1 | escaped;
      r->lens[f] = b - a - 2;
    }
    if (end == n)
      break;
    start = end + 1;
  }
  r->nfields = nfields;
  /* Then in place: each field ends where its delimiter, closing quote or
   * trailing space was, or at p[n]. */
  for (size_t f = 0; scan.quote && f < nfields; f++) {
    char *t = p + (r->offs[f] >> 1);
    size_t len = r->lens[f];
    if (r->offs[f] & 1) {
      size_t w = 0;
      for (size_t j = 0; j < len; j++, w++) {
        t[w] = t[j];
        if (t[j] == '"')
          j++; /* the second of a doubled quote */
      }
      len = w;
    }
    t[len] = '\0';
    r->ptrs[f] = t;
    r->lens[f] = len;
  }
  deliver(r, valid || r->status != VISTA_OK ? 0 : first_bad_field(r));
  return 1;
}

/* Asks the kernel to read the file 8 to 16 MiB ahead of where the reader
 * is (*ahead: how far it was asked for), so that a file not in the page
 * cache is read while the last blocks are parsed, not when the reader
 * waits for them. Only a hint: where it is not followed, nothing breaks. */
#define AHEAD_STEP ((off_t)8 << 20)
static void read_ahead(FILE *f, off_t *ahead) {
  off_t at = ftello(f);
  if (at < 0)
    return;
  while (*ahead < at + 2 * AHEAD_STEP) {
    posix_fadvise(fileno(f), *ahead, AHEAD_STEP, POSIX_FADV_WILLNEED);
    *ahead += AHEAD_STEP;
  }
}

const char *vista_input_name(const char *path) {
  return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int vista_input_open(vista_session *s, const char *path, FILE **f,
                     int64_t *size) {
  *f = NULL;
  *size = -1;
  if (strcmp(path, "-") == 0) {
    *f = stdin;
    return VISTA_OK;
  }
  /* Non-blocking: opening a FIFO for reading would wait for a writer.
   * Only a regular file has an end to read to and a size to show. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  struct stat st;
  if (fd < 0)
    return vista_seterr(s, VISTA_ERR_IO, "%s: %s", path, strerror(errno));
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    int rc = vista_seterr(s, VISTA_ERR_IO, "%s: %s", path,
                          S_ISDIR(st.st_mode) ? "is a directory"
                                              : "not a regular file");
    close(fd);
    return rc;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0 ||
      !(*f = fdopen(fd, "rb"))) {
    int rc = vista_seterr(s, VISTA_ERR_IO, "%s: %s", path, strerror(errno));
    close(fd);
    return rc;
  }
  *size = (int64_t)st.st_size;
  return VISTA_OK;
}

void vista_input_close(FILE *f) {
  if (f && f != stdin)
    fclose(f);
}

int vista_csv_read(vista_session *s, const char *path,
                   const vista_csv_options *opts, vista_csv_row_fn on_row,
                   vista_csv_bad_fn on_malformed, void *ud) {
  reader r = {s, vista_input_name(path), on_row, on_malformed, ud, 1, 0, 0,
              VISTA_OK,
              NULL, 0, 0, NULL, NULL, NULL, 0, 0, 0, 0, NULL, 0, 0, ""};
  char delim = opts ? opts->delim : 0;
  void (*on_bytes)(void *, const char *, size_t) = opts ? opts->on_bytes : NULL;
  r.keep_raw = opts && opts->keep_raw;
  int libcsv_only = opts && opts->libcsv_only;
  struct csv_parser p;
  int parser_ready = 0;
  int rc = VISTA_OK;
  /* + 1: the fast path ends a field there; the slack: scan_line. */
  char *in = vista_calloc(1, READ_SIZE + 1 + SCAN_SLACK);
  size_t have = 0; /* bytes in `in` not yet fed */
  int first = 1, eof = 0;
  int skipping = 0; /* a malformed line goes on past the buffer: drop it */
  FILE *f = NULL;
  int64_t size;
  off_t ahead = 0;
  if ((rc = vista_input_open(s, path, &f, &size)) != VISTA_OK)
    goto done;
  path = r.file; /* the name messages give it */
  if (!in) {
    rc = vista_seterr(s, VISTA_ERR_NOMEM, "%s: out of memory", path);
    goto done;
  }

  while (!eof || have) {
    if (!eof && have < READ_SIZE) {
      read_ahead(f, &ahead);
      size_t got = fread(in + have, 1, READ_SIZE - have, f);
      if (got < READ_SIZE - have) {
        if (ferror(f)) {
          rc = vista_seterr(s, VISTA_ERR_IO, "%s: read error", path);
          goto done;
        }
        eof = 1;
      }
      if (on_bytes && got)
        on_bytes(ud, in + have, got);
      have += got;
    }
    size_t start = 0;
    if (first) {
      first = 0;
      if (have >= 3 && memcmp(in, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
      if (!delim)
        delim = detect_delim(in + start, have - start);
      r.delim = delim;
      if (parser_init(&p, delim) != 0) {
        rc = vista_seterr(s, VISTA_ERR_NOMEM, "%s: out of memory", path);
        goto done;
      }
      parser_ready = 1;
    }
    /* Feed whole lines; keep a partial last line for the next read unless
     * the file has ended or the line fills the whole buffer. */
    while (start < have) {
      char *nl = memchr(in + start, '\n', have - start);
      size_t end;
      if (skipping) {
        if (!nl) {
          start = have;
          break;
        }
        skipping = 0;
        r.line++;
        start = (size_t)(nl - in) + 1;
        continue;
      }
      if (nl)
        end = (size_t)(nl - in) + 1;
      else if (eof || start == 0)
        end = have;
      else
        break;
      size_t n = end - start;
      int starts = r.rec_line == 0 && !is_blank(in + start, n, delim);
      if (starts)
        r.rec_line = r.line;
      if (r.keep_raw && r.rec_line && keep_raw(&r, in + start, n) != 0) {
        rc = vista_seterr(s, VISTA_ERR_NOMEM, "%s: out of memory", path);
        goto done;
      }
      /* Only between records as libcsv sees them too: a bare CR ends a
       * record in libcsv mid-line, and a quote after it opens a field that
       * goes on past the line end (the fuzzer found `y\r"\na`). */
      int plain = starts && (nl || eof) && !libcsv_only &&
                          p.pstate == LIBCSV_ROW_NOT_BEGUN
                      ? split_line(&r, in + start, n, delim)
                      : 0;
      if (plain < 0) {
        rc = vista_seterr(s, VISTA_ERR_NOMEM, "%s: out of memory", path);
        goto done;
      }
      if (plain) {
        /* done without libcsv */
      } else if (csv_parse(&p, in + start, n, on_field, on_record, &r) != n) {
        int err = csv_error(&p);
        rc = err == CSV_ENOMEM && r.status == VISTA_OK
                 ? malformed(&r, "field longer than 16 MiB (a quote that "
                                 "never closes?)")
                 : malformed(&r, csv_strerror(err));
        /* Resynchronise at the next line with a fresh parser; a line
         * that has not ended yet is dropped up to its end, so one runaway
         * line is one error, not one a buffer. */
        skipping = !nl && !eof;
        csv_free(&p);
        parser_ready = 0;
        r.nfields = r.buf_len = 0;
        r.rec_line = 0;
        r.raw_len = 0;
        if (rc != VISTA_OK || parser_init(&p, delim) != 0) {
          if (rc == VISTA_OK)
            rc = vista_seterr(s, VISTA_ERR_NOMEM, "%s: out of memory", path);
          goto done;
        }
        parser_ready = 1;
      }
      if (r.status != VISTA_OK) {
        rc = r.status;
        goto done;
      }
      if (nl)
        r.line++;
      start = end;
    }
    memmove(in, in + start, have - start);
    have -= start;
  }
  if (parser_ready && csv_fini(&p, on_field, on_record, &r) != 0) {
    r.line--; /* the error is on the last line, not after it */
    rc = malformed(&r, "a quoted field is never closed");
  }
  if (rc == VISTA_OK && r.status != VISTA_OK)
    rc = r.status;

done:
  if (parser_ready)
    csv_free(&p);
  vista_input_close(f);
  free(in);
  free(r.buf);
  free(r.offs);
  free(r.lens);
  free(r.ptrs);
  free(r.raw);
  return rc;
}

static int fold(int c) { return tolower((unsigned char)c); }

/* Levenshtein distance over case-folded bytes, capped at 255. */
static size_t distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 64 || lb > 64)
    return 255;
  size_t row[65];
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = fold(a[i - 1]) != fold(b[j - 1]);
      size_t best = diag + cost;
      if (row[j] + 1 < best)
        best = row[j] + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb];
}

const char *vista_nearest_name(const char *word, const char *const *names,
                               size_t n) {
  const char *best = NULL;
  size_t best_d = (size_t)-1;
  for (size_t i = 0; i < n; i++) {
    size_t d = distance(word, names[i]);
    if (d < best_d) {
      best_d = d;
      best = names[i];
    }
  }
  /* Suggest only what is plausibly a typo: at most a third of the word. */
  size_t len = strlen(word);
  return best && best_d <= (len < 6 ? 2 : len / 3) ? best : NULL;
}
