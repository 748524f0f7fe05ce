/* suppress.h: the small-cell rules (docs/definitions.md, "Small cells"),
 * applied in C to every figure about people that leaves the data owner:
 * published tables and a scoped session's view of others. The owner's own
 * unscoped, unpublished analysis is exact (special categories included). */
#ifndef VISTA_SUPPRESS_H
#define VISTA_SUPPRESS_H

#include <stdint.h>

enum {
  SUP_NONE,  /* not a count of people (countries, say): never hidden */
  SUP_COUNT, /* people: hidden when 1 to k-1 */
  SUP_SHARE, /* people, the numerator of a share of column base */
  SUP_MEAN   /* a sum whose mean divides by column base (n >= 8) */
};

#define SUP_MIN_PERCENT_BASE 23 /* HESA: no percentage of fewer than 22.5 */
#define SUP_MIN_MEAN_BASE 8     /* HESA: no average of 7 or fewer */
/* The threshold of protected output (published, scoped): fixed, since a
 * table at k beside one at k + 1 gives the cells between away. */
#define SUP_K 5

/* Why a cell is hidden: 0 shown, 1 a small count (1 to k-1), 2 anything
 * else (its complement is small, its base is too small, it would give
 * away a hidden cell). */
enum { SUP_SHOWN = 0, SUP_SMALL = 1, SUP_OTHER = 2 };

typedef struct sup_column {
  const char *name;
  int kind;
  int base;    /* the column a share or mean divides by, else -1 */
  int special; /* special-category data: the rules hold everywhere */
} sup_column;

/* Marks the hidden cells of one row of n columns (hidden[i] = SUP_*).
 * protect: the row is published or about another institution; else
 * nothing is hidden (the data owner's exact figures). */
void sup_row(const sup_column *cols, int n, const int64_t *v, int protect,
             int k, unsigned char *hidden);

/* Secondary suppression of a total: whether a column's total may be shown
 * beside member rows whose cells in it are hidden as given (nrows rows of
 * n values, row-major). A total is shown when nothing is hidden, or when
 * at least two cells are, they add up to k or more, and they are not all
 * small counts at the bottom or the top of 1..k-1 (which would give each
 * away). */
int sup_total_shown(int col, int n, const int64_t *rows,
                    const unsigned char *hidden, int nrows, int k);

#endif
