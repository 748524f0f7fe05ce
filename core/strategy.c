/* strategy.c: an institution's strategy. It owns importing a strategy file
 * (a Lua data file, read and checked by stdlib/vista/strategy_file.lua in a
 * sandbox, stored here in one transaction) and vista.strategy, which reads
 * the stored strategy back for scripts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>

#include "bind.h"
#include "csv_reader.h"
#include "internal.h"
#include "org.h"
#include "sandbox.h"
#include "sandbox_lib.h"
#include "strategy.h"

/* Binds the string or number at field name of the table at t to parameter
 * i; nil binds NULL [-0, +0, -]. */
static int bind_field(lua_State *L, int t, const char *name, sqlite3_stmt *st,
                      int i) {
  int rc;
  switch (lua_getfield(L, t, name)) {
  case LUA_TSTRING: {
    size_t len;
    const char *p = lua_tolstring(L, -1, &len);
    rc = sqlite3_bind_text(st, i, p, (int)len, SQLITE_TRANSIENT);
    break;
  }
  case LUA_TNUMBER:
    rc = lua_isinteger(L, -1) ? sqlite3_bind_int64(st, i, lua_tointeger(L, -1))
                              : sqlite3_bind_double(st, i, lua_tonumber(L, -1));
    break;
  case LUA_TBOOLEAN:
    rc = sqlite3_bind_int(st, i, lua_toboolean(L, -1));
    break;
  default:
    rc = sqlite3_bind_null(st, i);
  }
  lua_pop(L, 1);
  return rc;
}

typedef struct writer {
  vista_session *s;
  lua_State *L;
  const char *path;
  int64_t strategy_id;
} writer;

static int step(writer *w, sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return vista_seterr(w->s, VISTA_ERR_SQL, "%s: %s", w->path,
                        vista_store_errmsg(w->s));
  return VISTA_OK;
}

static sqlite3_stmt *prepare(writer *w, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(w->s->db, sql, -1, &st, NULL) != SQLITE_OK) {
    vista_seterr_sql(w->s, w->path);
    return NULL;
  }
  return st;
}

/* Finds or creates the institution the table at t names (code, and name,
 * country, city when given). */
static int resolve_institution(writer *w, int t, int64_t *id) {
  lua_State *L = w->L;
  lua_getfield(L, t, "code");
  const char *code = lua_tostring(L, -1);
  lua_getfield(L, t, "name");
  const char *name = lua_tostring(L, -1);
  lua_pop(L, 2);
  sqlite3_stmt *st;
  if (!name) {
    /* Only a code: the institution must be known already. */
    vista_org_match m;
    int rc = vista_org_lookup(w->s, code, NULL, NULL, &m);
    if (rc != VISTA_OK)
      return rc;
    *id = m.id;
    if (!*id)
      return vista_seterr(w->s, VISTA_ERR_INPUT,
                          "%s: %s (import the mobility or institution list "
                          "first, or write institution = { code = ..., name = "
                          "..., country = ... })",
                          w->path, m.message);
    return VISTA_OK;
  }
  /* With a code, the code is the institution. Without one, its identity
   * (name, country and city as vista_org_key keys them) finds it, else it
   * is new. */
  if (!code) {
    if (!(st = prepare(w, "SELECT i.id FROM institution_key k"
                          " JOIN institution i ON i.id = k.institution_id"
                          " WHERE k.name_key = vista_fold(?2)"
                          " AND i.country IS ?3 AND i.erasmus_code IS NULL"
                          " AND vista_org_key(NULL, i.name, i.country,"
                          " i.city) ="
                          " vista_org_key(NULL, ?2, ?3, ?4)")))
      return VISTA_ERR_SQL;
    bind_field(L, t, "name", st, 2);
    bind_field(L, t, "country", st, 3);
    bind_field(L, t, "city", st, 4);
    *id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (*id)
      return VISTA_OK;
  }
  if (!(st = prepare(w, "INSERT INTO institution(erasmus_code, name,"
                        " country, city) VALUES (?1, ?2, ?3, ?4)"
                        " ON CONFLICT(erasmus_code) DO UPDATE SET"
                        " name = excluded.name,"
                        " country = coalesce(excluded.country, country),"
                        " city = coalesce(excluded.city, city)"
                        " RETURNING id")))
    return VISTA_ERR_SQL;
  bind_field(L, t, "code", st, 1);
  bind_field(L, t, "name", st, 2);
  bind_field(L, t, "country", st, 3);
  bind_field(L, t, "city", st, 4);
  int rc = sqlite3_step(st);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  if (!*id)
    return vista_seterr_sql(w->s, w->path);
  if (!(st = prepare(w, VISTA_ORG_KEY_SQL)))
    return VISTA_ERR_SQL;
  sqlite3_bind_int64(st, 1, *id);
  bind_field(L, t, "name", st, 2);
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? VISTA_OK : vista_seterr_sql(w->s, w->path);
}

