/* lua_coverage.h: Lua line coverage for the coverage build (see
 * lua_coverage.c). */
#ifndef VISTA_LUA_COVERAGE_H
#define VISTA_LUA_COVERAGE_H

#include <lua.h>

/* LUA_MASKLINE when VISTA_LUA_COVERAGE is set, else 0. */
int vista_lua_coverage_mask(void);
/* Called by the sandbox's hook on a line event. */
void vista_lua_coverage_line(lua_State *L, lua_Debug *ar);

#endif
