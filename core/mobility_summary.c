/* mobility_summary.c: the participant-weighted summaries the importer keeps
 * in memory while it reads (a hash map of packed keys), writes into
 * mobility_summary and mobility_destination at the end of the import, and
 * rebuilds from the records when rows are removed. Packing and unpacking
 * the keys live here together. */
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "internal.h"
#include "mobility_internal.h"

static agg_entry *entry(const agg_map *m, size_t i) {
  return (agg_entry *)(m->entries + i * m->stride);
}

int mob_agg_init(agg_map *m, int nv) {
  memset(m, 0, sizeof *m);
  m->nv = nv;
  m->stride = sizeof(agg_entry) + (size_t)nv * sizeof(int64_t);
  m->cap = 4096;
  m->index = vista_calloc(m->cap, sizeof *m->index);
  return m->index ? 0 : -1;
}

void mob_agg_free(agg_map *m) {
  free(m->index);
  free(m->entries);
  memset(m, 0, sizeof *m);
}

static uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

/* The index slot of a key (hash: mix(k0, k1)): the one holding it, or the
 * empty one where it would go. */
static uint32_t *agg_slot(const agg_map *m, uint64_t k0, uint64_t k1,
                          uint64_t hash) {
  size_t mask = m->cap - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    uint32_t at = m->index[i];
    if (!at)
      return &m->index[i];
    const agg_entry *e = entry(m, at - 1);
    if (e->k0 == k0 && e->k1 == k1)
      return &m->index[i];
  }
}

/* Adds v (the map's nv sums) to the entry of the key. The entries are
 * kept dense, the hash index holds their positions: memory follows the
 * number of keys. */
static int agg_add(agg_map *m, uint64_t k0, uint64_t k1, uint64_t hash,
                   const int64_t *v) {
  agg_entry *e = m->last;
  if (!e || e->k0 != k0 || e->k1 != k1) {
    if ((m->count + 1) * 2 > m->cap) {
      uint32_t *index = vista_calloc(m->cap * 2, sizeof *index);
      if (!index)
        return -1;
      free(m->index);
      m->index = index;
      m->cap *= 2;
      for (size_t i = 0; i < m->count; i++) {
        const agg_entry *old = entry(m, i);
        *agg_slot(m, old->k0, old->k1, mix(old->k0, old->k1)) =
            (uint32_t)i + 1;
      }
    }
    uint32_t *slot = agg_slot(m, k0, k1, hash);
    if (!*slot) {
      if (m->count == m->entries_cap) {
        size_t cap = m->entries_cap ? m->entries_cap * 2 : 1024;
        if (cap > UINT32_MAX - 1)
          return -1;
        unsigned char *grown = vista_realloc(m->entries, cap * m->stride);
        if (!grown)
          return -1;
        m->entries = grown;
        m->entries_cap = cap;
      }
      e = entry(m, m->count);
      memset(e, 0, m->stride);
      e->k0 = k0;
      e->k1 = k1;
      *slot = (uint32_t)++m->count;
    }
    e = entry(m, *slot - 1);
    m->last = e;
  }
  for (int i = 0; i < m->nv; i++)
    e->v[i] += v[i];
  return 0;
}

/* The role of a record (mob_role, the fast copy of MOB_ROLE_SQL). */
static int role_of(uint64_t codes) {
  return mob_role(CODE_PROFILE(codes) ? CODE_PROFILE(codes) : NONE,
                  CODE_BAND(codes));
}

/* Flags are stored as 0 unknown, 1 no, 2 yes (see pack()). */
#define FLAG_YES(codes, at) (((codes) >> (at) & 3) == 2)
#define FLAG_KNOWN(codes, at) (((codes) >> (at) & 3) != 0)

