/* consortium.c: a consortium's yearly figures — a set of member
 * institutions sending learners abroad together — from the records, in
 * one SQL pass, with the small-cell rules applied here in C (see
 * benchmark.c: this is the other place a scoped session reaches other
 * institutions' data).
 *
 *   vista.consortium.figures{ members = {id, ...}, project = 'REF',
 *                             from = 202209, to = 202308, k = 5,
 *                             publish = false, by_school = false }
 *     -> total, schools
 *   vista.consortium.project_members(ref) -> rows institution, code, name
 *
 * total: the consortium's figures; schools: one row per member that sent
 * or received someone. With project, only the project's records count as
 * sent (incoming learners come from other projects by nature). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bind.h"
#include "csv_reader.h"
#include "internal.h"
#include "suppress.h"

enum {
  C_LEARNERS, C_FEMALE, C_MALE, C_FEWER, C_SPECIAL, C_AGE_N, C_AGE_SUM,
  C_STAFF, C_GROUP_LEADERS, C_INCOMING, C_DESTINATIONS, C_COUNT
};

static const sup_column columns[C_COUNT] = {
    {"learners", SUP_COUNT, -1, 0},
    {"female", SUP_SHARE, C_LEARNERS, 0},
    {"male", SUP_SHARE, C_LEARNERS, 0},
    {"fewer_opportunities", SUP_SHARE, C_LEARNERS, 1},
    {"special_needs", SUP_SHARE, C_LEARNERS, 1},
    {"age_n", SUP_COUNT, -1, 0},
    {"age_sum", SUP_MEAN, C_AGE_N, 0},
    {"staff", SUP_COUNT, -1, 0},
    {"accompanying", SUP_COUNT, -1, 0},
    {"incoming", SUP_COUNT, -1, 0},
    {"destinations", SUP_NONE, -1, 0},
};

/* Learners, staff and accompanying persons: the role mobility_fact
 * defines (MOB_ROLE_SQL). Sent: by a member (under the project,
 * if one is given); incoming: learners received by a member from a sender
 * that is not one, from another country (or one not recorded). */
#define LEARNER "m.role = 1"
#define SENT                                                               \
  "m.sending_id IN (SELECT id FROM mem) AND coalesce(m.direction, 1) = 1"  \
  " AND (?4 IS NULL OR m.project_id = (SELECT id FROM main.project"        \
  " WHERE reference = ?4))"
#define INCOMING                                                           \
  "m.receiving_id IN (SELECT id FROM mem) AND coalesce(m.direction, 2) = 2" \
  " AND " LEARNER " AND (m.sending_id IS NULL OR m.sending_id NOT IN"      \
  " (SELECT id FROM mem)) AND (m.sending_country_id IS NULL OR"            \
  " m.receiving_country_id IS NULL OR"                                     \
  " m.sending_country_id <> m.receiving_country_id)"
#define W(cond) "coalesce(sum(CASE WHEN " cond " THEN m.participants END), 0)"

/* A consortium's figures, in the order of the columns above. */
#define FIGURES                                                            \
  W("sent AND " LEARNER) ", "                                              \
  W("sent AND " LEARNER " AND m.gender = 1") ", "                          \
  W("sent AND " LEARNER " AND m.gender = 2") ", "                          \
  W("sent AND " LEARNER " AND m.fewer_opportunities = 1") ", "             \
  W("sent AND " LEARNER " AND m.special_needs = 1") ", "                   \
  W("sent AND " LEARNER " AND m.age IS NOT NULL") ", "                     \
  "coalesce(sum(CASE WHEN sent AND " LEARNER                               \
  " THEN m.age * m.participants END), 0), "                                \
  W("sent AND m.role = 2") ", "                                            \
  W("sent AND m.role = 3") ", " W("incoming") ", "                         \
  "count(DISTINCT CASE WHEN sent AND " LEARNER                             \
  " THEN m.receiving_country_id END)"

/* By school (the member that sent, or received), then the whole: the
 * grouping sets a consortium's table needs, in one pass over the year. */
