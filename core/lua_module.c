/* lua_module.c: require "vista" from any Lua 5.4 host (lua5.4, a program
 * embedding Lua). vista.open(path [, {scope = CODE, readonly = true}])
 * gives a handle with the models scripts get (h:sql, h.mobility,
 * h.strategy, h.indicator, h.benchmark, h.consortium, h.partner) and the
 * stdlib (h.report, h.why, h.pdca, ...), run by the same C core and the
 * same stdlib text, compiled into the module: a figure is the same
 * whichever way it is asked.
 *
 * The host is trusted, as with lsqlite3: no step, memory or time limits, no
 * environment of its own, no signal handler, no thread. What protects the
 * data stays: vista.sql is read-only, and a scoped handle is a scoped
 * session (scope.c's copies and authorizer), the same as vista --scope.
 *
 * The bindings find their session in the registry (bind.c): one per state
 * in the sandbox. A host may hold several handles, so every function a
 * handle hands out is wrapped: for the call it puts its handle's session
 * there, then puts back what was there. Each handle has its own copies of
 * the stdlib modules, loaded in environments whose global vista is the
 * handle's model table, as scripts see it. */
#include <lauxlib.h>
#include <string.h>

#include "bind.h"
#include "sandbox_lib.h"

#define HANDLE_MT "vista.Handle"

typedef struct handle {
  vista_session *s; /* NULL once closed */
  int readonly;
  int busy; /* calls of this handle under way: closing now would free the
               session under them */
} handle;

/* The models, as fields of a handle and of the global vista table. */
static const char *const models[] = {"mobility",  "strategy",  "partner",
                                     "indicator", "benchmark", "consortium", "org",
                                     NULL};

static handle *to_handle(lua_State *L, int idx) {
  return luaL_checkudata(L, idx, HANDLE_MT);
}

static handle *check_open(lua_State *L, int idx) {
  handle *h = to_handle(L, idx);
  if (!h->s)
    luaL_error(L, "attempt to use a closed " HANDLE_MT);
  return h;
}

/* Calls the function below nargs arguments with h's session in the
 * registry, and puts back the one that was there (another handle's, when
 * a callback of one uses another), also on error [-(nargs+1), +results,
 * e]. A callback cannot yield across it. */
static int call_in(lua_State *L, handle *h, int nargs) {
  int base = lua_gettop(L) - nargs; /* the function */
  lua_getfield(L, LUA_REGISTRYINDEX, VISTA_SESSION_KEY);
  lua_insert(L, base);
  lua_pushlightuserdata(L, h->s);
  lua_setfield(L, LUA_REGISTRYINDEX, VISTA_SESSION_KEY);
  h->busy++;
  int st = lua_pcall(L, nargs, LUA_MULTRET, 0);
  h->busy--;
  lua_pushvalue(L, base);
  lua_setfield(L, LUA_REGISTRYINDEX, VISTA_SESSION_KEY);
  lua_remove(L, base);
  if (st != LUA_OK)
    return lua_error(L);
  return lua_gettop(L) - base + 1;
}

/* A wrapped function: upvalues (the handle, the function). */
static int l_entered(lua_State *L) {
  handle *h = lua_touserdata(L, lua_upvalueindex(1));
  if (!h->s)
    return luaL_error(L, "attempt to use a closed " HANDLE_MT);
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(2));
  lua_insert(L, 1);
  return call_in(L, h, n);
}

/* Pushes what the host gets of the value at idx, for the handle at hidx
 * whose context is at ctx: a function wrapped, a plain table (a module)
 * copied with its values wrapped, anything else as it is. Wrapped values
 * are remembered, so that a module reached twice is the same table and
 * cycles end [-0, +1, m]. */
static void push_wrapped(lua_State *L, int hidx, int ctx, int idx) {
  idx = lua_absindex(L, idx);
  int t = lua_type(L, idx);
  if (t != LUA_TFUNCTION && (t != LUA_TTABLE || lua_getmetatable(L, idx))) {
    if (t == LUA_TTABLE)
      lua_pop(L, 1); /* the metatable: a result type, not a module */
    lua_pushvalue(L, idx);
    return;
  }
  lua_getfield(L, ctx, "wrapped");
  int memo = lua_gettop(L);
  lua_pushvalue(L, idx);
  if (lua_rawget(L, memo) != LUA_TNIL) {
    lua_remove(L, memo);
    return;
  }
  lua_pop(L, 1);
  if (t == LUA_TFUNCTION) {
    lua_pushvalue(L, hidx);
    lua_pushvalue(L, idx);
    lua_pushcclosure(L, l_entered, 2);
    lua_pushvalue(L, idx);
    lua_pushvalue(L, -2);
    lua_rawset(L, memo);
  } else {
    lua_newtable(L);
    int copy = lua_gettop(L);
    lua_pushvalue(L, idx);
    lua_pushvalue(L, copy);
    lua_rawset(L, memo);
    luaL_checkstack(L, 6, "module nested too deep");
    lua_pushnil(L);
    while (lua_next(L, idx)) {
      push_wrapped(L, hidx, ctx, -1);
      lua_pushvalue(L, -3);
      lua_insert(L, -2);
      lua_rawset(L, copy);
      lua_pop(L, 1);
    }
  }
  lua_remove(L, memo);
}

