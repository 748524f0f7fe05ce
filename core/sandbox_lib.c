/* sandbox_lib.c: the library set scripts see. It owns the allow and
 * remove lists, the per-script environments (strict globals over a
 * read-only base), read-only library tables, require (the C modules, the
 * stdlib compiled into the binary, a script's own modules), text-only load,
 * the coroutine and pcall wrappers that keep the limits in force, and the
 * global vista table. sandbox.c owns the state, its limits and running. */
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "sandbox_lib.h"
#include "usage.h"

#define SCRIPT_MAX ((size_t)16 * 1024 * 1024)

/* The names scripts see, and those removed on purpose (so that reaching for
 * one says why it is missing instead of "undefined global"). */
static const char *const base_allowed[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
    "print", "rawequal", "rawget", "rawlen", "rawset", "select",
    "setmetatable", "tonumber", "tostring", "type", "_VERSION", NULL};
static const char *const base_removed[] = {
    "dofile", "loadfile", "loadstring", "io", "debug", "package", "module",
    "unpack", "setfenv", "getfenv", NULL};
static const char *const os_allowed[] = {"clock", "date", "difftime",
                                         "getenv", "time", NULL};
static const char *const os_removed[] = {"execute", "exit", "remove",
                                         "rename", "tmpname", "setlocale",
                                         NULL};
static const char *const string_removed[] = {"dump", NULL};


static const char BASE_KEY[] = "vista.base";
static const char LOADED_KEY[] = "vista.loaded";

static int in_list(const char *const *list, const char *name) {
  for (; *list; list++)
    if (strcmp(*list, name) == 0)
      return 1;
  return 0;
}

/* Raises at the level of the code that made the access. */
static int raise_at_caller(lua_State *L, const char *fmt, const char *a,
                           const char *b) {
  luaL_where(L, 1);
  lua_pushfstring(L, fmt, a, b);
  lua_concat(L, 2);
  return lua_error(L);
}

/* __index of a script environment: the read-only base, strictly. */
static int env_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
    return 1;
  const char *name = lua_tostring(L, 2);
  if (lua_type(L, 2) != LUA_TSTRING)
    return 1; /* nil for a non-string key */
  if (in_list(base_removed, name))
    return raise_at_caller(L, "'%s' is not available in vista scripts "
                              "(they run in a sandbox)%s", name, "");
  return raise_at_caller(L, "undefined global '%s'%s", name, "");
}

/* Pushes a new environment whose reads fall back to the base [-0, +1, m]. */
static void push_new_env(lua_State *L) {
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, "_G");
  lua_newtable(L); /* metatable */
  lua_getfield(L, LUA_REGISTRYINDEX, BASE_KEY);
  lua_pushcclosure(L, env_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

/* Read-only tables. A script gets an empty proxy whose metatable reads
 * the real table; nothing the proxy hands out leads back to the real
 * table: __pairs iterates it from a closure, and a plain table found
 * inside (vista.benchmark.measures) is handed out through a proxy of its
 * own, made once and kept, so that it compares equal to itself. The
 * proxies are remembered, for rawset. */

static const char READONLY_KEY[] = "vista.readonly"; /* proxy -> name */
static const char PROXY_OF_KEY[] = "vista.proxy_of"; /* table -> proxy */

/* Replaces the value on top with what a script may see of it, the value
 * under key at kidx of the table called name [-1, +1, m]. */
static void guard_top(lua_State *L, int kidx, const char *name) {
  if (lua_type(L, -1) != LUA_TTABLE || lua_getmetatable(L, -1) != 0) {
    if (lua_type(L, -1) == LUA_TTABLE)
      lua_pop(L, 1); /* the metatable: a proxy, or a type of its own */
    return;
  }
  if (lua_type(L, kidx) == LUA_TSTRING)
    lua_pushfstring(L, "%s.%s", name, lua_tostring(L, kidx));
  else
    lua_pushfstring(L, "%s[]", name);
  vista_push_readonly(L, -2, lua_tostring(L, -1), NULL);
  lua_replace(L, -3);
  lua_pop(L, 1);
}

/* __index of a read-only proxy: upvalues (table, name, removed or nil). */
static int lib_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) {
    guard_top(L, 2, lua_tostring(L, lua_upvalueindex(2)));
    return 1;
  }
  if (lua_type(L, 2) == LUA_TSTRING && lua_istable(L, lua_upvalueindex(3))) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(3)) != LUA_TNIL)
      return raise_at_caller(L, "'%s.%s' is not available in vista scripts "
                                "(they run in a sandbox)",
                             lua_tostring(L, lua_upvalueindex(2)),
                             lua_tostring(L, 2));
  }
  lua_pushnil(L);
  return 1;
}

