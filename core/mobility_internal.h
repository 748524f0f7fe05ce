/* mobility_internal.h: what the mobility files share: the rules
 * (mobility_rules.c), the in-memory summaries (mobility_summary.c) and the
 * importer (mobility.c). */
#ifndef VISTA_MOBILITY_INTERNAL_H
#define VISTA_MOBILITY_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>

#include "csv_reader.h"
#include "dict.h"
#include "mobility.h"
#include "sha256.h"

#define MF_IGNORE MF_COUNT /* a column read on purpose as nothing */
#define NONE INT64_MIN     /* an unknown value, stored as NULL */
#define MAX_KEY_ACTIONS 255

/* An education level at ISCED 3 or 4 (the EU IVET benchmark's), as SQL on
 * label.text; mob_is_isced34() is the same test in C. */
#define ISCED34                                                            \
  "(text LIKE 'ISCED-3%' OR text LIKE 'ISCED-4%' OR text LIKE 'ISCED 3%'"  \
  " OR text LIKE 'ISCED 4%')"
static inline int mob_is_isced34(const char *p, size_t n) {
  return n >= 7 && strncasecmp(p, "isced", 5) == 0 &&
         (p[5] == '-' || p[5] == ' ') && (p[6] == '3' || p[6] == '4');
}

/* ---- who counts as what: the one definition ----
 *
 * The SQL below is the definition every figure reads: the columns band,
 * role, is_learner, is_staff, band_edge and out_of_range of the view
 * mobility_fact (store.c, step 9) are these expressions over the stored
 * profile, group leader flag, activity kind and duration. The C functions
 * after them are the importer's and the summaries' fast copy; test_rules
 * compares the two on every combination of their inputs.
 *
 * The band, activity first: a group leader or an accompanying activity is
 * accompanying whatever the profile; staff (or no profile on a staff
 * activity) on a learner activity travel as accompanying staff, otherwise
 * staff; a learner is banded by the activity (group mobility and skills
 * competitions their own band, ErasmusPro long, short-term short), and
 * only when the activity says nothing by the duration. NULL: unknown. */
#define MOB_BAND_SQL(P, L, K, D)                                           \
  "(CASE WHEN " L " = 1 OR " K " = 4 THEN 4"                               \
  " WHEN " P " = 2 OR (" P " IS NULL AND " K " = 3)"                       \
  "  THEN CASE WHEN " K " IN (2, 5, 6, 7) THEN 4 ELSE 3 END"               \
  " WHEN " P " = 1 THEN CASE WHEN " K " IN (2, 7) THEN 6"                  \
  "  WHEN " K " = 5 THEN 2 WHEN " K " = 6 THEN 1"                           \
  "  WHEN " D " >= 90 THEN 2 WHEN " D " >= 10 THEN 1"                      \
  "  WHEN " D " >= 0 THEN 5 END END)"
/* The role every figure counts a record as: 1 learner (the learner
 * profile, never a group leader or accompanying person, whatever the
 * duration), 2 staff on professional development (the staff band), 3
 * group leader or accompanying person; NULL unknown. B is the band. */
#define MOB_ROLE_SQL(P, B)                                                 \
  "(CASE WHEN " B " = 4 THEN 3 WHEN " B " = 3 THEN 2"                      \
  " WHEN " P " = 1 THEN 1 END)"
/* A learner banded by duration or individual activity within a day of an
 * edge (9/10, 89/90 days): the two ways of counting days may disagree. */
#define MOB_EDGE_SQL(B, D)                                                 \
  "(CASE WHEN " B " IN (1, 2, 5) AND " D " IN (9, 10, 89, 90)"             \
  " THEN 1 ELSE 0 END)"
/* A duration outside its activity's allowed range (Programme Guide):
 * flagged, never re-banded. Accompanying persons follow the activity of
 * those they accompany: not checked. */
