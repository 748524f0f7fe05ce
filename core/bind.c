/* bind.c: helpers shared by the Lua bindings: reaching the session, and
 * turning a core status into a Lua error. */
#include "bind.h"
#include "internal.h"
#include "suppress.h"

vista_session *vista_bind_session(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, VISTA_SESSION_KEY);
  vista_session *s = lua_touserdata(L, -1);
  lua_pop(L, 1);
  if (!s)
    luaL_error(L, "no database in this session");
  if (vista_store_open(s) != VISTA_OK)
    vista_bind_error(L, s);
  return s;
}

void vista_push_query(lua_State *L, const char *sql) {
  vista_session *s = vista_bind_session(L);
  sqlite3 *db = vista_store_db(s);
  sqlite3_stmt *st = vista_push_statement(L, db, sql);
  int box = lua_gettop(L);
  vista_push_rows(L, db, st);
  vista_finish_statement(L, box);
  lua_remove(L, box);
}

int vista_bind_error(lua_State *L, vista_session *s) {
  return luaL_error(L, "%s", vista_errmsg(s));
}

void vista_check_named_file(lua_State *L, const char *path,
                            const char *what) {
  int named = 0;
  /* A host that loaded the Lua module is trusted with its own files. */
  lua_getfield(L, LUA_REGISTRYINDEX, VISTA_TRUSTED_HOST_KEY);
  named = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (named)
    return;
  if (lua_getfield(L, LUA_REGISTRYINDEX, VISTA_NAMED_FILES_KEY) ==
      LUA_TTABLE) {
    lua_getfield(L, -1, path);
    named = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (!named)
    luaL_error(L, "%s: a script reads only the files named on the command "
                  "line, not '%s'", what, path);
}

void vista_set_cells(lua_State *L, int idx, const sup_column *cols, int n,
                     const int64_t *v, const unsigned char *hidden) {
  int nh = 0;
  for (int c = 0; c < n; c++) {
    if (hidden[c]) {
      nh++;
      continue;
    }
    lua_pushinteger(L, v[c]);
    lua_setfield(L, idx, cols[c].name);
  }
  if (!nh)
    return;
  lua_createtable(L, nh, 0);
  for (int c = 0, i = 0; c < n; c++)
    if (hidden[c]) {
      lua_pushstring(L, cols[c].name);
      lua_rawseti(L, -2, ++i);
    }
  lua_setfield(L, idx, "suppressed");
}
