/* mobility_store.c: the writing half of a mobility import. The reader (in
 * mobility.c, on its own thread) validates rows and assigns the ids of new
 * texts; it sends messages in blocks through a bounded channel, and this
 * side, on the thread that owns the connection, stores them in order:
 * labels, projects and institutions before the records that use them,
 * records 32 to an INSERT statement, rejects. Parsing and inserting then
 * run on the two cores at once. Also here: the file log (SHA-256, the rows
 * an import wrote), the records' fingerprint and sample (the writer hashes
 * each record it stores: it sees the final values, ids included, and has
 * time to spare between inserts) and removing an earlier import. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "internal.h"
#include "mobility_internal.h"
#include "org.h"

/* ---- the channel ----------------------------------------------------------- */

int mob_channel_init(mob_channel *ch, int blocks, size_t size) {
  memset(ch, 0, sizeof *ch);
  if (pthread_mutex_init(&ch->mu, NULL) != 0)
    return -1;
  if (pthread_cond_init(&ch->cv, NULL) != 0) {
    pthread_mutex_destroy(&ch->mu);
    return -1;
  }
  for (int i = 0; i < blocks; i++) {
    mob_block *b = vista_calloc(1, sizeof *b);
    if (b)
      b->data = vista_malloc(size);
    if (!b || !b->data) {
      free(b);
      return -1;
    }
    b->cap = size;
    b->next = ch->free;
    ch->free = b;
  }
  return 0;
}

static void free_list(mob_block *b) {
  while (b) {
    mob_block *next = b->next;
    free(b->data);
    free(b);
    b = next;
  }
}

void mob_channel_free(mob_channel *ch) {
  free_list(ch->free);
  free_list(ch->full);
  pthread_cond_destroy(&ch->cv);
  pthread_mutex_destroy(&ch->mu);
}

mob_block *mob_channel_take_free(mob_channel *ch) {
  pthread_mutex_lock(&ch->mu);
  while (!ch->free && !ch->failed)
    pthread_cond_wait(&ch->cv, &ch->mu);
  mob_block *b = ch->failed ? NULL : ch->free;
  if (b) {
    ch->free = b->next;
    b->next = NULL;
    b->len = 0;
  }
  pthread_mutex_unlock(&ch->mu);
  return b;
}

void mob_channel_send(mob_channel *ch, mob_block *b) {
  pthread_mutex_lock(&ch->mu);
  b->next = NULL;
  if (ch->full_tail)
    ch->full_tail->next = b;
  else
    ch->full = b;
  ch->full_tail = b;
  pthread_cond_broadcast(&ch->cv);
  pthread_mutex_unlock(&ch->mu);
}

void mob_channel_close(mob_channel *ch) {
  pthread_mutex_lock(&ch->mu);
  ch->closed = 1;
  pthread_cond_broadcast(&ch->cv);
  pthread_mutex_unlock(&ch->mu);
}

void mob_channel_fail(mob_channel *ch) {
  pthread_mutex_lock(&ch->mu);
  ch->failed = 1;
  pthread_cond_broadcast(&ch->cv);
  pthread_mutex_unlock(&ch->mu);
}

mob_block *mob_channel_receive(mob_channel *ch) {
  pthread_mutex_lock(&ch->mu);
  while (!ch->full && !ch->closed)
    pthread_cond_wait(&ch->cv, &ch->mu);
  mob_block *b = ch->full;
  if (b) {
    ch->full = b->next;
    if (!ch->full)
      ch->full_tail = NULL;
  }
  pthread_mutex_unlock(&ch->mu);
  return b;
}

void mob_channel_give_back(mob_channel *ch, mob_block *b) {
  pthread_mutex_lock(&ch->mu);
  b->next = ch->free;
  ch->free = b;
  pthread_cond_broadcast(&ch->cv);
  pthread_mutex_unlock(&ch->mu);
}

/* ---- the writer ------------------------------------------------------------- */

#define FACT_COLUMNS                                                           \
  "import_id, line, project_id, academic_year, start_month, end_month,"        \
  " duration, activity_id, field_id, nationality_id, education_level_id,"      \
  " codes, age, sending_country_id, sending_city_id, sending_id,"              \
  " receiving_country_id, receiving_city_id, receiving_id, participants,"      \
  " partner_id, sending_name_id, receiving_name_id, person_id"

/* ---- the records to insert, as a table -------------------------------------
 *
 * The writer hands SQLite a whole batch of records at once through an
 * eponymous virtual table over its buffer: "INSERT ... SELECT * FROM
 * vista_rows" moves each value straight into the new row, where a
 * multi-row VALUES statement would bind, copy and copy it again. */