/* ---- loading modules into a context ---------------------------------- */

/* A context is a table: loaded (name -> module), base (what a module's
 * globals fall back to: vista, require, then the host's globals), wrapped
 * (see push_wrapped) and fields (a handle's fields, wrapped). */

/* Pushes a new environment for one module of the context [-0, +1, m]. */
static void push_env(lua_State *L, int ctx) {
  lua_newtable(L);
  lua_newtable(L);
  lua_getfield(L, ctx, "base");
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
}

/* require within a context (upvalue 1): the C modules, completed by the
 * stdlib file of the same name as in the sandbox (sandbox_lib.c), and the
 * stdlib; any other name is the host's own require's. */
static int l_ctx_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_settop(L, 1);
  int ctx = lua_upvalueindex(1);
  lua_getfield(L, ctx, "loaded"); /* 2 */
  if (lua_getfield(L, 2, name) != LUA_TNIL)
    return 1;
  lua_pop(L, 1);
  if (strncmp(name, "vista.", 6) != 0) {
    lua_getglobal(L, "require");
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    return 1;
  }
  lua_CFunction open = vista_c_module(name);
  if (open) {
    lua_pushcfunction(L, open);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1); /* 3: the C table */
    if (vista_find_stdlib(L, name)) {
      push_env(L, ctx);
      lua_setupvalue(L, -2, 1);
      lua_pushvalue(L, 1);
      lua_pushvalue(L, 3);
      lua_call(L, 2, 1);
      lua_remove(L, 3);
    } else {
      lua_pop(L, 1); /* where it looked */
    }
  } else {
    if (!vista_find_stdlib(L, name))
      return luaL_error(L, "module '%s' not found%s", name,
                        lua_tostring(L, -1));
    push_env(L, ctx);
    lua_setupvalue(L, -2, 1);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
  }
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, 2, name);
  return 1;
}

/* Pushes a new context whose modules see vista as the value on top, which
 * it replaces [-1, +1, m]. */
static void push_context(lua_State *L) {
  int vista = lua_gettop(L);
  lua_newtable(L);
  int ctx = lua_gettop(L);
  lua_newtable(L);
  lua_setfield(L, ctx, "loaded");
  lua_newtable(L);
  lua_setfield(L, ctx, "fields");
  lua_newtable(L);
  lua_newtable(L);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_setfield(L, ctx, "wrapped");
  lua_newtable(L); /* base */
  lua_pushvalue(L, vista);
  lua_setfield(L, -2, "vista");
  lua_pushvalue(L, ctx);
  lua_pushcclosure(L, l_ctx_require, 1);
  lua_setfield(L, -2, "require");
  lua_newtable(L);
  lua_pushglobaltable(L);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
  lua_setfield(L, ctx, "base");
  lua_replace(L, vista);
}

/* Fills the handle's vista table, the one its modules see as a global, as
 * sandbox_lib.c fills the scripts' one; run through call_in, as the
 * openers and the stdlib may query (upvalue 1: the context). */
static int l_fill_models(lua_State *L) {
  int ctx = lua_upvalueindex(1);
  lua_getfield(L, ctx, "base");
  lua_getfield(L, -1, "vista");
  int v = lua_gettop(L);
  lua_getfield(L, -2, "require");
  int req = lua_gettop(L);
  lua_pushvalue(L, req);
  lua_pushliteral(L, "vista.sql");
  lua_call(L, 1, 1);
  lua_setfield(L, v, "sql");
  for (const char *const *m = models; *m; m++) {
    lua_pushvalue(L, req);
    lua_pushfstring(L, "vista.%s", *m);
    lua_call(L, 1, 1);
    lua_setfield(L, v, *m);
  }
  return 0;
}

/* ---- the handle ------------------------------------------------------- */

static int release(lua_State *L, int raise) {
  handle *h = to_handle(L, 1);
  if (h->busy) {
    if (!raise)
      return 0;
    return luaL_error(L, "cannot close a " HANDLE_MT " while one of its "
                         "calls runs");
  }
  vista_session_free(h->s);
  h->s = NULL;
  return 0;
}

