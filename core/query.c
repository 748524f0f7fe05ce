/* query.c: vista.sql, the read-only parameterised query scripts use.
 *
 * Read-only is enforced by SQLite, not by reading the SQL text: while a
 * script's statement is prepared, an authorizer denies every action that is
 * not a read (writes, schema changes, ATTACH, DETACH, transactions, PRAGMAs
 * that set something); the prepared statement must then also pass
 * sqlite3_stmt_readonly(). Exactly one statement is accepted. The same
 * authorizer lets a script call only the SQL functions on a list: a
 * function SQLite has is not for that reason safe to hand a script
 * (fts3_tokenizer returns a pointer into the library, an ASLR leak, and
 * with two arguments registers one). The engine's own statements are ours
 * and are not checked. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bind.h"
#include "internal.h"
#include "sandbox_lib.h"

/* PRAGMAs a script may run: reads, without an argument unless listed as
 * taking one (the name of a table or index). */
static const struct {
  const char *name;
  int takes_argument;
} readable_pragmas[] = {
    {"application_id", 0},   {"collation_list", 0},  {"compile_options", 0},
    {"database_list", 0},    {"encoding", 0},        {"foreign_key_check", 1},
    {"foreign_key_list", 1}, {"foreign_keys", 0},    {"freelist_count", 0},
    {"function_list", 0},    {"index_info", 1},      {"index_list", 1},
    {"index_xinfo", 1},      {"integrity_check", 0}, {"journal_mode", 0},
    {"module_list", 0},      {"page_count", 0},      {"page_size", 0},
    {"pragma_list", 0},      {"quick_check", 0},     {"schema_version", 0},
    {"table_info", 1},       {"table_list", 0},      {"table_xinfo", 1},
    {"user_version", 0},
};

static int pragma_is_read(const char *name, const char *arg) {
  for (size_t i = 0; i < sizeof readable_pragmas / sizeof readable_pragmas[0];
       i++)
    if (strcmp(name, readable_pragmas[i].name) == 0)
      return arg == NULL || readable_pragmas[i].takes_argument;
  return 0;
}

/* The SQL functions a script may call: SQLite's core scalar, aggregate
 * and window functions, date and time, math and JSON. Left out on purpose:
 * load_extension; fts3_tokenizer (above); sqlite_log, which writes to the
 * process's error log; and the full-text and R-tree helpers (fts5, bm25,
 * highlight, match, matchinfo, offsets, optimize, snippet, rtreecheck,
 * rtreedepth, rtreenode), for tables no script can create. */
static const char *const allowed_functions[] = {
    /* core scalar */
    "abs", "changes", "char", "coalesce", "concat", "concat_ws", "format",
    "glob", "hex", "ifnull", "iif", "instr", "last_insert_rowid", "length",
    "like", "likelihood", "likely", "lower", "ltrim", "max", "min",
    "nullif", "octet_length", "printf", "quote", "random", "randomblob",
    "replace", "round", "rtrim", "sign", "soundex", "sqlite_compileoption_get",
    "sqlite_compileoption_used", "sqlite_source_id", "sqlite_version",
    "substr", "substring", "total_changes", "trim", "typeof", "unhex",
    "unicode", "unlikely", "upper", "zeroblob",
    /* aggregate */
    "avg", "count", "group_concat", "string_agg", "sum", "total",
    /* window */
    "cume_dist", "dense_rank", "first_value", "lag", "last_value", "lead",
    "nth_value", "ntile", "percent_rank", "rank", "row_number",
    /* date and time */
    "current_date", "current_time", "current_timestamp", "date", "datetime",
    "julianday", "strftime", "time", "timediff", "unixepoch",
    /* math */
    "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil",
    "ceiling", "cos", "cosh", "degrees", "exp", "floor", "ln", "log",
    "log10", "log2", "mod", "pi", "pow", "power", "radians", "sin", "sinh",
    "sqrt", "tan", "tanh", "trunc",
    /* JSON */
    "->", "->>", "json", "json_array", "json_array_length", "json_extract",
    "json_group_array", "json_group_object", "json_insert", "json_object",
    "json_patch", "json_quote", "json_remove", "json_replace", "json_set",
    "json_type", "json_valid",
};