/* The per-term sums of one record (the columns of mobility_term). */
static void term_values(const int64_t *s, int isced34, int64_t *v) {
  uint64_t codes = (uint64_t)s[S_CODES];
  int64_t p = s[S_PARTICIPANTS], d = s[S_DURATION];
  memset(v, 0, AGG_VALUES * sizeof *v);
  v[0] = p;
  int role = role_of(codes);
  if (role == ROLE_LEARNER) {
    int known = d != NONE;
    v[1] = p;
    v[2] = known && d >= 10 ? p : 0;
    v[3] = known && d > 14 ? p : 0;
    v[4] = known && d >= 10 && (codes >> 14 & 1) && isced34 == 1 ? p : 0;
    v[5] = CODE_BAND(codes) == BAND_LONG ? p : 0;
    v[6] = (codes & 3) == GENDER_FEMALE ? p : 0;
    v[7] = (codes & 3) == GENDER_MALE ? p : 0;
    v[8] = FLAG_YES(codes, 6) ? p : 0;
    v[9] = FLAG_YES(codes, 4) ? p : 0;
    v[10] = FLAG_YES(codes, 12) ? p : 0;
    v[11] = FLAG_KNOWN(codes, 12) ? p : 0;
    if (s[S_AGE] != NONE)
      v[14] = s[S_AGE] * p, v[15] = p;
    if (known)
      v[16] = d * p, v[17] = p;
    v[18] = (codes & 3) == GENDER_UNDEFINED ? p : 0;
    v[19] = (codes & 3) != 0 ? p : 0;
    v[20] = FLAG_KNOWN(codes, 6) ? p : 0;
    v[21] = FLAG_KNOWN(codes, 4) ? p : 0;
    v[22] = isced34 >= 0 ? p : 0;
  } else if (role == ROLE_STAFF) {
    v[12] = p;
    v[13] = d != NONE && d >= 5 ? p : 0;
  }
}

/* The key of a record in every map (keys[m][0..1]); a map's bit in the
 * result when the record goes into it. Keys: the institution in the high
 * word, the small codes packed below; 0 means unknown. Bit 63 of k1 is set
 * so that no key is all zero. The terms: by half year (year * 2, + 1 from
 * September), which add up to calendar years and to school years alike;
 * what the sender sent, and what the receiver received (a record of the
 * official data has no direction: it is both). */
static unsigned keys_of(const int64_t *s, const mob_context *cx,
                        uint64_t (*keys)[2]) {
#define K(x) ((uint64_t)((x) == NONE ? 0 : (x)))
  uint64_t codes = (uint64_t)s[S_CODES];
  uint64_t inst = K(s[S_SENDING]), sc = K(s[S_S_COUNTRY]);
  uint64_t year = s[S_START] == NONE ? 0 : (uint64_t)(s[S_START] / 100);
  uint64_t vet = codes >> 14 & 1, prof = codes >> 2 & 3;
  uint64_t band = codes >> 15 & 7, dir = codes >> 10 & 3;
  uint64_t rc = K(s[S_R_COUNTRY]), ka = (uint64_t)cx->ka;
#undef K
  unsigned in = 1u << MAP_SUMMARY | 1u << MAP_DESTINATION;
  keys[MAP_SUMMARY][0] = keys[MAP_DESTINATION][0] =
      inst << 16 | sc << 6 | ka >> 2;
  keys[MAP_SUMMARY][1] = 1ull << 63 | (ka & 3) << 40 | year << 24 |
                         vet << 23 | prof << 21 | band << 18 | dir << 16;
  keys[MAP_DESTINATION][1] = keys[MAP_SUMMARY][1] | rc << 4;
  if (s[S_START] == NONE)
    return in;
  uint64_t term = year * 2 + (s[S_START] % 100 >= 9);
  if (s[S_SENDING] != NONE && dir != 2) {
    in |= 1u << MAP_TERM;
    keys[MAP_TERM][0] = (uint64_t)s[S_SENDING];
    keys[MAP_TERM][1] = 1ull << 63 | (uint64_t)cx->na << 32 | ka << 24 | term;
    if (s[S_R_COUNTRY] != NONE) {
      in |= 1u << MAP_TERM_DESTINATION;
      keys[MAP_TERM_DESTINATION][0] = (uint64_t)s[S_SENDING];
      keys[MAP_TERM_DESTINATION][1] = 1ull << 63 | rc << 16 | term;
    }
  }
  if (s[S_RECEIVING] != NONE && dir != 1) {
    in |= 1u << MAP_TERM_INCOMING;
    keys[MAP_TERM_INCOMING][0] = (uint64_t)s[S_RECEIVING];
    keys[MAP_TERM_INCOMING][1] = 1ull << 63 | term;
  }
  return in;
}

