/* sandbox_lib.h: what sandbox.c (the state, its limits, running) and
 * sandbox_lib.c (the library set, environments, require) share. */
#ifndef VISTA_SANDBOX_LIB_H
#define VISTA_SANDBOX_LIB_H

#include <lua.h>

#include "embedded.h"
#include "sandbox.h"

/* Registry keys: the environment scripts run in, and the running script's
 * directory (where require looks for its own modules). */
#define VISTA_ENV_KEY "vista.env"
#define VISTA_SCRIPT_DIR_KEY "vista.script_dir"

/* The sandbox that owns L (or any of its threads). */
vista_sandbox *vista_sandbox_of(lua_State *L);

/* Sets the limit hook on a thread (every thread needs its own). */
void vista_sandbox_arm_hook(lua_State *L);

/* Raises "C stack overflow" when the real C stack is past the limit
 * [-0, +0, e]. */
void vista_sandbox_check_cstack(lua_State *L);

/* Raises the pending stop, if any [-0, +0, e]. */
void vista_sandbox_raise_if_stopped(lua_State *L);

/* The protected set-up of a new state: argument 1 is the session as a
 * light userdata. Builds the base, the preload table and the environment. */
int vista_sandbox_setup(lua_State *L);

/* A whole file in a new buffer (caller frees), or NULL with errno set. */
char *vista_read_file(const char *path, size_t *len);

/* Loads text (never binary); a "#!" first line is blanked, keeping line
 * numbers [-0, +1, -]. */
int vista_load_text(lua_State *L, char *text, size_t len,
                    const char *chunkname);

/* The embedded file of that name ("scripts/x.lua"), or NULL. */
const vista_embedded *vista_find_embedded(const char *name);

/* For the Lua module (lua_module.c), which loads the same modules into a
 * host's state: the opener of the C module of that name, or NULL. */
lua_CFunction vista_c_module(const char *name);

/* Pushes the loader of the stdlib module name ("vista.report": the
 * embedded file, or VISTA_STDLIB_PATH's), or returns 0 with a message
 * pushed saying where it looked [-0, +1, e]. */
int vista_find_stdlib(lua_State *L, const char *name);

#endif