#define MOB_RANGE_SQL(B, K, D)                                             \
  "(CASE WHEN " D " IS NULL OR " B " IS NULL OR " B " = 4 THEN 0"          \
  " WHEN " K " = 2 THEN " D " NOT BETWEEN 2 AND 30"                         \
  " WHEN " K " = 7 THEN " D " NOT BETWEEN 1 AND 10"                         \
  " WHEN " K " = 5 THEN " D " NOT BETWEEN 90 AND 365"                       \
  " WHEN " K " = 6 THEN " D " NOT BETWEEN 10 AND 89"                        \
  " WHEN " K " = 3 AND " B " = 3 THEN " D " NOT BETWEEN 2 AND 365"          \
  " ELSE " D " > 365 END)"

/* The fast copies (NONE for unknown inputs; 0 for an unknown result). */
static inline int mob_band(int64_t profile, int64_t leader, int kind,
                           int64_t d) {
  if (leader == 1 || kind == ACT_ACCOMPANYING)
    return BAND_LEADER;
  if (profile == PROFILE_STAFF || (profile == NONE && kind == ACT_STAFF))
    return kind == ACT_GROUP || kind == ACT_LONG || kind == ACT_SHORT ||
                   kind == ACT_COMPETITION
               ? BAND_LEADER
               : BAND_STAFF;
  if (profile != PROFILE_LEARNER)
    return 0;
  if (kind == ACT_GROUP || kind == ACT_COMPETITION)
    return BAND_GROUP;
  if (kind == ACT_LONG)
    return BAND_LONG;
  if (kind == ACT_SHORT)
    return BAND_SHORT;
  if (d == NONE)
    return 0;
  return d >= 90 ? BAND_LONG : d >= 10 ? BAND_SHORT : BAND_OTHER;
}
static inline int mob_role(int64_t profile, int band) {
  return band == BAND_LEADER            ? ROLE_ACCOMPANYING
         : band == BAND_STAFF           ? ROLE_STAFF
         : profile == PROFILE_LEARNER   ? ROLE_LEARNER
                                        : 0;
}
static inline int mob_edge(int band, int64_t d) {
  return (band == BAND_SHORT || band == BAND_LONG || band == BAND_OTHER) &&
         (d == 9 || d == 10 || d == 89 || d == 90);
}
static inline int mob_out_of_range(int band, int kind, int64_t d) {
  if (d == NONE || band == 0 || band == BAND_LEADER)
    return 0;
  switch (kind) {
  case ACT_GROUP:
    return d < 2 || d > 30;
  case ACT_COMPETITION:
    return d < 1 || d > 10;
  case ACT_LONG:
    return d < 90 || d > 365;
  case ACT_SHORT:
    return d < 10 || d > 89;
  default:
    if (kind == ACT_STAFF && band == BAND_STAFF)
      return d < 2 || d > 365;
    return d > 365;
  }
}
/* The activity kind a text names (ACT_*, case ignored). */
int mob_activity_kind(const char *p, size_t n);

/* Where the stored codes keep each small value (see pack()). */
#define CODE_BAND(c) ((int)((uint64_t)(c) >> 15 & 7))
#define CODE_PROFILE(c) ((int64_t)((uint64_t)(c) >> 2 & 3))

/* A record's values while the reader works on it, NONE when unknown. */
enum {
  C_IMPORT, C_LINE, C_PROJECT, C_ACADEMIC_YEAR, C_START, C_END, C_DURATION,
  C_ACTIVITY, C_FIELD, C_NATIONALITY, C_EDUCATION_LEVEL, C_GENDER,
  C_PROFILE, C_SPECIAL, C_FEWER, C_LEADER, C_AGE, C_S_COUNTRY, C_S_CITY,
  C_SENDING, C_R_COUNTRY, C_R_CITY, C_RECEIVING, C_PARTICIPANTS,
  C_DIRECTION, C_PARTNER, C_RECOGNISED, C_VET, C_BAND, C_YEAR, C_EDGE,
  C_S_NAME, C_R_NAME, C_KIND, C_RANGE, C_PERSON, C_GRADUATE,
  C_COUNT
};