void mob_summary_keys(const int64_t *s, const mob_context *cx, mob_keys *k) {
  k->in = keys_of(s, cx, k->k);
  for (int m = 0; m < MAP_COUNT; m++)
    if (k->in & 1u << m)
      k->hash[m] = mix(k->k[m][0], k->k[m][1]);
}

int mob_summarise(agg_map *maps, const int64_t *s, const mob_context *cx,
                  const mob_keys *keys) {
  uint64_t codes = (uint64_t)s[S_CODES];
  int64_t p = s[S_PARTICIPANTS];
  int64_t v[AGG_VALUES] = {p,
                           (codes & 3) == GENDER_FEMALE ? p : 0,
                           (codes & 3) == GENDER_MALE ? p : 0,
                           FLAG_YES(codes, 6) ? p : 0,
                           FLAG_YES(codes, 4) ? p : 0,
                           0, 0, 0, 0,
                           (codes & 3) == GENDER_UNDEFINED ? p : 0,
                           (codes & 3) != 0 ? p : 0,
                           FLAG_KNOWN(codes, 6) ? p : 0,
                           FLAG_KNOWN(codes, 4) ? p : 0};
  if (s[S_DURATION] != NONE)
    v[5] = s[S_DURATION] * p, v[6] = p;
  if (s[S_AGE] != NONE)
    v[7] = s[S_AGE] * p, v[8] = p;
  const uint64_t(*k)[2] = keys->k;
  const uint64_t *h = keys->hash;
  unsigned in = keys->in;
  if (agg_add(&maps[MAP_SUMMARY], k[MAP_SUMMARY][0], k[MAP_SUMMARY][1],
              h[MAP_SUMMARY], v) ||
      agg_add(&maps[MAP_DESTINATION], k[MAP_DESTINATION][0],
              k[MAP_DESTINATION][1], h[MAP_DESTINATION], v))
    return -1;
  if (!(in & 1u << MAP_TERM) && !(in & 1u << MAP_TERM_INCOMING))
    return 0;
  term_values(s, cx->isced34, v);
  for (int m = MAP_TERM; m <= MAP_TERM_DESTINATION; m++)
    if ((in & 1u << m) && agg_add(&maps[m], k[m][0], k[m][1], h[m], v) != 0)
      return -1;
  if (in & 1u << MAP_TERM_INCOMING) {
    int64_t rx[2] = {v[1], v[12]}; /* learners, staff */
    if (agg_add(&maps[MAP_TERM_INCOMING], k[MAP_TERM_INCOMING][0],
                k[MAP_TERM_INCOMING][1], h[MAP_TERM_INCOMING], rx) != 0)
      return -1;
  }
  return 0;
}

/* Tells the cache what mob_summarise will touch for a record a few
 * records ahead: the index slots of its keys (stage 0), then, once those
 * are near, the entries they point at (stage 1). Only a hint: what it
 * reads may change before the record is added. */
void mob_summary_hint(const agg_map *maps, const mob_keys *k, int stage) {
  for (int m = 0; m < MAP_COUNT; m++) {
    if (!(k->in & 1u << m))
      continue;
    const agg_map *map = &maps[m];
    const uint32_t *slot = &map->index[k->hash[m] & (map->cap - 1)];
    if (stage == 0) {
      __builtin_prefetch(slot);
    } else if (*slot) {
      const agg_entry *e = entry(map, *slot - 1);
      __builtin_prefetch(e);
      __builtin_prefetch((const char *)e + 64);
    }
  }
}

void mob_ka_init(mob_ka_table *t) {
  memset(t, 0, sizeof *t);
  t->count = 1;
}

void mob_ka_free(mob_ka_table *t) {
  for (int i = 1; i < t->count; i++)
    free(t->names[i]);
  free(t->by_project);
  mob_ka_init(t);
}

int mob_ka_index(mob_ka_table *t, const char *name) {
  for (int i = 1; i < t->count; i++)
    if (strcmp(t->names[i], name) == 0)
      return i;
  if (t->count > MAX_KEY_ACTIONS)
    return 0;
  char *copy = vista_strdup(name);
  if (!copy)
    return 0;
  t->names[t->count] = copy;
  t->vet[t->count] = (unsigned char)mob_is_vet_key_action(copy);
  return t->count++;
}