typedef struct rows_cursor {
  sqlite3_vtab_cursor base;
  const mob_rows *rows;
  int at;
} rows_cursor;

typedef struct rows_vtab {
  sqlite3_vtab base;
  const mob_rows *rows;
} rows_vtab;

static int rows_connect(sqlite3 *db, void *aux, int argc,
                        const char *const *argv, sqlite3_vtab **out,
                        char **err) {
  (void)argc, (void)argv, (void)err;
  char decl[16 + MOB_ROWS_COLUMNS * 5];
  size_t n = (size_t)snprintf(decl, sizeof decl, "CREATE TABLE x(");
  for (int k = 0; k < MOB_ROWS_COLUMNS; k++)
    n += (size_t)snprintf(decl + n, sizeof decl - n, "%sc%d", k ? "," : "", k);
  snprintf(decl + n, sizeof decl - n, ")");
  int rc = sqlite3_declare_vtab(db, decl);
  if (rc != SQLITE_OK)
    return rc;
  rows_vtab *t = sqlite3_malloc(sizeof *t);
  if (!t)
    return SQLITE_NOMEM;
  memset(t, 0, sizeof *t);
  t->rows = aux;
  *out = &t->base;
  return SQLITE_OK;
}

static int rows_disconnect(sqlite3_vtab *t) {
  sqlite3_free(t);
  return SQLITE_OK;
}

static int rows_best_index(sqlite3_vtab *t, sqlite3_index_info *info) {
  (void)t;
  info->estimatedCost = MOB_BATCH;
  info->estimatedRows = MOB_BATCH;
  return SQLITE_OK;
}

static int rows_open(sqlite3_vtab *t, sqlite3_vtab_cursor **out) {
  rows_cursor *c = sqlite3_malloc(sizeof *c);
  if (!c)
    return SQLITE_NOMEM;
  memset(c, 0, sizeof *c);
  c->rows = ((rows_vtab *)t)->rows;
  *out = &c->base;
  return SQLITE_OK;
}

static int rows_close(sqlite3_vtab_cursor *c) {
  sqlite3_free(c);
  return SQLITE_OK;
}

static int rows_filter(sqlite3_vtab_cursor *c, int idx, const char *idx_str,
                       int argc, sqlite3_value **argv) {
  (void)idx, (void)idx_str, (void)argc, (void)argv;
  ((rows_cursor *)c)->at = 0;
  return SQLITE_OK;
}

static int rows_next(sqlite3_vtab_cursor *c) {
  ((rows_cursor *)c)->at++;
  return SQLITE_OK;
}

static int rows_eof(sqlite3_vtab_cursor *c) {
  rows_cursor *r = (rows_cursor *)c;
  return r->at >= r->rows->nrows;
}

static int rows_column(sqlite3_vtab_cursor *c, sqlite3_context *ctx, int k) {
  const rows_cursor *r = (const rows_cursor *)c;
  const mob_rows *rows = r->rows;
  if (k >= rows->ncols) {
    sqlite3_result_null(ctx);
    return SQLITE_OK;
  }
  size_t at = (size_t)r->at * (size_t)rows->ncols + (size_t)k;
  int64_t v = rows->ints[at];
  if (rows->texts && rows->texts[at])
    sqlite3_result_text(ctx, rows->texts[at], -1, SQLITE_STATIC);
  else if (v == NONE)
    sqlite3_result_null(ctx);
  else
    sqlite3_result_int64(ctx, v);
  return SQLITE_OK;
}

static int rows_rowid(sqlite3_vtab_cursor *c, sqlite3_int64 *rowid) {
  *rowid = ((rows_cursor *)c)->at;
  return SQLITE_OK;
}

_Static_assert(S_COUNT == 24, "the INSERT below names c0 to c23");

static const sqlite3_module rows_module = {
    .xConnect = rows_connect,
    .xBestIndex = rows_best_index,
    .xDisconnect = rows_disconnect,
    .xOpen = rows_open,
    .xClose = rows_close,
    .xFilter = rows_filter,
    .xNext = rows_next,
    .xEof = rows_eof,
    .xColumn = rows_column,
    .xRowid = rows_rowid,
};

static int prepare(mob_writer *w, sqlite3_stmt **st, const char *sql) {
  if (!sql)
    return vista_seterr(w->s, VISTA_ERR_NOMEM, "out of memory");
  if (sqlite3_prepare_v3(w->s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
                         NULL) != SQLITE_OK)
    return vista_seterr_sql(w->s, w->path);
  return VISTA_OK;
}

