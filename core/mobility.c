/* mobility.c: importing mobility records. Reads the official Erasmus+
 * open-data CSV and vista's own CSV through one alias table, validates every
 * value, derives VET, the duration band and the year, stores each distinct
 * text once (label, project, institution) and the records as integers, and
 * keeps the participant-weighted summaries up to date in the same
 * transaction. Nothing is lost: a row is stored or rejected with its line,
 * column and reason. Entry point: vista_mobility_import(). The Lua binding
 * is in mobility_lua.c, the export in export.c. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "country.h"
#include "csv_reader.h"
#include "dict.h"
#include "internal.h"
#include "mobility.h"
#include "sha256.h"

const char *const vista_mobility_columns[MF_COUNT] = {
    "project_reference", "academic_year", "start_month", "end_month",
    "duration_days", "activity", "field_of_education", "nationality",
    "education_level", "gender", "profile", "special_needs",
    "fewer_opportunities", "group_leader", "age", "sending_country",
    "sending_city", "sending_organisation", "sending_erasmus_code",
    "receiving_country", "receiving_city", "receiving_organisation",
    "receiving_erasmus_code", "participants", "direction", "partner",
    "recognised"};

/* The official names, used in messages and suggestions. */
static const char *const official_columns[MF_COUNT] = {
    "Project Reference", "Academic Year", "Mobility Start Month",
    "Mobility End Month", "Mobility Duration", "Activity (mob)",
    "Field of Education", "Participant Nationality", "Education Level",
    "Participant Gender", "Participant Profile", "Special Needs",
    "Fewer Opportunities", "GroupLeader", "Participant Age",
    "Sending Country Code", "Sending City", "Sending Organization",
    "Sending Organisation Erasmus Code", "Receiving Country Code",
    "Receiving City", "Receiving Organization",
    "Receiving Organisation Erasmus Code", "Participants", "Direction",
    "Partner", "Recognised"};

#define MF_IGNORE MF_COUNT

/* Header names as found in the wild, normalised: lowercase, every run of
 * other characters one space ("Mobility Start Year/Month" ->
 * "mobility start year month", "participant_gender" -> "participant
 * gender"). */
static const struct {
  const char *name;
  int field;
} aliases[] = {
    {"project reference", MF_PROJECT},
    {"project ref", MF_PROJECT},
    {"project code", MF_PROJECT},
    {"academic year", MF_ACADEMIC_YEAR},
    {"mobility start month", MF_START},
    {"mobility start year month", MF_START},
    {"mobility start month year", MF_START},
    {"start month", MF_START},
    {"mobility end month", MF_END},
    {"mobility end year month", MF_END},
    {"mobility end month year", MF_END},
    {"end month", MF_END},
    {"mobility duration", MF_DURATION},
    {"mobility duration calendar days", MF_DURATION},
    {"mobility duration days", MF_DURATION},
    {"duration calendar days", MF_DURATION},
    {"duration days", MF_DURATION},
    {"duration", MF_DURATION},
    {"activity mob", MF_ACTIVITY},
    {"activity", MF_ACTIVITY},
    {"mobility activity", MF_ACTIVITY},
    {"field of education", MF_FIELD},
    {"education field", MF_FIELD},
    {"participant nationality", MF_NATIONALITY},
    {"participant country", MF_NATIONALITY},
    {"nationality", MF_NATIONALITY},
    {"education level", MF_EDUCATION_LEVEL},
    {"participant education level", MF_EDUCATION_LEVEL},
    {"participant gender", MF_GENDER},
    {"gender", MF_GENDER},
    {"participant profile", MF_PROFILE},
    {"profile", MF_PROFILE},
    {"special needs", MF_SPECIAL_NEEDS},
    {"participant special needs", MF_SPECIAL_NEEDS},
    {"fewer opportunities", MF_FEWER_OPPORTUNITIES},
    {"participant fewer opportunities", MF_FEWER_OPPORTUNITIES},
    {"groupleader", MF_GROUP_LEADER},
    {"group leader", MF_GROUP_LEADER},
    {"participant age", MF_AGE},
    {"age", MF_AGE},
    {"sending country code", MF_SENDING_COUNTRY},
    {"sending country", MF_SENDING_COUNTRY},
    {"sending city", MF_SENDING_CITY},
    {"sending organization", MF_SENDING_ORG},
    {"sending organisation", MF_SENDING_ORG},
    {"sending organization name", MF_SENDING_ORG},
    {"sending organisation name", MF_SENDING_ORG},
    {"sending organisation erasmus code", MF_SENDING_CODE},
    {"sending organization erasmus code", MF_SENDING_CODE},
    {"sending erasmus code", MF_SENDING_CODE},
    {"receiving country code", MF_RECEIVING_COUNTRY},
    {"receiving country", MF_RECEIVING_COUNTRY},
    {"receiving city", MF_RECEIVING_CITY},
    {"receiving organization", MF_RECEIVING_ORG},
    {"receiving organisation", MF_RECEIVING_ORG},
    {"receiving organization name", MF_RECEIVING_ORG},
    {"receiving organisation name", MF_RECEIVING_ORG},
    {"receiving organination name", MF_RECEIVING_ORG},
    {"receiving organisation erasmus code", MF_RECEIVING_CODE},
    {"receiving organization erasmus code", MF_RECEIVING_CODE},
    {"receiving erasmus code", MF_RECEIVING_CODE},
    {"participants", MF_PARTICIPANTS},
    {"participant count", MF_PARTICIPANTS},
    {"number of participants", MF_PARTICIPANTS},
    {"direction", MF_DIRECTION},
    {"partner", MF_PARTNER},
    {"partner organisation", MF_PARTNER},
    {"partner organization", MF_PARTNER},
    {"recognised", MF_RECOGNISED},
    {"recognized", MF_RECOGNISED},
    {"learning outcomes recognised", MF_RECOGNISED},
    {"learning outcomes recognized", MF_RECOGNISED},
    {"rejected because", MF_IGNORE}, /* the column our rejects file adds */
};

#define NALIASES (sizeof aliases / sizeof aliases[0])

/* The fact table's columns, in insert order. */
enum {
  C_IMPORT, C_LINE, C_PROJECT, C_ACADEMIC_YEAR, C_START, C_END, C_DURATION,
  C_ACTIVITY, C_FIELD, C_NATIONALITY, C_EDUCATION_LEVEL, C_GENDER,
  C_PROFILE, C_SPECIAL, C_FEWER, C_LEADER, C_AGE, C_S_COUNTRY, C_S_CITY,
  C_SENDING, C_R_COUNTRY, C_R_CITY, C_RECEIVING, C_PARTICIPANTS,
  C_DIRECTION, C_PARTNER, C_RECOGNISED, C_VET, C_BAND, C_YEAR, C_EDGE,
  C_COUNT
};

static const char fact_columns[] =
    "import_id, line, project_id, academic_year, start_month, end_month,"
    " duration, activity_id, field_id, nationality_id, education_level_id,"
    " gender, profile, special_needs, fewer_opportunities, group_leader,"
    " age, sending_country_id, sending_city_id, sending_id,"
    " receiving_country_id, receiving_city_id, receiving_id, participants,"
    " direction, partner_id, recognised, is_vet, band, year, band_edge";

#define NONE INT64_MIN /* an unknown value, stored as NULL */
#define BATCH 32       /* rows per INSERT statement */
#define MAX_KEY_ACTIONS 255

/* ---- summaries kept in memory during the import ---------------------- */

typedef struct agg_entry {
  uint64_t k0, k1;   /* packed key; k0 == k1 == 0 marks an empty slot */
  int64_t v[6];      /* participants, rows, duration_sum, duration_n,
                        age_sum, age_n */
} agg_entry;

typedef struct agg_map {
  agg_entry *slots;
  size_t cap, count;
} agg_map;

static int agg_init(agg_map *m) {
  m->cap = 4096;
  m->count = 0;
  m->slots = calloc(m->cap, sizeof *m->slots);
  return m->slots ? 0 : -1;
}

static uint64_t mix(uint64_t a, uint64_t b) {
  uint64_t h = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  return h ^ (h >> 32);
}

