/* mobility.c: importing mobility records, the whole of it. Reads the
 * official Erasmus+ open-data CSV and vista's own CSV; every row is stored
 * or rejected with its line, column and reason, all in one transaction.
 *
 * Five threads: the reader (mobility_read.c: the header, the values and
 * their rules in mobility_rules.c, the derivations) sends what it made in
 * blocks to the writer (mobility_store.c) on the thread that owns the
 * database, so that parsing and inserting use both cores; the writer
 * passes each block on to the summariser (mobility_summary.c), which keeps
 * the summaries in memory; a fourth computes the file's SHA-256; a fifth
 * (writeback.c) has the disk write the WAL, then the database, while the
 * others work. This file sets them up, draws the progress bar, and ends
 * the import: the summaries, the duplicate checks (the same file, the
 * same records in another form), the file log, the overlap warning, the
 * commit. Entry point: vista_mobility_import(). */
#define _DEFAULT_SOURCE /* syscall(), for the hash thread's priority */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "memory.h"
#include "internal.h"
#include "mobility_internal.h"
#include "output.h"
#include "sha256.h"
#include "writeback.h"

const char *const vista_mobility_columns[MF_COUNT] = {
    "project_reference", "academic_year", "start_month", "end_month",
    "duration_days", "activity", "field_of_education", "nationality",
    "education_level", "gender", "profile", "special_needs",
    "fewer_opportunities", "group_leader", "age", "sending_country",
    "sending_city", "sending_organisation", "sending_erasmus_code",
    "receiving_country", "receiving_city", "receiving_organisation",
    "receiving_erasmus_code", "participants", "direction", "partner",
    "recognised"};


static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}


/* ---- progress -------------------------------------------------------------- */

static void draw_progress(mob_importer *im, int final) {
  double now = now_seconds();
  if (!final && now - im->last_draw < 0.25)
    return;
  im->last_draw = now;
  if (final) {
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
    return;
  }
  double pct = im->file_size ? 100.0 * (double)im->bytes_read /
                                   (double)im->file_size
                             : 0;
  double elapsed = now - im->started;
  double rate = elapsed > 0 ? (double)im->report->rows.rows_read / elapsed : 0;
  double left = pct > 0 ? elapsed * (100 - pct) / pct : 0;
  char bar[31];
  int fill = (int)(pct * 30 / 100);
  for (int i = 0; i < 30; i++)
    bar[i] = i < fill ? '#' : '.';
  bar[30] = '\0';
  fprintf(stderr, "\r[%s] %5.1f%%  %lld rows  %.0f rows/s  %02d:%02d left\033[K",
          bar, pct, (long long)im->report->rows.rows_read, rate,
          (int)left / 60, (int)left % 60);
  fflush(stderr);
}

static void on_bytes(void *ud, const char *p, size_t n) {
  mob_importer *im = ud;
  if (im->hash_inline)
    vista_sha256_update(im->hash_inline, p, n);
  im->bytes_read += (int64_t)n;
  if (im->opts->progress)
    draw_progress(im, 0);
}

/* ---- the file's fingerprint, computed beside the parse ------------------- */

typedef struct hasher {
  const char *path;
  char hex[65];
  int failed;
} hasher;

#define HASH_NICE 10

static void *hash_file(void *ud) {
  hasher *h = ud;
  /* Lower than the reader, writer and summariser, which keep both cores
   * busy: the hash fills their gaps and the core left idle while the
   * summaries are written (Linux: a thread's own nice value). */
#ifdef SYS_gettid
  setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), HASH_NICE);
#endif
  vista_sha256 c = {0};
  FILE *f = fopen(h->path, "rb");
  char *buf = vista_malloc(1 << 20);
  if (!f || !buf || vista_sha256_init(&c) != 0) {
    h->failed = 1;
  } else {
    size_t n;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0)
      vista_sha256_update(&c, buf, n);
    h->failed = ferror(f) || vista_sha256_hex(&c, h->hex) != 0;
  }
  vista_sha256_free(&c);
  free(buf);
  if (f)
    fclose(f);
  return NULL;
}

