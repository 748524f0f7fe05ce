/* text.c: small readers of values in CSV cells, shared by the importers. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

static int digits(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)p[i]))
      return 0;
  return 1;
}

int vista_iso_date(const char *text, size_t len, int last, char out[11]) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if ((len != 7 && len != 10) || !digits(text, 4) || text[4] != '-' ||
      !digits(text + 5, 2) || (len == 10 && (text[7] != '-' ||
                                             !digits(text + 8, 2))))
    return -1;
  int y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 +
          (text[2] - '0') * 10 + (text[3] - '0');
  int m = (text[5] - '0') * 10 + (text[6] - '0');
  if (m < 1 || m > 12)
    return -1;
  int leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  int dim = days[m - 1] + (m == 2 && leap);
  int d = len == 10 ? (text[8] - '0') * 10 + (text[9] - '0')
                    : (last ? dim : 1);
  if (d < 1 || d > dim)
    return -1;
  memcpy(out, text, 7); /* YYYY-MM */
  out[7] = '-';
  out[8] = (char)('0' + d / 10);
  out[9] = (char)('0' + d % 10);
  out[10] = '\0';
  return 0;
}

int vista_yes_no(const char *text, size_t len) {
  static const struct {
    const char *word;
    int value;
  } words[] = {{"yes", 1}, {"y", 1}, {"true", 1}, {"1", 1},
               {"no", 0},  {"n", 0}, {"false", 0}, {"0", 0}};
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i].word) == len &&
        strncasecmp(words[i].word, text, len) == 0)
      return words[i].value;
  return -1;
}

/* Latin letters with diacritics, U+00C0..U+017F, as their base letters
 * (lowercase; "" for a sign that is no letter: × ÷). Two letters where
 * people write two (æ ae, ß ss, œ oe, ĳ ij, þ th). */
static const char *const latin_base[] = {
    /* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
    "i", "i", "i", "i",
    /* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u",
    "u", "y", "th", "ss",
    /* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
    "i", "i", "i", "i",
    /* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u",
    "u", "y", "th", "y",
    /* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c",
    "c", "c", "d", "d",
    /* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e",
    "g", "g", "g", "g",
    /* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i",
    "i", "i", "i", "i",
    /* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l",
    "l", "l", "l", "l",
    /* U+0140 */ "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n",
    "o", "o", "o", "o",
    /* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s",
    "s", "s", "s", "s",
    /* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u",
    "u", "u", "u", "u",
    /* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z",
    "z", "z", "z", "s",
};

size_t vista_fold_name(char *dst, size_t cap, const char *src, size_t n) {
  size_t out = 0;
  int gap = 0; /* a separator is pending: written before the next letter */
#define PUT(c)                                                               \
  do {                                                                       \
    if (out + 1 < cap)                                                       \
      dst[out] = (char)(c);                                                  \
    out++;                                                                   \
  } while (0)
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)src[i];
    const char *base = NULL;
    size_t used = 1;
    char one[2] = {0, 0};
    if (c < 0x80) {
      if (isalnum(c)) {
        one[0] = (char)tolower(c);
        base = one;
      } else if (c == '.') {
        i++; /* V.T.I. is VTI: an abbreviation's dots are not spacing */
        continue;
      }
    } else if (c >= 0xC2 && c <= 0xC5 && i + 1 < n &&
               ((unsigned char)src[i + 1] & 0xC0) == 0x80) {
      unsigned cp = ((c & 0x1Fu) << 6) | ((unsigned char)src[i + 1] & 0x3Fu);
      used = 2;
      /* U+0080..U+00BF are signs and spaces: separators. */
      base = cp >= 0xC0 && cp <= 0x17F ? latin_base[cp - 0xC0] : NULL;
    } else if (c == 0xC8 && i + 1 < n &&
               ((unsigned char)src[i + 1] & 0xC0) == 0x80) {
      /* Romanian ș ț (U+0218..U+021B), the comma-below forms. */
      unsigned cp = ((c & 0x1Fu) << 6) | ((unsigned char)src[i + 1] & 0x3Fu);
      used = 2;
      if (cp >= 0x218 && cp <= 0x21B)
        base = cp < 0x21A ? "s" : "t";
      else
        goto verbatim;
    } else if (c == 0xE2 && i + 2 < n && (unsigned char)src[i + 1] == 0x80) {
      used = 3; /* U+2000..U+203F: spaces, dashes, quotes: separators */
    } else {
    verbatim:
      /* Any other character (Greek, Cyrillic, ...) is kept as it is: only
       * what Latin script writes in several ways is folded. */
      if (gap && out)
        PUT(' ');
      gap = 0;
      PUT(c);
      i++;
      continue;
    }
    if (base && *base) {
      if (gap && out)
        PUT(' ');
      gap = 0;
      for (; *base; base++)
        PUT(*base);
    } else if (!base) {
      gap = 1;
    }
    i += used;
  }
#undef PUT
  if (cap)
    dst[out < cap ? out : cap - 1] = '\0';
  return out;
}

size_t vista_org_key(char *dst, size_t cap, const char *code, size_t clen,
                     const char *name, size_t nlen, const char *country,
                     const char *city, size_t citylen) {
  size_t out = 0;
#define ADD(p, n)                                                            \
  do {                                                                       \
    for (size_t i_ = 0; i_ < (n); i_++, out++)                               \
      if (out + 1 < cap)                                                     \
        dst[out] = (p)[i_];                                                  \
  } while (0)
  if (clen) {
    ADD("c\x1f", 2);
    ADD(code, clen);
  } else {
    ADD("n\x1f", 2);
    out += vista_fold_name(out < cap ? dst + out : NULL,
                           out < cap ? cap - out : 0, name, nlen);
    ADD("\x1f", 1);
    if (country)
      ADD(country, strlen(country));
    ADD("\x1f", 1);
    out += vista_fold_name(out < cap ? dst + out : NULL,
                           out < cap ? cap - out : 0, city, citylen);
  }
#undef ADD
  if (cap)
    dst[out < cap ? out : cap - 1] = '\0';
  return out;
}