/* Remembers that label id is an ISCED 3 or 4 level. */
static int mark_isced34(mob_summariser *w, int64_t id) {
  if (id < 0)
    return 0;
  if ((size_t)id >= w->isced34_cap) {
    size_t cap = w->isced34_cap ? w->isced34_cap : 256;
    while (cap <= (size_t)id)
      cap *= 2;
    unsigned char *a = vista_realloc(w->isced34, cap);
    if (!a)
      return -1;
    memset(a + w->isced34_cap, 0, cap - w->isced34_cap);
    w->isced34 = a;
    w->isced34_cap = cap;
  }
  w->isced34[id] = 1;
  return 0;
}

/* The National Agency of every project and the ISCED 3-4 levels known
 * before this import. */
static int load_projects_and_levels(mob_summariser *sm, vista_session *s) {
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK, step;
  if (sqlite3_prepare_v2(s->db, "SELECT id, na_code FROM project", -1, &st,
                         NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "reading the projects");
  while ((step = sqlite3_step(st)) == SQLITE_ROW && rc == VISTA_OK)
    if (mob_ka_set(&sm->na, sqlite3_column_int64(st, 0),
                   mob_ka_index(&sm->na, (const char *)sqlite3_column_text(
                                             st, 1))) != 0)
      rc = vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  sqlite3_finalize(st);
  if (rc != VISTA_OK)
    return rc;
  if (sqlite3_prepare_v2(s->db, "SELECT id FROM label WHERE " ISCED34, -1,
                         &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "reading the labels");
  while ((step = sqlite3_step(st)) == SQLITE_ROW && rc == VISTA_OK)
    if (mark_isced34(sm, sqlite3_column_int64(st, 0)) != 0)
      rc = vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  sqlite3_finalize(st);
  return rc;
}

int mob_summariser_open(mob_summariser *sm, vista_session *s,
                        const mob_ka_table *ka) {
  memset(sm, 0, sizeof *sm);
  mob_ka_init(&sm->ka);
  mob_ka_init(&sm->na);
  static const int sums[MAP_COUNT] = {SUMMARY_VALUES, 1, AGG_VALUES, 1, 2};
  sm->facts = vista_malloc(MOB_BLOCK_FACTS * sizeof *sm->facts);
  if (!sm->facts)
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  for (int i = 0; i < MAP_COUNT; i++)
    if (mob_agg_init(&sm->maps[i], sums[i]) != 0)
      return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  /* The same indices as the reader's for the projects known before. */
  for (int i = 1; i < ka->count; i++)
    if (mob_ka_index(&sm->ka, ka->names[i]) != i)
      return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  for (size_t p = 0; p < ka->cap; p++)
    if (ka->by_project[p] &&
        mob_ka_set(&sm->ka, (int64_t)p, ka->by_project[p]) != 0)
      return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  return load_projects_and_levels(sm, s);
}

void mob_summariser_close(mob_summariser *sm) {
  mob_ka_free(&sm->ka);
  mob_ka_free(&sm->na);
  free(sm->isced34);
  free(sm->facts);
  for (int i = 0; i < MAP_COUNT; i++)
    mob_agg_free(&sm->maps[i]);
  memset(sm, 0, sizeof *sm);
}

int mob_writer_open(mob_writer *w, vista_session *s, const char *path,
                    int64_t import_id) {
  memset(w, 0, sizeof *w);
  w->s = s;
  w->path = path;
  w->import_id = import_id;
  w->batch = vista_malloc(MOB_BATCH * sizeof *w->batch);
  if (!w->batch)
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  /* The module reads this writer's buffer; it is dropped again on close
   * (scripts never see it). OR FAIL: SQLite then keeps no statement
   * journal, which any failure here does not need (the whole import is
   * rolled back). */
  int rc;
  if (sqlite3_create_module(s->db, "vista_rows", &rows_module, &w->rows) !=
      SQLITE_OK)
    return vista_seterr_sql(s, path);
  if ((rc = prepare(w, &w->insert_batch,
                    "INSERT OR FAIL INTO mobility(" FACT_COLUMNS ")"
                    " SELECT ?1, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10,"
                    " c11, c12, c13, c14, c15, c16, c17, c18, c19, c20,"
                    " c21, c22, c23 FROM vista_rows")) ||
      (rc = prepare(w, &w->insert_label,
                    "INSERT INTO label(id, text) VALUES (?1, ?2)")) ||
      (rc = prepare(w, &w->insert_project,
                    "INSERT INTO project(id, reference, call_year, round,"
                    " na_code, key_action) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")) ||
      (rc = prepare(w, &w->insert_institution,
                    "INSERT INTO institution(id, erasmus_code, name, country,"
                    " city) VALUES (?1, ?2, ?3, ?4, ?5)")) ||
      (rc = prepare(w, &w->insert_institution_key, VISTA_ORG_KEY_NEW_SQL)))
    return rc;
  /* Every record of the import has its id: bound once, not read per row. */
  if (sqlite3_bind_int64(w->insert_batch, 1, import_id) != SQLITE_OK)
    return vista_seterr_sql(s, path);
  return VISTA_OK;
}

void mob_writer_close(mob_writer *w) {
  sqlite3_finalize(w->insert_batch);
  sqlite3_finalize(w->insert_label);
  sqlite3_finalize(w->insert_project);
  sqlite3_finalize(w->insert_institution);
  sqlite3_finalize(w->insert_institution_key);
  if (w->s && w->s->db)
    sqlite3_create_module(w->s->db, "vista_rows", NULL, NULL);
  free(w->batch);
  memset(w, 0, sizeof *w);
}

/* Inserts the records gathered so far, all in one statement. */
static int flush(mob_writer *w) {
  if (!w->nbatch)
    return VISTA_OK;
  int rc = VISTA_OK;
  sqlite3_stmt *st = w->insert_batch;
  w->rows = (mob_rows){w->nbatch, S_COUNT, &w->batch[0][0], NULL};
  sqlite3_reset(st);
  if (sqlite3_step(st) != SQLITE_DONE) {
    rc = vista_seterr(w->s, VISTA_ERR_SQL, "%s:%lld: %s", w->path,
                      (long long)w->batch[0][S_LINE],
                      vista_store_errmsg(w->s));
  } else {
    /* One statement's rows get consecutive ids, the last one known. */
    w->last_id = sqlite3_last_insert_rowid(w->s->db);
    if (!w->first_id)
      w->first_id = w->last_id - w->nbatch + 1;
  }
  sqlite3_reset(st);
  w->nbatch = 0;
  return rc;
}

/* Reading a message: fixed-size values are copied out, texts are given as
 * pointer and length into the block. */
typedef struct cursor {
  const char *p, *end;
} cursor;

static int64_t get_i64(cursor *c) {
  int64_t v;
  memcpy(&v, c->p, sizeof v);
  c->p += sizeof v;
  return v;
}

static const char *get_text(cursor *c, size_t *len) {
  uint32_t n;
  memcpy(&n, c->p, sizeof n);
  c->p += sizeof n;
  const char *t = c->p;
  c->p += n;
  *len = n;
  return t;
}

static int bind_text_or_null(sqlite3_stmt *st, int i, const char *p,
                             size_t n) {
  return n ? sqlite3_bind_text(st, i, p, (int)n, SQLITE_STATIC)
           : sqlite3_bind_null(st, i);
}

/* A record's hash: its parsed values, not its line or import, so that
 * the same record saved in another form hashes the same (label, project
 * and institution ids are the database's, the same for the same text).
 * 63 bits: stored as a non-negative SQLite integer, ordered alike. */
static int64_t record_hash(const int64_t *row) {
  uint64_t h = 0x9e3779b97f4a7c15u;
  for (int k = S_PROJECT; k < S_COUNT; k++) {
    h ^= (uint64_t)row[k];
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 32;
  }
  h ^= h >> 29;
  h *= 0xc4ceb9fe1a85ec53u;
  h ^= h >> 32;
  return (int64_t)(h >> 1);
}

/* Adds a record to the fingerprint; the sample keeps the smallest distinct
 * hashes, so after the first few hundred records most pass one compare. */
static void fingerprint(mob_writer *w, const int64_t *row) {
  int64_t h = record_hash(row);
  w->fp_sum += (uint64_t)h;
  w->fp_xor ^= (uint64_t)h;
  w->fp_count++;
  if (row[S_PARTICIPANTS] != NONE)
    w->fp_participants += row[S_PARTICIPANTS];
  int64_t *heap = w->sample;
  int n = w->nsample;
  if (n == MOB_SAMPLE && h >= heap[0])
    return;
  for (int i = 0; i < n; i++)
    if (heap[i] == h)
      return;
  int i;
  if (n < MOB_SAMPLE) { /* sift up from the end */
    i = w->nsample++;
    while (i > 0 && heap[(i - 1) / 2] < h) {
      heap[i] = heap[(i - 1) / 2];
      i = (i - 1) / 2;
    }
  } else { /* replace the largest, sift down */
    i = 0;
    for (;;) {
      int c = 2 * i + 1;
      if (c >= n)
        break;
      if (c + 1 < n && heap[c + 1] > heap[c])
        c++;
      if (heap[c] <= h)
        break;
      heap[i] = heap[c];
      i = c;
    }
  }
  heap[i] = h;
}

int mob_writer_consume(mob_writer *w, const char *data, size_t len) {
  cursor c = {data, data + len};
  int rc = VISTA_OK;
  while (c.p < c.end && rc == VISTA_OK) {
    int type = (unsigned char)*c.p++;
    size_t n, n2, n3;
    const char *t, *t2, *t3;
    sqlite3_stmt *st;
    switch (type) {
    case MSG_FACT: {
      memcpy(w->batch[w->nbatch], c.p, sizeof w->batch[0]);
      c.p += sizeof w->batch[0];
      fingerprint(w, w->batch[w->nbatch]);
      if (++w->nbatch == MOB_BATCH)
        rc = flush(w);
      break;
    }
    case MSG_LABEL: {
      int64_t id = get_i64(&c);
      t = get_text(&c, &n);
      st = w->insert_label;
      sqlite3_reset(st);
      if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
          sqlite3_bind_text(st, 2, t, (int)n, SQLITE_STATIC) != SQLITE_OK ||
          sqlite3_step(st) != SQLITE_DONE)
        rc = vista_seterr_sql(w->s, w->path);
      break;
    }
    case MSG_PROJECT: {
      int64_t id = get_i64(&c);
      int64_t year = get_i64(&c), round = get_i64(&c);
      t = get_text(&c, &n);   /* reference */
      t2 = get_text(&c, &n2); /* National Agency */
      t3 = get_text(&c, &n3); /* key action */
      st = w->insert_project;
      sqlite3_reset(st);
      if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
          sqlite3_bind_text(st, 2, t, (int)n, SQLITE_STATIC) != SQLITE_OK ||
          sqlite3_bind_int64(st, 3, year) != SQLITE_OK ||
          sqlite3_bind_int64(st, 4, round) != SQLITE_OK ||
          sqlite3_bind_text(st, 5, t2, (int)n2, SQLITE_STATIC) != SQLITE_OK ||
          sqlite3_bind_text(st, 6, t3, (int)n3, SQLITE_STATIC) != SQLITE_OK ||
          sqlite3_step(st) != SQLITE_DONE)
        rc = vista_seterr_sql(w->s, w->path);
      break;
    }
    case MSG_INSTITUTION: {
      int64_t id = get_i64(&c);
      const char *code, *name, *country, *city;
      size_t nc, nn, nco, nci;
      code = get_text(&c, &nc);
      name = get_text(&c, &nn);
      country = get_text(&c, &nco);
      city = get_text(&c, &nci);
      st = w->insert_institution;
      sqlite3_reset(st);
      if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
          bind_text_or_null(st, 2, code, nc) != SQLITE_OK ||
          sqlite3_bind_text(st, 3, name, (int)nn, SQLITE_STATIC) !=
              SQLITE_OK ||
          bind_text_or_null(st, 4, country, nco) != SQLITE_OK ||
          bind_text_or_null(st, 5, city, nci) != SQLITE_OK ||
          sqlite3_step(st) != SQLITE_DONE)
        rc = vista_seterr_sql(w->s, w->path);
      st = w->insert_institution_key;
      sqlite3_reset(st);
      if (rc == VISTA_OK &&
          (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
           sqlite3_bind_text(st, 2, name, (int)nn, SQLITE_STATIC) !=
               SQLITE_OK ||
           sqlite3_step(st) != SQLITE_DONE))
        rc = vista_seterr_sql(w->s, w->path);
      break;
    }
    case MSG_REJECT: {
      int64_t line = get_i64(&c), field = get_i64(&c);
      t = get_text(&c, &n);
      char reason[VISTA_ERRMSG_SIZE];
      snprintf(reason, sizeof reason, "%.*s", (int)n, t);
      rc = vista_store_reject(w->s, w->import_id, line, (int)field, reason);
      break;
    }
    default:
      rc = vista_seterr(w->s, VISTA_ERR, "%s: internal error: message %d",
                        w->path, type);
    }
  }
  return rc;
}