static int function_allowed(const char *name) {
  for (size_t i = 0;
       i < sizeof allowed_functions / sizeof allowed_functions[0]; i++)
    if (strcasecmp(name, allowed_functions[i]) == 0)
      return 1;
  return 0;
}

/* What the authorizer is given: the session, and where it notes the first
 * function it refused, for the message. */
typedef struct auth_context {
  vista_session *s;
  char refused_function[64];
} auth_context;

static int authorize(void *ud, int action, const char *a, const char *b,
                     const char *db, const char *trigger) {
  auth_context *ctx = ud;
  /* A scoped session's rules first (scope.c). */
  int scope = vista_scope_check(ctx->s, action, a, b, db, trigger);
  if (scope != SQLITE_OK)
    return scope;
  switch (action) {
  case SQLITE_SELECT:
  case SQLITE_READ:
  case SQLITE_RECURSIVE:
    return SQLITE_OK;
  case SQLITE_FUNCTION:
    if (b && function_allowed(b))
      return SQLITE_OK;
    if (!ctx->refused_function[0])
      snprintf(ctx->refused_function, sizeof ctx->refused_function, "%s",
               b ? b : "?");
    return SQLITE_DENY;
  case SQLITE_PRAGMA:
    return a && pragma_is_read(a, b) ? SQLITE_OK : SQLITE_DENY;
  default:
    return SQLITE_DENY;
  }
}

/* A statement owned by a userdata, so that an error raised while results
 * are built (out of memory, a limit) still finalizes it. */
typedef struct statement {
  sqlite3_stmt *st;
} statement;

static const char STATEMENT_MT[] = "vista.Statement";

static int statement_gc(lua_State *L) {
  statement *box = luaL_checkudata(L, 1, STATEMENT_MT);
  sqlite3_finalize(box->st);
  box->st = NULL;
  return 0;
}

