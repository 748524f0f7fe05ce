/* benchmark.c: every institution's figures by period, and their totals by
 * peer group — the one place (with consortium.c) where a scoped session
 * reaches other institutions' data, so the small-cell rules are applied
 * here, in C, before anything reaches Lua.
 *
 *   vista.benchmark.figures{ period = 'calendar' | 'school', periods = {...},
 *                            k = 5, publish = false, groups = {[id] = label} }
 *     -> rows [, totals]
 *
 * One SQL statement over the terms (mobility_term: a few hundred thousand
 * rows for ten million records). The ranking, quartiles and indicator
 * values are Lua's (stdlib/vista/benchmark.lua): they work on one row per
 * institution, not on records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bind.h"
#include "internal.h"
#include "suppress.h"

enum {
  B_PARTICIPANTS, B_LEARNERS, B_LEARNERS_10D, B_LEARNERS_15D, B_IVET_10D,
  B_LONG_TERM, B_FEMALE, B_MALE, B_FEWER, B_SPECIAL, B_RECOGNITION_KNOWN,
  B_RECOGNISED, B_STAFF, B_STAFF_5D, B_AGE_N, B_AGE_SUM, B_DURATION_N,
  B_DURATION_SUM, B_DESTINATIONS, B_INCOMING_LEARNERS, B_INCOMING_STAFF,
  B_COUNT
};

/* In the order of the enum; a share's base comes before it. */
static const sup_column columns[B_COUNT] = {
    {"participants", SUP_COUNT, -1, 0},
    {"learners", SUP_COUNT, -1, 0},
    {"learners_10d", SUP_SHARE, B_LEARNERS, 0},
    {"learners_15d", SUP_SHARE, B_LEARNERS, 0},
    {"ivet_10d", SUP_SHARE, B_LEARNERS, 0},
    {"long_term", SUP_SHARE, B_LEARNERS, 0},
    {"female", SUP_SHARE, B_LEARNERS, 0},
    {"male", SUP_SHARE, B_LEARNERS, 0},
    {"fewer", SUP_SHARE, B_LEARNERS, 1},
    {"special", SUP_SHARE, B_LEARNERS, 1},
    {"recognition_known", SUP_COUNT, -1, 0},
    {"recognised", SUP_SHARE, B_RECOGNITION_KNOWN, 0},
    {"staff", SUP_COUNT, -1, 0},
    {"staff_5d", SUP_SHARE, B_STAFF, 0},
    {"age_n", SUP_COUNT, -1, 0},
    {"age_sum", SUP_MEAN, B_AGE_N, 0},
    {"duration_n", SUP_COUNT, -1, 0},
    {"duration_sum", SUP_MEAN, B_DURATION_N, 0},
    {"destinations", SUP_NONE, -1, 0},
    {"incoming_learners", SUP_COUNT, -1, 0},
    {"incoming_staff", SUP_COUNT, -1, 0},
};

#define SUMS                                                               \
  "sum(t.participants) AS participants, sum(t.learners) AS learners,"      \
  " sum(t.learners_10d) AS learners_10d,"                                  \
  " sum(t.learners_15d) AS learners_15d, sum(t.ivet_10d) AS ivet_10d,"     \
  " sum(t.long_term) AS long_term, sum(t.female) AS female,"               \
  " sum(t.male) AS male, sum(t.fewer) AS fewer,"                           \
  " sum(t.special) AS special,"                                            \
  " sum(t.recognition_known) AS recognition_known,"                        \
  " sum(t.recognised) AS recognised, sum(t.staff) AS staff,"               \
  " sum(t.staff_5d) AS staff_5d, sum(t.age_n) AS age_n,"                   \
  " sum(t.age_sum) AS age_sum, sum(t.duration_n) AS duration_n,"           \
  " sum(t.duration_sum) AS duration_sum"

/* Only the terms of the periods asked for (?1: a JSON list, or NULL). */
#define TERMS " AND (?1 IS NULL OR t.term IN (SELECT value FROM json_each(?1)))"

