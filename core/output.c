/* output.c: vista.output(path), the one way a script writes a file.
 *
 * A script may write only where the user said so on the command line: the
 * path given to it as --out FILE, or a file inside the directory given as
 * vista --allow-write DIR (checked on the real path, so '..' and symbolic
 * links do not lead out). The file is written beside its final name and
 * renamed into place by close(), so a script stopped halfway leaves the
 * old file as it was. */
/* realpath() is X/Open, beyond the POSIX level the build asks for. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "bind.h"

typedef struct output {
  FILE *f;
  char *path, *part;
} output;

static const char OUTPUT_MT[] = "vista.Output";

static void discard(output *o) {
  if (o->f) {
    fclose(o->f);
    o->f = NULL;
    remove(o->part);
  }
  free(o->path);
  free(o->part);
  o->path = o->part = NULL;
}

static int output_gc(lua_State *L) {
  discard(luaL_checkudata(L, 1, OUTPUT_MT));
  return 0;
}

static output *check_open(lua_State *L) {
  output *o = luaL_checkudata(L, 1, OUTPUT_MT);
  if (!o->f)
    luaL_error(L, "vista.output: the file is closed");
  return o;
}

/* out:write(text, ...) -> out */
static int output_write(lua_State *L) {
  output *o = check_open(L);
  int n = lua_gettop(L);
  for (int i = 2; i <= n; i++) {
    size_t len;
    const char *s = luaL_checklstring(L, i, &len);
    if (fwrite(s, 1, len, o->f) != len)
      return luaL_error(L, "vista.output: %s: %s", o->path, strerror(errno));
  }
  lua_settop(L, 1);
  return 1;
}

/* out:close() -> the path written */
static int output_close(lua_State *L) {
  output *o = check_open(L);
  int bad = fflush(o->f) != 0 || ferror(o->f);
  bad |= fclose(o->f) != 0;
  o->f = NULL;
  if (bad || rename(o->part, o->path) != 0) {
    int e = errno;
    remove(o->part);
    return luaL_error(L, "vista.output: %s: %s", o->path, strerror(e));
  }
  lua_pushstring(L, o->path);
  discard(o);
  return 1;
}

/* Whether path's directory is inside dir, both resolved. */
static int inside(const char *path, const char *dir) {
  char real_dir[PATH_MAX], real_parent[PATH_MAX], parent[PATH_MAX];
  if (!realpath(dir, real_dir))
    return 0;
  snprintf(parent, sizeof parent, "%s", path);
  char *slash = strrchr(parent, '/');
  if (slash == parent)
    parent[1] = '\0';
  else if (slash)
    *slash = '\0';
  else
    snprintf(parent, sizeof parent, ".");
  if (!realpath(parent, real_parent))
    return 0;
  size_t n = strlen(real_dir);
  return strncmp(real_parent, real_dir, n) == 0 &&
         (real_parent[n] == '\0' || real_parent[n] == '/' ||
          (n == 1 && real_dir[0] == '/'));
}

static int allowed(lua_State *L, const char *path) {
  int ok = 0;
  if (lua_getfield(L, LUA_REGISTRYINDEX, VISTA_OUT_FILES_KEY) == LUA_TTABLE) {
    lua_getfield(L, -1, path);
    ok = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  if (!ok && lua_getfield(L, LUA_REGISTRYINDEX, VISTA_ALLOW_WRITE_KEY) ==
                 LUA_TSTRING)
    ok = inside(path, lua_tostring(L, -1));
  lua_pop(L, 1);
  return ok;
}

int vista_l_output(lua_State *L) {
  size_t len;
  const char *path = luaL_checklstring(L, 1, &len);
  if (!len || path[len - 1] == '/' || strlen(path) != len)
    return luaL_error(L, "vista.output: '%s' is not a file name", path);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (!strcmp(base, ".") || !strcmp(base, ".."))
    return luaL_error(L, "vista.output: '%s' is not a file name", path);
  if (!allowed(L, path))
    return luaL_error(L, "vista.output: '%s' was not allowed: a script "
                         "writes only the file given to it as --out FILE, or "
                         "inside the directory of vista --allow-write DIR",
                      path);
  output *o = lua_newuserdatauv(L, sizeof *o, 0);
  memset(o, 0, sizeof *o);
  if (luaL_newmetatable(L, OUTPUT_MT)) {
    lua_pushcfunction(L, output_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, output_gc);
    lua_setfield(L, -2, "__close");
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, output_write);
    lua_setfield(L, -2, "write");
    lua_pushcfunction(L, output_close);
    lua_setfield(L, -2, "close");
    lua_setfield(L, -2, "__index");
  }
  lua_setmetatable(L, -2);
  o->path = strdup(path);
  o->part = malloc(len + 16);
  if (!o->path || !o->part)
    return luaL_error(L, "out of memory");
  snprintf(o->part, len + 16, "%s.vista-part", path);
  o->f = fopen(o->part, "wb");
  if (!o->f)
    return luaL_error(L, "vista.output: %s: %s", path, strerror(errno));
  return 1;
}