/* Creates the statement metatable the first time [-0, +0, m]. */
static void statement_meta(lua_State *L) {
  if (luaL_newmetatable(L, STATEMENT_MT)) {
    lua_pushcfunction(L, statement_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, statement_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_pop(L, 1);
}

/* Prepares sql into a new statement box under the read-only authorizer
 * [-0, +1, e]. */
static sqlite3_stmt *prepare_readonly(lua_State *L, vista_session *s,
                                      const char *sql, size_t len) {
  sqlite3 *db = vista_store_db(s);
  statement_meta(L);
  statement *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->st = NULL;
  luaL_setmetatable(L, STATEMENT_MT);
  const char *tail = NULL;
  auth_context ctx = {.s = s};
  sqlite3_set_authorizer(db, authorize, &ctx);
  int rc = sqlite3_prepare_v2(db, sql, (int)len, &box->st, &tail);
  vista_store_authorizer(s);
  if (rc == SQLITE_OK && box->st && tail && *tail) {
    /* Whatever follows must be nothing but space and comments. Preparing
     * it runs nothing. */
    sqlite3_stmt *extra = NULL;
    int more = sqlite3_prepare_v2(db, tail, (int)(len - (size_t)(tail - sql)),
                                  &extra, NULL);
    sqlite3_finalize(extra);
    if (more != SQLITE_OK || extra)
      luaL_error(L, "vista.sql takes exactly one statement");
  }
  if (rc != SQLITE_OK) {
    if (ctx.refused_function[0])
      luaL_error(L, "vista.sql: the SQL function %s() is not available in "
                    "vista scripts",
                 ctx.refused_function);
    if (sqlite3_errcode(db) == SQLITE_AUTH && s->scope_id)
      luaL_error(L, "vista.sql: %s (a session scoped to %s reads its own "
                    "records; others' only through vista.benchmark and "
                    "vista.consortium)", sqlite3_errmsg(db), s->scope_name);
    if (sqlite3_errcode(db) == SQLITE_AUTH)
      luaL_error(L, "vista.sql is read-only: %s", sqlite3_errmsg(db));
    luaL_error(L, "%s", sqlite3_errmsg(db));
  }
  if (!box->st)
    luaL_error(L, "vista.sql: no statement in the query");
  if (!sqlite3_stmt_readonly(box->st))
    luaL_error(L, "vista.sql is read-only: the statement would write");
  return box->st;
}

static void bind_value(lua_State *L, sqlite3 *db, sqlite3_stmt *st, int i,
                       int idx) {
  int rc;
  switch (lua_type(L, idx)) {
  case LUA_TNIL:
  case LUA_TNONE:
    rc = sqlite3_bind_null(st, i);
    break;
  case LUA_TBOOLEAN:
    rc = sqlite3_bind_int(st, i, lua_toboolean(L, idx));
    break;
  case LUA_TNUMBER:
    rc = lua_isinteger(L, idx)
             ? sqlite3_bind_int64(st, i, (sqlite3_int64)lua_tointeger(L, idx))
             : sqlite3_bind_double(st, i, lua_tonumber(L, idx));
    break;
  case LUA_TSTRING: {
    size_t n;
    const char *p = lua_tolstring(L, idx, &n);
    rc = sqlite3_bind_text64(st, i, p, n, SQLITE_TRANSIENT, SQLITE_UTF8);
    break;
  }
  default:
    luaL_error(L, "vista.sql: cannot bind a %s to parameter %d",
               luaL_typename(L, idx), i);
    return;
  }
  if (rc != SQLITE_OK)
    luaL_error(L, "vista.sql: parameter %d: %s", i, sqlite3_errmsg(db));
}

/* Binds ? and :name parameters: from a table when the only argument after
 * the query is one, else from the arguments in order. */
static void bind_all(lua_State *L, sqlite3 *db, sqlite3_stmt *st, int nargs) {
  int count = sqlite3_bind_parameter_count(st);
  if (nargs == 1 && lua_istable(L, 2)) {
    for (int i = 1; i <= count; i++) {
      const char *name = sqlite3_bind_parameter_name(st, i);
      if (!name || name[0] == '?')
        lua_geti(L, 2, i);
      else
        lua_getfield(L, 2, name + 1);
      /* Every value must be there: a typo must not bind NULL. */
      if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        if (name)
          luaL_error(L, "vista.sql: no value for parameter %s", name);
        luaL_error(L, "vista.sql: no value for parameter %d", i);
      }
      bind_value(L, db, st, i, -1);
      lua_pop(L, 1);
    }
    return;
  }
  if (nargs != count)
    luaL_error(L, "vista.sql: the query has %d parameter%s, %d value%s given",
               count, count == 1 ? "" : "s", nargs, nargs == 1 ? "" : "s");
  for (int i = 1; i <= count; i++)
    bind_value(L, db, st, i, i + 1);
}

static void push_column(lua_State *L, sqlite3_stmt *st, int c) {
  switch (sqlite3_column_type(st, c)) {
  case SQLITE_INTEGER:
    lua_pushinteger(L, (lua_Integer)sqlite3_column_int64(st, c));
    break;
  case SQLITE_FLOAT:
    lua_pushnumber(L, sqlite3_column_double(st, c));
    break;
  case SQLITE_NULL:
    lua_pushnil(L);
    break;
  default: {
    const void *p = sqlite3_column_blob(st, c);
    lua_pushlstring(L, p ? p : "", (size_t)sqlite3_column_bytes(st, c));
  }
  }
}

/* __tostring of a result: the table the shell would show, rendered by the
 * stdlib's vista.format, so print(rows) and the shell agree; "(0 rows)" when
 * empty, as the shell says [-0, +1, e]. Without the sandbox's environment
 * (a host that is not ours) it says what it is and how many rows. */
static int l_rows_tostring(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
  if (n == 0) {
    lua_pushliteral(L, "(0 rows)");
    return 1;
  }
  if (lua_getfield(L, LUA_REGISTRYINDEX, VISTA_ENV_KEY) != LUA_TTABLE ||
      lua_getfield(L, -1, "require") != LUA_TFUNCTION) {
    lua_pushfstring(L, "vista.Rows (%I rows)", n);
    return 1;
  }
  lua_pushliteral(L, "vista.format");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "render");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  return 1;
}

