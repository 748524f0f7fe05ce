/* suppress.c: the small-cell rules (see suppress.h and README, "Small
 * cells"). Columns are checked in order, so a share's base is decided
 * before the share: list bases first. */
#include <stddef.h>

#include "suppress.h"

void sup_row(const sup_column *cols, int n, const int64_t *v, int protect,
             int k, unsigned char *hidden) {
  for (int i = 0; i < n; i++) {
    const sup_column *c = &cols[i];
    int64_t x = v[i];
    int base = c->base;
    hidden[i] = SUP_SHOWN;
    if (!protect)
      continue;
    switch (c->kind) {
    case SUP_COUNT:
      if (x > 0 && x < k)
        hidden[i] = SUP_SMALL;
      break;
    case SUP_SHARE:
      if (x > 0 && x < k)
        hidden[i] = SUP_SMALL;
      else if (base >= 0 &&
               ((v[base] - x > 0 && v[base] - x < k) ||
                v[base] < SUP_MIN_PERCENT_BASE || hidden[base]))
        hidden[i] = SUP_OTHER;
      break;
    case SUP_MEAN:
      if (base >= 0 && (v[base] < SUP_MIN_MEAN_BASE || hidden[base]))
        hidden[i] = SUP_OTHER;
      break;
    default:
      break;
    }
  }
}

int sup_total_shown(int col, int n, const int64_t *rows,
                    const unsigned char *hidden, int nrows, int k) {
  int64_t m = 0, sum = 0;
  int all_small = 1;
  for (int r = 0; r < nrows; r++) {
    unsigned char h = hidden[(size_t)r * (size_t)n + (size_t)col];
    if (!h)
      continue;
    m++;
    sum += rows[(size_t)r * (size_t)n + (size_t)col];
    all_small &= h == SUP_SMALL;
  }
  if (m == 0)
    return 1;
  if (m < 2 || sum < k)
    return 0;
  return !(all_small && (sum == m || sum == m * (k - 1)));
}