static agg_entry *agg_slot(agg_map *m, uint64_t k0, uint64_t k1) {
  size_t mask = m->cap - 1;
  for (size_t i = mix(k0, k1) & mask;; i = (i + 1) & mask) {
    agg_entry *e = &m->slots[i];
    if ((e->k0 == k0 && e->k1 == k1) || (!e->k0 && !e->k1))
      return e;
  }
}

/* Adds vals to the entry of the key (k0, k1 never both 0). */
static int agg_add(agg_map *m, uint64_t k0, uint64_t k1, const int64_t *v,
                   int nv) {
  if ((m->count + 1) * 2 > m->cap) {
    agg_map bigger = {calloc(m->cap * 2, sizeof(agg_entry)), m->cap * 2, 0};
    if (!bigger.slots)
      return -1;
    for (size_t i = 0; i < m->cap; i++) {
      agg_entry *e = &m->slots[i];
      if (e->k0 || e->k1) {
        *agg_slot(&bigger, e->k0, e->k1) = *e;
        bigger.count++;
      }
    }
    free(m->slots);
    *m = bigger;
  }
  agg_entry *e = agg_slot(m, k0, k1);
  if (!e->k0 && !e->k1) {
    e->k0 = k0;
    e->k1 = k1;
    m->count++;
  }
  for (int i = 0; i < nv; i++)
    e->v[i] += v[i];
  return 0;
}

/* ---- the importer ------------------------------------------------------ */

typedef struct last_text {
  char *text;
  size_t len, cap;
  int64_t id;
} last_text;

typedef struct importer {
  vista_session *s;
  const char *path;
  const vista_mobility_options *opts;
  vista_reject_fn on_reject;
  void *ud;
  vista_mobility_report *report;

  int field_of[256]; /* file column -> MF_* (MF_IGNORE to skip) */
  int column_of[MF_COUNT]; /* MF_* -> 1-based file column, 0 = absent */
  size_t ncolumns;

  vista_dict *labels, *institutions, *projects;
  last_text last[MF_COUNT]; /* the previous row's text and id, per field */
  /* Per project id: its key action's index in key_actions (0 unknown). */
  unsigned char *project_ka;
  size_t project_ka_cap;
  char *key_actions[MF_COUNT + MAX_KEY_ACTIONS];
  int nkey_actions;
  /* Per activity label id: 0 not classified yet, else 1 + kind. */
  unsigned char *activity_kind;
  size_t activity_kind_cap;

  sqlite3_stmt *insert_batch, *insert_label, *insert_project,
      *insert_institution;
  int64_t first_id, last_id; /* the fact rows this import wrote */
  char delim;
  int64_t batch[BATCH][C_COUNT];
  int nbatch;
  agg_map summary, destination;

  FILE *rejects;
  char key[2048]; /* scratch for dictionary keys */

  /* progress */
  int64_t file_size, bytes_read;
  double started, last_draw;
} importer;

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Lowercase, runs of anything but letters and digits as one space. */
static void normalise(char *dst, size_t n, const char *src, size_t len) {
  size_t j = 0;
  int space = 0;
  for (size_t i = 0; i < len && j + 2 < n; i++) {
    unsigned char c = (unsigned char)src[i];
    if (!isalnum(c)) {
      space = j > 0;
      continue;
    }
    if (space)
      dst[j++] = ' ';
    space = 0;
    dst[j++] = (char)tolower(c);
  }
  dst[j] = '\0';
}

static int field_by_name(const char *name, size_t len) {
  char norm[160];
  normalise(norm, sizeof norm, name, len);
  if (strcmp(norm, "ignore") == 0 || (len == 1 && name[0] == '-'))
    return MF_IGNORE;
  for (size_t i = 0; i < NALIASES; i++)
    if (strcmp(norm, aliases[i].name) == 0)
      return aliases[i].field;
  char canon[160];
  for (int f = 0; f < MF_COUNT; f++) {
    normalise(canon, sizeof canon, vista_mobility_columns[f],
              strlen(vista_mobility_columns[f]));
    if (strcmp(norm, canon) == 0)
      return f;
  }
  return -1;
}

static const char *trim(const char *p, size_t *len) {
  size_t n = *len;
  while (n && (*p == ' ' || *p == '\t'))
    p++, n--;
  while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
    n--;
  *len = n;
  return p;
}

/* The official markers of a missing value, read as unknown. */
static int is_missing(const char *p, size_t n) {
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
    return n == 9 && strncasecmp(p, "undefined", 9) == 0;
  default:
    return 0;
  }
}

static int eqi(const char *p, size_t n, const char *word) {
  return strlen(word) == n && strncasecmp(p, word, n) == 0;
}