/* The import that stored a file with this SHA-256, or 0. */
/* ---- set-up and the whole import ---------------------------------------- */

/* Loads id/text pairs (and a project's key action) from the database into a
 * dictionary; runs on the writer's thread before the reader starts. */
static int load_dict(mob_importer *im, vista_session *s, vista_dict *d,
                     const char *sql, int64_t *max_id) {
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, im->path);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    const char *k = (const char *)sqlite3_column_text(st, 1);
    int klen = sqlite3_column_bytes(st, 1);
    if (id > *max_id)
      *max_id = id;
    if (k && vista_dict_put(d, k, (size_t)klen, id) != 0) {
      rc = vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
      break;
    }
    if (sqlite3_column_count(st) > 2 &&
        mob_ka_set(&im->ka, id,
                   mob_ka_index(&im->ka, (const char *)sqlite3_column_text(
                                             st, 2))) != 0) {
      rc = vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
      break;
    }
  }
  if (rc == VISTA_OK && step != SQLITE_DONE)
    rc = vista_seterr_sql(s, im->path);
  sqlite3_finalize(st);
  return rc;
}

static int setup(mob_importer *im, vista_session *s) {
  int rc;
  im->labels = vista_dict_new();
  im->institutions = vista_dict_new();
  im->projects = vista_dict_new();
  mob_ka_init(&im->ka);
  if (!im->labels || !im->institutions || !im->projects)
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  if ((rc = load_dict(im, s, im->labels, "SELECT id, text FROM label",
                      &im->next_label)) ||
      (rc = load_dict(im, s, im->projects,
                      "SELECT id, reference, key_action FROM project",
                      &im->next_project)) ||
      (rc = load_dict(im, s, im->institutions,
                      "SELECT id, CASE WHEN erasmus_code IS NOT NULL"
                      " THEN 'c' || char(31) || erasmus_code"
                      " ELSE 'n' || char(31) || name || char(31) ||"
                      " coalesce(country, '') END FROM institution",
                      &im->next_institution)))
    return rc;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, "SELECT id, name FROM institution", -1, &st,
                         NULL) != SQLITE_OK)
    return vista_seterr_sql(s, im->path);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW)
    if (mob_display_name(im, sqlite3_column_int64(st, 0),
                         (const char *)sqlite3_column_text(st, 1),
                         (size_t)sqlite3_column_bytes(st, 1)) != 0) {
      sqlite3_finalize(st);
      return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
    }
  rc = step == SQLITE_DONE ? VISTA_OK : vista_seterr_sql(s, im->path);
  sqlite3_finalize(st);
  return rc;
}

void mob_importer_cleanup(mob_importer *im) {
  vista_dict_free(im->labels);
  vista_dict_free(im->institutions);
  vista_dict_free(im->projects);
  for (int f = 0; f < MF_COUNT; f++)
    free(im->last[f].text);
  mob_ka_free(&im->ka);
  free(im->activity_kind);
  free(im->key);
  for (size_t i = 0; i < im->inst_names_cap; i++)
    free(im->inst_names[i].text);
  free(im->inst_names);
  if (im->rejects)
    fclose(im->rejects);
}

/* The reader's thread: parse, check, derive, send; then close the
 * channel, whatever happened, so that the writer ends too. */
typedef struct reader_job {
  mob_importer *im;
  int status;
} reader_job;

static void *read_file(void *ud) {
  reader_job *job = ud;
  mob_importer *im = job->im;
  vista_csv_options copts = {.keep_raw = im->rejects != NULL,
                             .on_bytes = on_bytes};
  job->status = vista_csv_read(im->s, im->source, &copts, mob_read_row,
                               mob_read_malformed, im);
  if (im->opts->progress)
    draw_progress(im, 1);
  if (job->status == VISTA_OK && im->ncolumns == 0)
    job->status = vista_seterr(im->s, VISTA_ERR_INPUT,
                               "%s: the file is empty (no header)", im->path);
  mob_send_block(im);
  mob_channel_close(im->channel);
  return NULL;
}

