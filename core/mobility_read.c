/* mobility_read.c: the reading half of a mobility import, on a thread of
 * its own: the header (aliases, --map), every row's values checked and
 * derived (VET, the band, the year), texts given their ids once, rejects
 * reported, records packed and sent to the writer (mobility_store.c) in
 * blocks. Entry points: mob_read_row() and mob_read_malformed(), the
 * callbacks of the CSV reader. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "country.h"
#include "internal.h"
#include "mobility_internal.h"

/* ---- storing texts once ------------------------------------------------- */

/* Room for a message of n bytes in the block being filled; a full block
 * is sent first. NULL when the writer has stopped or memory ran out (the
 * message says which). */
static char *reserve(mob_importer *im, size_t n) {
  mob_block *b = im->block;
  if (b && b->len + n > b->cap && b->len) {
    mob_channel_send(im->channel, b);
    b = im->block = NULL;
  }
  if (!b) {
    b = im->block = mob_channel_take_free(im->channel);
    if (!b) {
      vista_seterr(im->s, VISTA_ERR, "%s: the import stopped", im->path);
      return NULL;
    }
  }
  if (n > b->cap) { /* one message bigger than a block: grow this one */
    char *d = vista_realloc(b->data, n);
    if (!d) {
      vista_seterr(im->s, VISTA_ERR_NOMEM, "%s: out of memory", im->path);
      return NULL;
    }
    b->data = d;
    b->cap = n;
  }
  char *p = b->data + b->len;
  b->len += n;
  return p;
}

static char *put_i64(char *p, int64_t v) {
  memcpy(p, &v, sizeof v);
  return p + sizeof v;
}

static char *put_text(char *p, const char *t, size_t n) {
  uint32_t len = (uint32_t)n;
  memcpy(p, &len, sizeof len);
  if (n)
    memcpy(p + sizeof len, t, n);
  return p + sizeof len + n;
}

#define TEXT_SIZE(n) (sizeof(uint32_t) + (n))

/* Sends the block being filled, if it holds anything. */
void mob_send_block(mob_importer *im) {
  if (im->block && im->block->len) {
    mob_channel_send(im->channel, im->block);
    im->block = NULL;
  }
}

/* Keeps a field's text and id, so that the next row with the same text
 * costs a comparison. (Out of memory only means no shortcut.) */
static void remember(last_text *l, const char *p, size_t n, int64_t id) {
  if (n + 1 > l->cap) {
    char *t = vista_realloc(l->text, n + 1);
    if (!t)
      return;
    l->text = t;
    l->cap = n + 1;
  }
  memcpy(l->text, p, n);
  l->len = n;
  l->id = id;
}

/* The label id of a text, stored on first sight; 0 on a store error. */
static int64_t label_id(mob_importer *im, int field, const char *p, size_t n) {
  last_text *l = &im->last[field];
  if (l->id && l->len == n && memcmp(l->text, p, n) == 0)
    return l->id;
  int64_t id = vista_dict_get(im->labels, p, n);
  if (!id) {
    id = ++im->next_label;
    char *m = reserve(im, 1 + 8 + TEXT_SIZE(n));
    if (!m)
      return 0;
    *m++ = MSG_LABEL;
    put_text(put_i64(m, id), p, n);
    if (vista_dict_put(im->labels, p, n, id) != 0) {
      vista_seterr(im->s, VISTA_ERR_NOMEM, "%s: out of memory", im->path);
      return 0;
    }
  }
  remember(l, p, n, id);
  return id;
}

/* The project id of a reference (0 with *why set when it fits no pattern,
 * or -1 on a store error). */