/* A whole number in [lo, hi]; -1 when it is not one. */
static int parse_int(const char *p, size_t n, int64_t lo, int64_t hi,
                     int64_t *out) {
  int neg = 0;
  size_t i = 0;
  if (n && (p[0] == '-' || p[0] == '+'))
    neg = p[0] == '-', i = 1;
  if (i == n || n - i > 12)
    return -1;
  int64_t v = 0;
  for (; i < n; i++) {
    if (p[i] < '0' || p[i] > '9')
      return -1;
    v = v * 10 + (p[i] - '0');
  }
  if (neg)
    v = -v;
  if (v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

/* "YYYY-MM" or "YYYY/MM" -> YYYYMM. */
static int parse_month(const char *p, size_t n, int64_t *out) {
  int64_t y, m;
  if (n != 7 || (p[4] != '-' && p[4] != '/') ||
      parse_int(p, 4, 1900, 2200, &y) != 0 ||
      parse_int(p + 5, 2, 1, 12, &m) != 0)
    return -1;
  *out = y * 100 + m;
  return 0;
}

/* "2018-2019", "2018/19", "2018-19" -> 2018 (the year it starts). */
static int parse_academic_year(const char *p, size_t n, int64_t *out) {
  int64_t a, b;
  if ((n != 9 && n != 7) || (p[4] != '-' && p[4] != '/') ||
      parse_int(p, 4, 1900, 2200, &a) != 0 ||
      parse_int(p + 5, n - 5, 0, 2201, &b) != 0)
    return -1;
  if ((n == 9 && b != a + 1) || (n == 7 && b != (a + 1) % 100))
    return -1;
  *out = a;
  return 0;
}

static int parse_yes_no(const char *p, size_t n, int64_t *out) {
  if (eqi(p, n, "yes") || eqi(p, n, "y") || eqi(p, n, "true") ||
      (n == 1 && p[0] == '1'))
    *out = 1;
  else if (eqi(p, n, "no") || eqi(p, n, "n") || eqi(p, n, "false") ||
           (n == 1 && p[0] == '0'))
    *out = 0;
  else
    return -1;
  return 0;
}

/* Project reference YYYY-R-NA00-KA000[-XXX]-NNNNN: call year, round,
 * National Agency code and key action. */
typedef struct project_ref {
  int call_year, round;
  char na[8];
  char key_action[16];
} project_ref;

static int parse_project(const char *p, size_t n, project_ref *r) {
  size_t i = 0;
  int64_t v;
  if (n < 20 || n > 40 || parse_int(p, 4, 1990, 2100, &v) != 0 ||
      p[4] != '-')
    return -1;
  r->call_year = (int)v;
  i = 5;
  size_t start = i;
  while (i < n && isdigit((unsigned char)p[i]) && i - start < 2)
    i++;
  if (i == start || i >= n || p[i] != '-' ||
      parse_int(p + start, i - start, 0, 99, &v) != 0)
    return -1;
  r->round = (int)v;
  i++;
  /* National Agency: two letters and two digits (BE02, EL01, UK01). */
  if (i + 5 > n || !isupper((unsigned char)p[i]) ||
      !isupper((unsigned char)p[i + 1]) || !isdigit((unsigned char)p[i + 2]) ||
      !isdigit((unsigned char)p[i + 3]) || p[i + 4] != '-')
    return -1;
  memcpy(r->na, p + i, 4);
  r->na[4] = '\0';
  i += 5;
  /* Key action: KA and three digits, maybe -VET, -SCH, ... */
  if (i + 6 > n || p[i] != 'K' || p[i + 1] != 'A' ||
      !isdigit((unsigned char)p[i + 2]) || !isdigit((unsigned char)p[i + 3]) ||
      !isdigit((unsigned char)p[i + 4]))
    return -1;
  size_t ka = i;
  i += 5;
  if (i < n && p[i] == '-' && i + 1 < n && isupper((unsigned char)p[i + 1])) {
    i++;
    while (i < n && isupper((unsigned char)p[i]))
      i++;
  }
  if (i - ka >= sizeof r->key_action)
    return -1;
  memcpy(r->key_action, p + ka, i - ka);
  r->key_action[i - ka] = '\0';
  /* The serial number: digits to the end. */
  if (i >= n || p[i] != '-' || n - i < 4 || n - i > 12)
    return -1;
  for (i++; i < n; i++)
    if (!isdigit((unsigned char)p[i]))
      return -1;
  return 0;
}

static int is_vet_key_action(const char *ka) {
  return strcmp(ka, "KA102") == 0 || strcmp(ka, "KA116") == 0 ||
         strcmp(ka, "KA121-VET") == 0 || strcmp(ka, "KA122-VET") == 0 ||
         strcmp(ka, "KA202") == 0;
}

/* ---- storing texts once ------------------------------------------------- */

static int64_t insert_text(importer *im, sqlite3_stmt *st, const char *p,
                           size_t n) {
  sqlite3_reset(st);
  if (sqlite3_bind_text(st, 1, p, (int)n, SQLITE_STATIC) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_DONE) {
    vista_seterr_sql(im->s, im->path);
    return 0;
  }
  return sqlite3_last_insert_rowid(im->s->db);
}

/* The label id of a text, stored on first sight; 0 on a store error. */
static int64_t label_id(importer *im, int field, const char *p, size_t n) {
  last_text *l = &im->last[field];
  if (l->id && l->len == n && memcmp(l->text, p, n) == 0)
    return l->id;
  int64_t id = vista_dict_get(im->labels, p, n);
  if (!id) {
    id = insert_text(im, im->insert_label, p, n);
    if (!id || vista_dict_put(im->labels, p, n, id) != 0)
      return 0;
  }
  if (n + 1 > l->cap) {
    char *t = realloc(l->text, n + 1);
    if (!t)
      return id;
    l->text = t;
    l->cap = n + 1;
  }
  memcpy(l->text, p, n);
  l->len = n;
  l->id = id;
  return id;
}

static int key_action_index(importer *im, const char *ka) {
  for (int i = 1; i < im->nkey_actions; i++)
    if (strcmp(im->key_actions[i], ka) == 0)
      return i;
  if (im->nkey_actions >= MAX_KEY_ACTIONS)
    return 0;
  char *copy = strdup(ka);
  if (!copy)
    return 0;
  im->key_actions[im->nkey_actions] = copy;
  return im->nkey_actions++;
}

static int remember_project_ka(importer *im, int64_t id, int ka) {
  if ((size_t)id >= im->project_ka_cap) {
    size_t cap = im->project_ka_cap ? im->project_ka_cap : 4096;
    while (cap <= (size_t)id)
      cap *= 2;
    unsigned char *a = realloc(im->project_ka, cap);
    if (!a)
      return -1;
    memset(a + im->project_ka_cap, 0, cap - im->project_ka_cap);
    im->project_ka = a;
    im->project_ka_cap = cap;
  }
  im->project_ka[id] = (unsigned char)ka;
  return 0;
}

/* The project id of a reference (0 with *why set when it fits no pattern,
 * or -1 on a store error). */
static int64_t project_id(importer *im, const char *p, size_t n,
                          const char **why) {
  last_text *l = &im->last[MF_PROJECT];
  if (l->id && l->len == n && memcmp(l->text, p, n) == 0)
    return l->id;
  int64_t id = vista_dict_get(im->projects, p, n);
  if (!id) {
    project_ref r;
    if (parse_project(p, n, &r) != 0) {
      *why = "fits no project reference pattern (YYYY-R-NA00-KA000-NNNNNN)";
      return 0;
    }
    sqlite3_stmt *st = im->insert_project;
    sqlite3_reset(st);
    if (sqlite3_bind_text(st, 1, p, (int)n, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_int(st, 2, r.call_year) != SQLITE_OK ||
        sqlite3_bind_int(st, 3, r.round) != SQLITE_OK ||
        sqlite3_bind_text(st, 4, r.na, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(st, 5, r.key_action, -1, SQLITE_STATIC) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_DONE) {
      vista_seterr_sql(im->s, im->path);
      return -1;
    }
    id = sqlite3_last_insert_rowid(im->s->db);
    if (vista_dict_put(im->projects, p, n, id) != 0 ||
        remember_project_ka(im, id, key_action_index(im, r.key_action)) != 0) {
      vista_seterr(im->s, VISTA_ERR_NOMEM, "%s: out of memory", im->path);
      return -1;
    }
  }
  if (n + 1 > l->cap) {
    char *t = realloc(l->text, n + 1);
    if (!t)
      return id;
    l->text = t;
    l->cap = n + 1;
  }
  memcpy(l->text, p, n);
  l->len = n;
  l->id = id;
  return id;
}

/* The institution of an organisation: by Erasmus code, else by name and
 * country. 0 when neither name nor code is known; -1 on a store error. */
static int64_t institution_id(importer *im, const char *name, size_t nlen,
                              const char *code, size_t clen, int country,
                              const char *city, size_t citylen) {
  if (!nlen && !clen)
    return 0;
  const vista_country *c = vista_country_by_id(country);
  size_t klen;
  if (clen)
    klen = (size_t)snprintf(im->key, sizeof im->key, "c\x1f%.*s", (int)clen,
                            code);
  else
    klen = (size_t)snprintf(im->key, sizeof im->key, "n\x1f%.*s\x1f%s",
                            (int)nlen, name, c ? c->code : "");
  if (klen >= sizeof im->key)
    klen = sizeof im->key - 1;
  int64_t id = vista_dict_get(im->institutions, im->key, klen);
  if (id)
    return id;
  sqlite3_stmt *st = im->insert_institution;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  /* An organisation known only by its code is named by its code. */
  if ((clen && sqlite3_bind_text(st, 1, code, (int)clen, SQLITE_STATIC) !=
                   SQLITE_OK) ||
      sqlite3_bind_text(st, 2, nlen ? name : code, (int)(nlen ? nlen : clen),
                        SQLITE_STATIC) != SQLITE_OK ||
      (c && sqlite3_bind_text(st, 3, c->code, 2, SQLITE_STATIC) !=
                SQLITE_OK) ||
      (citylen && sqlite3_bind_text(st, 4, city, (int)citylen,
                                    SQLITE_STATIC) != SQLITE_OK) ||
      sqlite3_step(st) != SQLITE_DONE) {
    vista_seterr_sql(im->s, im->path);
    return -1;
  }
  id = sqlite3_last_insert_rowid(im->s->db);
  if (vista_dict_put(im->institutions, im->key, klen, id) != 0) {
    vista_seterr(im->s, VISTA_ERR_NOMEM, "%s: out of memory", im->path);
    return -1;
  }
  return id;
}

/* What an activity says about the band, by its name: 1 plain, 2 a group
 * or competition activity (never a learning-mobility band), 3 staff, 4
 * accompanying. Classified once per distinct activity. */
static int activity_kind(importer *im, int64_t id, const char *p, size_t n) {
  if ((size_t)id >= im->activity_kind_cap) {
    size_t cap = im->activity_kind_cap ? im->activity_kind_cap : 1024;
    while (cap <= (size_t)id)
      cap *= 2;
    unsigned char *a = realloc(im->activity_kind, cap);
    if (!a)
      return 1;
    memset(a + im->activity_kind_cap, 0, cap - im->activity_kind_cap);
    im->activity_kind = a;
    im->activity_kind_cap = cap;
  }
  if (!im->activity_kind[id]) {
    char low[256];
    size_t m = n < sizeof low - 1 ? n : sizeof low - 1;
    for (size_t i = 0; i < m; i++)
      low[i] = (char)tolower((unsigned char)p[i]);
    low[m] = '\0';
    int kind = 1;
    if (strstr(low, "accompany"))
      kind = 4;
    else if (strstr(low, "group mobility") || strstr(low, "competition"))
      kind = 2;
    else if (strstr(low, "staff") || strstr(low, "job shadowing") ||
             strstr(low, "teaching") || strstr(low, "course"))
      kind = 3;
    im->activity_kind[id] = (unsigned char)kind;
  }
  return im->activity_kind[id];
}

static int activity_is_vet(const char *p, size_t n) {
  for (size_t i = 0; i + 3 <= n; i++)
    if (p[i] == 'V' && p[i + 1] == 'E' && p[i + 2] == 'T')
      return 1;
  for (size_t i = 0; i + 10 <= n; i++)
    if (memcmp(p + i, "ErasmusPro", 10) == 0)
      return 1;
  return 0;
}

/* ---- rejects ------------------------------------------------------------- */

static void write_reject_row(importer *im, const char *raw, size_t len,
                             char delim, const char *reason) {
  if (!im->rejects || !raw)
    return;
  while (len && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
    len--;
  fwrite(raw, 1, len, im->rejects);
  fputc(delim, im->rejects);
  fputc('"', im->rejects);
  for (const char *p = reason; *p; p++) {
    if (*p == '"')
      fputc('"', im->rejects);
    fputc(*p, im->rejects);
  }
  fputs("\"\n", im->rejects);
}

static int reject(importer *im, int64_t line, size_t column,
                  const char *reason, const char *raw, size_t raw_len,
                  char delim) {
  char msg[VISTA_ERRMSG_SIZE];
  if (column)
    snprintf(msg, sizeof msg, "%s:%lld:%zu: %s", im->path, (long long)line,
             column, reason);
  else
    snprintf(msg, sizeof msg, "%s:%lld: %s", im->path, (long long)line,
             reason);
  if (im->opts->strict)
    return vista_seterr(im->s, VISTA_ERR_INPUT, "%s (--strict: nothing was "
                                                "imported)",
                        msg);
  im->report->rows.rows_rejected++;
  write_reject_row(im, raw, raw_len, delim, reason);
  if (im->on_reject)
    im->on_reject(im->ud, msg);
  return vista_store_reject(im->s, im->report->rows.import_id, line,
                            (int)column, reason);
}

/* ---- the header ------------------------------------------------------------ */

/* Applies --map 'Their Name=Our Name,...' to the header name at hand:
 * returns the field, -1 when the map does not name it, -2 on a bad map. */
static int mapped_field(importer *im, const char *name, size_t len) {
  const char *map = im->opts->map;
  if (!map)
    return -1;
  char want[160], theirs[160];
  normalise(want, sizeof want, name, len);
  while (*map) {
    const char *end = strchr(map, ',');
    size_t plen = end ? (size_t)(end - map) : strlen(map);
    const char *eq = memchr(map, '=', plen);
    if (!eq) {
      vista_seterr(im->s, VISTA_ERR_INPUT,
                   "--map: '%.*s' is not 'Their Name=Our Name'", (int)plen,
                   map);
      return -2;
    }
    normalise(theirs, sizeof theirs, map, (size_t)(eq - map));
    if (strcmp(theirs, want) == 0) {
      size_t tlen = plen - (size_t)(eq - map) - 1;
      const char *target = eq + 1;
      size_t tl = tlen;
      target = trim(target, &tl);
      int f = field_by_name(target, tl);
      if (f < 0) {
        vista_seterr(im->s, VISTA_ERR_INPUT,
                     "--map: '%.*s' is not a mobility column (see vista "
                     "help mobility)",
                     (int)tl, target);
        return -2;
      }
      return f;
    }
    map += plen + (end ? 1 : 0);
  }
  return -1;
}

static int read_header(importer *im, const vista_csv_row *row) {
  const char *fmt = im->opts->format ? im->opts->format : "auto";
  int all_vista = 1;
  int known = 0;
  if (row->nfields > 256)
    return vista_seterr(im->s, VISTA_ERR_INPUT,
                        "%s:%lld: %zu columns is more than a mobility file "
                        "has",
                        im->path, (long long)row->line, row->nfields);
  for (size_t i = 0; i < row->nfields; i++) {
    size_t len = row->lens[i];
    const char *name = trim(row->fields[i], &len);
    int f = mapped_field(im, name, len);
    if (f == -2)
      return VISTA_ERR_INPUT;
    if (f < 0)
      f = field_by_name(name, len);
    if (f < 0) {
      const char *names[2 * MF_COUNT];
      for (int k = 0; k < MF_COUNT; k++) {
        names[k] = official_columns[k];
        names[MF_COUNT + k] = vista_mobility_columns[k];
      }
      char word[160];
      snprintf(word, sizeof word, "%.*s", (int)(len < 150 ? len : 150), name);
      const char *near = vista_nearest_name(word, names, 2 * MF_COUNT);
      return vista_seterr(
          im->s, VISTA_ERR_INPUT,
          "%s:%lld:%zu: unknown column '%s'%s%s%s; map it with --map "
          "'%s=Column Name', or ignore it with --map '%s=-'",
          im->path, (long long)row->line, i + 1, word,
          near ? " (did you mean " : "", near ? near : "", near ? "?)" : "",
          word, word);
    }
    if (f != MF_IGNORE) {
      if (im->column_of[f])
        return vista_seterr(im->s, VISTA_ERR_INPUT,
                            "%s:%lld:%zu: column '%.*s' is %s again (first "
                            "in column %d)",
                            im->path, (long long)row->line, i + 1, (int)len,
                            name, official_columns[f], im->column_of[f]);
      im->column_of[f] = (int)i + 1;
      known++;
      if (f >= MF_DIRECTION && strcmp(fmt, "erasmus") == 0)
        return vista_seterr(im->s, VISTA_ERR_INPUT,
                            "%s:%lld:%zu: column '%.*s' belongs to vista's "
                            "own format, not the Erasmus+ open data "
                            "(--format erasmus)",
                            im->path, (long long)row->line, i + 1, (int)len,
                            name);
    }
    if (f == MF_IGNORE || len != strlen(vista_mobility_columns[f]) ||
        memcmp(name, vista_mobility_columns[f], len) != 0)
      all_vista = 0;
    im->field_of[i] = f;
  }
  if (!known)
    return vista_seterr(im->s, VISTA_ERR_INPUT,
                        "%s:%lld: no mobility column in the header (is it a "
                        "mobility file?)",
                        im->path, (long long)row->line);
  if (strcmp(fmt, "vista") == 0 && !all_vista)
    return vista_seterr(im->s, VISTA_ERR_INPUT,
                        "%s:%lld: not vista's own format (--format vista): "
                        "its columns are %s, ...",
                        im->path, (long long)row->line,
                        vista_mobility_columns[0]);
  snprintf(im->report->format, sizeof im->report->format, "%s",
           all_vista ? "vista" : "erasmus");
  im->delim = row->delim;
  im->ncolumns = row->nfields;
  if (im->rejects && row->raw) {
    size_t n = row->raw_len;
    while (n && (row->raw[n - 1] == '\n' || row->raw[n - 1] == '\r'))
      n--;
    fwrite(row->raw, 1, n, im->rejects);
    fprintf(im->rejects, "%cRejected Because\n", row->delim);
  }
  return VISTA_OK;
}

/* ---- one row ------------------------------------------------------------------ */

static int flush_batch(importer *im);

static void summarise(importer *im, const int64_t *c, int ka) {
#define K(x, none) ((uint64_t)((x) == NONE ? (none) : (x)))
  uint64_t inst = K(c[C_SENDING], 0), sc = K(c[C_S_COUNTRY], 0);
  uint64_t year = K(c[C_YEAR], 0), vet = (uint64_t)c[C_VET];
  uint64_t prof = K(c[C_PROFILE], 0), gen = K(c[C_GENDER], 0);
  uint64_t band = K(c[C_BAND], 0), dir = K(c[C_DIRECTION], 0);
  uint64_t few = c[C_FEWER] == NONE ? 0 : (uint64_t)c[C_FEWER] + 1;
  uint64_t spe = c[C_SPECIAL] == NONE ? 0 : (uint64_t)c[C_SPECIAL] + 1;
  uint64_t rc = K(c[C_R_COUNTRY], 0);
#undef K
  int64_t p = c[C_PARTICIPANTS];
  int64_t v[6] = {p, 1, 0, 0, 0, 0};
  if (c[C_DURATION] != NONE)
    v[2] = c[C_DURATION] * p, v[3] = p;
  if (c[C_AGE] != NONE)
    v[4] = c[C_AGE] * p, v[5] = p;
  /* Keys: the institution in the high word, the small codes packed below.
   * Bit 63 of k1 is set so that no key is ever all zero. */
  uint64_t k0 = inst << 16 | sc << 6 | (uint64_t)ka >> 2;
  uint64_t small = ((uint64_t)ka & 3) << 40 | year << 24 | vet << 23 |
                   prof << 21 | band << 18 | dir << 16;
  uint64_t k1 = 1ull << 63 | small | gen << 4 | few << 2 | spe;
  uint64_t k1d = 1ull << 63 | small | rc << 4;
  if (agg_add(&im->summary, k0, k1, v, 6) != 0 ||
      agg_add(&im->destination, k0, k1d, v, 1) != 0)
    im->report->rows.rows_stored = -1; /* out of memory: checked later */
}

static int store_row(importer *im, const vista_csv_row *row) {
  int64_t *c = im->batch[im->nbatch];
  const char *val[MF_COUNT];
  size_t len[MF_COUNT];
  const char *why = NULL;
  int bad = -1; /* the MF_* field that is wrong */
  char reason[200];

  im->report->rows.rows_read++;
  if (row->nfields != im->ncolumns) {
    snprintf(reason, sizeof reason,
             "expected %zu fields as in the header, found %zu", im->ncolumns,
             row->nfields);
    return reject(im, row->line, 0, reason, row->raw, row->raw_len,
                  row->delim);
  }
  if (row->bad_utf8)
    return reject(im, row->line, row->bad_utf8, "text is not valid UTF-8",
                  row->raw, row->raw_len, row->delim);

  for (int f = 0; f < MF_COUNT; f++) {
    val[f] = NULL;
    len[f] = 0;
  }
  for (size_t i = 0; i < row->nfields; i++) {
    int f = im->field_of[i];
    if (f == MF_IGNORE)
      continue;
    size_t n = row->lens[i];
    const char *p = trim(row->fields[i], &n);
    /* Our export guards spreadsheet formulas with a leading apostrophe. */
    if (n >= 2 && p[0] == '\'' && strchr("=+-@", p[1]))
      p++, n--;
    if (!is_missing(p, n)) {
      val[f] = p;
      len[f] = n;
    }
  }
  for (int k = 0; k < C_COUNT; k++)
    c[k] = NONE;
  c[C_IMPORT] = im->report->rows.import_id;
  c[C_LINE] = row->line;
  int ka = 0;
  int64_t v;

#define TEXT(F, COL)                                                           \
  if (val[F]) {                                                                \
    if (!(c[COL] = label_id(im, F, val[F], len[F])))                           \
      return VISTA_ERR_SQL;                                                    \
  }
#define COUNTRY(F, COL)                                                        \
  if (val[F] && !(c[COL] = vista_country_id(val[F], len[F]))) {                \
    bad = F;                                                                   \
    why = "is not a country code";                                             \
    goto rejected;                                                             \
  }
#define FLAG(F, COL)                                                           \
  if (val[F]) {                                                                \
    if (parse_yes_no(val[F], len[F], &v) != 0) {                               \
      bad = F;                                                                 \
      why = "is not yes or no";                                                \
      goto rejected;                                                           \
    }                                                                          \
    c[COL] = v;                                                                \
  }

  if (val[MF_PROJECT]) {
    int64_t id = project_id(im, val[MF_PROJECT], len[MF_PROJECT], &why);
    if (id < 0)
      return VISTA_ERR_SQL;
    if (!id) {
      bad = MF_PROJECT;
      goto rejected;
    }
    c[C_PROJECT] = id;
    ka = (size_t)id < im->project_ka_cap ? im->project_ka[id] : 0;
  }
  if (val[MF_ACADEMIC_YEAR]) {
    if (parse_academic_year(val[MF_ACADEMIC_YEAR], len[MF_ACADEMIC_YEAR],
                            &v) != 0) {
      bad = MF_ACADEMIC_YEAR;
      why = "is not an academic year such as 2018-2019";
      goto rejected;
    }
    c[C_ACADEMIC_YEAR] = v;
  }
  if (val[MF_START]) {
    if (parse_month(val[MF_START], len[MF_START], &v) != 0) {
      bad = MF_START;
      why = "is not a month such as 2018-09";
      goto rejected;
    }
    c[C_START] = v;
    c[C_YEAR] = v / 100;
  }
  if (val[MF_END]) {
    if (parse_month(val[MF_END], len[MF_END], &v) != 0) {
      bad = MF_END;
      why = "is not a month such as 2018-09";
      goto rejected;
    }
    c[C_END] = v;
  }
  if (c[C_START] != NONE && c[C_END] != NONE && c[C_END] < c[C_START]) {
    bad = MF_END;
    why = "ends before the mobility starts";
    goto rejected;
  }
  if (val[MF_DURATION]) {
    if (parse_int(val[MF_DURATION], len[MF_DURATION], 0, 5000, &v) != 0) {
      bad = MF_DURATION;
      why = "is not a number of days";
      goto rejected;
    }
    c[C_DURATION] = v;
  }
  TEXT(MF_ACTIVITY, C_ACTIVITY)
  TEXT(MF_FIELD, C_FIELD)
  COUNTRY(MF_NATIONALITY, C_NATIONALITY)
  TEXT(MF_EDUCATION_LEVEL, C_EDUCATION_LEVEL)
  if (val[MF_GENDER]) {
    const char *p = val[MF_GENDER];
    size_t n = len[MF_GENDER];
    if (eqi(p, n, "female") || eqi(p, n, "f"))
      c[C_GENDER] = GENDER_FEMALE;
    else if (eqi(p, n, "male") || eqi(p, n, "m"))
      c[C_GENDER] = GENDER_MALE;
    else {
      bad = MF_GENDER;
      why = "is not Female, Male or Undefined";
      goto rejected;
    }
  }
  if (val[MF_PROFILE]) {
    const char *p = val[MF_PROFILE];
    size_t n = len[MF_PROFILE];
    if (eqi(p, n, "learner") || eqi(p, n, "learners") ||
        eqi(p, n, "student") || eqi(p, n, "trainee"))
      c[C_PROFILE] = PROFILE_LEARNER;
    else if (eqi(p, n, "staff"))
      c[C_PROFILE] = PROFILE_STAFF;
    else {
      bad = MF_PROFILE;
      why = "is not Learner or Staff";
      goto rejected;
    }
  }
  FLAG(MF_SPECIAL_NEEDS, C_SPECIAL)
  FLAG(MF_FEWER_OPPORTUNITIES, C_FEWER)
  FLAG(MF_GROUP_LEADER, C_LEADER)
  if (val[MF_AGE]) {
    if (parse_int(val[MF_AGE], len[MF_AGE], 0, 120, &v) != 0) {
      bad = MF_AGE;
      why = "is not an age (a whole number from 0 to 120)";
      goto rejected;
    }
    c[C_AGE] = v;
  }
  COUNTRY(MF_SENDING_COUNTRY, C_S_COUNTRY)
  TEXT(MF_SENDING_CITY, C_S_CITY)
  COUNTRY(MF_RECEIVING_COUNTRY, C_R_COUNTRY)
  TEXT(MF_RECEIVING_CITY, C_R_CITY)
  if (val[MF_PARTICIPANTS]) {
    if (parse_int(val[MF_PARTICIPANTS], len[MF_PARTICIPANTS], 1, 1000000,
                  &v) != 0) {
      bad = MF_PARTICIPANTS;
      why = "is not a number of participants (1 or more)";
      goto rejected;
    }
    c[C_PARTICIPANTS] = v;
  } else if (im->column_of[MF_PARTICIPANTS]) {
    size_t n = row->lens[im->column_of[MF_PARTICIPANTS] - 1];
    const char *p = trim(row->fields[im->column_of[MF_PARTICIPANTS] - 1], &n);
    snprintf(reason, sizeof reason,
             "Participants is missing ('%.*s'): every row needs its number "
             "of participants",
             (int)(n > 20 ? 20 : n), p);
    return reject(im, row->line, (size_t)im->column_of[MF_PARTICIPANTS],
                  reason, row->raw, row->raw_len, row->delim);
  } else {
    c[C_PARTICIPANTS] = 1; /* files without the column: one per row */
  }
  if (val[MF_DIRECTION]) {
    const char *p = val[MF_DIRECTION];
    size_t n = len[MF_DIRECTION];
    if (eqi(p, n, "outgoing") || eqi(p, n, "out"))
      c[C_DIRECTION] = DIRECTION_OUTGOING;
    else if (eqi(p, n, "incoming") || eqi(p, n, "in"))
      c[C_DIRECTION] = DIRECTION_INCOMING;
    else {
      bad = MF_DIRECTION;
      why = "is not outgoing or incoming";
      goto rejected;
    }
  }
  TEXT(MF_PARTNER, C_PARTNER)
  FLAG(MF_RECOGNISED, C_RECOGNISED)

  /* Organisations last: a rejected row must not create institutions. */
  {
    int64_t id = institution_id(
        im, val[MF_SENDING_ORG], len[MF_SENDING_ORG], val[MF_SENDING_CODE],
        len[MF_SENDING_CODE],
        c[C_S_COUNTRY] == NONE ? 0 : (int)c[C_S_COUNTRY],
        val[MF_SENDING_CITY], len[MF_SENDING_CITY]);
    if (id < 0)
      return VISTA_ERR_SQL;
    if (id)
      c[C_SENDING] = id;
    id = institution_id(
        im, val[MF_RECEIVING_ORG], len[MF_RECEIVING_ORG],
        val[MF_RECEIVING_CODE], len[MF_RECEIVING_CODE],
        c[C_R_COUNTRY] == NONE ? 0 : (int)c[C_R_COUNTRY],
        val[MF_RECEIVING_CITY], len[MF_RECEIVING_CITY]);
    if (id < 0)
      return VISTA_ERR_SQL;
    if (id)
      c[C_RECEIVING] = id;
  }

  /* Derived: VET, the band (activity first, duration second), the edge. */
  {
    int kind = c[C_ACTIVITY] != NONE
                   ? activity_kind(im, c[C_ACTIVITY], val[MF_ACTIVITY],
                                   len[MF_ACTIVITY])
                   : 1;
    const char *ka_text = ka ? im->key_actions[ka] : NULL;
    c[C_VET] = ka_text ? is_vet_key_action(ka_text)
                       : (val[MF_ACTIVITY] &&
                          activity_is_vet(val[MF_ACTIVITY], len[MF_ACTIVITY]));
    int64_t profile = c[C_PROFILE];
    if (profile == NONE && kind == 3)
      profile = PROFILE_STAFF;
    if (c[C_LEADER] == 1 || kind == 4)
      c[C_BAND] = BAND_ACCOMPANYING;
    else if (profile == PROFILE_STAFF)
      c[C_BAND] = BAND_STAFF;
    else if (profile == PROFILE_LEARNER) {
      if (kind == 2)
        c[C_BAND] = BAND_OTHER;
      else if (c[C_DURATION] != NONE)
        c[C_BAND] = c[C_DURATION] >= 90   ? BAND_LONG
                    : c[C_DURATION] >= 10 ? BAND_SHORT
                                          : BAND_OTHER;
    }
    int64_t d = c[C_DURATION];
    c[C_EDGE] = profile == PROFILE_LEARNER && d != NONE &&
                (d == 9 || d == 10 || d == 89 || d == 90);
  }

  summarise(im, c, ka);
  im->report->rows.rows_stored++;
  im->report->participants += c[C_PARTICIPANTS];
  if (++im->nbatch == BATCH)
    return flush_batch(im);
  return VISTA_OK;

rejected:
  snprintf(reason, sizeof reason, "%s '%.*s' %s", official_columns[bad],
           (int)(len[bad] > 60 ? 60 : len[bad]), val[bad], why);
  return reject(im, row->line, (size_t)im->column_of[bad], reason, row->raw,
                row->raw_len, row->delim);
#undef TEXT
#undef COUNTRY
#undef FLAG
}

/* Inserts the rows gathered so far, 32 to a statement. */
static int flush_batch(importer *im) {
  if (!im->nbatch)
    return VISTA_OK;
  sqlite3_stmt *st = im->insert_batch;
  sqlite3_stmt *one = NULL;
  int rc = VISTA_OK;
  if (im->nbatch < BATCH) {
    /* The last, partial batch: a statement of its own size. */
    size_t cap = sizeof fact_columns + 40 + (size_t)im->nbatch * C_COUNT * 2 +
                 (size_t)im->nbatch * 4;
    char *sql = malloc(cap);
    if (!sql)
      return vista_seterr(im->s, VISTA_ERR_NOMEM, "out of memory");
    size_t n = (size_t)snprintf(sql, cap, "INSERT INTO mobility(%s) VALUES ",
                                fact_columns);
    for (int r = 0; r < im->nbatch; r++) {
      sql[n++] = r ? ',' : ' ';
      sql[n++] = '(';
      for (int k = 0; k < C_COUNT; k++) {
        sql[n++] = '?';
        if (k + 1 < C_COUNT)
          sql[n++] = ',';
      }
      sql[n++] = ')';
    }
    sql[n] = '\0';
    int prc = sqlite3_prepare_v2(im->s->db, sql, (int)n, &one, NULL);
    free(sql);
    if (prc != SQLITE_OK)
      return vista_seterr_sql(im->s, im->path);
    st = one;
  }
  sqlite3_reset(st);
  int i = 1;
  for (int r = 0; r < im->nbatch; r++)
    for (int k = 0; k < C_COUNT; k++, i++) {
      int64_t v = im->batch[r][k];
      if ((v == NONE ? sqlite3_bind_null(st, i)
                     : sqlite3_bind_int64(st, i, v)) != SQLITE_OK) {
        rc = vista_seterr_sql(im->s, im->path);
        goto done;
      }
    }
  if (sqlite3_step(st) != SQLITE_DONE) {
    rc = vista_seterr(im->s, VISTA_ERR_SQL, "%s:%lld: %s", im->path,
                      (long long)im->batch[0][C_LINE],
                      sqlite3_errmsg(im->s->db));
    goto done;
  }
  /* One statement's rows get consecutive ids, the last one known. */
  im->last_id = sqlite3_last_insert_rowid(im->s->db);
  if (!im->first_id)
    im->first_id = im->last_id - im->nbatch + 1;
done:
  sqlite3_finalize(one);
  im->nbatch = 0;
  return rc;
}

static int on_row(void *ud, const vista_csv_row *row) {
  importer *im = ud;
  if (row->index == 0)
    return read_header(im, row);
  int rc = store_row(im, row);
  if (rc == VISTA_OK && im->report->rows.rows_stored < 0)
    rc = vista_seterr(im->s, VISTA_ERR_NOMEM, "%s: out of memory", im->path);
  return rc;
}

static int on_malformed(void *ud, int64_t line, size_t field,
                        const char *reason, const char *raw, size_t raw_len) {
  importer *im = ud;
  char why[200];
  im->report->rows.rows_read++;
  snprintf(why, sizeof why, "malformed CSV: %s", reason);
  return reject(im, line, field, why, raw, raw_len, im->delim);
}

/* ---- progress -------------------------------------------------------------- */

static void draw_progress(importer *im, int final) {
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
  importer *im = ud;
  (void)p;
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

static void *hash_file(void *ud) {
  hasher *h = ud;
  vista_sha256 c;
  vista_sha256_init(&c);
  FILE *f = fopen(h->path, "rb");
  char *buf = malloc(1 << 20);
  if (!f || !buf) {
    h->failed = 1;
  } else {
    size_t n;
    while ((n = fread(buf, 1, 1 << 20, f)) > 0)
      vista_sha256_update(&c, buf, n);
    h->failed = ferror(f);
    vista_sha256_hex(&c, h->hex);
  }
  free(buf);
  if (f)
    fclose(f);
  return NULL;
}

/* The import that stored a file with this SHA-256, or 0. */
static int64_t find_import(vista_session *s, const char *hex,
                           char *when, size_t n) {
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

/* ---- set-up and the whole import ---------------------------------------- */

static int load_dict(importer *im, vista_dict *d, const char *sql) {
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (sqlite3_prepare_v2(im->s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return vista_seterr_sql(im->s, im->path);
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(st, 1);
    int klen = sqlite3_column_bytes(st, 1);
    if (k && vista_dict_put(d, k, (size_t)klen, sqlite3_column_int64(st, 0)) !=
                 0) {
      rc = vista_seterr(im->s, VISTA_ERR_NOMEM, "out of memory");
      break;
    }
    if (sqlite3_column_count(st) > 2 &&
        remember_project_ka(im, sqlite3_column_int64(st, 0),
                            key_action_index(im, (const char *)
                                                     sqlite3_column_text(
                                                         st, 2))) != 0) {
      rc = vista_seterr(im->s, VISTA_ERR_NOMEM, "out of memory");
      break;
    }
  }
  if (rc == VISTA_OK && step != SQLITE_DONE)
    rc = vista_seterr_sql(im->s, im->path);
  sqlite3_finalize(st);
  return rc;
}

static int prepare(importer *im, sqlite3_stmt **st, const char *sql) {
  if (sqlite3_prepare_v3(im->s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st,
                         NULL) != SQLITE_OK)
    return vista_seterr_sql(im->s, im->path);
  return VISTA_OK;
}

static int setup(importer *im) {
  int rc;
  im->labels = vista_dict_new();
  im->institutions = vista_dict_new();
  im->projects = vista_dict_new();
  im->key_actions[0] = NULL;
  im->nkey_actions = 1;
  if (!im->labels || !im->institutions || !im->projects ||
      agg_init(&im->summary) != 0 || agg_init(&im->destination) != 0)
    return vista_seterr(im->s, VISTA_ERR_NOMEM, "out of memory");
  if ((rc = load_dict(im, im->labels, "SELECT id, text FROM label")) ||
      (rc = load_dict(im, im->projects,
                      "SELECT id, reference, key_action FROM project")) ||
      (rc = load_dict(im, im->institutions,
                      "SELECT id, CASE WHEN erasmus_code IS NOT NULL"
                      " THEN 'c' || char(31) || erasmus_code"
                      " ELSE 'n' || char(31) || name || char(31) ||"
                      " coalesce(country, '') END FROM institution")))
    return rc;
  size_t cap = sizeof fact_columns + 40 + BATCH * (C_COUNT * 2 + 4);
  char *sql = malloc(cap);
  if (!sql)
    return vista_seterr(im->s, VISTA_ERR_NOMEM, "out of memory");
  size_t n = (size_t)snprintf(sql, cap, "INSERT INTO mobility(%s) VALUES ",
                              fact_columns);
  for (int r = 0; r < BATCH; r++) {
    sql[n++] = r ? ',' : ' ';
    sql[n++] = '(';
    for (int k = 0; k < C_COUNT; k++) {
      sql[n++] = '?';
      if (k + 1 < C_COUNT)
        sql[n++] = ',';
    }
    sql[n++] = ')';
  }
  sql[n] = '\0';
  rc = prepare(im, &im->insert_batch, sql);
  free(sql);
  if (rc || (rc = prepare(im, &im->insert_label,
                          "INSERT INTO label(text) VALUES (?1)")) ||
      (rc = prepare(im, &im->insert_project,
                    "INSERT INTO project(reference, call_year, round,"
                    " na_code, key_action) VALUES (?1, ?2, ?3, ?4, ?5)")) ||
      (rc = prepare(im, &im->insert_institution,
                    "INSERT INTO institution(erasmus_code, name, country,"
                    " city) VALUES (?1, ?2, ?3, ?4)")))
    return rc;
  return VISTA_OK;
}

/* Writes the in-memory summaries into their tables, adding to what earlier
 * imports left there. */
static int write_summaries(importer *im) {
  static const char sum_sql[] =
      "INSERT INTO mobility_summary VALUES"
      " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
      " ?16) ON CONFLICT DO UPDATE SET"
      " participants = participants + excluded.participants,"
      " duration_sum = duration_sum + excluded.duration_sum,"
      " duration_n = duration_n + excluded.duration_n,"
      " age_sum = age_sum + excluded.age_sum,"
      " age_n = age_n + excluded.age_n";
  static const char dest_sql[] =
      "INSERT INTO mobility_destination VALUES"
      " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO UPDATE SET"
      " participants = participants + excluded.participants";
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  for (int which = 0; which < 2 && rc == VISTA_OK; which++) {
    agg_map *m = which ? &im->destination : &im->summary;
    if (sqlite3_prepare_v2(im->s->db, which ? dest_sql : sum_sql, -1, &st,
                           NULL) != SQLITE_OK)
      return vista_seterr_sql(im->s, im->path);
    for (size_t i = 0; i < m->cap && rc == VISTA_OK; i++) {
      agg_entry *e = &m->slots[i];
      if (!e->k0 && !e->k1)
        continue;
      /* Unpack the key (see summarise); 0 there means unknown. */
      int ka = (int)((e->k0 & 63) << 2 | ((e->k1 >> 40) & 3));
#define CODE(x) ((x) ? (int64_t)(x) : -1)
      int64_t vals[16];
      int nv = 0;
      vals[nv++] = (int64_t)(e->k0 >> 16);           /* institution */
      vals[nv++] = (int64_t)((e->k0 >> 6) & 1023);   /* sending country */
      vals[nv++] = (int64_t)((e->k1 >> 24) & 65535); /* year */
      int ka_at = nv++;                              /* key action */
      vals[nv++] = (int64_t)((e->k1 >> 23) & 1);     /* vet */
      vals[nv++] = CODE((e->k1 >> 21) & 3);          /* profile */
      if (!which)
        vals[nv++] = CODE((e->k1 >> 4) & 3);         /* gender */
      vals[nv++] = CODE((e->k1 >> 18) & 7);          /* band */
      if (!which) {
        vals[nv++] = (int64_t)((e->k1 >> 2) & 3) - 1; /* fewer opportunities */
        vals[nv++] = (int64_t)(e->k1 & 3) - 1;        /* special needs */
      }
      vals[nv++] = CODE((e->k1 >> 16) & 3);          /* direction */
      if (which)
        vals[nv++] = (int64_t)((e->k1 >> 4) & 1023); /* receiving country */
      vals[nv++] = e->v[0];                          /* participants */
      if (!which)
        for (int k = 2; k < 6; k++)
          vals[nv++] = e->v[k];
#undef CODE
      sqlite3_reset(st);
      int ok = 1;
      for (int k = 0; k < nv; k++)
        ok &= (k == ka_at ? sqlite3_bind_text(st, k + 1,
                                              ka ? im->key_actions[ka] : "",
                                              -1, SQLITE_STATIC)
                          : sqlite3_bind_int64(st, k + 1, vals[k])) ==
              SQLITE_OK;
      if (!ok || sqlite3_step(st) != SQLITE_DONE)
        rc = vista_seterr_sql(im->s, im->path);
    }
    sqlite3_finalize(st);
    st = NULL;
  }
  return rc;
}

int vista_mobility_rebuild_summaries(vista_session *s) {
  static const char sql[] =
      "DELETE FROM mobility_summary;"
      "DELETE FROM mobility_destination;"
      "INSERT INTO mobility_summary SELECT"
      "  coalesce(m.sending_id, 0), coalesce(m.sending_country_id, 0),"
      "  coalesce(m.year, 0), coalesce(p.key_action, ''), m.is_vet,"
      "  coalesce(m.profile, -1), coalesce(m.gender, -1),"
      "  coalesce(m.band, -1), coalesce(m.fewer_opportunities, -1),"
      "  coalesce(m.special_needs, -1), coalesce(m.direction, -1),"
      "  sum(m.participants), coalesce(sum(m.duration * m.participants), 0),"
      "  coalesce(sum(CASE WHEN m.duration IS NOT NULL THEN m.participants"
      "    END), 0),"
      "  coalesce(sum(m.age * m.participants), 0),"
      "  coalesce(sum(CASE WHEN m.age IS NOT NULL THEN m.participants END),"
      "    0)"
      " FROM mobility m LEFT JOIN project p ON p.id = m.project_id"
      " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;"
      "INSERT INTO mobility_destination SELECT"
      "  coalesce(m.sending_id, 0), coalesce(m.sending_country_id, 0),"
      "  coalesce(m.year, 0), coalesce(p.key_action, ''), m.is_vet,"
      "  coalesce(m.profile, -1), coalesce(m.band, -1),"
      "  coalesce(m.direction, -1), coalesce(m.receiving_country_id, 0),"
      "  sum(m.participants)"
      " FROM mobility m LEFT JOIN project p ON p.id = m.project_id"
      " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;";
  if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return vista_seterr_sql(s, "rebuilding the mobility summaries");
  return VISTA_OK;
}

/* Removes an earlier import of the same file (--replace). */
static int remove_import(vista_session *s, int64_t import_id) {
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  static const char *const steps[] = {
      "DELETE FROM mobility WHERE id BETWEEN"
      " (SELECT first_id FROM mobility_file WHERE import_id = ?1) AND"
      " (SELECT last_id FROM mobility_file WHERE import_id = ?1)"
      " AND import_id = ?1",
      "DELETE FROM import_log WHERE id = ?1"};
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

static int record_file(importer *im, const char *hex, int64_t size) {
  sqlite3_stmt *st = NULL;
  int rc = VISTA_OK;
  if (sqlite3_prepare_v2(im->s->db,
                         "INSERT INTO mobility_file(import_id, sha256, size,"
                         " format, first_id, last_id, participants)"
                         " VALUES (?1, ?2, ?3, ?4, nullif(?6, 0),"
                         " nullif(?7, 0), ?5)",
                         -1, &st, NULL) != SQLITE_OK ||
      sqlite3_bind_int64(st, 1, im->report->rows.import_id) != SQLITE_OK ||
      sqlite3_bind_text(st, 2, hex, -1, SQLITE_STATIC) != SQLITE_OK ||
      sqlite3_bind_int64(st, 3, size) != SQLITE_OK ||
      sqlite3_bind_text(st, 4, im->report->format, -1, SQLITE_STATIC) !=
          SQLITE_OK ||
      sqlite3_bind_int64(st, 5, im->report->participants) != SQLITE_OK ||
      sqlite3_bind_int64(st, 6, im->first_id) != SQLITE_OK ||
      sqlite3_bind_int64(st, 7, im->last_id) != SQLITE_OK ||
      sqlite3_step(st) != SQLITE_DONE)
    rc = vista_seterr_sql(im->s, im->path);
  sqlite3_finalize(st);
  return rc;
}

static void cleanup(importer *im) {
  sqlite3_finalize(im->insert_batch);
  sqlite3_finalize(im->insert_label);
  sqlite3_finalize(im->insert_project);
  sqlite3_finalize(im->insert_institution);
  vista_dict_free(im->labels);
  vista_dict_free(im->institutions);
  vista_dict_free(im->projects);
  for (int f = 0; f < MF_COUNT; f++)
    free(im->last[f].text);
  for (int i = 1; i < im->nkey_actions; i++)
    free(im->key_actions[i]);
  free(im->project_ka);
  free(im->activity_kind);
  free(im->summary.slots);
  free(im->destination.slots);
  if (im->rejects)
    fclose(im->rejects);
}

int vista_mobility_import(vista_session *s, const char *path,
                          const vista_mobility_options *opts,
                          vista_reject_fn on_reject, void *ud,
                          vista_mobility_report *report) {
  static const vista_mobility_options defaults = {0};
  importer *im = calloc(1, sizeof *im);
  if (!im)
    return vista_seterr(s, VISTA_ERR_NOMEM, "out of memory");
  memset(report, 0, sizeof *report);
  im->s = s;
  im->path = path;
  im->opts = opts ? opts : &defaults;
  im->on_reject = on_reject;
  im->ud = ud;
  im->report = report;
  const char *fmt = im->opts->format;
  int rc, in_tx = 0, hashing = 0;
  pthread_t hash_thread;
  hasher h = {path, "", 0};
  struct stat sb;

  if (fmt && strcmp(fmt, "auto") != 0 && strcmp(fmt, "erasmus") != 0 &&
      strcmp(fmt, "vista") != 0) {
    rc = vista_seterr(s, VISTA_ERR_INPUT,
                      "unknown format '%s' (auto, erasmus or vista)", fmt);
    goto done;
  }
  if (stat(path, &sb) != 0) {
    rc = vista_seterr(s, VISTA_ERR_IO, "%s: %s", path, strerror(errno));
    goto done;
  }
  if (S_ISDIR(sb.st_mode)) {
    rc = vista_seterr(s, VISTA_ERR_IO, "%s: is a directory", path);
    goto done;
  }
  im->file_size = (int64_t)sb.st_size;
  if ((rc = vista_store_open(s)) != VISTA_OK)
    goto done;
  if (pthread_create(&hash_thread, NULL, hash_file, &h) != 0) {
    rc = vista_seterr(s, VISTA_ERR, "cannot start hashing the file");
    goto done;
  }
  hashing = 1;
  if (im->opts->rejects_path &&
      !(im->rejects = fopen(im->opts->rejects_path, "w"))) {
    rc = vista_seterr(s, VISTA_ERR_IO, "%s: %s", im->opts->rejects_path,
                      strerror(errno));
    goto done;
  }
  /* A bigger page cache than the default 2 MiB pays for itself here. */
  sqlite3_exec(s->db, "PRAGMA cache_size = -8192", NULL, NULL, NULL);
  if ((rc = vista_store_begin(s)) != VISTA_OK)
    goto done;
  in_tx = 1;
  if ((rc = setup(im)) != VISTA_OK ||
      (rc = vista_store_import_begin(s, "mobility", path,
                                     &report->rows.import_id)) != VISTA_OK)
    goto done;
  im->started = im->last_draw = now_seconds();
  vista_csv_options copts = {0, im->rejects != NULL, on_bytes};
  rc = vista_csv_read(s, path, &copts, on_row, on_malformed, im);
  if (im->opts->progress)
    draw_progress(im, 1);
  if (rc == VISTA_OK && im->ncolumns == 0)
    rc = vista_seterr(s, VISTA_ERR_INPUT, "%s: the file is empty (no header)",
                      path);
  if (rc != VISTA_OK || (rc = flush_batch(im)) != VISTA_OK)
    goto done;

  pthread_join(hash_thread, NULL);
  hashing = 0;
  if (h.failed) {
    rc = vista_seterr(s, VISTA_ERR_IO, "%s: read error", path);
    goto done;
  }
  memcpy(report->sha256, h.hex, sizeof h.hex);
  char when[40] = "";
  int64_t before = find_import(s, h.hex, when, sizeof when);
  if (before && !im->opts->replace) {
    rc = vista_seterr(s, VISTA_ERR_INPUT,
                      "%s: this file was imported before (import %lld, %s; "
                      "same SHA-256): nothing imported; --replace imports it "
                      "again in place of the old rows",
                      path, (long long)before, when);
    goto done;
  }
  if ((rc = write_summaries(im)) != VISTA_OK ||
      (rc = record_file(im, h.hex, im->file_size)) != VISTA_OK ||
      (rc = vista_store_import_end(s, &report->rows)) != VISTA_OK)
    goto done;
  if (before) {
    if ((rc = remove_import(s, before)) != VISTA_OK)
      goto done;
    report->replaced_import = before;
  }
  rc = vista_store_commit(s);
  in_tx = rc != VISTA_OK;

done:
  if (hashing)
    pthread_join(hash_thread, NULL);
  if (in_tx)
    vista_store_rollback(s);
  cleanup(im);
  free(im);
  return rc;
}
