/* A fresh in-memory session and sandbox per test, and a helper to run a
 * chunk and read what it printed through a global. */
#ifndef SANDBOX_FIXTURE_H
#define SANDBOX_FIXTURE_H

#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sandbox.h"

typedef struct fixture {
  vista_session *s;
  vista_sandbox *sb;
} fixture;

static int fixture_with(void **state, vista_limits lim) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || vista_session_new(&f->s, ":memory:") != VISTA_OK ||
      vista_sandbox_new(&f->sb, f->s, &lim, 0) != VISTA_OK)
    return -1;
  *state = f;
  return 0;
}

static int fixture_setup(void **state) {
  vista_limits lim = {50000000, 256u << 20, 20.0, NULL};
  return fixture_with(state, lim);
}

static int fixture_teardown(void **state) {
  fixture *f = *state;
  vista_sandbox_free(f->sb);
  vista_session_free(f->s);
  free(f);
  return 0;
}

static int run(fixture *f, const char *chunk) {
  return vista_sandbox_run_string(f->sb, chunk, "=test", 0, NULL);
}

/* Runs `return EXPR` and returns its value as a string (static buffer). */
static const char *eval(fixture *f, const char *expr) {
  static char out[512];
  char chunk[1024];
  snprintf(chunk, sizeof chunk, "return tostring(%s)", expr);
  lua_State *L = vista_sandbox_lua(f->sb);
  int incomplete;
  if (vista_sandbox_load(f->sb, chunk, strlen(chunk), "=test", &incomplete) !=
          VISTA_OK ||
      vista_sandbox_call(f->sb, 0, 1) != VISTA_OK) {
    snprintf(out, sizeof out, "error: %s", vista_sandbox_errmsg(f->sb));
    return out;
  }
  snprintf(out, sizeof out, "%s", lua_tostring(L, -1));
  lua_pop(L, 1);
  return out;
}

#endif