/* The fact table's stored columns, in insert order: the small codes go
 * packed into S_CODES (see the schema in store.c). */
enum {
  S_IMPORT, S_LINE, S_PROJECT, S_ACADEMIC_YEAR, S_START, S_END, S_DURATION,
  S_ACTIVITY, S_FIELD, S_NATIONALITY, S_EDUCATION_LEVEL, S_CODES, S_AGE,
  S_S_COUNTRY, S_S_CITY, S_SENDING, S_R_COUNTRY, S_R_CITY, S_RECEIVING,
  S_PARTICIPANTS, S_PARTNER, S_S_NAME, S_R_NAME, S_PERSON,
  S_COUNT
};

/* ---- rules (mobility_rules.c) ---- */

/* The official column names, for messages and suggestions. */
extern const char *const mob_official_columns[MF_COUNT];

/* Lowercase, every run of other characters one space. */
void mob_normalise(char *dst, size_t n, const char *src, size_t len);
/* The MF_* field a header name means, MF_IGNORE for "-", or -1. */
int mob_field_by_name(const char *name, size_t len);

/* Whether p[0..n) is word in any case, ASCII folding whatever the locale.
 * word is lowercase ASCII letters: or-ing 0x20 turns an uppercase letter
 * into its lowercase, and no other byte into a lowercase letter. */
static inline int mob_eqi(const char *p, size_t n, const char *word) {
  size_t i = 0;
  for (; i < n; i++)
    if (!word[i] || ((unsigned char)p[i] | 0x20) != (unsigned char)word[i])
      return 0;
  return word[i] == '\0';
}

/* Drops spaces and tabs around a value (inline: called for every field). */
static inline const char *mob_trim(const char *p, size_t *len) {
  size_t n = *len;
  while (n && (*p == ' ' || *p == '\t'))
    p++, n--;
  while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    n--;
  *len = n;
  return p;
}

/* The official missing-value markers, read as unknown: "", "-", "???",
 * "? Unknown ?", "??? - ? Unknown ?", "Undefined" (inline, as above). */
static inline int mob_is_missing(const char *p, size_t n) {
  if (n == 0)
    return 1;
  switch (p[0]) {
  case '-':
    return n == 1;
  case '?':
    return (n == 3 && memcmp(p, "???", 3) == 0) ||
           (n == 11 && memcmp(p, "? Unknown ?", 11) == 0) ||
           (n == 17 && memcmp(p, "??? - ? Unknown ?", 17) == 0);
  case 'U':
  case 'u':
    return mob_eqi(p, n, "undefined");
  default:
    return 0;
  }
}

/* Each returns 0, or -1 when the text is not such a value. Months and
 * academic years are digits only; mob_parse_int takes a sign. */
int mob_parse_int(const char *p, size_t n, int64_t lo, int64_t hi,
                  int64_t *out);
int mob_parse_month(const char *p, size_t n, int64_t *out);
int mob_parse_academic_year(const char *p, size_t n, int64_t *out);
int mob_parse_yes_no(const char *p, size_t n, int64_t *out);

typedef struct mob_project_ref {
  int call_year, round;
  char na[8];
  char key_action[16];
} mob_project_ref;

int mob_parse_project(const char *p, size_t n, mob_project_ref *r);
int mob_is_vet_key_action(const char *ka);
int mob_activity_is_vet(const char *p, size_t n);

/* ---- summaries (mobility_summary.c) ---- */

#define AGG_VALUES 23 /* the most sums a map keeps (mobility_term's) */
#define SUMMARY_VALUES 13 /* mobility_summary's sums */

/* An entry: its packed key, then the map's nv sums, together so that one
 * add touches one place in memory. */
typedef struct agg_entry {
  uint64_t k0, k1;
  int64_t v[];
} agg_entry;