/* The main (most participants) key action or National Agency. */
#define MAIN_OF(col)                                                       \
  "SELECT inst, period, " col " FROM (SELECT t.institution_id AS inst,"    \
  " %s AS period, t." col ", row_number() OVER (PARTITION BY"              \
  " t.institution_id, %s ORDER BY sum(t.participants) DESC, t." col        \
  ") AS rn FROM main.mobility_term t WHERE 1" TERMS                         \
  " GROUP BY 1, 2, 3)"                                                     \
  " WHERE rn = 1"

static const char query_fmt[] =
    "WITH s AS (SELECT t.institution_id AS inst, %s AS period, " SUMS
    " FROM main.mobility_term t WHERE 1" TERMS " GROUP BY 1, 2),"
    " ka AS MATERIALIZED (" MAIN_OF("key_action") "),"
    " na AS MATERIALIZED (" MAIN_OF("na_code") "),"
    " d AS MATERIALIZED (SELECT t.institution_id AS inst, %s AS period,"
    " count(DISTINCT t.receiving_country_id) AS destinations"
    " FROM main.mobility_term_destination t WHERE 1" TERMS " GROUP BY 1, 2),"
    " i AS MATERIALIZED (SELECT t.institution_id AS inst, %s AS period,"
    " sum(t.learners) AS incoming_learners, sum(t.staff) AS incoming_staff"
    " FROM main.mobility_term_incoming t WHERE 1" TERMS " GROUP BY 1, 2)"
    /* Correlated lookups rather than joins: SQLite then builds an
     * automatic index on each CTE (as joins it scanned them: 18 s at ten
     * million records, 0.4 s so). */
    " SELECT s.inst, s.period, r.erasmus_code, r.name, r.country,"
    " (SELECT nullif(na_code, '') FROM na"
    "  WHERE na.inst = s.inst AND na.period = s.period),"
    " (SELECT nullif(key_action, '') FROM ka"
    "  WHERE ka.inst = s.inst AND ka.period = s.period),"
    " s.participants, s.learners, s.learners_10d, s.learners_15d,"
    " s.ivet_10d, s.long_term, s.female, s.male, s.fewer, s.special,"
    " s.recognition_known, s.recognised, s.staff, s.staff_5d, s.age_n,"
    " s.age_sum, s.duration_n, s.duration_sum,"
    " coalesce((SELECT destinations FROM d"
    "  WHERE d.inst = s.inst AND d.period = s.period), 0),"
    " coalesce((SELECT incoming_learners FROM i"
    "  WHERE i.inst = s.inst AND i.period = s.period), 0),"
    " coalesce((SELECT incoming_staff FROM i"
    "  WHERE i.inst = s.inst AND i.period = s.period), 0)"
    " FROM s JOIN main.institution r ON r.id = s.inst"
    " ORDER BY s.period, s.inst";
#define FIRST_VALUE 7 /* the result column of participants */

static const char calendar_period[] = "CAST(t.term / 2 AS TEXT)";
static const char school_period[] =
    "printf('%d-%02d', (t.term - 1) / 2, ((t.term - 1) / 2 + 1) % 100)";

/* One institution and period as C keeps it to suppress and total. */
typedef struct brow {
  int64_t v[B_COUNT];
  unsigned char hidden[B_COUNT];
  int group, period, pos; /* pos: the row's index in the Lua result */
} brow;

typedef struct rowbuf {
  brow *rows;
  size_t n, cap;
} rowbuf;

static int rowbuf_gc(lua_State *L) {
  rowbuf *b = lua_touserdata(L, 1);
  free(b->rows);
  b->rows = NULL;
  return 0;
}

/* A buffer owned by a userdata at the top of the stack, freed by the
 * collector if an error comes first [-0, +1, m]. */
