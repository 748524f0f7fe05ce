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