/* The writer's loop on this thread: store every block in order. After a
 * failure it tells the reader to stop and drains what is still coming. */
/* Stores every block, then passes it on to the summariser. */
static int write_all(mob_channel *ch, mob_channel *to_summarise,
                     mob_writer *w) {
  int rc = VISTA_OK;
  mob_block *b;
  while ((b = mob_channel_receive(ch)) != NULL) {
    if (rc == VISTA_OK) {
      rc = mob_writer_consume(w, b->data, b->len);
      if (rc != VISTA_OK)
        mob_channel_fail(ch);
    }
    mob_channel_send(to_summarise, b);
  }
  mob_channel_close(to_summarise);
  return rc == VISTA_OK ? mob_writer_finish(w) : rc;
}

typedef struct summariser_job {
  mob_channel *in, *back;
  mob_summariser *sm;
} summariser_job;

/* The summariser's thread: adds each block's records to the maps and gives
 * the block back to the reader. */
static void *summarise_all(void *arg) {
  summariser_job *job = arg;
  mob_block *b;
  while ((b = mob_channel_receive(job->in)) != NULL) {
    if (!job->sm->failed)
      mob_summariser_consume(job->sm, b->data, b->len);
    mob_channel_give_back(job->back, b);
  }
  return NULL;
}

#define BLOCKS 12

/* Takes the file's fingerprint; refuses a file imported before unless it
 * replaces it (*before: the import it replaces, or 0). */
static int check_duplicate(vista_session *s, mob_importer *im,
                           const hasher *h, int64_t *before) {
  char when[40] = "";
  *before = 0;
  if (h->failed)
    return vista_seterr(s, VISTA_ERR_IO, "%s: read error", im->path);
  memcpy(im->report->sha256, h->hex, sizeof h->hex);
  *before = mob_find_import(s, h->hex, when, sizeof when);
  if (*before && !im->opts->replace)
    return vista_seterr(s, VISTA_ERR_INPUT,
                        "%s: this file was imported before (import %lld, %s; "
                        "same SHA-256): nothing imported; --replace imports "
                        "it again in place of the old rows",
                        im->path, (long long)*before, when);
  return VISTA_OK;
}