static int readonly_newindex(lua_State *L) {
  return raise_at_caller(L, "attempt to modify read-only table '%s'%s",
                         lua_tostring(L, lua_upvalueindex(1)), "");
}

/* The iterator pairs gives: next over the table in upvalue 1 (name in
 * upvalue 2), whatever its first argument. */
static int readonly_next(lua_State *L) {
  lua_settop(L, 2);
  lua_pushvalue(L, 2);
  if (!lua_next(L, lua_upvalueindex(1))) {
    lua_pushnil(L);
    return 1;
  }
  guard_top(L, -2, lua_tostring(L, lua_upvalueindex(2)));
  return 2;
}

static int readonly_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
  return 1;
}

/* __pairs: the iterator (upvalue 1), the proxy itself, nil. */
static int readonly_pairs(lua_State *L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

/* rawset, except on the read-only tables: rawset would otherwise write
 * past their __newindex. */
static int l_rawset(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, LUA_REGISTRYINDEX, READONLY_KEY);
  lua_pushvalue(L, 1);
  if (lua_rawget(L, -2) != LUA_TNIL)
    return luaL_error(L, "attempt to modify read-only table '%s'",
                      lua_tostring(L, -1));
  lua_pop(L, 2);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

/* The registry table at key, made weak-keyed the first time [-0, +1, m]. */
static void push_weak(lua_State *L, const char *key) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE)
    return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, key);
}

void vista_push_readonly(lua_State *L, int idx, const char *name,
                         const char *const *removed) {
  idx = lua_absindex(L, idx);
  push_weak(L, PROXY_OF_KEY);
  lua_pushvalue(L, idx);
  if (lua_rawget(L, -2) != LUA_TNIL) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  lua_newtable(L); /* the proxy */
  int proxy = lua_gettop(L);
  lua_newtable(L); /* its metatable */
  lua_pushvalue(L, idx);
  lua_pushstring(L, name);
  if (removed) {
    lua_newtable(L);
    for (; *removed; removed++) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, *removed);
    }
  } else {
    lua_pushnil(L);
  }
  lua_pushcclosure(L, lib_index, 3);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, name);
  lua_pushcclosure(L, readonly_newindex, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, idx);
  lua_pushstring(L, name);
  lua_pushcclosure(L, readonly_next, 2);
  lua_pushcclosure(L, readonly_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushvalue(L, idx);
  lua_pushcclosure(L, readonly_len, 1);
  lua_setfield(L, -2, "__len");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, proxy);
  lua_pushvalue(L, idx);
  lua_pushvalue(L, proxy);
  lua_rawset(L, -4); /* PROXY_OF[table] = proxy */
  push_weak(L, READONLY_KEY);
  lua_pushvalue(L, proxy);
  lua_pushstring(L, name);
  lua_rawset(L, -3); /* READONLY[proxy] = name */
  lua_pop(L, 1);
  lua_remove(L, -2);
}

/* ---- loading text ----------------------------------------------------- */

