/* org_lua.c: the Lua binding of the organisation resolver (org.c), the one
 * way scripts and the stdlib find an institution:
 *
 *   vista.org.find(text [, {country = "BE", city = "Gent"}])
 *     -> {id, code, name, country, city, by} | nil, why
 *   vista.org.id(text_or_id [, what]) -> id, or raises "what: why"
 *
 * Check the arguments, call the C API, push the result. */
#include <string.h>

#include "bind.h"
#include "internal.h"
#include "org.h"

static const char *const by_names[] = {"none",  "code",  "oid",
                                       "pic",   "alias", "name"};

/* Finds text at idx with the options at opts (0: none); raises on a store
 * error [-0, +0, e]. */
static void find(lua_State *L, int idx, int opts, vista_org_match *m) {
  const char *text = luaL_checkstring(L, idx);
  const char *country = NULL, *city = NULL;
  if (opts && !lua_isnoneornil(L, opts)) {
    luaL_checktype(L, opts, LUA_TTABLE);
    lua_getfield(L, opts, "country");
    lua_getfield(L, opts, "city");
    country = luaL_optstring(L, -2, NULL);
    city = luaL_optstring(L, -1, NULL);
  }
  vista_session *s = vista_bind_session(L);
  if (vista_org_lookup(s, text, country, city, m) != VISTA_OK)
    vista_bind_error(L, s);
  if (opts && !lua_isnoneornil(L, opts))
    lua_pop(L, 2);
}

/* vista.org.find(text [, opts]) -> row | nil, why */
static int l_find(lua_State *L) {
  vista_org_match m;
  find(L, 1, 2, &m);
  if (!m.id) {
    lua_pushnil(L);
    lua_pushstring(L, m.message);
    return 2;
  }
  sqlite3_stmt *st = vista_push_statement(
      L, vista_store_db(vista_bind_session(L)),
      "SELECT id, erasmus_code AS code, name, country, city"
      " FROM institution WHERE id = ?1");
  sqlite3_bind_int64(st, 1, m.id);
  int box = lua_gettop(L);
  vista_push_rows(L, vista_store_db(vista_bind_session(L)), st);
  vista_finish_statement(L, box);
  lua_rawgeti(L, -1, 1);
  lua_pushstring(L, by_names[m.by]);
  lua_setfield(L, -2, "by");
  return 1;
}

/* vista.org.id(text_or_id [, what]) -> id */
static int l_id(lua_State *L) {
  if (lua_isinteger(L, 1)) {
    lua_settop(L, 1);
    return 1;
  }
  const char *what = luaL_optstring(L, 2, "vista.org.id");
  vista_org_match m;
  find(L, 1, 0, &m);
  if (!m.id)
    return luaL_error(L, "%s: %s", what, m.message);
  lua_pushinteger(L, m.id);
  return 1;
}

int luaopen_vista_org(lua_State *L) {
  static const luaL_Reg fns[] = {{"find", l_find}, {"id", l_id}, {NULL, NULL}};
  luaL_newlib(L, fns);
  return 1;
}