typedef struct agg_map {
  uint32_t *index;    /* hash index: 0 empty, else entry position + 1 */
  size_t cap;         /* slots in the index, a power of two */
  unsigned char *entries; /* dense, stride bytes each, in the order first
                             seen */
  size_t stride;
  int nv;                  /* each map keeps only its own sums */
  agg_entry *last;         /* the entry added to last: records come in runs */
  size_t count, entries_cap;
} agg_map;

/* A map of nv sums per key. */
int mob_agg_init(agg_map *m, int nv);
void mob_agg_free(agg_map *m);
/* The maps the importer keeps, one per summary table. */
enum { MAP_SUMMARY, MAP_DESTINATION, MAP_TERM, MAP_TERM_DESTINATION,
       MAP_TERM_INCOMING, MAP_COUNT };

/* What a record is summarised by besides its own columns: its project's
 * key action and National Agency (indices into the writer's lists), and
 * whether its education level is ISCED 3 or 4 (1), another (0) or
 * unknown (-1). */
typedef struct mob_context {
  int ka, na, isced34;
} mob_context;

/* A record's key in every map and the key's hash; bit m of `in` is set
 * when the record goes into map m. Worked out once a record. */
typedef struct mob_keys {
  unsigned in;
  uint64_t k[MAP_COUNT][2];
  uint64_t hash[MAP_COUNT];
} mob_keys;

void mob_summary_keys(const int64_t *s, const mob_context *cx, mob_keys *k);
/* Adds one stored record (S_* columns, its keys) to every map. -1 when out
 * of memory. */
int mob_summarise(agg_map *maps, const int64_t *s, const mob_context *cx,
                  const mob_keys *k);
/* Prefetches what mob_summarise will touch for a record: its slots in the
 * maps' indexes (stage 0), then the entries they hold (stage 1). */
void mob_summary_hint(const agg_map *maps, const mob_keys *k, int stage);

/* Each project's key action as a small index into a list of names (0:
 * unknown). The reader and the writer each keep one. */
typedef struct mob_ka_table {
  char *names[MAX_KEY_ACTIONS + 1]; /* names[0] is unused */
  unsigned char vet[MAX_KEY_ACTIONS + 1]; /* mob_is_vet_key_action */
  int count;                        /* the next index; starts at 1 */
  unsigned char *by_project;
  size_t cap;
} mob_ka_table;

void mob_ka_init(mob_ka_table *t);
void mob_ka_free(mob_ka_table *t);
/* The index of a key action, added if new (0 when the list is full). */
int mob_ka_index(mob_ka_table *t, const char *name);
/* Remembers project id's key action. -1 when out of memory. */
int mob_ka_set(mob_ka_table *t, int64_t project, int ka);
int mob_ka_of(const mob_ka_table *t, int64_t project);
/* Rows handed to SQLite as the virtual table vista_rows (columns c0, c1,
 * ...): ints[r * ncols + k], NONE for NULL, or texts[...] where that is
 * set. The writer's own records, then the summaries, go through it. */
#define MOB_ROWS_COLUMNS 28
typedef struct mob_rows {
  int nrows, ncols;
  const int64_t *ints;
  const char *const *texts; /* or NULL: integers only */
} mob_rows;

/* Writes every map into its table, adding to what is there, through
 * rows (the writer's, while vista_rows is registered). */
int mob_write_summaries(vista_session *s, mob_rows *rows, agg_map *maps,
                        char *const *key_actions, char *const *agencies);

/* ---- reader to writer (mobility_store.c) ---- */

/* Messages: a type byte, then int64 values and texts (uint32 length and
 * bytes), in this order:
 *   MSG_FACT        S_COUNT int64 (NONE for unknown)
 *   MSG_LABEL       id, text
 *   MSG_PROJECT     id, call year, round, reference, National Agency,
 *                   key action
 *   MSG_INSTITUTION id, Erasmus code, name, country, city ("" = NULL)
 *   MSG_REJECT      line, column, reason */
enum { MSG_FACT = 1, MSG_LABEL, MSG_PROJECT, MSG_INSTITUTION, MSG_REJECT };