/* Reads a whole file into a fresh buffer (caller frees); NULL with errno. */
char *vista_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap || ferror(f))
      break;
    if (cap >= SCRIPT_MAX) {
      free(buf);
      buf = NULL;
      errno = EFBIG;
      break;
    }
    char *nb = realloc(buf, cap * 2);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  if (buf && ferror(f)) {
    free(buf);
    buf = NULL;
    errno = EIO;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* Loads text (never binary) with a "#!" first line blanked, keeping line
 * numbers [-0, +1, -]. */
int vista_load_text(lua_State *L, char *text, size_t len,
                     const char *chunkname) {
  if (len && text[0] == '#')
    for (size_t i = 0; i < len && text[i] != '\n'; i++)
      text[i] = ' ';
  return luaL_loadbufferx(L, text, len, chunkname, "t");
}

const vista_embedded *vista_find_embedded(const char *name) {
  for (const vista_embedded *e = vista_embedded_files; e->name; e++)
    if (strcmp(e->name, name) == 0)
      return e;
  return NULL;
}

/* A module name: letters, digits, '_' and single dots between them. */
static int valid_module_name(const char *name) {
  if (!*name || *name == '.')
    return 0;
  for (const char *p = name; *p; p++) {
    int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
             (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
             (*p == '.' && p[1] != '.' && p[1] != '\0');
    if (!ok)
      return 0;
  }
  return 1;
}

/* Pushes the loader of module name, or returns 0 with a message pushed
 * saying where it looked [-0, +1, e]. */
static int find_module(lua_State *L, const char *name) {
  char rel[300];
  char path[1200];
  char tried[2600] = "";
  size_t len;
  snprintf(rel, sizeof rel, "%s", name);
  for (char *p = rel; *p; p++)
    if (*p == '.')
      *p = '/';
  int is_std = strncmp(name, "vista.", 6) == 0;

  /* The stdlib from disk when VISTA_STDLIB_PATH is set (for its authors);
   * other modules from the running script's directory. */
  const char *dir = NULL;
  lua_getfield(L, LUA_REGISTRYINDEX, VISTA_SCRIPT_DIR_KEY);
  if (is_std)
    dir = getenv("VISTA_STDLIB_PATH");
  else
    dir = lua_tostring(L, -1);
  if (dir && *dir) {
    snprintf(path, sizeof path, "%s/%s.lua", dir, rel);
    char *text = vista_read_file(path, &len);
    if (text) {
      lua_pop(L, 1);
      lua_pushfstring(L, "@%s", path);
      int st = vista_load_text(L, text, len, lua_tostring(L, -1));
      free(text);
      lua_remove(L, -2);
      if (st != LUA_OK)
        lua_error(L);
      return 1;
    }
    snprintf(tried, sizeof tried, " (no file '%s')", path);
  }
  lua_pop(L, 1);
  if (is_std) {
    char ename[320];
    snprintf(ename, sizeof ename, "stdlib/%s.lua", rel);
    const vista_embedded *e = vista_find_embedded(ename);
    if (e) {
      lua_pushfstring(L, "@%s", ename);
      int st = luaL_loadbufferx(L, e->data, e->size, lua_tostring(L, -1), "t");
      lua_remove(L, -2);
      if (st != LUA_OK)
        lua_error(L);
      return 1;
    }
    size_t used = strlen(tried);
    snprintf(tried + used, sizeof tried - used,
             " (no module '%s' in the vista stdlib)", name);
  } else if (!dir) {
    snprintf(tried, sizeof tried,
             " (modules are looked for beside the script that runs)");
  }
  lua_pushstring(L, tried);
  return 0;
}

/* require(name): the C modules and the stdlib, then the script's own
 * directory. Each module gets its own environment over the base. */
static int l_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_settop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY); /* 2 */
  if (lua_getfield(L, 2, name) != LUA_TNIL)
    return 1;
  lua_pop(L, 1);
  if (!valid_module_name(name))
    return luaL_error(L, "module name '%s' is not valid", name);
  vista_sandbox_check_cstack(L);
  lua_getfield(L, LUA_REGISTRYINDEX, "vista.preload");
  if (lua_getfield(L, -1, name) == LUA_TFUNCTION) {
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    /* A model's C functions may be completed by the stdlib file of the same
     * name, called with (name, the C table); what it returns is the model. */
    if (strncmp(name, "vista.", 6) == 0 && find_module(L, name)) {
      push_new_env(L);
      lua_setupvalue(L, -2, 1);
      lua_pushstring(L, name);
      lua_pushvalue(L, -3);
      lua_call(L, 2, 1);
      lua_remove(L, -2);
    } else {
      lua_pop(L, 1); /* where find_module looked */
    }
  } else {
    lua_pop(L, 1);
    if (!find_module(L, name))
      return luaL_error(L, "module '%s' not found%s", name,
                        lua_tostring(L, -1));
    push_new_env(L);
    lua_setupvalue(L, -2, 1);
    lua_pushstring(L, name);
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

/* load(chunk [, chunkname [, mode [, env]]]): text only; without env the
 * chunk sees the running script's environment. */
static int l_load(lua_State *L) {
  const char *mode = luaL_optstring(L, 3, "t");
  if (strchr(mode, 'b') && !strchr(mode, 't'))
    return luaL_error(L, "binary chunks are not allowed in vista scripts");
  int has_env = !lua_isnone(L, 4);
  lua_settop(L, 4);
  lua_pushvalue(L, lua_upvalueindex(1)); /* the original load */
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_pushliteral(L, "t");
  if (has_env)
    lua_pushvalue(L, 4);
  else
    lua_getfield(L, LUA_REGISTRYINDEX, VISTA_ENV_KEY);
  lua_call(L, 4, 2);
  return 2;
}

/* coroutine.create: the new thread gets the limit hook. */
static int l_co_create(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  vista_sandbox_arm_hook(co);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  return 1;
}

static int pcall_done(lua_State *L, int status, lua_KContext ctx) {
  (void)status, (void)ctx;
  vista_sandbox_raise_if_stopped(L);
  return lua_gettop(L);
}

/* pcall: the original, then a check of the stop flag (a continuation keeps
 * it yieldable inside coroutines). */
static int l_pcall(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_callk(L, n, LUA_MULTRET, 0, pcall_done);
  return pcall_done(L, LUA_OK, 0);
}

/* Wraps a library function: check the C stack, call it, check the stop. */
static int l_guarded(lua_State *L) {
  vista_sandbox_check_cstack(L);
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  vista_sandbox_raise_if_stopped(L);
  return lua_gettop(L);
}

static void guard_field(lua_State *L, int lib, const char *name) {
  lua_getfield(L, lib, name);
  lua_pushcclosure(L, l_guarded, 1);
  lua_setfield(L, lib, name);
}

/* Keeps only the listed fields of the table at idx. */
static void keep_only(lua_State *L, int idx, const char *const *allowed) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  for (const char *const *p = allowed; *p; p++) {
    lua_getfield(L, idx, *p);
    lua_setfield(L, -2, *p);
  }
  lua_replace(L, idx);
}

static int l_help_stub(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushcfunction(L, l_require);
  lua_pushliteral(L, "vista.help");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "help");
  lua_insert(L, 1);
  lua_pop(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

/* The only list of C modules: require name -> opener. */
static const luaL_Reg c_modules[] = {
    {"vista.sql", luaopen_vista_sql},
    {"vista.mobility", luaopen_vista_mobility},
    {"vista.strategy", luaopen_vista_strategy},
    {"vista.partner", luaopen_vista_partner},
    {"vista.indicator", luaopen_vista_indicator},
    {"vista.benchmark", luaopen_vista_benchmark},
    {"vista.consortium", luaopen_vista_consortium},
    {"vista.org", luaopen_vista_org},
    {"vista.json", luaopen_vista_json},
    {"vista.usage", luaopen_vista_usage},
    {NULL, NULL},
};

lua_CFunction vista_c_module(const char *name) {
  for (const luaL_Reg *m = c_modules; m->name; m++)
    if (strcmp(m->name, name) == 0)
      return m->func;
  return NULL;
}

int vista_find_stdlib(lua_State *L, const char *name) {
  if (strncmp(name, "vista.", 6) != 0 || !valid_module_name(name)) {
    lua_pushfstring(L, " (module name '%s' is not valid)", name);
    return 0;
  }
  return find_module(L, name);
}

static void register_preload(lua_State *L) {
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
  lua_newtable(L);
  for (const luaL_Reg *m = c_modules; m->name; m++) {
    lua_pushcfunction(L, m->func);
    lua_setfield(L, -2, m->name);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "vista.preload");
}

/* Pushes the read-only global vista table [-0, +1, e]. */
static void push_vista_table(lua_State *L, vista_session *s) {
  lua_newtable(L);
  int v = lua_gettop(L);
  lua_pushcfunction(L, l_require);
  lua_pushliteral(L, "vista.sql");
  lua_call(L, 1, 1);
  lua_setfield(L, v, "sql");
  /* The models, read-only like vista itself. */
  static const char *const models[] = {"strategy",  "mobility",
                                        "partner",   "indicator",
                                        "benchmark", "consortium",
                                        "org",       NULL};
  for (const char *const *m = models; *m; m++) {
    lua_pushcfunction(L, l_require);
    lua_pushfstring(L, "vista.%s", *m);
    lua_call(L, 1, 1);
    const char *name = lua_pushfstring(L, "vista.%s", *m);
    vista_push_readonly(L, -2, name, NULL);
    /* require gives the read-only model too, from now on. */
    lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
    lua_pushvalue(L, -2);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
    lua_setfield(L, v, *m);
    lua_pop(L, 2);
  }
  lua_pushcfunction(L, vista_l_output);
  lua_setfield(L, v, "output");
  lua_pushliteral(L, VISTA_VERSION);
  lua_setfield(L, v, "version");
  lua_pushstring(L, vista_session_path(s));
  lua_setfield(L, v, "db");
  /* The institution a scoped session is for (its id), else nil; such a
   * session is open already (main.c opens it to check the scope). */
  if (vista_session_scope(s)) {
    lua_pushinteger(L, vista_session_scope(s));
    lua_setfield(L, v, "scope");
  }
  vista_push_readonly(L, v, "vista", NULL);
  lua_remove(L, v);
}

/* Builds the base every environment reads from [-0, +0, m]. */
static void build_base(lua_State *L, vista_session *s) {
  luaL_openlibs(L); /* into the registry's globals, which scripts never see */
  lua_pushglobaltable(L);
  int g = lua_gettop(L);
  lua_newtable(L);
  int base = lua_gettop(L);
  for (const char *const *p = base_allowed; *p; p++) {
    lua_getfield(L, g, *p);
    lua_setfield(L, base, *p);
  }
  lua_pushvalue(L, base);
  lua_setfield(L, LUA_REGISTRYINDEX, BASE_KEY);

  lua_getfield(L, g, "load");
  lua_pushcclosure(L, l_load, 1);
  lua_setfield(L, base, "load");
  lua_pushcfunction(L, l_require);
  lua_setfield(L, base, "require");
  lua_pushcfunction(L, l_rawset);
  lua_setfield(L, base, "rawset");
  lua_pushcfunction(L, l_help_stub);
  lua_setfield(L, base, "help");

  /* string: everything but dump; the strings' metatable is locked. */
  lua_getfield(L, g, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  vista_push_readonly(L, -1, "string", string_removed);
  lua_setfield(L, base, "string");
  lua_pop(L, 1);
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushliteral(L, "string");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);

  static const char *const plain_libs[] = {"table", "math", "utf8", NULL};
  for (const char *const *p = plain_libs; *p; p++) {
    lua_getfield(L, g, *p);
    vista_push_readonly(L, -1, *p, NULL);
    lua_setfield(L, base, *p);
    lua_pop(L, 1);
  }

  lua_getfield(L, g, "os");
  keep_only(L, -1, os_allowed);
  vista_push_readonly(L, -1, "os", os_removed);
  lua_setfield(L, base, "os");
  lua_pop(L, 1);

  /* coroutine: create sets the hook; resume and close check the C stack;
   * wrap, xpcall and collectgarbage come from stdlib/vista/sandbox.lua. */
  lua_getfield(L, g, "coroutine");
  int co = lua_gettop(L);
  lua_pushcfunction(L, l_co_create);
  lua_setfield(L, co, "create");
  guard_field(L, co, "resume");
  guard_field(L, co, "close");
  lua_getfield(L, g, "pcall");
  lua_pushcclosure(L, l_pcall, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, g, "pcall"); /* the prelude's xpcall uses it too */
  lua_setfield(L, base, "pcall");
  const vista_embedded *e = vista_find_embedded("stdlib/vista/sandbox.lua");
  if (!e)
    luaL_error(L, "stdlib/vista/sandbox.lua is missing from the binary");
  if (luaL_loadbufferx(L, e->data, e->size, "@stdlib/vista/sandbox.lua",
                       "t") != LUA_OK)
    lua_error(L);
  lua_pushvalue(L, g); /* the prelude sees the full libraries */
  lua_setupvalue(L, -2, 1);
  lua_call(L, 0, 1);
  lua_getfield(L, -1, "wrap");
  lua_setfield(L, co, "wrap");
  lua_getfield(L, -1, "xpcall");
  lua_setfield(L, base, "xpcall");
  lua_getfield(L, -1, "collectgarbage");
  lua_setfield(L, base, "collectgarbage");
  lua_pop(L, 1);
  vista_push_readonly(L, co, "coroutine", NULL);
  lua_setfield(L, base, "coroutine");
  lua_pop(L, 1);

  /* The global vista table: the models and vista.sql. */
  push_vista_table(L, s);
  lua_setfield(L, base, "vista");

  lua_settop(L, g - 1);
}


/* The environment scripts of this sandbox run in (the REPL shares one). */
static void new_script_env(lua_State *L) {
  push_new_env(L);
  lua_setfield(L, LUA_REGISTRYINDEX, VISTA_ENV_KEY);
}

int vista_sandbox_setup(lua_State *L) {
  vista_session *s = lua_touserdata(L, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, "vista.session");
  register_preload(L);
  build_base(L, s);
  new_script_env(L);
  return 0;
}
