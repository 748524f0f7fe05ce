/* sandbox.h: the Lua state scripts run in, with its limits. */
#ifndef VISTA_SANDBOX_H
#define VISTA_SANDBOX_H

#include <lua.h>
#include <stdint.h>

#include "vista.h"

typedef struct vista_limits {
  int64_t max_steps; /* VM instructions per run; 0 = no limit */
  size_t max_mem;    /* bytes the Lua state may hold; 0 = no limit */
  double max_time;   /* wall seconds per run; 0 = no limit */
  const char *allow_write; /* a directory vista.output may write in, or
                              NULL (--allow-write) */
} vista_limits;

#define VISTA_DEFAULT_MAX_STEPS ((int64_t)500000000)
#define VISTA_DEFAULT_MAX_MEM ((size_t)512 * 1024 * 1024)
#define VISTA_DEFAULT_MAX_TIME 300.0

typedef struct vista_sandbox vista_sandbox;

/* Creates the state: capped allocator, curated libraries, the global vista
 * table bound to session s (borrowed; it must outlive the sandbox), the
 * stdlib in package preload, and the watchdog. trace adds a traceback to
 * error messages. */
int vista_sandbox_new(vista_sandbox **out, vista_session *s,
                      const vista_limits *limits, int trace);

/* Closes the state (finalizers run under the watchdog) and frees. NULL ok. */
void vista_sandbox_free(vista_sandbox *sb);

lua_State *vista_sandbox_lua(vista_sandbox *sb);

/* The path of the session's database (borrowed). */
const char *vista_sandbox_dbpath(const vista_sandbox *sb);

/* The last error: one line ("file:line: message"), borrowed. */
const char *vista_sandbox_errmsg(const vista_sandbox *sb);

/* Runs a script file, or the ready script with that name (scripts/NAME.lua
 * compiled into the binary) when name_or_path has no '/' and no file of
 * that name exists. argv[0..argc) reach it as ... and as arg[1..]. */
int vista_sandbox_run_script(vista_sandbox *sb, const char *name_or_path,
                             int argc, char **argv);

/* Runs a chunk of text given on the command line. */
int vista_sandbox_run_string(vista_sandbox *sb, const char *chunk,
                             const char *chunkname, int argc, char **argv);

/* Lists the ready scripts, one per call of fn: the name, and the one-line
 * description from the script's first line ("-- NAME: description"; empty
 * if it has none). Both are borrowed for the call. */
void vista_sandbox_list_scripts(void (*fn)(void *ud, const char *name,
                                            const char *description),
                                void *ud);

/* For the REPL. Loads text as a function in the session's environment
 * [-0, +1 on success, -0 on failure]. Returns VISTA_OK, or VISTA_ERR with
 * the message set; *incomplete is 1 when the text only lacks its end. */
int vista_sandbox_load(vista_sandbox *sb, const char *text, size_t len,
                       const char *chunkname, int *incomplete);

/* Calls the function below nargs arguments with the limits armed
 * [-(nargs+1), +nresults or LUA_MULTRET on success, -0 on failure].
 * VISTA_ERR_LIMIT when a limit stopped it or it was interrupted. */
int vista_sandbox_call(vista_sandbox *sb, int nargs, int nresults);

/* Ctrl-C: while installed, SIGINT stops the running chunk (a second one
 * ends the process, as in lua.c). */
void vista_sandbox_catch_sigint(vista_sandbox *sb, int on);

#endif