static int l_handle_close(lua_State *L) {
  return release(L, 1);
}

static int l_handle_gc(lua_State *L) {
  return release(L, 0);
}

static int l_handle_tostring(lua_State *L) {
  handle *h = to_handle(L, 1);
  if (h->s)
    lua_pushfstring(L, HANDLE_MT " (%s%s)", vista_session_path(h->s),
                    h->readonly ? ", readonly" : "");
  else
    lua_pushliteral(L, HANDLE_MT " (closed)");
  return 1;
}

static int l_handle_is_open(lua_State *L) {
  lua_pushboolean(L, to_handle(L, 1)->s != NULL);
  return 1;
}

/* h:sql(query, ...): vista.sql of the handle. */
static int l_handle_sql(lua_State *L) {
  handle *h = check_open(L, 1);
  lua_getiuservalue(L, 1, 1);
  lua_getfield(L, -1, "base");
  lua_getfield(L, -1, "vista");
  lua_getfield(L, -1, "sql");
  lua_replace(L, 1);
  lua_pop(L, 3);
  return call_in(L, h, lua_gettop(L) - 1);
}

static const luaL_Reg handle_methods[] = {
    {"close", l_handle_close},
    {"is_open", l_handle_is_open},
    {"sql", l_handle_sql},
    {NULL, NULL},
};

/* Whether key names a model or a stdlib module (h.report). */
static int is_module(const char *key) {
  char name[120];
  if (strlen(key) > 60 || strchr(key, '.') || strchr(key, '/'))
    return 0;
  snprintf(name, sizeof name, "vista.%s", key);
  if (vista_c_module(name))
    return 1;
  snprintf(name, sizeof name, "stdlib/vista/%s.lua", key);
  return vista_find_embedded(name) != NULL;
}

/* h.key: a method, what the handle is, a model, or a stdlib module loaded
 * in the handle's context. */
static int l_handle_index(lua_State *L) {
  handle *h = to_handle(L, 1);
  const char *key = luaL_checkstring(L, 2);
  for (const luaL_Reg *m = handle_methods; m->name; m++)
    if (strcmp(m->name, key) == 0) {
      lua_pushcfunction(L, m->func);
      return 1;
    }
  if (!h->s)
    return luaL_error(L, "attempt to use a closed " HANDLE_MT);
  if (strcmp(key, "db") == 0) {
    lua_pushstring(L, vista_session_path(h->s));
    return 1;
  }
  if (strcmp(key, "readonly") == 0) {
    lua_pushboolean(L, h->readonly);
    return 1;
  }
  if (strcmp(key, "scope") == 0) {
    if (vista_session_scope(h->s))
      lua_pushinteger(L, vista_session_scope(h->s));
    else
      lua_pushnil(L);
    return 1;
  }
  lua_getiuservalue(L, 1, 1);
  int ctx = lua_gettop(L);
  lua_getfield(L, ctx, "fields");
  if (lua_getfield(L, -1, key) != LUA_TNIL)
    return 1;
  lua_pop(L, 1);
  if (!is_module(key))
    return luaL_error(L,
                      HANDLE_MT " has no field '%s' (the models: sql, "
                                "mobility, strategy, partner, indicator, "
                                "benchmark, consortium; the stdlib modules: "
                                "report, why, pdca, ...)",
                      key);
  lua_getfield(L, ctx, "base");
  lua_getfield(L, -1, "require");
  lua_pushfstring(L, "vista.%s", key);
  call_in(L, h, 1);
  push_wrapped(L, 1, ctx, -1);
  lua_pushvalue(L, -1);
  lua_setfield(L, ctx + 1, key);
  return 1;
}

static void handle_meta(lua_State *L) {
  if (luaL_newmetatable(L, HANDLE_MT)) {
    lua_pushcfunction(L, l_handle_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, l_handle_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_handle_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, l_handle_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
}

/* Reads vista.open's options table at idx into scope and readonly. */
static void read_options(lua_State *L, int idx, const char **scope,
                         int *readonly) {
  *scope = NULL;
  *readonly = 0;
  if (lua_isnoneornil(L, idx))
    return;
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
    if (strcmp(k, "scope") == 0) {
      if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L,
                   "vista.open: scope must be an institution's Erasmus "
                   "code or name (a string), not a %s",
                   luaL_typename(L, -1));
      *scope = lua_tostring(L, -1);
    } else if (strcmp(k, "readonly") == 0) {
      if (lua_type(L, -1) != LUA_TBOOLEAN)
        luaL_error(L, "vista.open: readonly must be true or false, not a %s",
                   luaL_typename(L, -1));
      *readonly = lua_toboolean(L, -1);
    } else {
      luaL_error(L, "vista.open: unknown option '%s' (scope, readonly)",
                 lua_type(L, -2) == LUA_TSTRING ? k : luaL_typename(L, -2));
    }
    lua_pop(L, 1);
  }
}

