/* json_lua.c: require "vista.json", the JSON writer of json.c for Lua
 * values; vista.format's json is this one too. What is an array and what
 * an object:
 * - a table marked by json.array(t), or whose metatable says
 *   __jsontype = "array" (vista.sql's rows do), is an array of t[1..#t],
 *   even when empty: [];
 * - a table marked by json.object(t [, keys]) (__jsontype = "object") is an
 *   object, even when it has only keys 1..n; with keys (__jsonorder) it has
 *   exactly those keys, in that order, a missing value written as null;
 * - any other table is an array when its keys are exactly 1..n with n > 0,
 *   else an object with its keys sorted (bytewise). An empty table that is
 *   not marked is ambiguous and is written {}: mark the lists.
 * Keys are strings or numbers (written as text); nil is null; a function,
 * userdata or coroutine, or a table inside itself, is an error.
 * Entry point: luaopen_vista_json. */
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "json.h"

#define WRITER_MT "vista.JsonWriter"
#define ARRAY_MT "vista.json.array"
#define OBJECT_MT "vista.json.object"

enum { KIND_ARRAY, KIND_OBJECT, KIND_ORDERED, KIND_NONE };

/* A key of an object, as text for sorting. A string key's s points into
 * the string, which is a key of the table being written and so lives as
 * long as the write; a number's text is in text (see key_text). */
typedef struct key {
  const char *s;
  size_t n;
  int is_string;
  lua_Number d;
  lua_Integer i;
  int is_integer;
  char text[32];
} key;

/* The writer lives in a userdata, so that an error raised halfway through
 * a value frees its buffer through the collector. */
static int writer_release(lua_State *L) {
  vista_json *j = luaL_checkudata(L, 1, WRITER_MT);
  vista_json_free(j);
  return 0;
}

static int writer_tostring(lua_State *L) {
  luaL_checkudata(L, 1, WRITER_MT);
  lua_pushfstring(L, "vista.JsonWriter (%p)", lua_topointer(L, 1));
  return 1;
}

/* Pushes a new writer [-0, +1, m]. */
static vista_json *push_writer(lua_State *L, int lines) {
  vista_json *j = lua_newuserdatauv(L, sizeof *j, 0);
  vista_json_init(j, lines);
  luaL_setmetatable(L, WRITER_MT);
  return j;
}

/* What the metatable of the table at idx says it is [-0, +0, -]. */
static int marked_kind(lua_State *L, int idx) {
  if (!lua_getmetatable(L, idx))
    return KIND_NONE;
  int kind = KIND_NONE;
  lua_pushliteral(L, "__jsontype");
  lua_rawget(L, -2);
  const char *t = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  if (strcmp(t, "array") == 0) {
    kind = KIND_ARRAY;
  } else if (strcmp(t, "object") == 0) {
    lua_pushliteral(L, "__jsonorder");
    kind = lua_rawget(L, -3) == LUA_TTABLE ? KIND_ORDERED : KIND_OBJECT;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  return kind;
}

/* Whether the unmarked table at idx has exactly the keys 1..n, n > 0
 * [-0, +0, -]. */
static int is_sequence(lua_State *L, int idx) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  lua_Integer count = 0;
  int ok = n > 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (!ok || !lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
        lua_tointeger(L, -1) > n) {
      ok = 0;
      continue; /* lua_next needs the key; keep walking to the end */
    }
    count++;
  }
  return ok && count == n;
}

/* The text of k; not a pointer kept in k, since qsort moves keys. */
static const char *key_text(const key *k) {
  return k->is_string ? k->s : k->text;
}

static int compare_keys(const void *a, const void *b) {
  const key *x = a;
  const key *y = b;
  size_t n = x->n < y->n ? x->n : y->n;
  int c = memcmp(key_text(x), key_text(y), n);
  return c ? c : (x->n > y->n) - (x->n < y->n);
}

static void encode(lua_State *L, vista_json *j, int idx, int seen);

/* The key on top of the stack as text into k; a number's text is kept in
 * k itself [-0, +0, e]. */