int mob_ka_set(mob_ka_table *t, int64_t project, int ka) {
  if (project < 0)
    return 0;
  if ((size_t)project >= t->cap) {
    size_t cap = t->cap ? t->cap : 4096;
    while (cap <= (size_t)project)
      cap *= 2;
    unsigned char *a = vista_realloc(t->by_project, cap);
    if (!a)
      return -1;
    memset(a + t->cap, 0, cap - t->cap);
    t->by_project = a;
    t->cap = cap;
  }
  t->by_project[project] = (unsigned char)ka;
  return 0;
}

int mob_ka_of(const mob_ka_table *t, int64_t project) {
  return project >= 0 && (size_t)project < t->cap ? t->by_project[project]
                                                  : 0;
}

/* Where an entry goes in its table: the primary key's order, as near as
 * two integers tell it (key actions and agencies by the rank of their
 * names). Rows inserted in that order fill the B-tree from left to right;
 * only the speed depends on it. */
typedef struct insert_order {
  uint64_t a, b;
  uint32_t at; /* the entry's position in the map */
} insert_order;

/* Byte d of an entry's (a, b), counted from b's lowest. */
static unsigned order_byte(const insert_order *o, int d) {
  return (unsigned)((d < 8 ? o->b >> 8 * d : o->a >> 8 * (d - 8)) & 255);
}

/* Sorts v[0..n) by (a, b): a radix sort, least significant byte first,
 * that skips the bytes all entries share (most of them: the keys are
 * sparse). tmp has room for n entries. Returns 0, -1 when out of memory.
 * A tenth of what qsort took on these keys. */
static int sort_orders(insert_order *v, insert_order *tmp, size_t n) {
  size_t (*count)[256] = vista_calloc(16, sizeof *count);
  if (!count)
    return -1;
  for (size_t i = 0; i < n; i++)
    for (int d = 0; d < 16; d++)
      count[d][order_byte(&v[i], d)]++;
  insert_order *from = v, *to = tmp;
  for (int d = 0; d < 16 && n; d++) {
    if (count[d][order_byte(&v[0], d)] == n)
      continue;
    size_t at = 0;
    for (int k = 0; k < 256; k++) {
      size_t c = count[d][k];
      count[d][k] = at;
      at += c;
    }
    for (size_t i = 0; i < n; i++)
      to[count[d][order_byte(&from[i], d)]++] = from[i];
    insert_order *t = from;
    from = to;
    to = t;
  }
  if (from != v)
    memcpy(v, from, n * sizeof *v);
  free(count);
  return 0;
}

/* rank[i]: the place of names[i] among names[0..256) in text order (a
 * missing name is the empty text, as it is written). */
_Static_assert(MAX_KEY_ACTIONS + 1 == 256, "names are ranked 256 at a time");
static void rank_names(char *const *names, unsigned char *rank) {
  for (int i = 0; i < 256; i++) {
    const char *x = names[i] ? names[i] : "";
    int r = 0;
    for (int j = 0; j < 256; j++) {
      const char *y = names[j] ? names[j] : "";
      int c = strcmp(y, x);
      r += c < 0 || (c == 0 && j < i);
    }
    rank[i] = (unsigned char)r;
  }
}

static insert_order order_of(int map, const agg_entry *e, size_t at,
                             const unsigned char *ka_rank,
                             const unsigned char *na_rank) {
  uint64_t k0 = e->k0, k1 = e->k1, term = k1 & 65535;
  insert_order o = {k0, term << 32, (uint32_t)at};
  switch (map) {
  case MAP_SUMMARY:
  case MAP_DESTINATION: {
    int ka = (int)((k0 & 63) << 2 | ((k1 >> 40) & 3));
    o.a = (k0 >> 16) << 26 | ((k0 >> 6) & 1023) << 16 | ((k1 >> 24) & 65535);
    o.b = (uint64_t)ka_rank[ka] << 56 | ((k1 >> 16) & 255) << 48 |
          ((k1 >> 4) & 1023) << 32;
    break;
  }
  case MAP_TERM:
    o.b |= (uint64_t)ka_rank[(k1 >> 24) & 255] << 16 |
           na_rank[(k1 >> 32) & 255];
    break;
  case MAP_TERM_DESTINATION:
    o.b |= (k1 >> 16) & 1023;
    break;
  default:
    break;
  }
  return o;
}