static rowbuf *push_rowbuf(lua_State *L) {
  rowbuf *b = lua_newuserdatauv(L, sizeof *b, 0);
  memset(b, 0, sizeof *b);
  if (luaL_newmetatable(L, "vista.RowBuffer")) {
    lua_pushcfunction(L, rowbuf_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return b;
}

static brow *rowbuf_add(lua_State *L, rowbuf *b) {
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    brow *r = realloc(b->rows, cap * sizeof *r);
    if (!r)
      luaL_error(L, "out of memory");
    b->rows = r;
    b->cap = cap;
  }
  brow *r = &b->rows[b->n++];
  memset(r, 0, sizeof *r);
  return r;
}

static const char *size_band(int64_t participants) {
  return participants < 20    ? "1-19"
         : participants < 50  ? "20-49"
         : participants < 100 ? "50-99"
         : participants < 250 ? "100-249"
                              : "250+";
}

typedef struct options {
  const char *period;
  int k, publish, has_periods, has_groups;
  const char *group_by; /* a built-in peer group, or NULL */
} options;

static void read_options(lua_State *L, options *o) {
  luaL_checktype(L, 1, LUA_TTABLE);
  memset(o, 0, sizeof *o);
  o->period = calendar_period;
  lua_getfield(L, 1, "period");
  if (!lua_isnil(L, -1)) {
    const char *p = lua_tostring(L, -1);
    if (p && strcmp(p, "school") == 0)
      o->period = school_period;
    else if (!p || strcmp(p, "calendar") != 0)
      luaL_error(L, "vista.benchmark: period must be 'calendar' or 'school'");
  }
  lua_getfield(L, 1, "k");
  o->k = lua_isnil(L, -1) ? 5 : (int)luaL_checkinteger(L, -1);
  if (o->k < 2 || o->k > 100)
    luaL_error(L, "vista.benchmark: k must be between 2 and 100 (3, 5 or "
                  "10 are usual)");
  lua_getfield(L, 1, "publish");
  o->publish = lua_toboolean(L, -1);
  lua_getfield(L, 1, "periods");
  o->has_periods = lua_istable(L, -1);
  lua_getfield(L, 1, "groups");
  o->has_groups = lua_istable(L, -1);
  lua_getfield(L, 1, "group_by");
  o->group_by = lua_tostring(L, -1); /* kept alive by the options table */
  lua_pop(L, 6);
  if (o->group_by) {
    static const char *const known[] = {"all", "country", "na", "key_action",
                                        "size", NULL};
    int ok = 0;
    for (int i = 0; known[i]; i++)
      ok |= strcmp(o->group_by, known[i]) == 0;
    if (!ok)
      luaL_error(L, "vista.benchmark: group_by must be all, country, na, "
                    "key_action or size");
    o->has_groups = 1;
  }
}

static int by_group_period(const void *a, const void *b) {
  const brow *x = *(const brow *const *)a, *y = *(const brow *const *)b;
  if (x->group != y->group)
    return x->group < y->group ? -1 : 1;
  return x->period < y->period ? -1 : x->period > y->period;
}

/* The totals of each group and period: sums, with a total hidden when the
 * member cells hidden in its column would otherwise be given away, and
 * then the row rules for the total itself [-0, +1, m]. */
static void push_totals(lua_State *L, rowbuf *b, int labels, int periods,
                        const options *o, int protect) {
  brow **order = lua_newuserdatauv(L, (b->n ? b->n : 1) * sizeof *order, 0);
  size_t ng = 0;
  for (size_t i = 0; i < b->n; i++)
    if (b->rows[i].group)
      order[ng++] = &b->rows[i];
  qsort(order, ng, sizeof *order, by_group_period);
  lua_newtable(L);
  int out = lua_gettop(L);
  lua_Integer nout = 0;
  int64_t *vals = lua_newuserdatauv(L, (ng ? ng : 1) * sizeof(int64_t) *
                                           B_COUNT, 0);
  unsigned char *hid = lua_newuserdatauv(L, (ng ? ng : 1) * B_COUNT, 0);
  for (size_t at = 0; at < ng;) {
    size_t end = at;
    while (end < ng && order[end]->group == order[at]->group &&
           order[end]->period == order[at]->period)
      end++;
    int nrows = (int)(end - at);
    brow total;
    memset(&total, 0, sizeof total);
    for (int r = 0; r < nrows; r++) {
      memcpy(vals + (size_t)r * B_COUNT, order[at + r]->v, sizeof total.v);
      memcpy(hid + (size_t)r * B_COUNT, order[at + r]->hidden, B_COUNT);
      for (int c = 0; c < B_COUNT; c++)
        total.v[c] += order[at + r]->v[c];
    }
    /* Destinations do not add up: the group's distinct countries are not
     * the sum; leave it out. */
    total.v[B_DESTINATIONS] = 0;
    sup_row(columns, B_COUNT, total.v, protect, o->k, total.hidden);
    for (int c = 0; c < B_COUNT; c++)
      if (!total.hidden[c] &&
          !sup_total_shown(c, B_COUNT, vals, hid, nrows, o->k))
        total.hidden[c] = SUP_OTHER;
    total.hidden[B_DESTINATIONS] = SUP_OTHER;
    lua_createtable(L, 0, B_COUNT + 4);
    int t = lua_gettop(L);
    lua_rawgeti(L, labels, order[at]->group);
    lua_setfield(L, t, "group");
    lua_rawgeti(L, periods, order[at]->pos);
    lua_getfield(L, -1, "period");
    lua_setfield(L, t, "period");
    lua_pop(L, 1);
    lua_pushinteger(L, nrows);
    lua_setfield(L, t, "institutions");
    vista_set_cells(L, t, columns, B_COUNT, total.v, total.hidden);
    total.hidden[B_DESTINATIONS] = 0;
    lua_rawseti(L, out, ++nout);
    at = end;
  }
  lua_pop(L, 2); /* vals, hid */
  lua_remove(L, -2); /* order */
}

/* The institutions' facts (the denominators they record: learners
 * enrolled, graduates, staff, budget ...) beside their figures, by period;
 * what is divided by them is suppressed in Lua by the same rules. A scoped
 * session gets its own facts only: another institution's budget or
 * enrolment is its own business, not an aggregate. */
static void add_facts(lua_State *L, vista_session *s, int by_key) {
  sqlite3_stmt *st = vista_push_trusted_statement(
      L, s,
      "SELECT institution_id, period, name, value FROM main.institution_fact"
      " WHERE ?1 = 0 OR institution_id = ?1");
  sqlite3_bind_int64(st, 1, s->scope_id);
  int box = lua_gettop(L);
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    lua_pushfstring(L, "%I|%s", (lua_Integer)sqlite3_column_int64(st, 0),
                    (const char *)sqlite3_column_text(st, 1));
    if (lua_rawget(L, by_key) == LUA_TTABLE) {
      double v = sqlite3_column_double(st, 3);
      if (v > -1e15 && v < 1e15 && v == (double)(lua_Integer)v)
        lua_pushinteger(L, (lua_Integer)v);
      else
        lua_pushnumber(L, v);
      lua_setfield(L, -2, (const char *)sqlite3_column_text(st, 2));
    }
    lua_pop(L, 1);
  }
  if (rc != SQLITE_DONE)
    luaL_error(L, "%s", sqlite3_errmsg(vista_store_db(s)));
  vista_finish_statement(L, box);
  lua_pop(L, 1);
}