static void key_of(lua_State *L, key *k) {
  memset(k, 0, sizeof *k);
  switch (lua_type(L, -1)) {
  case LUA_TSTRING:
    k->s = lua_tolstring(L, -1, &k->n);
    k->is_string = 1;
    break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, -1)) {
      k->i = lua_tointeger(L, -1);
      k->is_integer = 1;
      k->n = (size_t)snprintf(k->text, sizeof k->text, LUA_INTEGER_FMT,
                              (LUAI_UACINT)k->i);
    } else {
      k->d = lua_tonumber(L, -1);
      k->n = vista_json_number_text(k->text, (double)k->d);
    }
    break;
  default:
    luaL_error(L, "cannot write a %s key as JSON", luaL_typename(L, -1));
  }
}

/* Pushes the key k back as the Lua value it was [-0, +1, m]. */
static void push_key(lua_State *L, const key *k) {
  if (k->is_string)
    lua_pushlstring(L, k->s, k->n);
  else if (k->is_integer)
    lua_pushinteger(L, k->i);
  else
    lua_pushnumber(L, k->d);
}

/* An object of every key, sorted [-0, +0, e]. */
static void encode_object(lua_State *L, vista_json *j, int idx, int seen) {
  size_t n = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    n++;
  }
  key *keys = lua_newuserdatauv(L, (n ? n : 1) * sizeof *keys, 0);
  size_t i = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) { /* the same walk again: the same n keys */
    lua_pop(L, 1);
    key_of(L, &keys[i++]);
  }
  qsort(keys, i, sizeof *keys, compare_keys);
  for (size_t k = 1; k < i; k++)
    if (compare_keys(&keys[k - 1], &keys[k]) == 0) {
      lua_pushlstring(L, key_text(&keys[k]), keys[k].n);
      luaL_error(L, "cannot write a table with the key '%s' as a number and "
                    "as a string as JSON",
                 lua_tostring(L, -1));
    }
  vista_json_begin_object(j);
  for (size_t k = 0; k < i; k++) {
    vista_json_key(j, key_text(&keys[k]), keys[k].n);
    push_key(L, &keys[k]);
    lua_rawget(L, idx);
    encode(L, j, lua_gettop(L), seen);
    lua_pop(L, 1);
  }
  vista_json_end_object(j);
  lua_pop(L, 1); /* keys */
}

/* An object of the keys listed in the metatable's __jsonorder, in order
 * [-0, +0, e]. */
static void encode_ordered(lua_State *L, vista_json *j, int idx, int seen) {
  lua_getmetatable(L, idx);
  lua_pushliteral(L, "__jsonorder");
  lua_rawget(L, -2);
  int order = lua_gettop(L);
  lua_Integer n = (lua_Integer)lua_rawlen(L, order);
  vista_json_begin_object(j);
  for (lua_Integer i = 1; i <= n; i++) {
    key k;
    lua_rawgeti(L, order, i);
    key_of(L, &k);
    vista_json_key(j, key_text(&k), k.n);
    lua_rawget(L, idx); /* pops the key, pushes the value */
    encode(L, j, lua_gettop(L), seen);
    lua_pop(L, 1);
  }
  vista_json_end_object(j);
  lua_pop(L, 2); /* order, metatable */
}

static void encode_table(lua_State *L, vista_json *j, int idx, int seen) {
  lua_pushvalue(L, idx);
  if (lua_rawget(L, seen) != LUA_TNIL)
    luaL_error(L, "cannot write a table that contains itself as JSON");
  lua_pop(L, 1);
  if (j->depth >= VISTA_JSON_MAX_DEPTH)
    luaL_error(L, "%s", "cannot write JSON nested deeper than 200 tables");
  luaL_checkstack(L, 8, "JSON nested too deeply");
  lua_pushvalue(L, idx);
  lua_pushboolean(L, 1);
  lua_rawset(L, seen);
  int kind = marked_kind(L, idx);
  if (kind == KIND_NONE)
    kind = is_sequence(L, idx) ? KIND_ARRAY : KIND_OBJECT;
  if (kind == KIND_ARRAY) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    vista_json_begin_array(j);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, idx, i);
      encode(L, j, lua_gettop(L), seen);
      lua_pop(L, 1);
    }
    vista_json_end_array(j);
  } else if (kind == KIND_ORDERED) {
    encode_ordered(L, j, idx, seen);
  } else {
    encode_object(L, j, idx, seen);
  }
  lua_pushvalue(L, idx);
  lua_pushnil(L);
  lua_rawset(L, seen);
}

/* Writes the value at idx; seen is the index of the set of tables being
 * written [-0, +0, e]. */