static int64_t project_id(mob_importer *im, const char *p, size_t n,
                          const char **why) {
  last_text *l = &im->last[MF_PROJECT];
  if (l->id && l->len == n && memcmp(l->text, p, n) == 0)
    return l->id;
  int64_t id = vista_dict_get(im->projects, p, n);
  if (!id) {
    mob_project_ref r;
    if (mob_parse_project(p, n, &r) != 0) {
      *why = "fits no project reference pattern (YYYY-R-NA00-KA000-NNNNNN)";
      return 0;
    }
    id = ++im->next_project;
    size_t na = strlen(r.na), ka = strlen(r.key_action);
    char *m = reserve(im, 1 + 3 * 8 + TEXT_SIZE(n) + TEXT_SIZE(na) +
                              TEXT_SIZE(ka));
    if (!m)
      return -1;
    *m++ = MSG_PROJECT;
    m = put_i64(put_i64(put_i64(m, id), r.call_year), r.round);
    put_text(put_text(put_text(m, p, n), r.na, na), r.key_action, ka);
    if (vista_dict_put(im->projects, p, n, id) != 0 ||
        mob_ka_set(&im->ka, id, mob_ka_index(&im->ka, r.key_action)) != 0) {
      vista_seterr(im->s, VISTA_ERR_NOMEM, "%s: out of memory", im->path);
      return -1;
    }
  }
  remember(l, p, n, id);
  return id;
}

/* The institution of an organisation: by Erasmus code, else by name,
 * country and city. 0 when neither name nor code is known; -1 on an
 * error. */
static int64_t find_institution(mob_importer *im, const char *name, size_t nlen,
                                const char *code, size_t clen, int country,
                                const char *city, size_t citylen);

int mob_display_name(mob_importer *im, int64_t id, const char *name,
                     size_t n) {
  if (id < 0)
    return 0;
  if ((size_t)id >= im->inst_names_cap) {
    size_t cap = im->inst_names_cap ? im->inst_names_cap : 1024;
    while (cap <= (size_t)id)
      cap *= 2;
    inst_name *a = realloc(im->inst_names, cap * sizeof *a);
    if (!a)
      return -1;
    memset(a + im->inst_names_cap, 0,
           (cap - im->inst_names_cap) * sizeof *a);
    im->inst_names = a;
    im->inst_names_cap = cap;
  }
  inst_name *d = &im->inst_names[id];
  char *t = realloc(d->text, n ? n : 1);
  if (!t)
    return -1;
  if (n)
    memcpy(t, name, n);
  d->text = t;
  d->len = n;
  return 0;
}

/* The name a row gives institution id, as a record stores it: NONE (NULL)
 * when it is the institution's display name, as nearly every row spells
 * it, which costs a comparison; else its label (field: its column). 0 on
 * a store error. */
static int64_t name_label(mob_importer *im, int field, int64_t id,
                          const char *name, size_t nlen) {
  if ((size_t)id < im->inst_names_cap) {
    const inst_name *d = &im->inst_names[id];
    if (d->text && d->len == nlen && memcmp(d->text, name, nlen) == 0)
      return NONE;
  }
  return label_id(im, field, name, nlen);
}

/* The institution of an organisation (0 when the row names none, -1 on an
 * error), and in *name_id the label of the name the row gives it (NONE
 * when it gives none). */
static int64_t institution_id(mob_importer *im, int side, const char *name,
                              size_t nlen, const char *code, size_t clen,
                              int country, const char *city, size_t citylen,
                              int64_t *name_id) {
  *name_id = NONE;
  if (!nlen && !clen)
    return 0;
  /* Rows come in groups: the same organisation as the row before is the
   * common case, and costs a comparison instead of a lookup. */
  inst_cache *last = &im->last_inst[side];
  if (last->id && last->country == country && last->clen == clen &&
      last->nlen == nlen && last->citylen == citylen &&
      (!clen || memcmp(last->text, code, clen) == 0) &&
      (!nlen || memcmp(last->text + clen, name, nlen) == 0) &&
      (!citylen || memcmp(last->text + clen + nlen, city, citylen) == 0)) {
    *name_id = last->name_id;
    return last->id;
  }
  int64_t id = find_institution(im, name, nlen, code, clen, country, city,
                                citylen);
  /* A row without a name stores 0: "none", not the display name. */
  if (id > 0)
    *name_id = nlen ? name_label(im, side ? MF_RECEIVING_ORG
                                          : MF_SENDING_ORG,
                                 id, name, nlen)
                    : 0;
  if (id > 0 && nlen && !*name_id)
    return -1;
  if (id > 0 && clen + nlen + citylen <= sizeof last->text) {
    last->name_id = *name_id;
    if (clen)
      memcpy(last->text, code, clen);
    if (nlen)
      memcpy(last->text + clen, name, nlen);
    if (citylen)
      memcpy(last->text + clen + nlen, city, citylen);
    last->clen = clen;
    last->nlen = nlen;
    last->citylen = citylen;
    last->country = country;
    last->id = id;
  }
  return id;
}