int mob_writer_finish(mob_writer *w) { return flush(w); }

/* The context of a record: its project's key action and agency, and
 * whether its level is ISCED 3-4. */
static mob_context context_of(const mob_summariser *sm, const int64_t *row) {
  mob_context cx = {0, 0, 0};
  if (row[S_PROJECT] != NONE) {
    cx.ka = mob_ka_of(&sm->ka, row[S_PROJECT]);
    cx.na = mob_ka_of(&sm->na, row[S_PROJECT]);
  }
  int64_t level = row[S_EDUCATION_LEVEL];
  cx.isced34 = level == NONE ? -1
               : (size_t)level < sm->isced34_cap && sm->isced34[level];
  return cx;
}

/* How far ahead the cache is told about records (see mob_summary_hint):
 * the maps are larger than the caches, and every record touches five. */
#define HINT_AHEAD 8
#define KEY_RING 32 /* a power of two above 2 * HINT_AHEAD */

/* A record's keys as worked out for a hint, kept for when it is added. */
typedef struct keyed {
  size_t fact; /* which record of the block, SIZE_MAX for none */
  mob_context cx;
  mob_keys keys;
} keyed;

static int same_context(const mob_context *a, const mob_context *b) {
  return a->ka == b->ka && a->na == b->na && a->isced34 == b->isced34;
}