static const char query[] =
    "WITH mem(id) AS (SELECT value FROM json_each(?1)),"
    " r AS (SELECT CASE WHEN " SENT " THEN m.sending_id ELSE m.receiving_id"
    "  END AS school, (" SENT ") AS sent, (" INCOMING ") AS incoming, m.*"
    "  FROM main.mobility_fact m"
    "  WHERE m.start_month BETWEEN ?2 AND ?3"
    "  AND (m.sending_id IN (SELECT id FROM mem)"
    "   OR m.receiving_id IN (SELECT id FROM mem)))"
    " SELECT school, " FIGURES " FROM r m WHERE sent OR incoming"
    " GROUP BY school"
    " UNION ALL SELECT NULL, " FIGURES " FROM r m WHERE sent OR incoming";

/* The members as a JSON array of ids, for json_each [-0, +1, m]. */
static void push_member_json(lua_State *L) {
  luaL_Buffer b;
  lua_getfield(L, 1, "members");
  if (!lua_istable(L, -1))
    luaL_error(L, "vista.consortium.figures: members must be a list of "
                  "institution ids");
  int t = lua_gettop(L);
  luaL_buffinit(L, &b);
  luaL_addchar(&b, '[');
  for (lua_Integer i = 1;; i++) {
    int type = lua_rawgeti(L, t, i);
    if (type == LUA_TNIL) {
      lua_pop(L, 1);
      break;
    }
    if (!lua_isinteger(L, -1))
      luaL_error(L, "vista.consortium.figures: member %d is not an "
                    "institution id", (int)i);
    lua_Integer id = lua_tointeger(L, -1);
    lua_pop(L, 1);
    char num[32];
    snprintf(num, sizeof num, "%s%lld", i > 1 ? "," : "", (long long)id);
    luaL_addstring(&b, num);
  }
  luaL_addchar(&b, ']');
  luaL_pushresult(&b);
  lua_remove(L, t);
}

/* The sending organisations of the project, as push_member_json does,
 * for a scoped session, which must be one of them [-0, +1, e]. */
static void push_project_member_json(lua_State *L, vista_session *s,
                                     const char *project) {
  sqlite3_stmt *st = vista_push_trusted_statement(
      L, s,
      "SELECT json_group_array(id), sum(id = ?2) FROM (SELECT DISTINCT"
      " m.sending_id AS id FROM main.mobility m JOIN main.project p"
      " ON p.id = m.project_id WHERE p.reference = ?1"
      " AND m.sending_id IS NOT NULL)");
  int box = lua_gettop(L);
  sqlite3_bind_text(st, 1, project, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, s->scope_id);
  if (sqlite3_step(st) != SQLITE_ROW)
    luaL_error(L, "%s", sqlite3_errmsg(vista_store_db(s)));
  if (sqlite3_column_int64(st, 1) < 1)
    luaL_error(L, "vista.consortium: %s sent no one under project %s; a "
                  "scoped session reports only its own projects",
               s->scope_name, project);
  lua_pushstring(L, (const char *)sqlite3_column_text(st, 0));
  vista_finish_statement(L, box);
  lua_remove(L, box);
}

static lua_Integer int_option(lua_State *L, const char *name,
                              lua_Integer dflt) {
  lua_getfield(L, 1, name);
  lua_Integer v = lua_isnil(L, -1) ? dflt : luaL_checkinteger(L, -1);
  lua_pop(L, 1);
  return v;
}