/* The half-year terms (see mobility_term) of opts.periods as a JSON list:
 * a calendar year Y is terms 2Y and 2Y+1, a school year Y-(Y+1) is 2Y+1
 * and 2Y+2 [-0, +1, e]. */
static void push_terms_json(lua_State *L, int school) {
  luaL_Buffer b;
  lua_getfield(L, 1, "periods");
  int t = lua_gettop(L);
  luaL_buffinit(L, &b);
  luaL_addchar(&b, '[');
  for (lua_Integer i = 1;; i++) {
    if (lua_rawgeti(L, t, i) == LUA_TNIL) {
      lua_pop(L, 1);
      break;
    }
    const char *p = lua_tostring(L, -1);
    int y = p ? atoi(p) : 0;
    lua_pop(L, 1);
    if (y < 1900 || y > 2200)
      luaL_error(L, "vista.benchmark: '%s' is not a period", p ? p : "?");
    char num[48];
    snprintf(num, sizeof num, "%s%d,%d", i > 1 ? "," : "", y * 2 + school,
             y * 2 + 1 + school);
    luaL_addstring(&b, num);
  }
  luaL_addchar(&b, ']');
  luaL_pushresult(&b);
  lua_remove(L, t);
}

/* The peer group of the row at idx: a built-in one (group_by), or the
 * label the caller's groups table gives the institution [-0, +1, -]. */