/* The keys of record i of the block, from the ring when they were worked
 * out under the same context (a project or level the block introduces
 * between the hint and the record changes it), else worked out now. */
static const mob_keys *keys_at(const mob_summariser *sm, keyed *ring,
                               const char *const *facts, size_t i,
                               const mob_context *now) {
  keyed *kd = &ring[i & (KEY_RING - 1)];
  int64_t row[S_COUNT];
  if (kd->fact == i && (!now || same_context(&kd->cx, now)))
    return &kd->keys;
  memcpy(row, facts[i], sizeof row);
  kd->fact = i;
  kd->cx = now ? *now : context_of(sm, row);
  mob_summary_keys(row, &kd->cx, &kd->keys);
  return &kd->keys;
}

void mob_summariser_consume(mob_summariser *sm, const char *data,
                            size_t len) {
  /* Where the block's records are, to look ahead of the one added. */
  size_t nfacts = 0, next = 0;
  const char **facts = sm->facts;
  cursor scan = {data, data + len};
  while (scan.p < scan.end) {
    int type = (unsigned char)*scan.p++;
    size_t n;
    if (type == MSG_FACT) {
      if (nfacts < MOB_BLOCK_FACTS)
        facts[nfacts++] = scan.p;
      scan.p += S_COUNT * sizeof(int64_t);
    } else if (type == MSG_LABEL) {
      get_i64(&scan), get_text(&scan, &n);
    } else if (type == MSG_PROJECT) {
      get_i64(&scan), get_i64(&scan), get_i64(&scan);
      get_text(&scan, &n), get_text(&scan, &n), get_text(&scan, &n);
    } else if (type == MSG_INSTITUTION) {
      get_i64(&scan);
      get_text(&scan, &n), get_text(&scan, &n), get_text(&scan, &n);
      get_text(&scan, &n);
    } else if (type == MSG_REJECT) {
      get_i64(&scan), get_i64(&scan), get_text(&scan, &n);
    } else {
      break; /* the writer says what is wrong with it */
    }
  }
  keyed ring[KEY_RING];
  for (int i = 0; i < KEY_RING; i++)
    ring[i].fact = SIZE_MAX;
  cursor c = {data, data + len};
  while (c.p < c.end && !sm->failed) {
    int type = (unsigned char)*c.p++;
    size_t n, n2, n3;
    const char *t, *t2, *t3;
    switch (type) {
    case MSG_FACT: {
      int64_t row[S_COUNT];
      for (int stage = 0; stage < 2; stage++) {
        size_t at = next + (size_t)(2 - stage) * HINT_AHEAD;
        if (at < nfacts)
          mob_summary_hint(sm->maps, keys_at(sm, ring, facts, at, NULL),
                           stage);
      }
      memcpy(row, c.p, sizeof row);
      c.p += sizeof row;
      mob_context cx = context_of(sm, row);
      const mob_keys *k =
          next < nfacts ? keys_at(sm, ring, facts, next, &cx) : NULL;
      mob_keys own;
      if (!k) { /* past the block's list of records: never, but safe */
        mob_summary_keys(row, &cx, &own);
        k = &own;
      }
      next++;
      sm->failed = mob_summarise(sm->maps, row, &cx, k) != 0;
      break;
    }
    case MSG_LABEL: {
      int64_t id = get_i64(&c);
      t = get_text(&c, &n);
      sm->failed = mob_is_isced34(t, n) && mark_isced34(sm, id) != 0;
      break;
    }
    case MSG_PROJECT: {
      int64_t id = get_i64(&c);
      get_i64(&c), get_i64(&c); /* call year, round */
      get_text(&c, &n);         /* reference */
      t2 = get_text(&c, &n2);   /* National Agency */
      t3 = get_text(&c, &n3);   /* key action */
      char ka_name[32], na_name[32];
      snprintf(ka_name, sizeof ka_name, "%.*s", (int)n3, t3);
      snprintf(na_name, sizeof na_name, "%.*s", (int)n2, t2);
      sm->failed =
          mob_ka_set(&sm->ka, id, mob_ka_index(&sm->ka, ka_name)) != 0 ||
          mob_ka_set(&sm->na, id, mob_ka_index(&sm->na, na_name)) != 0;
      break;
    }
    case MSG_INSTITUTION:
      get_i64(&c);
      for (int i = 0; i < 4; i++)
        get_text(&c, &n);
      break;
    case MSG_REJECT:
      get_i64(&c), get_i64(&c);
      get_text(&c, &n);
      break;
    default:
      sm->failed = 1; /* the writer says what went wrong */
      return;
    }
  }
}