static int l_figures(lua_State *L) {
  vista_session *s = vista_bind_session(L);
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer from = int_option(L, "from", 0), to = int_option(L, "to", 0);
  int k = (int)int_option(L, "k", 5);
  if (k < 2 || k > 100)
    luaL_error(L, "vista.consortium: k must be between 2 and 100");
  if (!from || !to)
    luaL_error(L, "vista.consortium.figures: from and to (YYYYMM) are "
                  "needed");
  lua_getfield(L, 1, "publish");
  int publish = lua_toboolean(L, -1);
  /* Protected output is one fixed design: the threshold and the periods
   * (whole school or calendar years) are fixed, since windows or
   * thresholds chosen freely give single months and cells by difference. */
  if ((publish || s->scope_id) && k != SUP_K)
    luaL_error(L, "vista.consortium: k is fixed at %d in published and "
                  "scoped figures", SUP_K);
  int whole_school = from % 100 == 9 && to == (from / 100 + 1) * 100 + 8;
  int whole_calendar = from % 100 == 1 && to == from / 100 * 100 + 12;
  if ((publish || s->scope_id) && !whole_school && !whole_calendar)
    luaL_error(L, "vista.consortium: published and scoped figures cover a "
                  "whole school year (September to August) or calendar "
                  "year, not %I to %I", from, to);
  lua_getfield(L, 1, "by_school");
  int by_school = lua_toboolean(L, -1);
  lua_getfield(L, 1, "project");
  const char *project = lua_tostring(L, -1);
  if (s->scope_id) {
    /* A scoped session chooses no member list of its own: overlapping
     * lists would give members away by difference. It reports the
     * consortia of its projects, as the data has them. */
    if (!project)
      luaL_error(L, "vista.consortium: a session scoped to %s reports the "
                    "consortium of one of its projects (give project = "
                    "'REF'), not a member list",
                 s->scope_name);
    push_project_member_json(L, s, project);
  } else {
    push_member_json(L);
  }
  const char *members = lua_tostring(L, -1);
  sqlite3_stmt *st = vista_push_trusted_statement(L, s, query);
  int box = lua_gettop(L);
  sqlite3_bind_text(st, 1, members, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 2, from);
  sqlite3_bind_int64(st, 3, to);
  if (project)
    sqlite3_bind_text(st, 4, project, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, 4);
  /* The schools' rows, kept for the total's secondary suppression. */
  int64_t *vals = NULL;
  unsigned char *hidden = NULL;
  int cap = 0, n = 0;
  lua_newtable(L);
  int keep = lua_gettop(L);
  lua_newtable(L);
  int schools = lua_gettop(L);
  int64_t total[C_COUNT] = {0};
  int sending = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t v[C_COUNT];
    for (int c = 0; c < C_COUNT; c++)
      v[c] = sqlite3_column_int64(st, c + 1);
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
      memcpy(total, v, sizeof total);
      continue;
    }
    int64_t school = sqlite3_column_int64(st, 0);
    if (n == cap) {
      /* Userdata kept in the table at keep, so that an error below frees
       * them too. */
      int ncap = cap ? cap * 2 : 64;
      int64_t *nv =
          lua_newuserdatauv(L, (size_t)ncap * sizeof *nv * C_COUNT, 0);
      lua_rawseti(L, keep, 1);
      unsigned char *nh = lua_newuserdatauv(L, (size_t)ncap * C_COUNT, 0);
      lua_rawseti(L, keep, 2);
      if (n) {
        memcpy(nv, vals, (size_t)n * sizeof *nv * C_COUNT);
        memcpy(nh, hidden, (size_t)n * C_COUNT);
      }
      vals = nv, hidden = nh, cap = ncap;
    }
    int64_t *rv = vals + (size_t)n * C_COUNT;
    unsigned char *rh = hidden + (size_t)n * C_COUNT;
    memcpy(rv, v, sizeof v);
    sending += v[C_LEARNERS] > 0;
    int own = s->scope_id && school == s->scope_id;
    sup_row(columns, C_COUNT, rv, publish || (s->scope_id && !own), k, rh);
    lua_createtable(L, 0, C_COUNT + 4);
    int t = lua_gettop(L);
    lua_pushinteger(L, school);
    lua_setfield(L, t, "institution");
    vista_set_cells(L, t, columns, C_COUNT, rv, rh);
    lua_rawseti(L, schools, ++n);
  }
  if (rc != SQLITE_DONE)
    luaL_error(L, "%s", sqlite3_errmsg(vista_store_db(s)));
  vista_finish_statement(L, box);
  /* The total beside the schools' rows: secondary suppression when they
   * are shown too, and always in a scoped session (whose benchmark shows
   * the members' rows); alone, it follows the row rules. */
  unsigned char th[C_COUNT];
  sup_row(columns, C_COUNT, total, publish || s->scope_id, k, th);
  for (int c = 0; c < C_COUNT; c++)
    if (!th[c] && (by_school || s->scope_id) &&
        !sup_total_shown(c, C_COUNT, vals, hidden, n, k))
      th[c] = SUP_OTHER;
  lua_createtable(L, 0, C_COUNT + 2);
  int t = lua_gettop(L);
  vista_set_cells(L, t, columns, C_COUNT, total, th);
  lua_pushinteger(L, sending);
  lua_setfield(L, t, "schools");
  if (!by_school && !s->scope_id)
    return 1;
  lua_pushvalue(L, schools);
  return 2;
}