static void push_group_label(lua_State *L, const options *o, int idx,
                             int64_t inst) {
  if (!o->group_by) {
    lua_getfield(L, 1, "groups");
    lua_rawgeti(L, -1, inst);
    lua_remove(L, -2);
    return;
  }
  const char *field = !strcmp(o->group_by, "size") ? "size_band" : o->group_by;
  if (!strcmp(field, "all")) {
    lua_pushliteral(L, "all");
    return;
  }
  if (lua_getfield(L, idx, field) == LUA_TNIL) {
    lua_pop(L, 1);
    lua_pushliteral(L, "unknown");
  }
}

/* Whether period is one of opts.periods [-0, +0, -]. */
static int wanted(lua_State *L, const char *period) {
  int found = 0;
  lua_getfield(L, 1, "periods");
  for (lua_Integer i = 1; !found; i++) {
    if (lua_rawgeti(L, -1, i) == LUA_TNIL) {
      lua_pop(L, 1);
      break;
    }
    const char *want = lua_tostring(L, -1);
    found = want && strcmp(want, period) == 0;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return found;
}

static int l_figures(lua_State *L) {
  vista_session *s = vista_bind_session(L);
  options o;
  read_options(L, &o);
  /* Totals over groups a scoped session made up would give members away by
   * difference (one group with A, one without): it totals built-in peer
   * groups only. */
  /* Protected output is one fixed design (README, "Small cells"): the
   * threshold is fixed, and so are the groups totalled. */
  int protect_all = o.publish || s->scope_id;
  if (protect_all && o.k != SUP_K)
    luaL_error(L, "vista.benchmark: k is fixed at %d in published and "
                  "scoped figures (tables at several k give the cells "
                  "between them away)", SUP_K);
  if (protect_all && o.has_groups && !o.group_by)
    luaL_error(L, "vista.benchmark: published and scoped figures total the "
                  "built-in peer groups only (group_by = 'all', 'country', "
                  "'na', 'key_action' or 'size')");
  char sql[8192];
  const char *p = o.period;
  snprintf(sql, sizeof sql, query_fmt, p, p, p, p, p, p, p);
  sqlite3_stmt *st = vista_push_trusted_statement(L, s, sql);
  int box = lua_gettop(L);
  if (o.has_periods) {
    push_terms_json(L, o.period == school_period);
    sqlite3_bind_text(st, 1, lua_tostring(L, -1), -1, SQLITE_TRANSIENT);
    lua_pop(L, 1);
  }
  rowbuf *b = push_rowbuf(L); /* stays on the stack: its __gc frees it */
  lua_newtable(L);
  int rows = lua_gettop(L);
  lua_newtable(L); /* "institution|period" -> row */
  int by_key = lua_gettop(L);
  lua_newtable(L); /* group label -> index */
  int label_index = lua_gettop(L);
  lua_newtable(L); /* index -> group label */
  int labels = lua_gettop(L);
  int nlabels = 0;
  lua_Integer n = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *period = (const char *)sqlite3_column_text(st, 1);
    if (o.has_periods && !wanted(L, period))
      continue;
    int64_t inst = sqlite3_column_int64(st, 0);
    brow *r = rowbuf_add(L, b);
    r->period = atoi(period);
    r->pos = (int)++n;
    for (int c = 0; c < B_COUNT; c++)
      r->v[c] = sqlite3_column_int64(st, FIRST_VALUE + c);
    int own = s->scope_id && inst == s->scope_id;
    int protect = o.publish || (s->scope_id && !own);
    sup_row(columns, B_COUNT, r->v, protect, o.k, r->hidden);

    lua_createtable(L, 0, B_COUNT + 10);
    int t = lua_gettop(L);
    static const char *const texts[] = {NULL, "period", "code", "name",
                                        "country", "na", "key_action"};
    lua_pushinteger(L, inst);
    lua_setfield(L, t, "institution");
    for (int c = 1; c < 7; c++)
      if (sqlite3_column_type(st, c) != SQLITE_NULL) {
        lua_pushstring(L, (const char *)sqlite3_column_text(st, c));
        lua_setfield(L, t, texts[c]);
      }
    lua_pushstring(L, size_band(r->v[B_PARTICIPANTS]));
    lua_setfield(L, t, "size_band");
    if (own) {
      lua_pushboolean(L, 1);
      lua_setfield(L, t, "own");
    }
    vista_set_cells(L, t, columns, B_COUNT, r->v, r->hidden);
    if (o.has_groups) {
      push_group_label(L, &o, t, inst);
      if (!lua_isnil(L, -1)) {
        lua_pushvalue(L, -1);
        if (lua_rawget(L, label_index) == LUA_TNIL) {
          lua_pop(L, 1);
          lua_pushvalue(L, -1);
          lua_pushinteger(L, ++nlabels);
          lua_rawset(L, label_index);
          lua_pushvalue(L, -1);
          lua_rawseti(L, labels, nlabels);
          lua_pushinteger(L, nlabels);
        }
        r->group = (int)lua_tointeger(L, -1);
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    lua_pushfstring(L, "%I|%s", (lua_Integer)inst, period);
    lua_pushvalue(L, t);
    lua_rawset(L, by_key);
    lua_rawseti(L, rows, n);
  }
  if (rc != SQLITE_DONE)
    luaL_error(L, "%s", sqlite3_errmsg(vista_store_db(s)));
  vista_finish_statement(L, box);
  add_facts(L, s, by_key);
  if (!o.has_groups) {
    lua_pushvalue(L, rows);
    return 1;
  }
  /* Totals of a published table are protected like its rows; a scoped
   * session's totals hold others' cells, protected too. */
  lua_pushvalue(L, rows);
  push_totals(L, b, labels, rows, &o, o.publish || s->scope_id);
  return 2;
}

/* The rules for scripts' own tables (the staff survey, say):
 *   vista.benchmark.suppress(columns, rows, {k = 5, protect = true,
 *                            total = true})
 * columns: { {name = "n", kind = "count"}, {name = "f", kind = "share",
 * base = "n", special = false}, {name = "s", kind = "mean", base = "n"},
 * {name = "x", kind = "none"} }; rows: tables of integers by column name.
 * Each row gets row.suppressed listing its hidden columns, their values
 * removed. With total = true the last row is the total of the others and
 * is suppressed as a total beside them. Returns rows. */
static int kind_of(lua_State *L, const char *k) {
  if (!strcmp(k, "count"))
    return SUP_COUNT;
  if (!strcmp(k, "share"))
    return SUP_SHARE;
  if (!strcmp(k, "mean"))
    return SUP_MEAN;
  if (!strcmp(k, "none"))
    return SUP_NONE;
  return luaL_error(L, "vista.benchmark.suppress: kind must be count, "
                       "share, mean or none, not '%s'", k);
}

static int l_suppress(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  int k = 5, protect = 1, total = 0;
  if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "k");
    k = lua_isnil(L, -1) ? 5 : (int)luaL_checkinteger(L, -1);
    lua_getfield(L, 3, "protect");
    protect = lua_isnil(L, -1) ? 1 : lua_toboolean(L, -1);
    lua_getfield(L, 3, "total");
    total = lua_toboolean(L, -1);
    lua_pop(L, 3);
  }
  if (k < 2 || k > 100)
    luaL_error(L, "vista.benchmark.suppress: k must be between 2 and 100");
  int n = (int)luaL_len(L, 1);
  if (n < 1 || n > 32)
    luaL_error(L, "vista.benchmark.suppress: 1 to 32 columns");
  sup_column cols[32];
  for (int c = 0; c < n; c++) {
    lua_geti(L, 1, c + 1);
    luaL_checktype(L, -1, LUA_TTABLE);
    lua_getfield(L, -1, "name");
    cols[c].name = luaL_checkstring(L, -1); /* kept alive by the table */
    lua_getfield(L, -2, "kind");
    cols[c].kind = kind_of(L, luaL_optstring(L, -1, "count"));
    lua_getfield(L, -3, "special");
    cols[c].special = lua_toboolean(L, -1);
    lua_getfield(L, -4, "base");
    cols[c].base = -1;
    if (!lua_isnil(L, -1)) {
      const char *base = luaL_checkstring(L, -1);
      for (int b = 0; b < c; b++)
        if (!strcmp(cols[b].name, base))
          cols[c].base = b;
      if (cols[c].base < 0)
        luaL_error(L, "vista.benchmark.suppress: the base of '%s' must be "
                      "a column before it", cols[c].name);
    }
    lua_pop(L, 4); /* the column table stays: it holds the name */
  }
  int nrows = (int)luaL_len(L, 2);
  int64_t *vals = lua_newuserdatauv(L, (size_t)(nrows + 1) * 32 * 8, 0);
  unsigned char *hid = lua_newuserdatauv(L, (size_t)(nrows + 1) * 32, 0);
  for (int r = 0; r < nrows; r++) {
    lua_geti(L, 2, r + 1);
    for (int c = 0; c < n; c++) {
      lua_getfield(L, -1, cols[c].name);
      vals[r * 32 + c] = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    sup_row(cols, n, vals + r * 32, protect, k, hid + r * 32);
  }
  if (total && nrows > 1) {
    int t = nrows - 1;
    for (int c = 0; c < n; c++) {
      /* the members' cells as a contiguous table, one column at a time */
      int64_t col[1024];
      unsigned char ch[1024];
      int m = t < 1024 ? t : 1024;
      for (int r = 0; r < m; r++)
        col[r] = vals[r * 32 + c], ch[r] = hid[r * 32 + c];
      if (!hid[t * 32 + c] && !sup_total_shown(0, 1, col, ch, m, k))
        hid[t * 32 + c] = SUP_OTHER;
    }
  }
  for (int r = 0; r < nrows; r++) {
    lua_geti(L, 2, r + 1);
    int row = lua_gettop(L), nh = 0;
    for (int c = 0; c < n; c++)
      if (hid[r * 32 + c]) {
        lua_pushnil(L);
        lua_setfield(L, row, cols[c].name);
        nh++;
      }
    if (nh) {
      lua_createtable(L, nh, 0);
      for (int c = 0, i = 0; c < n; c++)
        if (hid[r * 32 + c]) {
          lua_pushstring(L, cols[c].name);
          lua_rawseti(L, -2, ++i);
        }
      lua_setfield(L, row, "suppressed");
    }
    lua_pop(L, 1);
  }
  lua_pushvalue(L, 2);
  return 1;
}

int luaopen_vista_benchmark(lua_State *L) {
  static const luaL_Reg fns[] = {{"figures", l_figures},
                                 {"suppress", l_suppress},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