/* The blocks the reader fills (bytes), and the most records one holds. */
#define MOB_BLOCK_SIZE ((size_t)1 << 20)
#define MOB_BLOCK_FACTS (MOB_BLOCK_SIZE / (1 + S_COUNT * sizeof(int64_t)) + 1)

#define MOB_BATCH 2048 /* records per INSERT statement */
#define MOB_SAMPLE 256 /* record hashes kept per import for overlaps */
/* An earlier import holding at least this share of a new file's records
 * (estimated) is named in a warning. */
#define MOB_OVERLAP_WARN 0.5

typedef struct mob_block {
  char *data;
  size_t len, cap;
  struct mob_block *next;
} mob_block;

/* A bounded queue of blocks between the reader and the writer. */
typedef struct mob_channel {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  mob_block *full, *full_tail; /* sent, in order */
  mob_block *free;             /* empty, to be filled */
  int closed;                  /* the reader sent everything */
  int failed;                  /* the writer stopped: the reader stops too */
} mob_channel;

int mob_channel_init(mob_channel *ch, int blocks, size_t size);
void mob_channel_free(mob_channel *ch);
/* An empty block, waiting for one; NULL once the writer has failed. */
mob_block *mob_channel_take_free(mob_channel *ch);
void mob_channel_send(mob_channel *ch, mob_block *b);
void mob_channel_close(mob_channel *ch);
void mob_channel_fail(mob_channel *ch);
/* The next block sent, waiting for it; NULL when closed and empty. */
mob_block *mob_channel_receive(mob_channel *ch);
void mob_channel_give_back(mob_channel *ch, mob_block *b);

typedef struct mob_writer {
  vista_session *s;
  const char *path;
  int64_t import_id;
  sqlite3_stmt *insert_batch, *insert_label, *insert_project,
      *insert_institution, *insert_institution_key;
  int64_t (*batch)[S_COUNT]; /* MOB_BATCH records */
  int nbatch;
  mob_rows rows; /* what vista_rows gives SQLite now */
  int64_t first_id, last_id; /* the records this import wrote */
  /* The records' fingerprint (store.c, step 8): sum and xor of each
   * record's hash, how many and their participants, and the MOB_SAMPLE
   * smallest distinct hashes (a max-heap) to estimate overlaps. */
  uint64_t fp_sum, fp_xor;
  int64_t fp_count, fp_participants;
  int64_t sample[MOB_SAMPLE];
  int nsample;
} mob_writer;

/* The summaries, kept by a thread of their own that reads the blocks after
 * the writer (both cores have time to spare then). */
typedef struct mob_summariser {
  mob_ka_table ka, na;    /* each project's key action and National Agency */
  unsigned char *isced34; /* by label id: an ISCED 3 or 4 level */
  size_t isced34_cap;
  agg_map maps[MAP_COUNT];
  const char **facts; /* the records of the block being added */
  int failed; /* out of memory */
} mob_summariser;

/* Prepares the maps; ka is copied (the projects known before), the
 * National Agencies and levels known before are read from the database
 * (before any thread starts). */
int mob_summariser_open(mob_summariser *sm, vista_session *s,
                        const mob_ka_table *ka);
/* Adds one block's records (sets failed when out of memory). */
void mob_summariser_consume(mob_summariser *sm, const char *data,
                            size_t len);
void mob_summariser_close(mob_summariser *sm);

/* Prepares the statements. */
int mob_writer_open(mob_writer *w, vista_session *s, const char *path,
                    int64_t import_id);
/* Stores the messages of one block, in order. */
int mob_writer_consume(mob_writer *w, const char *data, size_t len);
/* Stores the records still in the batch. */
int mob_writer_finish(mob_writer *w);
void mob_writer_close(mob_writer *w);

/* An earlier import with the same records as w's (in any form and
 * order), or 0; when and source say when and from which file. */
int64_t mob_find_records(vista_session *s, const mob_writer *w, char *when,
                         size_t n, char *source, size_t m);
