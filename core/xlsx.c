/* xlsx.c: tables as an Excel workbook, through libxlsxwriter. One sheet a
 * table; the header row bold and frozen; numbers stored as numbers (a
 * count with no decimals, a share as a percentage of the cell's value / 100,
 * so that Excel shows 57.14 % and computes with 0.5714); periods and codes
 * as text, never parsed (2022-23 is not a subtraction, 0314 keeps its 0).
 *
 * libxlsxwriter (Debian's 1.1.4) writes only to a file name it opens
 * itself, and keeps its parts in temporary files. Both go into a private
 * directory (mkdtemp, mode 0700); the finished workbook is then copied into
 * the caller's stream, which is the one file writer's (core/output.c), so
 * the rules for the file a user names stay in one place.
 *
 * Entry points: vista_xlsx_new, vista_xlsx_sheet, vista_xlsx_number,
 * vista_xlsx_text, vista_xlsx_finish, vista_xlsx_free. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "xlsx.h"

struct vista_xlsx {
  char dir[4096];
  char book[4200];
  lxw_workbook *wb;
  lxw_worksheet *ws;
  lxw_format *head, *integer, *decimal, *percent, *text;
  int32_t rows;     /* rows written to the current sheet, header included */
  char err[256];
};

/* The workbook's maximum rows, the header included. */
#define XLSX_MAX_ROWS 1048576

static int fail(vista_xlsx *x, const char *what, const char *why) {
  snprintf(x->err, sizeof x->err, "%s: %s", what, why);
  return -1;
}

const char *vista_xlsx_error(const vista_xlsx *x) {
  return x ? x->err : "out of memory";
}

int vista_xlsx_new(vista_xlsx **out) {
  vista_xlsx *x = calloc(1, sizeof *x);
  *out = x;
  if (!x)
    return -1;
  const char *tmp = getenv("TMPDIR");
  if (!tmp || !*tmp || strlen(tmp) > 4000)
    tmp = "/tmp";
  snprintf(x->dir, sizeof x->dir, "%s/vista-xlsx-XXXXXX", tmp);
  if (!mkdtemp(x->dir)) {
    x->dir[0] = '\0';
    return fail(x, "cannot make a temporary directory", strerror(errno));
  }
  snprintf(x->book, sizeof x->book, "%s/book.xlsx", x->dir);
  lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = x->dir,
                            .use_zip64 = LXW_FALSE};
  if (!(x->wb = workbook_new_opt(x->book, &o)))
    return fail(x, "xlsx", "cannot start a workbook (out of memory?)");
  /* Constant memory: each row goes to disk as the next begins, so a large
   * table costs its rows once, in the script. */
  x->head = workbook_add_format(x->wb);
  x->integer = workbook_add_format(x->wb);
  x->decimal = workbook_add_format(x->wb);
  x->percent = workbook_add_format(x->wb);
  x->text = workbook_add_format(x->wb);
  format_set_bold(x->head);
  format_set_num_format(x->integer, "0");
  format_set_num_format(x->decimal, "0.00");
  format_set_num_format(x->percent, "0.00%");
  format_set_num_format(x->text, "@");
  return 0;
}

/* n, less the bytes of a UTF-8 sequence that the cut at n left unfinished. */
static size_t utf8_whole(const char *s, size_t n) {
  size_t start = n;
  while (start && (s[start - 1] & 0xC0) == 0x80)
    start--;
  if (!start || !((unsigned char)s[start - 1] & 0x80))
    return n; /* ASCII last, or stray continuation bytes: left as they are */
  unsigned char lead = (unsigned char)s[start - 1];
  size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
  return n - (start - 1) < need ? start - 1 : n;
}