/* vista.open(path [, {scope = CODE, readonly = true}]) -> handle. The
 * database is opened now, so that a bad path or scope is an error here. */
static int l_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *scope;
  int readonly;
  read_options(L, 2, &scope, &readonly);
  lua_settop(L, 2);
  handle *h = lua_newuserdatauv(L, sizeof *h, 1); /* 3 */
  memset(h, 0, sizeof *h);
  luaL_setmetatable(L, HANDLE_MT);
  h->readonly = readonly;
  vista_session *s;
  if (vista_session_new(&s, path) != VISTA_OK)
    return luaL_error(L, "vista.open: out of memory");
  h->s = s;
  int rc = scope ? vista_session_set_scope(s, scope) : VISTA_OK;
  if (rc == VISTA_OK)
    rc = readonly ? vista_store_open_reader(s) : vista_store_open(s);
  if (rc != VISTA_OK) {
    lua_pushfstring(L, "vista.open: %s", vista_errmsg(s));
    vista_session_free(s);
    h->s = NULL;
    return lua_error(L);
  }
  lua_newtable(L); /* the vista table its modules see */
  lua_pushliteral(L, VISTA_VERSION);
  lua_setfield(L, -2, "version");
  lua_pushstring(L, path);
  lua_setfield(L, -2, "db");
  if (vista_session_scope(s)) {
    lua_pushinteger(L, vista_session_scope(s));
    lua_setfield(L, -2, "scope");
  }
  push_context(L);
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, 3, 1);
  lua_pushcclosure(L, l_fill_models, 1);
  call_in(L, h, 0);
  return 1;
}

/* ---- the module -------------------------------------------------------- */

/* vista.mobility and the like without a handle: say how to get one. */
static int l_module_index(lua_State *L) {
  const char *key = lua_tostring(L, 2);
  if (key && strcmp(key, "sql") == 0)
    return luaL_error(L, "vista.sql needs a database: "
                         "vista.open(path):sql(query, ...)");
  for (const char *const *m = models; key && *m; m++)
    if (strcmp(key, *m) == 0)
      return luaL_error(L, "vista.%s needs a database: vista.open(path).%s",
                        key, key);
  return 0;
}

int luaopen_vista(lua_State *L);

int luaopen_vista(lua_State *L) {
  handle_meta(L);
  lua_pushboolean(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, VISTA_TRUSTED_HOST_KEY);
  lua_newtable(L);
  int mod = lua_gettop(L);
  lua_pushcfunction(L, l_open);
  lua_setfield(L, mod, "open");
  lua_pushliteral(L, VISTA_VERSION);
  lua_setfield(L, mod, "version");
  lua_newtable(L);
  lua_pushcfunction(L, l_module_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, mod);

  /* The host's own context: require "vista.format" and the like give the
   * embedded stdlib, whose global vista is this module. */
  lua_pushvalue(L, mod);
  push_context(L);
  int ctx = lua_gettop(L);
  lua_getfield(L, ctx, "base");
  lua_getfield(L, -1, "require");
  int req = lua_gettop(L);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  int preload = lua_gettop(L);
  for (const vista_embedded *e = vista_embedded_files; e->name; e++) {
    size_t n = strlen(e->name);
    if (strncmp(e->name, "stdlib/vista/", 13) != 0 || n < 18)
      continue;
    lua_pushfstring(L, "vista.%s", e->name + 13);
    lua_pushlstring(L, lua_tostring(L, -1), lua_rawlen(L, -1) - 4);
    lua_remove(L, -2); /* "vista.x", without ".lua" */
    lua_pushvalue(L, req);
    lua_setfield(L, preload, lua_tostring(L, -2));
    lua_pop(L, 1);
  }
  static const char *const c_names[] = {"vista.sql", "vista.json",
                                        "vista.usage", NULL};
  for (const char *const *c = c_names; *c; c++) {
    lua_pushvalue(L, req);
    lua_setfield(L, preload, *c);
  }
  /* print(rows) renders the table through vista.format, as in the shell
   * (query.c finds require there). */
  lua_newtable(L);
  lua_pushvalue(L, req);
  lua_setfield(L, -2, "require");
  lua_setfield(L, LUA_REGISTRYINDEX, VISTA_ENV_KEY);
  lua_settop(L, mod);
  return 1;
}