/* The earlier import estimated to hold the largest share of w's records,
 * or 0; *share is that share, source its file. */
int64_t mob_find_overlap(vista_session *s, const mob_writer *w,
                         double *share, char *source, size_t m);
/* Stores w's fingerprint and sample with its import. */
int mob_record_fingerprint(vista_session *s, const mob_writer *w);

/* The import that stored a file with this SHA-256 (and when), or 0. */
int64_t mob_find_import(vista_session *s, const char *hex, char *when,
                        size_t n);
/* Whether a file of this size was imported before (it may be the same). */
int mob_size_imported(vista_session *s, int64_t size);
int mob_record_file(vista_session *s, const mob_writer *w,
                    const vista_mobility_report *r, int64_t size);
/* Removes an earlier import's records and log, and rebuilds the
 * summaries. */
int mob_remove_import(vista_session *s, int64_t import_id);

/* ---- the reader (mobility_read.c), driven by mobility.c ---- */

typedef struct last_text {
  char *text;
  size_t len, cap;
  int64_t id;
} last_text;

typedef struct inst_cache {
  char text[512]; /* code, name, then city */
  size_t clen, nlen, citylen;
  int country;
  int64_t id;
  int64_t name_id; /* the row's name, as stored (see mob_display_name) */
} inst_cache;

/* An institution's display name: the name it was first seen with. */
typedef struct inst_name {
  char *text;
  size_t len;
} inst_name;

typedef struct mob_importer {
  vista_session *s;
  const char *path;   /* for messages: "<stdin>" for "-" */
  const char *source; /* as given: a file, or "-" */
  /* Standard input can be read once only: its SHA-256 is taken from the
   * bytes as the reader reads them (NULL for a file, hashed apart). */
  vista_sha256 *hash_inline;
  const vista_mobility_options *opts;
  vista_reject_fn on_reject;
  void *ud;
  vista_mobility_report *report;

  int field_of[256]; /* file column -> MF_* (MF_IGNORE to skip) */
  int column_of[MF_COUNT]; /* MF_* -> 1-based file column, 0 = absent */
  size_t ncolumns;
  int official; /* the Erasmus+ open data's format, not vista's own */

  vista_dict *labels, *institutions, *projects;
  last_text last[MF_COUNT]; /* the previous row's text and id, per field */
  inst_cache last_inst[2];  /* the previous sending and receiving one */
  inst_name *inst_names;    /* by institution id */
  size_t inst_names_cap;
  mob_ka_table ka; /* each project's key action */
  /* Per activity label id: 0 not classified yet, else 1 + kind. */
  unsigned char *activity_kind;
  size_t activity_kind_cap;

  /* The ids the next new label, project and institution get. */
  int64_t next_label, next_project, next_institution;
  mob_channel *channel;
  mob_block *block; /* being filled */
  char delim;

  FILE *rejects;
  char *key; /* scratch for dictionary keys, key_cap bytes */
  size_t key_cap;

  /* progress */
  int64_t file_size, bytes_read;
  double started, last_draw;
} mob_importer;

/* Frees what an importer holds (its dictionaries, buffers and rejects
 * file), not the importer itself: mobility.c's import and the fuzz
 * harness end an importer the same way. */
void mob_importer_cleanup(mob_importer *im);

/* The csv reader's callbacks: a record (the header first), and a line that
 * is not well-formed CSV. ud is the importer. */
int mob_read_row(void *ud, const vista_csv_row *row);
int mob_read_malformed(void *ud, int64_t line, size_t field,
                       const char *reason, const char *raw, size_t raw_len);
/* Sends the block being filled, if it holds anything. */
void mob_send_block(mob_importer *im);
/* Remembers institution id's display name (those stored before the
 * import are loaded so): a record whose row spells its organisation so
 * stores no name of its own. -1 when out of memory. */
int mob_display_name(mob_importer *im, int64_t id, const char *name,
                     size_t n);

#endif