void vista_push_rows(lua_State *L, sqlite3 *db, sqlite3_stmt *st) {
  int ncol = sqlite3_column_count(st);
  lua_newtable(L); /* rows */
  int rows = lua_gettop(L);
  lua_createtable(L, ncol, 0); /* column names */
  for (int c = 0; c < ncol; c++) {
    lua_pushstring(L, sqlite3_column_name(st, c));
    lua_rawseti(L, -2, c + 1);
  }
  int cols = lua_gettop(L);
  lua_Integer n = 0;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    lua_createtable(L, 0, ncol);
    for (int c = 0; c < ncol; c++) {
      push_column(L, st, c);
      lua_rawgeti(L, cols, c + 1);
      lua_insert(L, -2);
      lua_rawset(L, -3);
    }
    lua_rawseti(L, rows, ++n);
  }
  if (rc != SQLITE_DONE)
    luaL_error(L, "%s", sqlite3_errmsg(db));
  /* metatable {__name = "vista.Rows", __jsontype = "array" (JSON writes
   * no rows as []), __tostring = l_rows_tostring, __index = {columns = cols}} */
  lua_createtable(L, 0, 4);
  lua_pushliteral(L, "vista.Rows");
  lua_setfield(L, -2, "__name");
  lua_pushliteral(L, "array");
  lua_setfield(L, -2, "__jsontype");
  lua_pushcfunction(L, l_rows_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_createtable(L, 0, 1);
  lua_pushvalue(L, cols);
  lua_setfield(L, -2, "columns");
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, rows);
  lua_pop(L, 1); /* cols */
}

sqlite3_stmt *vista_push_statement(lua_State *L, sqlite3 *db,
                                   const char *sql) {
  statement_meta(L);
  statement *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->st = NULL;
  luaL_setmetatable(L, STATEMENT_MT);
  if (sqlite3_prepare_v2(db, sql, -1, &box->st, NULL) != SQLITE_OK)
    luaL_error(L, "%s", sqlite3_errmsg(db));
  return box->st;
}

sqlite3_stmt *vista_push_trusted_statement(lua_State *L, vista_session *s,
                                           const char *sql) {
  statement_meta(L);
  statement *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->st = NULL;
  luaL_setmetatable(L, STATEMENT_MT);
  s->trusted++;
  int rc = sqlite3_prepare_v2(s->db, sql, -1, &box->st, NULL);
  s->trusted--;
  if (rc != SQLITE_OK)
    luaL_error(L, "%s", sqlite3_errmsg(s->db));
  return box->st;
}

void vista_finish_statement(lua_State *L, int idx) {
  statement *box = luaL_checkudata(L, idx, STATEMENT_MT);
  sqlite3_finalize(box->st);
  box->st = NULL;
}

/* vista.sql(query, ...) -> rows: an array of row tables (column -> value),
 * whose metatable gives rows.columns, the column names in order. */
static int l_sql(lua_State *L) {
  size_t len;
  const char *sql = luaL_checklstring(L, 1, &len);
  int nargs = lua_gettop(L) - 1;
  vista_session *s = vista_bind_session(L);
  sqlite3 *db = vista_store_db(s);
  sqlite3_stmt *st = prepare_readonly(L, s, sql, len);
  int box = lua_gettop(L);
  bind_all(L, db, st, nargs);
  vista_push_rows(L, db, st);
  vista_finish_statement(L, box);
  return 1;
}

int luaopen_vista_sql(lua_State *L) {
  statement_meta(L);
  lua_pushcfunction(L, l_sql);
  return 1;
}
