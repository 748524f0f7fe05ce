/* fuzz_mobility_row.c: the mobility row rules, one row in, a record or a
 * reason out. The input is a ';'-separated file, a header and up to
 * MAX_ROWS rows, split by the CSV reader and handed row by row to the
 * importer's row function (mob_read_row) on this thread; what it sends is
 * then stored by the real writer in an in-memory database, in a
 * transaction rolled back after each input.
 *
 * Promises checked: every data row is stored or rejected once, with a
 * one-line reason, never an error; a header is accepted or refused with
 * VISTA_ERR_INPUT and a message; whatever the reader sent, the writer
 * stores (no "internal error", no constraint SQLite refuses). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "internal.h"
#include "mobility_internal.h"

#define MAX_ROWS 64
/* Blocks between reader and writer: more than MAX_ROWS rows of the
 * longest input can fill, since the reader waits for a free one. */
#define BLOCKS 16

static vista_session *db; /* the writer's, kept for the process */
static mob_channel ch;    /* all its blocks free between inputs */

static void on_reject(void *ud, const char *msg) {
  (void)ud;
  fuzz_check_message("reject", msg);
}

static void open_once(void) {
  if (vista_session_new(&db, ":memory:") != VISTA_OK ||
      vista_store_open(db) != VISTA_OK)
    fuzz_fail("cannot open the database: %s", vista_errmsg(db));
  if (mob_channel_init(&ch, BLOCKS, 1 << 16) != 0)
    fuzz_fail("out of memory");
}

/* Stores what the reader sent, block by block, as the writer thread does. */
static void write_blocks(mob_importer *im, mob_writer *w) {
  mob_send_block(im);
  int rc = VISTA_OK;
  while (ch.full) {
    mob_block *b = mob_channel_receive(&ch);
    if (rc == VISTA_OK)
      rc = mob_writer_consume(w, b->data, b->len);
    b->len = 0;
    mob_channel_give_back(&ch, b);
  }
  if (rc == VISTA_OK)
    rc = mob_writer_finish(w);
  if (rc != VISTA_OK)
    fuzz_fail("the writer refused what the reader accepted: %s",
              vista_errmsg(db));
}

/* The row function's caller, checking what each row came to. */
static int on_row(void *ud, const vista_csv_row *row) {
  mob_importer *im = ud;
  if (row->index > MAX_ROWS)
    return VISTA_ERR_LIMIT; /* enough for one input */
  int64_t read_before = im->report->rows.rows_read;
  int rc = mob_read_row(im, row);
  if (row->index == 0 && rc != VISTA_OK) {
    if (rc != VISTA_ERR_INPUT)
      fuzz_fail("header refused with status %d: %s", rc, vista_errmsg(im->s));
    fuzz_check_message("header", vista_errmsg(im->s));
    return rc;
  }
  if (rc != VISTA_OK)
    fuzz_fail("line %lld: status %d: %s", (long long)row->line, rc,
              vista_errmsg(im->s));
  const vista_import_report *rep = &im->report->rows;
  if (row->index > 0 &&
      (rep->rows_read != read_before + 1 ||
       rep->rows_stored + rep->rows_rejected != rep->rows_read))
    fuzz_fail("line %lld neither stored nor rejected once",
              (long long)row->line);
  return VISTA_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const vista_mobility_options opts = {0};
  if (!db)
    open_once();
  const char *path = fuzz_write_file(data, size, ".csv");

  vista_mobility_report report;
  memset(&report, 0, sizeof report);
  mob_importer *im = calloc(1, sizeof *im);
  vista_session *rs = NULL;
  mob_writer w;
  memset(&w, 0, sizeof w);
  if (!im || vista_session_new(&rs, "fuzz.csv") != VISTA_OK)
    fuzz_fail("out of memory setting up");
  im->s = rs;
  im->path = "fuzz.csv";
  im->opts = &opts;
  im->on_reject = on_reject;
  im->report = &report;
  im->channel = &ch;
  im->labels = vista_dict_new();
  im->institutions = vista_dict_new();
  im->projects = vista_dict_new();
  mob_ka_init(&im->ka);
  if (!im->labels || !im->institutions || !im->projects)
    fuzz_fail("out of memory setting up");
  if (vista_store_begin(db) != VISTA_OK ||
      vista_store_import_begin(db, "mobility", "fuzz.csv",
                               &report.rows.import_id) != VISTA_OK ||
      mob_writer_open(&w, db, "fuzz.csv", report.rows.import_id) != VISTA_OK)
    fuzz_fail("cannot begin: %s", vista_errmsg(db));

  vista_csv_options copts = {.delim = ';', .keep_raw = 1};
  int rc = vista_csv_read(rs, path, &copts, on_row, mob_read_malformed, im);
  if (rc != VISTA_OK && rc != VISTA_ERR_INPUT && rc != VISTA_ERR_LIMIT)
    fuzz_fail("status %d: %s", rc, vista_errmsg(rs));
  write_blocks(im, &w);

  mob_writer_close(&w);
  vista_store_rollback(db);
  if (im->block)
    mob_channel_give_back(&ch, im->block);
  mob_importer_cleanup(im);
  free(im);
  vista_session_free(rs);
  return 0;
}