/* The institution of an organisation: by Erasmus code, else by name,
 * country and city; new ones are given the next id and sent to the
 * writer. */
static int64_t find_institution(mob_importer *im, const char *name, size_t nlen,
                                const char *code, size_t clen, int country,
                                const char *city, size_t citylen) {
  const vista_country *c = vista_country_by_id(country);
  /* The key is the organisation's identity (vista_org_key: its code, else
   * its folded name, country and city), as the database's institutions
   * are keyed when they are loaded. Whole, however long: two names that
   * differ only past a cut would be one institution. */
  size_t klen = vista_org_key(im->key, im->key_cap, code, clen, name, nlen,
                              c ? c->code : NULL, city, citylen);
  if (klen >= im->key_cap) {
    char *k = realloc(im->key, klen + 1);
    if (!k) {
      vista_seterr(im->s, VISTA_ERR_NOMEM, "%s: out of memory", im->path);
      return -1;
    }
    im->key = k;
    im->key_cap = klen + 1;
    vista_org_key(im->key, im->key_cap, code, clen, name, nlen,
                  c ? c->code : NULL, city, citylen);
  }
  int64_t id = vista_dict_get(im->institutions, im->key, klen);
  if (id)
    return id;
  id = ++im->next_institution;
  /* An organisation known only by its code is named by its code. */
  const char *shown = nlen ? name : code;
  size_t shown_len = nlen ? nlen : clen;
  /* The message is exactly as long as reserved: a country left unknown
   * is an empty text, and the next message starts right after it. */
  size_t colen = c ? 2 : 0;
  char *m = reserve(im, 1 + 8 + TEXT_SIZE(clen) + TEXT_SIZE(shown_len) +
                            TEXT_SIZE(colen) + TEXT_SIZE(citylen));
  if (!m)
    return -1;
  *m++ = MSG_INSTITUTION;
  m = put_text(put_text(put_i64(m, id), code, clen), shown, shown_len);
  put_text(put_text(m, c ? c->code : "", colen), city, citylen);
  if (vista_dict_put(im->institutions, im->key, klen, id) != 0 ||
      mob_display_name(im, id, shown, shown_len) != 0) {
    vista_seterr(im->s, VISTA_ERR_NOMEM, "%s: out of memory", im->path);
    return -1;
  }
  return id;
}

/* What an activity says about the band (ACT_*, mob_activity_kind),
 * classified once per distinct activity text. */
static int activity_kind(mob_importer *im, int64_t id, const char *p, size_t n) {
  if ((size_t)id >= im->activity_kind_cap) {
    size_t cap = im->activity_kind_cap ? im->activity_kind_cap : 1024;
    while (cap <= (size_t)id)
      cap *= 2;
    unsigned char *a = vista_realloc(im->activity_kind, cap);
    if (!a)
      return ACT_OTHER; /* unclassified: the duration decides */
    memset(a + im->activity_kind_cap, 0, cap - im->activity_kind_cap);
    im->activity_kind = a;
    im->activity_kind_cap = cap;
  }
  if (!im->activity_kind[id])
    im->activity_kind[id] = (unsigned char)(1 + mob_activity_kind(p, n));
  return im->activity_kind[id] - 1;
}

/* ---- rejects ------------------------------------------------------------- */