#define CODE(x) ((x) ? (int64_t)(x) : -1)
#define INT(x) (ints[n] = (int64_t)(x), texts[n++] = NULL)
#define TEXT(x) (ints[n] = 0, texts[n++] = (x))

/* The columns of one entry, in its table's order (see mob_summarise; a
 * 0 there is unknown, -1 in the table), as vista_rows reads them: an
 * integer, or a text where texts[k] is set. Returns the count. */
static int unpack(int map, const agg_entry *e, char *const *kas,
                  char *const *nas, int64_t *ints, const char **texts) {
  int n = 0, ka;
  const int64_t *v = e->v;
  switch (map) {
  case MAP_SUMMARY:
  case MAP_DESTINATION:
    ka = (int)((e->k0 & 63) << 2 | ((e->k1 >> 40) & 3));
    INT(e->k0 >> 16);                /* institution */
    INT((e->k0 >> 6) & 1023);        /* sending country */
    INT((e->k1 >> 24) & 65535);      /* year */
    TEXT(ka ? kas[ka] : "");         /* key action */
    INT((e->k1 >> 23) & 1);          /* vet */
    INT(CODE((e->k1 >> 21) & 3));    /* profile */
    INT(CODE((e->k1 >> 18) & 7));    /* band */
    INT(CODE((e->k1 >> 16) & 3));    /* direction */
    if (map == MAP_DESTINATION) {
      INT((e->k1 >> 4) & 1023);      /* receiving country */
      INT(v[0]);
    } else {
      for (int k = 0; k < SUMMARY_VALUES; k++)
        INT(v[k]);
    }
    break;
  case MAP_TERM:
    ka = (int)((e->k1 >> 24) & 255);
    INT(e->k0);                      /* institution */
    INT(e->k1 & 65535);              /* term */
    TEXT(ka ? kas[ka] : "");
    TEXT(nas[(e->k1 >> 32) & 255] ? nas[(e->k1 >> 32) & 255] : "");
    for (int k = 0; k < AGG_VALUES; k++)
      INT(v[k]);
    break;
  case MAP_TERM_DESTINATION:
    INT(e->k0);                      /* institution */
    INT(e->k1 & 65535);              /* term */
    INT((e->k1 >> 16) & 1023);       /* receiving country */
    INT(v[0]);
    break;
  default:
    INT(e->k0);                      /* institution */
    INT(e->k1 & 65535);              /* term */
    INT(v[0]);                       /* learners */
    INT(v[1]);                       /* staff */
  }
  return n;
}
#undef CODE
#undef INT
#undef TEXT

#define SUMMARY_CHUNK 4096 /* rows handed to one INSERT */
_Static_assert(AGG_VALUES + 4 <= MOB_ROWS_COLUMNS, "vista_rows is too narrow");

/* "INSERT INTO table SELECT c0, ... FROM vista_rows" for ncol columns,
 * with the upsert clause when the table already has rows (caller frees). */
static char *summary_sql(const char *table, int ncol, const char *upsert) {
  size_t cap = 96 + strlen(upsert) + (size_t)ncol * 6;
  char *sql = vista_malloc(cap);
  if (!sql)
    return NULL;
  size_t n = (size_t)snprintf(sql, cap, "INSERT OR FAIL INTO %s SELECT ",
                              table);
  for (int k = 0; k < ncol; k++)
    n += (size_t)snprintf(sql + n, cap - n, "%sc%d", k ? ", " : "", k);
  /* "WHERE true" keeps ON CONFLICT from being read as a join's ON. */
  snprintf(sql + n, cap - n, " FROM vista_rows%s%s", *upsert ? " WHERE true" : "",
           upsert);
  return sql;
}

static int table_is_empty(vista_session *s, const char *sql) {
  sqlite3_stmt *st = NULL;
  int empty = 0;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK)
    empty = sqlite3_step(st) == SQLITE_DONE;
  sqlite3_finalize(st);
  return empty;
}