/* ---- a member list (CSV): erasmus code (or OID, PIC), name, country,
 * city ---- */

enum { M_CODE, M_NAME, M_COUNTRY, M_CITY, M_COLS };

typedef struct member_reader {
  vista_session *s;
  const char *path;
  int col_of[32];
  size_t nheader;
  /* Records as "line\tcode\tname\tcountry\n", in a buffer a userdata
   * owns (freed by the collector if an error comes first). */
  char *data;
  size_t len, cap;
} member_reader;

static int member_reader_gc(lua_State *L) {
  member_reader *m = lua_touserdata(L, 1);
  free(m->data);
  m->data = NULL;
  return 0;
}

static int append(member_reader *m, const char *p, size_t n) {
  if (m->len + n + 1 > m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 4096;
    while (cap < m->len + n + 1)
      cap *= 2;
    char *d = realloc(m->data, cap);
    if (!d)
      return vista_seterr(m->s, VISTA_ERR_NOMEM, "out of memory");
    m->data = d, m->cap = cap;
  }
  memcpy(m->data + m->len, p, n);
  m->len += n;
  return VISTA_OK;
}

static int member_header(member_reader *m, const vista_csv_row *row) {
  static const char *const names[] = {"erasmus code", "name", "country",
                                      "city"};
  int seen[M_COLS] = {0};
  if (row->nfields > sizeof m->col_of / sizeof m->col_of[0])
    return vista_seterr(m->s, VISTA_ERR_INPUT, "%s:%lld: too many columns",
                        m->path, (long long)row->line);
  for (size_t i = 0; i < row->nfields; i++) {
    char name[128];
    vista_normalise_header(name, sizeof name, row->fields[i]);
    /* An OID or PIC is a code too: the resolver (org.c) tells them by
     * their form. */
    int col = strcmp(name, "erasmus code") == 0 || strcmp(name, "code") == 0 ||
                      strcmp(name, "erasmus") == 0 || strcmp(name, "oid") == 0 ||
                      strcmp(name, "organisation id") == 0 ||
                      strcmp(name, "pic") == 0
                  ? M_CODE
              : strcmp(name, "name") == 0 || strcmp(name, "school") == 0 ||
                      strcmp(name, "organisation") == 0
                  ? M_NAME
              : strcmp(name, "country") == 0 ? M_COUNTRY
              : strcmp(name, "city") == 0    ? M_CITY
                                              : -1;
    if (col < 0) {
      const char *near = vista_nearest_name(row->fields[i], names, M_COLS);
      return vista_seterr(m->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: unknown column '%s'%s%s%s (a member "
                          "list has erasmus code, name, country, city)",
                          m->path, (long long)row->line, i + 1,
                          row->fields[i], near ? " (did you mean " : "",
                          near ? near : "", near ? "?)" : "");
    }
    if (seen[col]++)
      return vista_seterr(m->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: column '%s' appears twice", m->path,
                          (long long)row->line, i + 1, names[col]);
    m->col_of[i] = col;
  }
  if (!seen[M_CODE] && !seen[M_NAME])
    return vista_seterr(m->s, VISTA_ERR_INPUT,
                        "%s:%lld: a member list needs an 'erasmus code' or a "
                        "'name' column",
                        m->path, (long long)row->line);
  m->nheader = row->nfields;
  return VISTA_OK;
}

static int member_row(void *ud, const vista_csv_row *row) {
  member_reader *m = ud;
  if (row->index == 0)
    return member_header(m, row);
  if (row->nfields == 1 && row->lens[0] == 0)
    return VISTA_OK; /* a blank line */
  if (row->nfields != m->nheader)
    return vista_seterr(m->s, VISTA_ERR_INPUT,
                        "%s:%lld: expected %zu fields as in the header, "
                        "found %zu",
                        m->path, (long long)row->line, m->nheader,
                        row->nfields);
  const char *val[M_COLS] = {"", "", "", ""};
  size_t len[M_COLS] = {0, 0, 0, 0};
  for (size_t i = 0; i < row->nfields; i++) {
    size_t n = row->lens[i];
    const char *p = vista_trim(row->fields[i], &n);
    if (memchr(p, '\t', n) || memchr(p, '\n', n))
      return vista_seterr(m->s, VISTA_ERR_INPUT,
                          "%s:%lld:%zu: a tab or line break in a name",
                          m->path, (long long)row->line, i + 1);
    val[m->col_of[i]] = p;
    len[m->col_of[i]] = n;
  }
  if (!len[M_CODE] && !len[M_NAME])
    return vista_seterr(m->s, VISTA_ERR_INPUT,
                        "%s:%lld: a member needs an Erasmus code or a name",
                        m->path, (long long)row->line);
  char line[32];
  int n = snprintf(line, sizeof line, "%lld\t", (long long)row->line);
  int rc = append(m, line, (size_t)n);
  for (int c = 0; c < M_COLS && rc == VISTA_OK; c++)
    if ((rc = append(m, val[c], len[c])) == VISTA_OK)
      rc = append(m, c + 1 < M_COLS ? "\t" : "\n", 1);
  return rc;
}

static int member_malformed(void *ud, int64_t line, size_t field,
                            const char *reason, const char *raw,
                            size_t raw_len) {
  member_reader *m = ud;
  (void)raw, (void)raw_len;
  return vista_seterr(m->s, VISTA_ERR_INPUT, "%s:%lld:%zu: %s", m->path,
                      (long long)line, field, reason);
}

/* vista.consortium.read_members(path) -> rows line, code, name, country, city:
 * a file the user named on the command line. */
static int l_read_members(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  vista_check_named_file(L, path, "vista.consortium.read_members");
  vista_session *s = vista_bind_session(L);
  member_reader *m = lua_newuserdatauv(L, sizeof *m, 0);
  memset(m, 0, sizeof *m);
  if (luaL_newmetatable(L, "vista.MemberReader")) {
    lua_pushcfunction(L, member_reader_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  m->s = s, m->path = path;
  if (vista_csv_read(s, path, NULL, member_row, member_malformed, m) !=
      VISTA_OK)
    return vista_bind_error(L, s);
  if (!m->nheader)
    return luaL_error(L, "%s: the file is empty (no header)", path);
  if (append(m, "", 1) != VISTA_OK)
    return vista_bind_error(L, s);
  lua_newtable(L);
  lua_Integer n = 0;
  static const char *const keys[] = {"code", "name", "country", "city"};
  for (char *p = m->data; *p;) {
    char *end = strchr(p, '\n');
    *end = '\0';
    lua_createtable(L, 0, 4);
    char *f = p, *tab = strchr(f, '\t');
    *tab = '\0';
    lua_pushinteger(L, strtoll(f, NULL, 10));
    lua_setfield(L, -2, "line");
    f = tab + 1;
    for (int c = 0; c < M_COLS; c++) {
      tab = c + 1 < M_COLS ? strchr(f, '\t') : NULL;
      if (tab)
        *tab = '\0';
      if (*f) {
        lua_pushstring(L, f);
        lua_setfield(L, -2, keys[c]);
      }
      f = tab ? tab + 1 : f;
    }
    lua_rawseti(L, -2, ++n);
    p = end + 1;
  }
  return 1;
}

/* The sending organisations of a project's records. */
static int l_project_members(lua_State *L) {
  vista_session *s = vista_bind_session(L);
  const char *ref = luaL_checkstring(L, 1);
  sqlite3_stmt *st = vista_push_trusted_statement(
      L, s,
      "SELECT i.id AS institution, i.erasmus_code AS code, i.name"
      " FROM main.institution i WHERE i.id IN (SELECT m.sending_id"
      " FROM main.mobility m JOIN main.project p ON p.id = m.project_id"
      " WHERE p.reference = ?1) ORDER BY i.name");
  sqlite3_bind_text(st, 1, ref, -1, SQLITE_TRANSIENT);
  int box = lua_gettop(L);
  vista_push_rows(L, vista_store_db(s), st);
  vista_finish_statement(L, box);
  return 1;
}

int luaopen_vista_consortium(lua_State *L) {
  static const luaL_Reg fns[] = {{"figures", l_figures},
                                 {"project_members", l_project_members},
                                 {"read_members", l_read_members},
                                 {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