int vista_mobility_import(vista_session *s, const char *source,
                          const vista_mobility_options *opts,
                          vista_reject_fn on_reject, void *ud,
                          vista_mobility_report *report) {
  static const vista_mobility_options defaults = {0};
  const char *path = vista_input_name(source);
  vista_sha256 hash_inline = {0};
  FILE *input = NULL;
  mob_importer *im = vista_calloc(1, sizeof *im);
  vista_session *rs = NULL; /* the reader's own error buffer */
  mob_channel channel, to_summarise;
  mob_writer writer;
  mob_summariser summariser;
  int rc, in_tx = 0, hashing = 0, channel_ready = 0, writer_ready = 0;
  int summariser_ready = 0, summarising = 0;
  pthread_t summariser_thread;
  pthread_t hash_thread;
  vista_writeback *writeback = NULL;
  hasher h = {source, "", 0};
  vista_outfile rejects = {0};
  memset(report, 0, sizeof *report);
  memset(&writer, 0, sizeof writer);
  if (!im || vista_session_new(&rs, path) != VISTA_OK) {
    free(im);
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  }
  im->s = rs;
  im->path = path;
  im->source = source;
  im->opts = opts ? opts : &defaults;
  im->on_reject = on_reject;
  im->ud = ud;
  im->report = report;
  im->channel = &channel;
  const char *fmt = im->opts->format;

  if (fmt && strcmp(fmt, "auto") != 0 && strcmp(fmt, "erasmus") != 0 &&
      strcmp(fmt, "vista") != 0) {
    rc = vista_seterr(s, VISTA_ERR_INPUT,
                      "unknown format '%s' (auto, erasmus or vista)", fmt);
    goto done;
  }
  /* A source that is not a regular file (or "-") is refused before
   * anything starts; the reader opens it again. */
  if ((rc = vista_input_open(s, source, &input, &im->file_size)) !=
      VISTA_OK)
    goto done;
  vista_input_close(input);
  if ((rc = vista_store_open(s)) != VISTA_OK)
    goto done;
  if (im->file_size < 0) {
    if (vista_sha256_init(&hash_inline) != 0) {
      rc = vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
      goto done;
    }
    im->hash_inline = &hash_inline;
    im->file_size = 0; /* not known until it is read */
  } else if (pthread_create(&hash_thread, NULL, hash_file, &h) != 0) {
    rc = vista_seterr(s, VISTA_ERR, "cannot start hashing the file");
    goto done;
  } else {
    hashing = 1;
  }
  /* A file of a size imported before may be the same file: then wait for
   * its fingerprint and refuse at once, rather than after reading it. */
  int known = hashing && mob_size_imported(s, im->file_size);
  int64_t known_before = 0;
  if (known) {
    pthread_join(hash_thread, NULL);
    hashing = 0;
    if ((rc = check_duplicate(s, im, &h, &known_before)) != VISTA_OK)
      goto done;
  }
  /* Written beside its name and renamed at the end (output.h). */
  int err = im->opts->rejects_path
                ? vista_outfile_open(&rejects, im->opts->rejects_path, NULL)
                : 0;
  if (err) {
    rc = vista_seterr(s, VISTA_ERR_IO, "%s: %s", im->opts->rejects_path,
                      strerror(err));
    goto done;
  }
  im->rejects = rejects.f;
  /* A bigger page cache than the default 2 MiB pays for itself here. */
  sqlite3_exec(s->db, "PRAGMA cache_size = -8192", NULL, NULL, NULL);
  if ((rc = vista_store_begin(s)) != VISTA_OK)
    goto done;
  in_tx = 1;
  writeback = vista_writeback_start(vista_store_file_fd(s),
                                    sqlite3_db_filename(s->db, "main"));
  if ((rc = setup(im, s)) != VISTA_OK ||
      (rc = vista_store_import_begin(s, "mobility", path,
                                     &report->rows.import_id)) != VISTA_OK)
    goto done;
  writer_ready = 1; /* closing is safe after a failed open too */
  memset(&summariser, 0, sizeof summariser);
  summariser_ready = 1;
  if ((rc = mob_writer_open(&writer, s, path, report->rows.import_id)) !=
          VISTA_OK ||
      (rc = mob_summariser_open(&summariser, s, &im->ka)) != VISTA_OK)
    goto done;
  if (mob_channel_init(&channel, BLOCKS, MOB_BLOCK_SIZE) != 0 ||
      (channel_ready = 1, mob_channel_init(&to_summarise, 0, 0) != 0)) {
    rc = vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
    goto done;
  }
  channel_ready = 2;
  summariser_job sjob = {&to_summarise, &channel, &summariser};
  if (pthread_create(&summariser_thread, NULL, summarise_all, &sjob) != 0) {
    rc = vista_seterr(s, VISTA_ERR, "cannot start the summaries");
    goto done;
  }
  summarising = 1;

  im->started = im->last_draw = now_seconds();
  reader_job job = {im, VISTA_OK};
  pthread_t reader;
  if (pthread_create(&reader, NULL, read_file, &job) != 0) {
    rc = vista_seterr(s, VISTA_ERR, "cannot start reading the file");
    goto done;
  }
  rc = write_all(&channel, &to_summarise, &writer);
  pthread_join(reader, NULL);
  pthread_join(summariser_thread, NULL);
  summarising = 0;
  if (rc == VISTA_OK && summariser.failed)
    rc = vista_seterr(s, VISTA_ERR_NOMEM, "%s: out of memory", path);
  /* When the writer failed, its message says why (the reader only stopped);
   * otherwise a reader's failure is the cause. */
  if (rc == VISTA_OK && job.status != VISTA_OK)
    rc = vista_seterr(s, job.status, "%s", vista_errmsg(rs));
  if (rc != VISTA_OK)
    goto done;

  /* The fingerprint is waited for only now: at a lower priority, the hash
   * takes what the other threads leave of the two cores, and the core the
   * summaries leave idle. */
  if ((rc = mob_write_summaries(s, &writer.rows, summariser.maps,
                                summariser.ka.names,
                                summariser.na.names)) != VISTA_OK)
    goto done;
  int64_t before = 0;
  if (im->hash_inline) {
    if (vista_sha256_hex(im->hash_inline, h.hex) != 0) {
      rc = vista_seterr(s, VISTA_ERR_NOMEM, "%s: cannot hash the input", path);
      goto done;
    }
    im->file_size = im->bytes_read;
  }
  if (!known) {
    if (hashing)
      pthread_join(hash_thread, NULL);
    hashing = 0;
    if ((rc = check_duplicate(s, im, &h, &before)) != VISTA_OK)
      goto done;
  }
  before = before ? before : known_before;
  /* The same records in another form (line ends, quoting, header): the
   * SHA-256 differs, the records' fingerprint does not. */
  if (!before) {
    char when[40] = "", from[256] = "";
    before = mob_find_records(s, &writer, when, sizeof when, from,
                              sizeof from);
    if (before && !im->opts->replace) {
      rc = vista_seterr(s, VISTA_ERR_INPUT,
                        "%s: these records were imported before (import "
                        "%lld, %s, from %s; same records, in another form or"
                        " order): nothing imported; --replace imports them"
                        " again in place of the old rows",
                        path, (long long)before, when, from);
      goto done;
    }
  }
  if ((rc = mob_record_file(s, &writer, report, im->file_size)) != VISTA_OK ||
      (rc = vista_store_import_end(s, &report->rows)) != VISTA_OK)
    goto done;
  if (before) {
    if ((rc = mob_remove_import(s, before)) != VISTA_OK)
      goto done;
    report->replaced_import = before;
  }
  if ((rc = mob_record_fingerprint(s, &writer)) != VISTA_OK)
    goto done;
  double share;
  int64_t over = mob_find_overlap(s, &writer, &share, report->overlap_source,
                                  sizeof report->overlap_source);
  if (over && share >= MOB_OVERLAP_WARN) {
    report->overlap_import = over;
    report->overlap_share = share;
  }
  rc = vista_store_commit(s);
  in_tx = rc != VISTA_OK;

done:
  vista_sha256_free(&hash_inline);
  if (hashing)
    pthread_join(hash_thread, NULL);
  if (summarising) {
    mob_channel_close(&to_summarise);
    pthread_join(summariser_thread, NULL);
  }
  if (writer_ready)
    mob_writer_close(&writer);
  if (summariser_ready)
    mob_summariser_close(&summariser);
  if (in_tx)
    vista_store_rollback(s);
  vista_writeback_stop(writeback);
  if (channel_ready) {
    if (im->block)
      mob_channel_give_back(&channel, im->block);
    mob_channel_free(&channel);
  }
  if (channel_ready == 2)
    mob_channel_free(&to_summarise);
  /* The rejects file is kept whether or not the import was: it says why
   * rows were refused (with --strict, the row that stopped it). */
  if (rejects.f) {
    im->rejects = NULL;
    int werr = vista_outfile_commit(&rejects);
    if (werr && rc == VISTA_OK)
      rc = vista_seterr(s, VISTA_ERR_IO, "%s: %s",
                        im->opts->rejects_path, strerror(werr));
  }
  mob_importer_cleanup(im);
  free(im);
  vista_session_free(rs);
  return rc;
}
