/* bind.h: helpers shared by the Lua bindings, and their openers. */
#ifndef VISTA_BIND_H
#define VISTA_BIND_H

#include <lauxlib.h>
#include <lua.h>

#include "vista.h"

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

/* Openers, listed once in sandbox.c. */
int luaopen_vista_sql(lua_State *L);

#endif