static const struct {
  const char *table;
  int ncol;
  const char *upsert; /* adds a row to the one there */
} tables[MAP_COUNT] = {
    {"mobility_summary", 8 + SUMMARY_VALUES,
     " ON CONFLICT DO UPDATE SET"
     " participants = participants + excluded.participants,"
     " female = female + excluded.female, male = male + excluded.male,"
     " fewer_opportunities = fewer_opportunities +"
     "   excluded.fewer_opportunities,"
     " special_needs = special_needs + excluded.special_needs,"
     " duration_sum = duration_sum + excluded.duration_sum,"
     " duration_n = duration_n + excluded.duration_n,"
     " age_sum = age_sum + excluded.age_sum,"
     " age_n = age_n + excluded.age_n,"
     " gender_undefined = gender_undefined + excluded.gender_undefined,"
     " gender_known = gender_known + excluded.gender_known,"
     " fewer_known = fewer_known + excluded.fewer_known,"
     " special_known = special_known + excluded.special_known"},
    {"mobility_destination", 10,
     " ON CONFLICT DO UPDATE SET"
     " participants = participants + excluded.participants"},
    {"mobility_term", 4 + AGG_VALUES,
     " ON CONFLICT DO UPDATE SET"
     " participants = participants + excluded.participants,"
     " learners = learners + excluded.learners,"
     " learners_10d = learners_10d + excluded.learners_10d,"
     " learners_15d = learners_15d + excluded.learners_15d,"
     " ivet_10d = ivet_10d + excluded.ivet_10d,"
     " long_term = long_term + excluded.long_term,"
     " female = female + excluded.female, male = male + excluded.male,"
     " fewer = fewer + excluded.fewer, special = special + excluded.special,"
     " recognised = recognised + excluded.recognised,"
     " recognition_known = recognition_known + excluded.recognition_known,"
     " staff = staff + excluded.staff,"
     " staff_5d = staff_5d + excluded.staff_5d,"
     " age_sum = age_sum + excluded.age_sum, age_n = age_n + excluded.age_n,"
     " duration_sum = duration_sum + excluded.duration_sum,"
     " duration_n = duration_n + excluded.duration_n,"
     " gender_undefined = gender_undefined + excluded.gender_undefined,"
     " gender_known = gender_known + excluded.gender_known,"
     " fewer_known = fewer_known + excluded.fewer_known,"
     " special_known = special_known + excluded.special_known,"
     " level_known = level_known + excluded.level_known"},
    {"mobility_term_destination", 4,
     " ON CONFLICT DO UPDATE SET"
     " participants = participants + excluded.participants"},
    {"mobility_term_incoming", 4,
     " ON CONFLICT DO UPDATE SET"
     " learners = learners + excluded.learners,"
     " staff = staff + excluded.staff"},
};

/* Writes one map in its table's key order, SUMMARY_CHUNK rows to a
 * statement: into an empty table a plain INSERT, else an upsert that adds
 * to the rows there. */
static int write_map(vista_session *s, mob_rows *rows, agg_map *m, int map,
                     char *const *kas, char *const *nas) {
  char probe[96];
  snprintf(probe, sizeof probe, "SELECT 1 FROM %s", tables[map].table);
  int empty = table_is_empty(s, probe);
  int ncol = tables[map].ncol;
  if (m->count) { /* unpack writes exactly a table's columns */
    int64_t one[MOB_ROWS_COLUMNS];
    const char *one_text[MOB_ROWS_COLUMNS];
    if (unpack(map, entry(m, 0), kas, nas, one, one_text) != ncol)
      return vista_seterr(s, VISTA_ERR, "%s: %d columns expected",
                          tables[map].table, ncol);
  }
  size_t n = m->count, chunk = n < SUMMARY_CHUNK ? n : SUMMARY_CHUNK;
  insert_order *order = vista_malloc((n ? n : 1) * sizeof *order);
  insert_order *spare = vista_malloc((n ? n : 1) * sizeof *spare);
  int64_t *ints = vista_malloc((chunk ? chunk : 1) * (size_t)ncol * sizeof *ints);
  const char **texts = vista_malloc((chunk ? chunk : 1) * (size_t)ncol *
                              sizeof *texts);
  char *sql = summary_sql(tables[map].table, ncol,
                          empty ? "" : tables[map].upsert);
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (!order || !spare || !ints || !texts || !sql) {
    rc = vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
    goto done;
  }
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
    rc = vista_seterr_sql(s, "writing the mobility summaries");
    goto done;
  }
  unsigned char ka_rank[256], na_rank[256];
  rank_names(kas, ka_rank); /* both tables have MAX_KEY_ACTIONS + 1 names */
  rank_names(nas, na_rank);
  for (size_t i = 0; i < n; i++)
    order[i] = order_of(map, entry(m, i), i, ka_rank, na_rank);
  if (sort_orders(order, spare, n) != 0) {
    rc = vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < n && rc == VISTA_OK; i += chunk) {
    size_t nrows = n - i < chunk ? n - i : chunk;
    for (size_t r = 0; r < nrows; r++)
      unpack(map, entry(m, order[i + r].at), kas, nas,
             ints + r * (size_t)ncol, texts + r * (size_t)ncol);
    *rows = (mob_rows){(int)nrows, ncol, ints, texts};
    sqlite3_reset(st);
    if (sqlite3_step(st) != SQLITE_DONE)
      rc = vista_seterr_sql(s, "writing the mobility summaries");
  }