static void encode(lua_State *L, vista_json *j, int idx, int seen) {
  switch (lua_type(L, idx)) {
  case LUA_TNIL:
    vista_json_null(j);
    break;
  case LUA_TBOOLEAN:
    vista_json_bool(j, lua_toboolean(L, idx));
    break;
  case LUA_TNUMBER:
    if (lua_isinteger(L, idx))
      vista_json_int(j, (int64_t)lua_tointeger(L, idx));
    else
      vista_json_number(j, (double)lua_tonumber(L, idx));
    break;
  case LUA_TSTRING: {
    size_t n;
    const char *s = lua_tolstring(L, idx, &n);
    vista_json_string(j, s, n);
    break;
  }
  case LUA_TTABLE:
    encode_table(L, j, idx, seen);
    break;
  default:
    luaL_error(L, "cannot write a %s as JSON", luaL_typename(L, idx));
  }
  if (vista_json_status(j) != VISTA_OK)
    luaL_error(L, "%s", vista_json_errmsg(j));
}

/* json.encode(value [, {lines = true}]) -> string */
static int l_encode(lua_State *L) {
  luaL_checkany(L, 1);
  int lines = 0;
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 2, "lines");
    lines = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  lua_settop(L, 1);
  lua_newtable(L); /* 2: the tables being written */
  vista_json *j = push_writer(L, lines); /* 3 */
  encode(L, j, 1, 2);
  size_t len;
  const char *text = vista_json_text(j, &len);
  lua_pushlstring(L, text, len);
  vista_json_free(j);
  return 1;
}

/* Makes sure there is a table at 1 (a new one when absent) that has no
 * metatable, or one marking it as what already [-0, +0, e]. */
static void check_markable(lua_State *L, const char *what) {
  if (lua_isnoneornil(L, 1)) {
    lua_settop(L, 0);
    lua_newtable(L);
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  if (lua_getmetatable(L, 1)) {
    lua_pushliteral(L, "__jsontype");
    lua_rawget(L, -2);
    const char *t = lua_tostring(L, -1);
    if (!t || strcmp(t, what) != 0)
      luaL_argerror(L, 1, "the table already has a metatable");
    lua_pop(L, 2);
  }
}

/* json.array([t]) -> t, written as an array even when empty */
static int l_array(lua_State *L) {
  check_markable(L, "array");
  lua_settop(L, 1);
  luaL_getmetatable(L, ARRAY_MT);
  lua_setmetatable(L, 1);
  return 1;
}

/* json.object([t [, keys]]) -> t, written as an object even when it has
 * only keys 1..n; with keys, exactly those keys in that order */
static int l_object(lua_State *L) {
  if (!lua_isnoneornil(L, 2))
    luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  if (lua_isnil(L, 1)) {
    lua_newtable(L);
    lua_replace(L, 1);
  }
  check_markable(L, "object");
  if (lua_isnil(L, 2)) {
    luaL_getmetatable(L, OBJECT_MT);
  } else {
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "object");
    lua_setfield(L, -2, "__jsontype");
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "__jsonorder");
  }
  lua_setmetatable(L, 1);
  lua_settop(L, 1);
  return 1;
}

/* json.number(x) -> the text of x as every output writes a number: the
 * fewest digits that read back as x; nil when x is not finite */
static int l_number(lua_State *L) {
  luaL_checktype(L, 1, LUA_TNUMBER);
  if (lua_isinteger(L, 1)) {
    lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, 1));
    return 1;
  }
  char text[32];
  lua_Number d = lua_tonumber(L, 1);
  if (d != d || d - d != 0) { /* NaN, or an infinity */
    lua_pushnil(L);
    return 1;
  }
  size_t n = vista_json_number_text(text, (double)d);
  lua_pushlstring(L, text, n);
  return 1;
}

int luaopen_vista_json(lua_State *L) {
  static const luaL_Reg fns[] = {
      {"array", l_array},
      {"encode", l_encode},
      {"number", l_number},
      {"object", l_object},
      {NULL, NULL},
  };
  if (luaL_newmetatable(L, WRITER_MT)) {
    lua_pushcfunction(L, writer_release);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, writer_release);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, writer_tostring);
    lua_setfield(L, -2, "__tostring");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, ARRAY_MT)) {
    lua_pushliteral(L, "array");
    lua_setfield(L, -2, "__jsontype");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, OBJECT_MT)) {
    lua_pushliteral(L, "object");
    lua_setfield(L, -2, "__jsontype");
  }
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  return 1;
}