static void write_reject_row(mob_importer *im, const char *raw, size_t len,
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

static int reject(mob_importer *im, int64_t line, size_t column,
                  const char *why, const char *raw, size_t raw_len,
                  char delim) {
  char msg[VISTA_ERRMSG_SIZE];
  char reason[256]; /* reasons are short; room for the path in msg */
  snprintf(reason, sizeof reason, "%s", why);
  vista_one_line(reason); /* it may quote a quoted field's line end */
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
  if (im->opts->progress) /* the message goes on a line of its own */
    fputs("\r\033[K", stderr);
  if (im->on_reject)
    im->on_reject(im->ud, msg);
  size_t n = strlen(reason);
  char *m = reserve(im, 1 + 16 + TEXT_SIZE(n));
  if (!m)
    return VISTA_ERR;
  *m++ = MSG_REJECT;
  put_text(put_i64(put_i64(m, line), (int64_t)column), reason, n);
  return VISTA_OK;
}

/* ---- the header ------------------------------------------------------------ */

/* Applies --map 'Their Name=Our Name,...' to the header name at hand:
 * returns the field, -1 when the map does not name it, -2 on a bad map. */
static int mapped_field(mob_importer *im, const char *name, size_t len) {
  const char *map = im->opts->map;
  if (!map)
    return -1;
  char want[160], theirs[160];
  mob_normalise(want, sizeof want, name, len);
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
    mob_normalise(theirs, sizeof theirs, map, (size_t)(eq - map));
    if (strcmp(theirs, want) == 0) {
      size_t tlen = plen - (size_t)(eq - map) - 1;
      const char *target = eq + 1;
      size_t tl = tlen;
      target = mob_trim(target, &tl);
      int f = mob_field_by_name(target, tl);
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

static int read_header(mob_importer *im, const vista_csv_row *row) {
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
    const char *name = mob_trim(row->fields[i], &len);
    int f = mapped_field(im, name, len);
    if (f == -2)
      return VISTA_ERR_INPUT;
    if (f < 0)
      f = mob_field_by_name(name, len);
    if (f < 0) {
      const char *names[2 * MF_COUNT];
      for (int k = 0; k < MF_COUNT; k++) {
        names[k] = mob_official_columns[k];
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
                            name, mob_official_columns[f], im->column_of[f]);
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
  im->official = !all_vista;
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

/* The stored columns of a record: the small codes packed into one integer,
 * two bits each (0 unknown, else the code, or the flag plus one), as the
 * view mobility_fact reads them (store.c). */
static void pack(const int64_t *c, int64_t *s) {
#define CODE(x) ((x) == NONE ? 0 : (x))
#define FLAG(x) ((x) == NONE ? 0 : (x) + 1)
  s[S_IMPORT] = c[C_IMPORT];
  s[S_LINE] = c[C_LINE];
  s[S_PROJECT] = c[C_PROJECT];
  s[S_ACADEMIC_YEAR] = c[C_ACADEMIC_YEAR];
  s[S_START] = c[C_START];
  s[S_END] = c[C_END];
  s[S_DURATION] = c[C_DURATION];
  s[S_ACTIVITY] = c[C_ACTIVITY];
  s[S_FIELD] = c[C_FIELD];
  s[S_NATIONALITY] = c[C_NATIONALITY];
  s[S_EDUCATION_LEVEL] = c[C_EDUCATION_LEVEL];
  s[S_CODES] = CODE(c[C_GENDER]) | CODE(c[C_PROFILE]) << 2 |
               FLAG(c[C_SPECIAL]) << 4 | FLAG(c[C_FEWER]) << 6 |
               FLAG(c[C_LEADER]) << 8 | CODE(c[C_DIRECTION]) << 10 |
               FLAG(c[C_RECOGNISED]) << 12 | c[C_VET] << 14 |
               CODE(c[C_BAND]) << 15 | c[C_EDGE] << 18 |
               (int64_t)c[C_KIND] << 19 | c[C_RANGE] << 22 |
               FLAG(c[C_GRADUATE]) << 23;
  s[S_AGE] = c[C_AGE];
  s[S_S_COUNTRY] = c[C_S_COUNTRY];
  s[S_S_CITY] = c[C_S_CITY];
  s[S_SENDING] = c[C_SENDING];
  s[S_R_COUNTRY] = c[C_R_COUNTRY];
  s[S_R_CITY] = c[C_R_CITY];
  s[S_RECEIVING] = c[C_RECEIVING];
  s[S_PARTICIPANTS] = c[C_PARTICIPANTS];
  s[S_PARTNER] = c[C_PARTNER];
  s[S_S_NAME] = c[C_S_NAME];
  s[S_R_NAME] = c[C_R_NAME];
  s[S_PERSON] = c[C_PERSON];
#undef CODE
#undef FLAG
}

/* The fields a row must have when its file has their column. Every row of
 * the Erasmus+ open data carries both countries (the figures and the
 * institutions are counted by them) and its participants; an institution's
 * own list (vista's format, also what `vista export` writes from files
 * that lacked columns) must only say how many participants it stands for.
 * Anything else left blank or marked missing is unknown (docs/definitions.md,
 * unknown values): a project left unknown, for one, makes VET come from the
 * activity. */
static const struct {
  int field;
  int official; /* only in the official format */
  const char *why;
} required[] = {
    {MF_SENDING_COUNTRY, 1,
     "every row of the Erasmus+ open data has its sending country"},
    {MF_RECEIVING_COUNTRY, 1,
     "every row of the Erasmus+ open data has its receiving country"},
    {MF_PARTICIPANTS, 0, "every row needs its number of participants"},
};
#define NREQUIRED (sizeof required / sizeof required[0])

/* Rejects a row whose required field f is blank or a missing marker,
 * quoting what it holds. */
static int reject_missing(mob_importer *im, const vista_csv_row *row, int f,
                          const char *why) {
  char reason[200];
  size_t col = (size_t)im->column_of[f];
  size_t n = row->lens[col - 1];
  const char *p = mob_trim(row->fields[col - 1], &n);
  snprintf(reason, sizeof reason, "%s is missing ('%.*s'): %s",
           mob_official_columns[f], (int)(n > 20 ? 20 : n), p, why);
  return reject(im, row->line, col, reason, row->raw, row->raw_len,
                row->delim);
}

static int store_row(mob_importer *im, const vista_csv_row *row) {
  int64_t c[C_COUNT];
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
  if (row->bad_text) {
    int f = im->field_of[row->bad_text - 1];
    if (f == MF_IGNORE)
      snprintf(reason, sizeof reason, "column %zu %s", row->bad_text,
               row->bad_text_why);
    else
      snprintf(reason, sizeof reason, "%s %s", mob_official_columns[f],
               row->bad_text_why);
    return reject(im, row->line, row->bad_text, reason, row->raw,
                  row->raw_len, row->delim);
  }

  for (int f = 0; f < MF_COUNT; f++) {
    val[f] = NULL;
    len[f] = 0;
  }
  for (size_t i = 0; i < row->nfields; i++) {
    int f = im->field_of[i];
    if (f == MF_IGNORE)
      continue;
    size_t n = row->lens[i];
    const char *p = mob_trim(row->fields[i], &n);
    /* Our export guards spreadsheet formulas with a leading apostrophe. */
    if (n >= 2 && p[0] == '\'' && strchr("=+-@", p[1]))
      p++, n--;
    /* Gender "Undefined" is a recorded category, not a missing value. */
    if (!mob_is_missing(p, n) ||
        (f == MF_GENDER && mob_eqi(p, n, "undefined"))) {
      val[f] = p;
      len[f] = n;
    }
  }
  for (size_t k = 0; k < NREQUIRED; k++) {
    int f = required[k].field;
    if (!val[f] && im->column_of[f] && (im->official || !required[k].official))
      return reject_missing(im, row, f, required[k].why);
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
      return VISTA_ERR;                                                    \
  }
#define COUNTRY(F, COL)                                                        \
  if (val[F] && !(c[COL] = vista_country_id(val[F], len[F]))) {                \
    bad = F;                                                                   \
    why = "is not a country code";                                             \
    goto rejected;                                                             \
  }
#define NUMBER(F, COL, LO, HI, WHY)                                            \
  if (val[F]) {                                                                \
    if (mob_parse_int(val[F], len[F], LO, HI, &v) != 0) {                      \
      bad = F;                                                                 \
      why = WHY;                                                               \
      goto rejected;                                                           \
    }                                                                          \
    c[COL] = v;                                                                \
  }
/* A flag that is not yes or no ("Unknown", "n/a") is unknown. */
#define FLAG(F, COL)                                                           \
  if (val[F] && mob_parse_yes_no(val[F], len[F], &v) == 0)                     \
    c[COL] = v;

  if (val[MF_PROJECT]) {
    int64_t id = project_id(im, val[MF_PROJECT], len[MF_PROJECT], &why);
    if (id < 0)
      return VISTA_ERR;
    if (!id) {
      bad = MF_PROJECT;
      goto rejected;
    }
    c[C_PROJECT] = id;
    ka = mob_ka_of(&im->ka, id);
  }
  if (val[MF_ACADEMIC_YEAR]) {
    if (mob_parse_academic_year(val[MF_ACADEMIC_YEAR], len[MF_ACADEMIC_YEAR],
                            &v) != 0) {
      bad = MF_ACADEMIC_YEAR;
      why = "is not an academic year such as 2018-2019";
      goto rejected;
    }
    c[C_ACADEMIC_YEAR] = v;
  }
  if (val[MF_START]) {
    if (mob_parse_month(val[MF_START], len[MF_START], &v) != 0) {
      bad = MF_START;
      why = "is not a month such as 2018-09";
      goto rejected;
    }
    c[C_START] = v;
    c[C_YEAR] = v / 100;
  }
  if (val[MF_END]) {
    if (mob_parse_month(val[MF_END], len[MF_END], &v) != 0) {
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
  NUMBER(MF_DURATION, C_DURATION, 0, 5000, "is not a number of days")
  TEXT(MF_ACTIVITY, C_ACTIVITY)
  TEXT(MF_FIELD, C_FIELD)
  COUNTRY(MF_NATIONALITY, C_NATIONALITY)
  TEXT(MF_EDUCATION_LEVEL, C_EDUCATION_LEVEL)
  /* Gender and profile texts other than those below are unknown, never a
   * reason to drop the row: its participants stay in every total. */
  if (val[MF_GENDER]) {
    const char *p = val[MF_GENDER];
    size_t n = len[MF_GENDER];
    if (mob_eqi(p, n, "female") || mob_eqi(p, n, "f"))
      c[C_GENDER] = GENDER_FEMALE;
    else if (mob_eqi(p, n, "male") || mob_eqi(p, n, "m"))
      c[C_GENDER] = GENDER_MALE;
    else if (mob_eqi(p, n, "undefined") || mob_eqi(p, n, "other") ||
             mob_eqi(p, n, "x"))
      c[C_GENDER] = GENDER_UNDEFINED;
  }
  if (val[MF_PROFILE]) {
    const char *p = val[MF_PROFILE];
    size_t n = len[MF_PROFILE];
    if (mob_eqi(p, n, "learner") || mob_eqi(p, n, "learners") ||
        mob_eqi(p, n, "student") || mob_eqi(p, n, "trainee"))
      c[C_PROFILE] = PROFILE_LEARNER;
    else if (mob_eqi(p, n, "staff"))
      c[C_PROFILE] = PROFILE_STAFF;
  }
  FLAG(MF_SPECIAL_NEEDS, C_SPECIAL)
  FLAG(MF_FEWER_OPPORTUNITIES, C_FEWER)
  FLAG(MF_GROUP_LEADER, C_LEADER)
  NUMBER(MF_AGE, C_AGE, 0, 120, "is not an age (a whole number from 0 to 120)")
  COUNTRY(MF_SENDING_COUNTRY, C_S_COUNTRY)
  TEXT(MF_SENDING_CITY, C_S_CITY)
  COUNTRY(MF_RECEIVING_COUNTRY, C_R_COUNTRY)
  TEXT(MF_RECEIVING_CITY, C_R_CITY)
  if (val[MF_PARTICIPANTS]) {
    if (mob_parse_int(val[MF_PARTICIPANTS], len[MF_PARTICIPANTS], 1, 1000000,
                  &v) != 0) {
      bad = MF_PARTICIPANTS;
      why = "is not a number of participants (1 or more)";
      goto rejected;
    }
    c[C_PARTICIPANTS] = v;
  } else if (!im->column_of[MF_PARTICIPANTS]) {
    c[C_PARTICIPANTS] = 1; /* files without the column: one per row */
  }
  if (val[MF_DIRECTION]) {
    const char *p = val[MF_DIRECTION];
    size_t n = len[MF_DIRECTION];
    if (mob_eqi(p, n, "outgoing") || mob_eqi(p, n, "out"))
      c[C_DIRECTION] = DIRECTION_OUTGOING;
    else if (mob_eqi(p, n, "incoming") || mob_eqi(p, n, "in"))
      c[C_DIRECTION] = DIRECTION_INCOMING;
    else {
      bad = MF_DIRECTION;
      why = "is not outgoing or incoming";
      goto rejected;
    }
  }
  TEXT(MF_PARTNER, C_PARTNER)
  FLAG(MF_RECOGNISED, C_RECOGNISED)
  TEXT(MF_PERSON_ID, C_PERSON)
  FLAG(MF_RECENT_GRADUATE, C_GRADUATE)

  /* Organisations last: a rejected row must not create institutions.
   * The institution keeps the first name it was seen with; each record
   * keeps the name its own row gave (the open data spells one Erasmus
   * code many ways), so that an export gives every row back as it came. */
  {
    int64_t id = institution_id(
        im, 0, val[MF_SENDING_ORG], len[MF_SENDING_ORG], val[MF_SENDING_CODE],
        len[MF_SENDING_CODE],
        c[C_S_COUNTRY] == NONE ? 0 : (int)c[C_S_COUNTRY],
        val[MF_SENDING_CITY], len[MF_SENDING_CITY], &c[C_S_NAME]);
    if (id < 0)
      return VISTA_ERR;
    if (id)
      c[C_SENDING] = id;
    id = institution_id(
        im, 1, val[MF_RECEIVING_ORG], len[MF_RECEIVING_ORG],
        val[MF_RECEIVING_CODE], len[MF_RECEIVING_CODE],
        c[C_R_COUNTRY] == NONE ? 0 : (int)c[C_R_COUNTRY],
        val[MF_RECEIVING_CITY], len[MF_RECEIVING_CITY], &c[C_R_NAME]);
    if (id < 0)
      return VISTA_ERR;
    if (id)
      c[C_RECEIVING] = id;
  }

  /* Derived: VET, the band (activity first, duration second), the edge. */
  {
    int kind = c[C_ACTIVITY] != NONE
                   ? activity_kind(im, c[C_ACTIVITY], val[MF_ACTIVITY],
                                   len[MF_ACTIVITY])
                   : ACT_NONE;
    c[C_VET] = ka ? im->ka.vet[ka]
                  : (val[MF_ACTIVITY] &&
                     mob_activity_is_vet(val[MF_ACTIVITY], len[MF_ACTIVITY]));
    c[C_KIND] = kind;
    int band = mob_band(c[C_PROFILE], c[C_LEADER], kind, c[C_DURATION]);
    c[C_BAND] = band ? band : NONE;
    c[C_EDGE] = mob_edge(band, c[C_DURATION]);
    c[C_RANGE] = mob_out_of_range(band, kind, c[C_DURATION]);
    im->report->band_edge += c[C_EDGE];
    im->report->out_of_range += c[C_RANGE];
  }

  int64_t stored[S_COUNT];
  pack(c, stored);
  char *m = reserve(im, 1 + sizeof stored);
  if (!m)
    return VISTA_ERR;
  *m = MSG_FACT;
  memcpy(m + 1, stored, sizeof stored);
  im->report->rows.rows_stored++;
  im->report->participants += c[C_PARTICIPANTS];
  return VISTA_OK;

rejected:
  snprintf(reason, sizeof reason, "%s '%.*s' %s", mob_official_columns[bad],
           (int)(len[bad] > 60 ? 60 : len[bad]), val[bad], why);
  return reject(im, row->line, (size_t)im->column_of[bad], reason, row->raw,
                row->raw_len, row->delim);
#undef TEXT
#undef COUNTRY
#undef NUMBER
#undef FLAG
}

int mob_read_row(void *ud, const vista_csv_row *row) {
  mob_importer *im = ud;
  if (row->index == 0)
    return read_header(im, row);
  return store_row(im, row);
}

int mob_read_malformed(void *ud, int64_t line, size_t field,
                       const char *reason, const char *raw, size_t raw_len) {
  mob_importer *im = ud;
  char why[200];
  im->report->rows.rows_read++;
  snprintf(why, sizeof why, "malformed CSV: %s", reason);
  return reject(im, line, field, why, raw, raw_len, im->delim);
}