done:
  *rows = (mob_rows){0, 0, NULL, NULL};
  sqlite3_finalize(st);
  free(sql);
  free(texts);
  free(ints);
  free(spare);
  free(order);
  return rc;
}

int mob_write_summaries(vista_session *s, mob_rows *rows, agg_map *maps,
                        char *const *key_actions, char *const *agencies) {
  int rc = VISTA_OK;
  for (int i = 0; i < MAP_COUNT && rc == VISTA_OK; i++)
    rc = write_map(s, rows, &maps[i], i, key_actions, agencies);
  return rc;
}

int vista_mobility_rebuild_summaries(vista_session *s) {
  static const char sql[] =
      "DELETE FROM mobility_summary;"
      "DELETE FROM mobility_destination;"
      "INSERT INTO mobility_summary SELECT"
      "  coalesce(m.sending_id, 0), coalesce(m.sending_country_id, 0),"
      "  coalesce(m.year, 0), coalesce(p.key_action, ''), m.is_vet,"
      "  coalesce(m.profile, -1), coalesce(m.band, -1),"
      "  coalesce(m.direction, -1), sum(m.participants),"
      "  sum(CASE WHEN m.gender = 1 THEN m.participants ELSE 0 END),"
      "  sum(CASE WHEN m.gender = 2 THEN m.participants ELSE 0 END),"
      "  sum(CASE WHEN m.fewer_opportunities = 1 THEN m.participants"
      "    ELSE 0 END),"
      "  sum(CASE WHEN m.special_needs = 1 THEN m.participants ELSE 0 END),"
      "  coalesce(sum(m.duration * m.participants), 0),"
      "  coalesce(sum(CASE WHEN m.duration IS NOT NULL THEN m.participants"
      "    END), 0),"
      "  coalesce(sum(m.age * m.participants), 0),"
      "  coalesce(sum(CASE WHEN m.age IS NOT NULL THEN m.participants END),"
      "    0),"
      "  sum(CASE WHEN m.gender = 3 THEN m.participants ELSE 0 END),"
      "  sum(CASE WHEN m.gender IS NOT NULL THEN m.participants ELSE 0 END),"
      "  sum(CASE WHEN m.fewer_opportunities IS NOT NULL THEN m.participants"
      "    ELSE 0 END),"
      "  sum(CASE WHEN m.special_needs IS NOT NULL THEN m.participants"
      "    ELSE 0 END)"
      " FROM mobility_fact m LEFT JOIN project p ON p.id = m.project_id"
      " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;"
      "INSERT INTO mobility_destination SELECT"
      "  coalesce(m.sending_id, 0), coalesce(m.sending_country_id, 0),"
      "  coalesce(m.year, 0), coalesce(p.key_action, ''), m.is_vet,"
      "  coalesce(m.profile, -1), coalesce(m.band, -1),"
      "  coalesce(m.direction, -1), coalesce(m.receiving_country_id, 0),"
      "  sum(m.participants)"
      " FROM mobility_fact m LEFT JOIN project p ON p.id = m.project_id"
      " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;";
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "rebuilding the mobility summaries");
  return vista_mobility_rebuild_terms(s);
}

/* The terms from the records, as mob_summarise makes them (the same
 * definitions in SQL: a test compares the two). */