/* ---- the file log ------------------------------------------------------------ */

int64_t mob_find_import(vista_session *s, const char *hex, char *when,
                        size_t n) {
  sqlite3_stmt *st = NULL;
  int64_t id = 0;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT f.import_id, l.imported_at FROM mobility_file"
                         " f JOIN import_log l ON l.id = f.import_id"
                         " WHERE f.sha256 = ?1",
                         -1, &st, NULL) == SQLITE_OK &&
      sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    id = sqlite3_column_int64(st, 0);
    snprintf(when, n, "%s", (const char *)sqlite3_column_text(st, 1));
  }
  sqlite3_finalize(st);
  return id;
}

int64_t mob_find_records(vista_session *s, const mob_writer *w, char *when,
                         size_t n, char *source, size_t m) {
  sqlite3_stmt *st = NULL;
  int64_t id = 0;
  if (!w->fp_count) /* no records: nothing to compare */
    return 0;
  if (sqlite3_prepare_v2(s->db,
                         "SELECT id, imported_at, source FROM import_log"
                         " WHERE record_sum = ?1 AND record_xor = ?2"
                         " AND record_count = ?3 AND record_participants = ?4"
                         " AND kind = 'mobility' AND id != ?5 ORDER BY id",
                         -1, &st, NULL) == SQLITE_OK &&
      sqlite3_bind_int64(st, 1, (int64_t)w->fp_sum) == SQLITE_OK &&
      sqlite3_bind_int64(st, 2, (int64_t)w->fp_xor) == SQLITE_OK &&
      sqlite3_bind_int64(st, 3, w->fp_count) == SQLITE_OK &&
      sqlite3_bind_int64(st, 4, w->fp_participants) == SQLITE_OK &&
      sqlite3_bind_int64(st, 5, w->import_id) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    id = sqlite3_column_int64(st, 0);
    snprintf(when, n, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(source, m, "%s", (const char *)sqlite3_column_text(st, 2));
  }
  sqlite3_finalize(st);
  return id;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* The share of a's sample found in b's, over the hashes both samples
 * cover: a sample of fewer than MOB_SAMPLE hashes holds every distinct
 * record, a full one those up to its largest (both sorted). */
static double sample_share(const int64_t *a, int na, const int64_t *b,
                           int nb) {
  int64_t top = INT64_MAX;
  if (na == MOB_SAMPLE)
    top = a[na - 1];
  if (nb == MOB_SAMPLE && b[nb - 1] < top)
    top = b[nb - 1];
  int in = 0, both = 0, j = 0;
  for (int i = 0; i < na && a[i] <= top; i++) {
    in++;
    while (j < nb && b[j] < a[i])
      j++;
    both += j < nb && b[j] == a[i];
  }
  return in ? (double)both / in : 0;
}

int64_t mob_find_overlap(vista_session *s, const mob_writer *w,
                         double *share, char *source, size_t m) {
  sqlite3_stmt *st = NULL;
  int64_t a[MOB_SAMPLE], b[MOB_SAMPLE], best = 0, cur = 0;
  int na = w->nsample, nb = 0, more = 1;
  *share = 0;
  if (!na)
    return 0;
  memcpy(a, w->sample, sizeof a[0] * (size_t)na);
  qsort(a, (size_t)na, sizeof a[0], cmp_i64);
  if (sqlite3_prepare_v2(s->db,
                         "SELECT x.import_id, x.hash, l.source FROM"
                         " import_sample x JOIN import_log l"
                         " ON l.id = x.import_id WHERE x.import_id != ?1"
                         " ORDER BY x.import_id, x.hash",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_bind_int64(st, 1, w->import_id) != SQLITE_OK) {
    sqlite3_finalize(st);
    return 0;
  }
  char cur_source[512] = "";
  while (more) {
    more = sqlite3_step(st) == SQLITE_ROW;
    int64_t id = more ? sqlite3_column_int64(st, 0) : 0;
    if (id != cur && nb) { /* import cur's sample is complete */
      double sh = sample_share(a, na, b, nb);
      if (sh > *share) {
        *share = sh;
        best = cur;
        snprintf(source, m, "%s", cur_source);
      }
      nb = 0;
    }
    if (!more)
      break;
    if (id != cur) {
      cur = id;
      snprintf(cur_source, sizeof cur_source, "%s",
               (const char *)sqlite3_column_text(st, 2));
    }
    if (nb < MOB_SAMPLE)
      b[nb++] = sqlite3_column_int64(st, 1);
  }
  sqlite3_finalize(st);
  return best;
}

int mob_record_fingerprint(vista_session *s, const mob_writer *w) {
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (!w->fp_count)
    return VISTA_OK;
  if (sqlite3_prepare_v2(s->db,
                         "UPDATE import_log SET record_sum = ?2,"
                         " record_xor = ?3, record_count = ?4,"
                         " record_participants = ?5 WHERE id = ?1",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_bind_int64(st, 1, w->import_id) != SQLITE_OK ||
      sqlite3_bind_int64(st, 2, (int64_t)w->fp_sum) != SQLITE_OK ||
      sqlite3_bind_int64(st, 3, (int64_t)w->fp_xor) != SQLITE_OK ||
      sqlite3_bind_int64(st, 4, w->fp_count) != SQLITE_OK ||
      sqlite3_bind_int64(st, 5, w->fp_participants) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_DONE)
    rc = vista_seterr_sql(s, "recording the records' fingerprint");
  sqlite3_finalize(st);
  st = NULL;
  if (rc == VISTA_OK &&
      sqlite3_prepare_v2(s->db,
                         "INSERT INTO import_sample(import_id, hash)"
                         " VALUES (?1, ?2)",
                         -1, &st, NULL) != SQLITE_OK)
    rc = vista_seterr_sql(s, "recording the records' fingerprint");
  for (int i = 0; rc == VISTA_OK && i < w->nsample; i++) {
    sqlite3_reset(st);
    if (sqlite3_bind_int64(st, 1, w->import_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, 2, w->sample[i]) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
      rc = vista_seterr_sql(s, "recording the records' fingerprint");
  }
  sqlite3_finalize(st);
  return rc;
}

int mob_size_imported(vista_session *s, int64_t size) {
  sqlite3_stmt *st = NULL;
  int found = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM mobility_file WHERE size = ?1",
                         -1, &st, NULL) == SQLITE_OK &&
      sqlite3_bind_int64(st, 1, size) == SQLITE_OK)
    found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return found;
}

int mob_record_file(vista_session *s, const mob_writer *w,
                    const vista_mobility_report *r, int64_t size) {
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (sqlite3_prepare_v2(s->db,
                         "INSERT INTO mobility_file(import_id, sha256, size,"
                         " format, first_id, last_id, participants)"
                         " VALUES (?1, ?2, ?3, ?4, nullif(?6, 0),"
                         " nullif(?7, 0), ?5)",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_bind_int64(st, 1, r->rows.import_id) != SQLITE_OK ||
      sqlite3_bind_text(st, 2, r->sha256, -1, SQLITE_STATIC) != SQLITE_OK ||
      sqlite3_bind_int64(st, 3, size) != SQLITE_OK ||
      sqlite3_bind_text(st, 4, r->format, -1, SQLITE_STATIC) != SQLITE_OK ||
      sqlite3_bind_int64(st, 5, r->participants) != SQLITE_OK ||
      sqlite3_bind_int64(st, 6, w->first_id) != SQLITE_OK ||
      sqlite3_bind_int64(st, 7, w->last_id) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_DONE)
    rc = vista_seterr_sql(s, "recording the file");
  sqlite3_finalize(st);
  return rc;
}

int mob_remove_import(vista_session *s, int64_t import_id) {
  static const char *const steps[] = {
      "DELETE FROM mobility WHERE id BETWEEN"
      " (SELECT first_id FROM mobility_file WHERE import_id = ?1) AND"
      " (SELECT last_id FROM mobility_file WHERE import_id = ?1)"
      " AND import_id = ?1",
      "DELETE FROM import_log WHERE id = ?1"};
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  for (int i = 0; i < 2 && rc == VISTA_OK; i++) {
    if (sqlite3_prepare_v2(s->db, steps[i], -1, &st, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(st, 1, import_id) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE)
      rc = vista_seterr_sql(s, "replacing the earlier import");
    sqlite3_finalize(st);
    st = NULL;
  }
  return rc == VISTA_OK ? vista_mobility_rebuild_summaries(s) : rc;
}