/* Runs insert once per element of the list at field list of the table at
 * d, binding strategy id to ?1 and fields[k] to ?(k + 2). */
static int insert_list(writer *w, int d, const char *list, const char *sql,
                       const char *const *fields) {
  lua_State *L = w->L;
  sqlite3_stmt *st = prepare(w, sql);
  if (!st)
    return VISTA_ERR_SQL;
  int rc = VISTA_OK;
  lua_getfield(L, d, list);
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n && rc == VISTA_OK; i++) {
    lua_geti(L, -1, i);
    int e = lua_gettop(L);
    sqlite3_bind_int64(st, 1, w->strategy_id);
    for (int k = 0; fields[k]; k++)
      bind_field(L, e, fields[k], st, k + 2);
    rc = step(w, st);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  sqlite3_finalize(st);
  return rc;
}

static int insert_items(writer *w, int strat) {
  lua_State *L = w->L;
  sqlite3_stmt *st = prepare(w, "INSERT INTO strategy_item(strategy_id, kind,"
                                " pos, text) VALUES (?1, ?2, ?3, ?4)");
  if (!st)
    return VISTA_ERR_SQL;
  int rc = VISTA_OK;
  static const char *const kinds[][2] = {{"values", "value"},
                                         {"core_skills", "core_skill"}};
  for (int k = 0; k < 2 && rc == VISTA_OK; k++) {
    lua_getfield(L, strat, kinds[k][0]);
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n && rc == VISTA_OK; i++) {
      lua_geti(L, -1, i);
      sqlite3_bind_int64(st, 1, w->strategy_id);
      sqlite3_bind_text(st, 2, kinds[k][1], -1, SQLITE_STATIC);
      sqlite3_bind_int64(st, 3, i);
      sqlite3_bind_text(st, 4, lua_tostring(L, -1), -1, SQLITE_TRANSIENT);
      rc = step(w, st);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  sqlite3_finalize(st);
  return rc;
}

/* Goals' indicator lists, and indicators' baselines, targets and
 * measurements: lists inside list elements. */
static int insert_nested(writer *w, int d) {
  lua_State *L = w->L;
  sqlite3_stmt *gi = prepare(w, "INSERT OR IGNORE INTO goal_indicator"
                                "(strategy_id, goal_id, indicator_id)"
                                " VALUES (?1, ?2, ?3)");
  sqlite3_stmt *iv = prepare(w, "INSERT INTO indicator_value(strategy_id,"
                                " indicator_id, kind, period, value)"
                                " VALUES (?1, ?2, ?3, ?4, ?5)"
                                " ON CONFLICT DO UPDATE SET"
                                " value = excluded.value");
  int rc = gi && iv ? VISTA_OK : VISTA_ERR_SQL;
  lua_getfield(L, d, "goals");
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n && rc == VISTA_OK; i++) {
    lua_geti(L, -1, i);
    lua_getfield(L, -1, "indicators");
    lua_Integer m = luaL_len(L, -1);
    for (lua_Integer j = 1; j <= m && rc == VISTA_OK; j++) {
      sqlite3_bind_int64(gi, 1, w->strategy_id);
      bind_field(L, -2, "id", gi, 2);
      lua_geti(L, -1, j);
      sqlite3_bind_text(gi, 3, lua_tostring(L, -1), -1, SQLITE_TRANSIENT);
      lua_pop(L, 1);
      rc = step(w, gi);
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  lua_getfield(L, d, "indicators");
  n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n && rc == VISTA_OK; i++) {
    lua_geti(L, -1, i);
    lua_getfield(L, -1, "values");
    lua_Integer m = luaL_len(L, -1);
    for (lua_Integer j = 1; j <= m && rc == VISTA_OK; j++) {
      lua_geti(L, -1, j);
      int v = lua_gettop(L);
      sqlite3_bind_int64(iv, 1, w->strategy_id);
      bind_field(L, v - 2, "id", iv, 2);
      bind_field(L, v, "kind", iv, 3);
      bind_field(L, v, "period", iv, 4);
      bind_field(L, v, "value", iv, 5);
      rc = step(w, iv);
      lua_pop(L, 1);
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  sqlite3_finalize(gi);
  sqlite3_finalize(iv);
  return rc;
}

static int insert_facts(writer *w, int d, int64_t institution_id) {
  lua_State *L = w->L;
  sqlite3_stmt *st = prepare(w, "INSERT INTO institution_fact(institution_id,"
                                " period, name, value, source)"
                                " VALUES (?1, ?2, ?3, ?4, ?5)"
                                " ON CONFLICT DO UPDATE SET"
                                " value = excluded.value,"
                                " source = excluded.source");
  if (!st)
    return VISTA_ERR_SQL;
  int rc = VISTA_OK;
  lua_getfield(L, d, "facts");
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n && rc == VISTA_OK; i++) {
    lua_geti(L, -1, i);
    int f = lua_gettop(L);
    lua_getfield(L, f, "values");
    lua_pushnil(L);
    while (rc == VISTA_OK && lua_next(L, -2)) {
      sqlite3_bind_int64(st, 1, institution_id);
      bind_field(L, f, "period", st, 2);
      sqlite3_bind_text(st, 3, lua_tostring(L, -2), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(st, 4, lua_tonumber(L, -1));
      sqlite3_bind_text(st, 5, w->path, -1, SQLITE_STATIC);
      rc = step(w, st);
      lua_pop(L, 1);
    }
    if (rc != VISTA_OK)
      lua_pop(L, 1); /* the key lua_next left */
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  sqlite3_finalize(st);
  return rc;
}

static int store(writer *w, int d, const char *text, size_t len,
                 vista_strategy_report *r) {
  lua_State *L = w->L;
  vista_session *s = w->s;
  int rc;
  lua_getfield(L, d, "strategy");
  int strat = lua_gettop(L);
  lua_getfield(L, strat, "institution");
  int64_t inst;
  rc = resolve_institution(w, lua_gettop(L), &inst);
  lua_pop(L, 1);
  if (rc != VISTA_OK)
    return rc;
  r->institution_id = inst;

  /* Importing a strategy again replaces it, whole. */
  sqlite3_stmt *st = prepare(w, "DELETE FROM strategy WHERE institution_id = ?1"
                                " AND period_from = ?2 RETURNING id");
  if (!st)
    return VISTA_ERR_SQL;
  sqlite3_bind_int64(st, 1, inst);
  bind_field(L, strat, "from", st, 2);
  r->replaced = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);

  char now[32];
  time_t t = time(NULL);
  strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  if (!(st = prepare(w, "INSERT INTO strategy(institution_id, title,"
                        " period_from, period_to, mission, vision,"
                        " source_path, source, imported_at)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                        " RETURNING id")))
    return VISTA_ERR_SQL;
  sqlite3_bind_int64(st, 1, inst);
  bind_field(L, strat, "title", st, 2);
  bind_field(L, strat, "from", st, 3);
  bind_field(L, strat, "to", st, 4);
  bind_field(L, strat, "mission", st, 5);
  bind_field(L, strat, "vision", st, 6);
  sqlite3_bind_text(st, 7, w->path, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, text, (int)len, SQLITE_STATIC);
  sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
  w->strategy_id =
      sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  if (!w->strategy_id)
    return vista_seterr_sql(s, w->path);
  r->strategy_id = w->strategy_id;

  static const char *const factor_fields[] = {
      "id", "level", "category", "text", "source", "trend", "impact",
      "likelihood", "line", "theme", NULL};
  static const char *const goal_fields[] = {"id",      "pos",  "text",
                                            "why_kind", "why_ref", "line",
                                            NULL};
  static const char *const action_fields[] = {
      "pos",    "goal",        "what",   "owner",     "start", "due",
      "budget", "person_days", "status", "indicator", "line",  NULL};
  static const char *const milestone_fields[] = {
      "kind", "title", "start", "until", "reference", "role", "partners",
      "funding", "line", "country", "partner", NULL};
  static const char *const indicator_fields[] = {
      "id", "name", "unit", "definition", "stored_direction", "period_type",
      "builtin", "line", NULL};
  if ((rc = insert_items(w, strat)) != VISTA_OK ||
      (rc = insert_list(w, d, "factors",
                        "INSERT INTO env_factor(strategy_id, id, level,"
                        " category, text, source, trend, impact, likelihood,"
                        " line, theme) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
                        " ?9, ?10, ?11)",
                        factor_fields)) != VISTA_OK ||
      (rc = insert_list(w, d, "goals",
                        "INSERT INTO goal(strategy_id, id, pos, text,"
                        " why_kind, why, line)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        goal_fields)) != VISTA_OK ||
      (rc = insert_list(w, d, "indicators",
                        "INSERT INTO indicator(strategy_id, id, name, unit,"
                        " definition, direction, period_type, builtin, line)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        indicator_fields)) != VISTA_OK ||
      (rc = insert_list(w, d, "milestones",
                        "INSERT INTO milestone(institution_id, strategy_id,"
                        " kind, title, start, until, reference, role,"
                        " partners, funding, source, line, country, partner)"
                        " VALUES ((SELECT institution_id FROM strategy WHERE"
                        " id = ?1), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                        " 'strategy file', ?10, ?11, ?12) ON CONFLICT"
                        " (institution_id, kind, title,"
                        " start) DO UPDATE SET strategy_id = ?1,"
                        " until = excluded.until,"
                        " reference = excluded.reference,"
                        " role = excluded.role, partners = excluded.partners,"
                        " funding = excluded.funding,"
                        " source = excluded.source, line = excluded.line,"
                        " country = excluded.country,"
                        " partner = excluded.partner",
                        milestone_fields)) != VISTA_OK ||
      (rc = insert_list(w, d, "actions",
                        "INSERT INTO action(strategy_id, pos, goal_id, what,"
                        " owner, start, due, budget, person_days, status,"
                        " indicator_id, line) VALUES (?1, ?2, ?3, ?4, ?5,"
                        " ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                        action_fields)) != VISTA_OK ||
      (rc = insert_nested(w, d)) != VISTA_OK ||
      (rc = insert_facts(w, d, inst)) != VISTA_OK)
    return rc;
  lua_getfield(L, d, "goals");
  r->goals = (int)luaL_len(L, -1);
  lua_getfield(L, d, "actions");
  r->actions = (int)luaL_len(L, -1);
  lua_getfield(L, d, "factors");
  r->factors = (int)luaL_len(L, -1);
  lua_getfield(L, d, "indicators");
  r->indicators = (int)luaL_len(L, -1);
  lua_pop(L, 5);
  return VISTA_OK;
}

typedef struct file_args {
  const char *text;
  size_t len;
  const char *path;
} file_args;

/* Pushes the file's text and path [-0, +2, m]. Run under lua_pcall: the
 * text is a big allocation, and out of memory outside a protected call
 * would end the process. */
static int push_file(lua_State *L) {
  const file_args *a = lua_touserdata(L, 1);
  lua_pushlstring(L, a->text, a->len);
  lua_pushstring(L, a->path);
  return 2;
}

/* The whole of a strategy file (a regular file, or "-": standard input)
 * in *text, NUL-terminated, owned by the caller; a status with the
 * message set otherwise. */
#define STRATEGY_MAX ((size_t)16 << 20)
static int read_source(vista_session *s, const char *source, char **text,
                       size_t *len) {
  const char *name = vista_input_name(source);
  FILE *f;
  int64_t size;
  int rc = vista_input_open(s, source, &f, &size);
  *text = NULL;
  if (rc != VISTA_OK)
    return rc;
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap || ferror(f))
      break;
    if (cap >= STRATEGY_MAX) {
      rc = vista_seterr(s, VISTA_ERR_INPUT,
                        "%s: larger than 16 MiB: not a strategy file", name);
      goto done;
    }
    char *nb = realloc(buf, cap * 2 + 1);
    if (!nb)
      break;
    buf = nb;
    cap *= 2;
  }
  if (!buf || n == cap)
    rc = vista_seterr(s, VISTA_ERR_NOMEM, "%s: out of memory", name);
  else if (ferror(f))
    rc = vista_seterr(s, VISTA_ERR_IO, "%s: read error", name);
  else {
    buf[n] = '\0';
    *text = buf;
    *len = n;
    buf = NULL;
  }
done:
  free(buf);
  vista_input_close(f);
  return rc;
}

int vista_strategy_import_text(vista_session *s, vista_sandbox *sb,
                               const char *path, const char *text,
                               size_t len, int check_only,
                               void (*on_problem)(void *ud, const char *msg),
                               void *ud, vista_strategy_report *r) {
  memset(r, 0, sizeof *r);
  lua_State *L = vista_sandbox_lua(sb);
  int top = lua_gettop(L); /* the sandbox may read another file next */
  int rc;
  static const char reader[] =
      "return require('vista.strategy_file').read(...)";
  int incomplete;
  if ((rc = vista_sandbox_load(sb, reader, sizeof reader - 1, "=strategy",
                               &incomplete)) != VISTA_OK) {
    vista_seterr(s, rc, "%s", vista_sandbox_errmsg(sb));
    goto done;
  }
  file_args fa = {text, len, path};
  lua_pushcfunction(L, push_file);
  lua_pushlightuserdata(L, &fa);
  if (lua_pcall(L, 1, 2, 0) != LUA_OK) {
    rc = vista_seterr(s, VISTA_ERR_NOMEM, "%s: out of memory", path);
    goto done;
  }
  if ((rc = vista_sandbox_call(sb, 2, 2)) != VISTA_OK) {
    vista_seterr(s, VISTA_ERR_INPUT, "%s: %s", path, vista_sandbox_errmsg(sb));
    goto done;
  }
  if (lua_isnil(L, -2)) {
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, -1, i);
      if (on_problem)
        on_problem(ud, lua_tostring(L, -1));
      lua_pop(L, 1);
    }
    r->problems = (int)n;
    rc = vista_seterr(s, VISTA_ERR_INPUT, "%s: %lld problem%s; nothing stored",
                      path, (long long)n, n == 1 ? "" : "s");
    goto done;
  }
  lua_pop(L, 1);
  int d = lua_gettop(L);
  /* What the checker allows but doubts (a quoted "vision") is said, and
   * stored all the same. */
  if (lua_getfield(L, d, "warnings") == LUA_TTABLE && on_problem) {
    lua_Integer n = luaL_len(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, -1, i);
      if (lua_isstring(L, -1))
        on_problem(ud, lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
  writer w = {s, L, path, 0};
  if ((rc = vista_store_begin(s)) != VISTA_OK)
    goto done;
  rc = store(&w, d, text, len, r);
  if (rc == VISTA_OK && !check_only)
    rc = vista_store_commit(s);
  else
    vista_store_rollback(s);
  /* A COMMIT that failed (out of memory) leaves the transaction open. */
  if (rc != VISTA_OK)
    vista_store_rollback(s);

done:
  lua_settop(L, top);
  return rc;
}

int vista_strategy_import(vista_session *s, const char *source,
                          int check_only, const vista_limits *limits,
                          void (*on_problem)(void *ud, const char *msg),
                          void *ud, vista_strategy_report *r) {
  const char *path = vista_input_name(source); /* for messages */
  memset(r, 0, sizeof *r);
  size_t len = 0;
  char *text;
  int rc = read_source(s, source, &text, &len);
  if (rc != VISTA_OK)
    return rc;
  rc = vista_store_open(s);
  vista_sandbox *sb = NULL;
  if (rc != VISTA_OK || (rc = vista_sandbox_new(&sb, s, limits, 0)) !=
                            VISTA_OK) {
    if (rc == VISTA_ERR_NOMEM)
      vista_seterr(s, rc, "out of memory");
    free(text);
    return rc;
  }
  rc = vista_strategy_import_text(s, sb, path, text, len, check_only,
                                  on_problem, ud, r);
  vista_sandbox_free(sb);
  free(text);
  return rc;
}

/* vista.strategy.list() -> the stored strategies, newest first. */
static int l_list(lua_State *L) {
  vista_push_query(
      L,
      "SELECT s.id, s.institution_id AS institution, i.name AS"
      " institution_name, i.erasmus_code AS institution_code, s.title,"
      " s.period_from, s.period_to, s.source_path, s.imported_at,"
      " (SELECT count(*) FROM goal g WHERE g.strategy_id = s.id) AS goals,"
      " (SELECT count(*) FROM action a WHERE a.strategy_id = s.id) AS actions"
      " FROM strategy s JOIN institution i ON i.id = s.institution_id"
      " ORDER BY s.period_from DESC, s.id DESC");
  return 1;
}

int luaopen_vista_strategy(lua_State *L) {
  static const luaL_Reg fns[] = {{"list", l_list}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