#define LEARNER "m.role = 1"
#define STAFF "m.role = 2"
#define W(cond) "sum(CASE WHEN " cond " THEN m.participants ELSE 0 END)"
#define TERM_SUMS                                                          \
  "sum(m.participants), " W(LEARNER) ", "                                  \
  W(LEARNER " AND m.duration >= 10") ", "                                  \
  W(LEARNER " AND m.duration > 14") ", "                                   \
  W(LEARNER " AND m.duration >= 10 AND m.is_vet = 1 AND"                   \
            " m.education_level_id IN (SELECT id FROM label WHERE "        \
            ISCED34 ")") ", "                                              \
  W(LEARNER " AND m.band = 2") ", " W(LEARNER " AND m.gender = 1") ", "    \
  W(LEARNER " AND m.gender = 2") ", "                                      \
  W(LEARNER " AND m.fewer_opportunities = 1") ", "                         \
  W(LEARNER " AND m.special_needs = 1") ", "                               \
  W(LEARNER " AND m.recognised = 1") ", "                                  \
  W(LEARNER " AND m.recognised IS NOT NULL") ", "                          \
  W(STAFF) ", " W(STAFF " AND m.duration >= 5") ", "                       \
  "coalesce(sum(CASE WHEN " LEARNER " THEN m.age * m.participants END), 0), " \
  W(LEARNER " AND m.age IS NOT NULL") ", "                                 \
  "coalesce(sum(CASE WHEN " LEARNER                                        \
  " THEN m.duration * m.participants END), 0), "                           \
  W(LEARNER " AND m.duration IS NOT NULL") ", "                            \
  W(LEARNER " AND m.gender = 3") ", "                                      \
  W(LEARNER " AND m.gender IS NOT NULL") ", "                              \
  W(LEARNER " AND m.fewer_opportunities IS NOT NULL") ", "                 \
  W(LEARNER " AND m.special_needs IS NOT NULL") ", "                       \
  W(LEARNER " AND m.education_level_id IS NOT NULL")
#define TERM_OF "(m.start_month / 100 * 2 + (m.start_month % 100 >= 9))"
/* The columns the terms read, each computed once a record: LIMIT keeps
 * SQLite from flattening the view into the aggregates, where every use
 * of role would compute the band again. */
#define TERM_FACTS                                                         \
  "(SELECT sending_id, receiving_id, start_month, project_id, direction,"  \
  " participants, duration, age, gender, fewer_opportunities,"            \
  " special_needs, recognised, is_vet, education_level_id,"               \
  " receiving_country_id, band, role FROM mobility_fact LIMIT -1)"

int vista_mobility_rebuild_terms(vista_session *s) {
  static const char sql[] =
      "DELETE FROM mobility_term;"
      "DELETE FROM mobility_term_destination;"
      "DELETE FROM mobility_term_incoming;"
      "INSERT INTO mobility_term SELECT m.sending_id, " TERM_OF ","
      "  coalesce(p.key_action, ''), coalesce(p.na_code, ''), " TERM_SUMS
      " FROM " TERM_FACTS " m LEFT JOIN project p ON p.id = m.project_id"
      " WHERE m.sending_id IS NOT NULL AND m.start_month IS NOT NULL"
      "  AND coalesce(m.direction, 1) = 1"
      " GROUP BY 1, 2, 3, 4;"
      "INSERT INTO mobility_term_incoming SELECT m.receiving_id, " TERM_OF ","
      "  " W(LEARNER) ", " W(STAFF)
      " FROM " TERM_FACTS " m"
      " WHERE m.receiving_id IS NOT NULL AND m.start_month IS NOT NULL"
      "  AND coalesce(m.direction, 2) = 2"
      " GROUP BY 1, 2;"
      "INSERT INTO mobility_term_destination SELECT m.sending_id, " TERM_OF ","
      "  m.receiving_country_id, sum(m.participants)"
      " FROM mobility_fact m"
      " WHERE m.sending_id IS NOT NULL AND m.start_month IS NOT NULL"
      "  AND m.receiving_country_id IS NOT NULL"
      "  AND coalesce(m.direction, 1) = 1"
      " GROUP BY 1, 2, 3;";
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "rebuilding the mobility terms");
  return VISTA_OK;
}