int vista_xlsx_sheet(vista_xlsx *x, const char *title, size_t ncols,
                     const char *const *cols) {
  /* A sheet's name: at most 31 characters, none of []:*?/\ or ', unique.
   * Longer or clashing titles are cut and numbered. */
  char name[32];
  size_t n = 0;
  for (const char *p = title ? title : ""; *p && n < 31; p++)
    name[n++] = strchr("[]:*?/\\'", *p) ? ' ' : *p;
  n = utf8_whole(name, n);
  if (!n)
    memcpy(name, "Sheet", n = 5);
  name[n] = '\0';
  char tried[32];
  memcpy(tried, name, n + 1);
  for (int i = 2; workbook_get_worksheet_by_name(x->wb, tried); i++) {
    char suffix[16];
    int len = snprintf(suffix, sizeof suffix, " (%d)", i);
    size_t keep = utf8_whole(name, n + (size_t)len > 31 ? 31 - (size_t)len : n);
    snprintf(tried, sizeof tried, "%.*s%s", (int)keep, name, suffix);
  }
  if (ncols > LXW_COL_MAX)
    return fail(x, "xlsx", "a sheet holds at most 16384 columns");
  if (!(x->ws = workbook_add_worksheet(x->wb, tried)))
    return fail(x, "xlsx", "cannot add a sheet (out of memory?)");
  for (size_t c = 0; c < ncols; c++) {
    if (worksheet_write_string(x->ws, 0, (lxw_col_t)c, cols[c], x->head))
      return fail(x, "xlsx", "cannot write a cell (out of memory?)");
    size_t w = strlen(cols[c]) + 2;
    worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c,
                         (double)(w < 10 ? 10 : w > 40 ? 40 : w), NULL);
  }
  worksheet_freeze_panes(x->ws, 1, 0);
  x->rows = 1;
  return 0;
}

static int cell_row(vista_xlsx *x, int32_t row, lxw_row_t *r) {
  if (!x->ws)
    return fail(x, "xlsx", "a cell before any sheet");
  if (row < 0 || row >= XLSX_MAX_ROWS - 1)
    return fail(x, "xlsx", "a sheet holds at most 1048575 rows below its "
                           "header: use --format csv");
  *r = (lxw_row_t)row + 1;
  if (row + 2 > x->rows)
    x->rows = row + 2;
  return 0;
}

int vista_xlsx_number(vista_xlsx *x, int32_t row, size_t col, double v,
                      vista_xlsx_kind kind) {
  lxw_row_t r;
  if (cell_row(x, row, &r) != 0)
    return -1;
  lxw_format *f = kind == VISTA_XLSX_INTEGER   ? x->integer
                  : kind == VISTA_XLSX_PERCENT ? x->percent
                                               : x->decimal;
  if (kind == VISTA_XLSX_PERCENT)
    v /= 100;
  if (worksheet_write_number(x->ws, r, (lxw_col_t)col, v, f))
    return fail(x, "xlsx", "cannot write a cell (out of memory?)");
  return 0;
}

int vista_xlsx_text(vista_xlsx *x, int32_t row, size_t col, const char *s) {
  lxw_row_t r;
  if (cell_row(x, row, &r) != 0)
    return -1;
  lxw_error e = worksheet_write_string(x->ws, r, (lxw_col_t)col, s, x->text);
  if (e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
    return fail(x, "xlsx", "a text longer than 32767 characters");
  if (e)
    return fail(x, "xlsx", lxw_strerror(e));
  return 0;
}

int vista_xlsx_finish(vista_xlsx *x, FILE *out) {
  if (!x->ws && vista_xlsx_sheet(x, "Sheet", 0, NULL) != 0)
    return -1;
  lxw_error e = workbook_close(x->wb);
  x->wb = NULL;
  if (e)
    return fail(x, "xlsx", lxw_strerror(e));
  FILE *in = fopen(x->book, "rb");
  if (!in)
    return fail(x, "xlsx", strerror(errno));
  char buf[65536];
  size_t n;
  int err = 0;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    if (fwrite(buf, 1, n, out) != n) {
      err = errno ? errno : EIO;
      break;
    }
  if (!err && ferror(in))
    err = EIO;
  fclose(in);
  return err ? fail(x, "xlsx", strerror(err)) : 0;
}

void vista_xlsx_free(vista_xlsx *x) {
  if (!x)
    return;
  if (x->wb) {
    /* A workbook not finished: closing it is the only way to free it, and
     * it writes the file, which is removed below. */
    workbook_close(x->wb);
  }
  if (x->dir[0]) {
    unlink(x->book);
    rmdir(x->dir);
  }
  free(x);
}
