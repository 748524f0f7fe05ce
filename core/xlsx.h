/* xlsx.h: tables as an Excel workbook (libxlsxwriter): typed cells, a bold
 * frozen header, one sheet a table. Plain C; the Lua side is in
 * core/output.c (out:xlsx). */
#ifndef VISTA_XLSX_H
#define VISTA_XLSX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct vista_xlsx vista_xlsx;

typedef enum vista_xlsx_kind {
  VISTA_XLSX_INTEGER, /* a count: shown without decimals */
  VISTA_XLSX_DECIMAL, /* a mean, a ratio: two decimals */
  VISTA_XLSX_PERCENT  /* a share in percent (57.14): stored as 0.5714 */
} vista_xlsx_kind;

/* Each returns 0, or -1 with vista_xlsx_error saying why. */
int vista_xlsx_new(vista_xlsx **x); /* *x NULL: out of memory */
/* Starts a sheet titled title with the header row cols[0..ncols). */
int vista_xlsx_sheet(vista_xlsx *x, const char *title, size_t ncols,
                     const char *const *cols);
/* Cells of the current sheet; row 0 is the first row below the header. */
int vista_xlsx_number(vista_xlsx *x, int32_t row, size_t col, double v,
                      vista_xlsx_kind kind);
int vista_xlsx_text(vista_xlsx *x, int32_t row, size_t col, const char *s);
/* Closes the workbook and copies it to out. */
int vista_xlsx_finish(vista_xlsx *x, FILE *out);
const char *vista_xlsx_error(const vista_xlsx *x);
/* Frees x and removes its temporary files, finished or not. */
void vista_xlsx_free(vista_xlsx *x);

#endif
