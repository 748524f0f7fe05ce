/* bind.h: helpers shared by the Lua bindings, and their openers. */
#ifndef VISTA_BIND_H
#define VISTA_BIND_H

#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>

#include "vista.h"

/* Registry key of the session (a light userdata): set once by sandbox.c,
 * and around each call by the Lua module (lua_module.c). */
#define VISTA_SESSION_KEY "vista.session"

/* The session the state is bound to (set by sandbox.c). Opens the
 * database on first use and raises with the store's message if that fails
 * [-0, +0, e]. */
vista_session *vista_bind_session(lua_State *L);

/* Raises the session's error message as a Lua error [-0, +0, e]. */
int vista_bind_error(lua_State *L, vista_session *s);

/* Pushes a read-only proxy of the table at idx, named name in messages;
 * reading one of the removed fields says it is not available in the sandbox
 * [-0, +1, m]. */
void vista_push_readonly(lua_State *L, int idx, const char *name,
                         const char *const *removed);

/* Prepares sql (our own, not a script's) into a statement owned by a new
 * userdata on the stack, finalized by the collector if an error comes
 * first [-0, +1, e]. */
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
sqlite3_stmt *vista_push_statement(lua_State *L, sqlite3 *db,
                                   const char *sql);

/* The same for one of our aggregate statements that reads every
 * institution's rows: prepared past the scope's authorizer. Whatever it
 * returns about other institutions, the caller suppresses [-0, +1, e]. */
sqlite3_stmt *vista_push_trusted_statement(lua_State *L, vista_session *s,
                                           const char *sql);

/* Finalizes the statement of the userdata at idx now [-0, +0, -]. */
void vista_finish_statement(lua_State *L, int idx);

/* Steps st to the end and pushes its rows as vista.sql returns them
 * [-0, +1, e]. */
void vista_push_rows(lua_State *L, sqlite3 *db, sqlite3_stmt *st);

/* Runs sql (our own, without parameters) on the session's database and
 * pushes its rows as vista.sql returns them [-0, +1, e]. */
void vista_push_query(lua_State *L, const char *sql);
/* Registry key of the set of paths named on the command line. */
#define VISTA_NAMED_FILES_KEY "vista.named_files"
/* The paths given as --out to the script, and the --allow-write dir. */
#define VISTA_OUT_FILES_KEY "vista.out_files"
#define VISTA_ALLOW_WRITE_KEY "vista.allow_write"
/* Set (true) in a host's state by the Lua module: not a sandbox. */
#define VISTA_TRUSTED_HOST_KEY "vista.trusted_host"

/* Raises unless path was named by the user on the command line: scripts
 * read no other file [-0, +0, e]. */
void vista_check_named_file(lua_State *L, const char *path,
                            const char *what);

/* Sets n values into the table at idx under their columns' names, the
 * hidden ones left out and listed in a 'suppressed' array [-0, +0, m]. */
struct sup_column;
void vista_set_cells(lua_State *L, int idx, const struct sup_column *cols,
                     int n, const int64_t *v, const unsigned char *hidden);

/* Openers, listed once in sandbox.c. */
int luaopen_vista_sql(lua_State *L);
int luaopen_vista_mobility(lua_State *L);
int luaopen_vista_strategy(lua_State *L);
int luaopen_vista_partner(lua_State *L);
int luaopen_vista_indicator(lua_State *L);
int luaopen_vista_benchmark(lua_State *L);
/* vista.output(path) -> a file to write, where the user allowed it. */
int vista_l_output(lua_State *L);
int luaopen_vista_consortium(lua_State *L);
int luaopen_vista_org(lua_State *L);
int luaopen_vista_json(lua_State *L);

#endif
