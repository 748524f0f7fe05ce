/* fuzz_strategy.c: the strategy-file reader (stdlib/vista/strategy_file.lua
 * in the sandbox, then the C side that checks and stores what it returns),
 * as `vista import strategy FILE --check` runs it. The input is the file's
 * contents. One sandbox serves the whole process (a fresh state per input
 * would cost more than the input); each input runs under small limits so
 * that a loop in the file costs milliseconds, not the fuzzer's timeout.
 *
 * Promises checked: the file is accepted, or refused with VISTA_ERR_INPUT
 * (problems or a Lua error) or VISTA_ERR_LIMIT, always with a one-line
 * message; each problem is one line; nothing is stored (--check). */
#include <lua.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"
#include "internal.h"
#include "sandbox.h"
#include "strategy.h"

static vista_session *s;
static vista_sandbox *sb;

static const char seed_sql[] =
    "INSERT INTO institution(id, erasmus_code, name, country, city)"
    " VALUES (1, 'B  ANTWERP77', 'Scheldeland VET College', 'BE',"
    " 'Antwerpen');";

static void on_problem(void *ud, const char *msg) {
  (void)ud;
  fuzz_check_message("problem", msg);
}

static void open_once(void) {
  /* Per input: 2 million VM steps, 64 MiB, one second (the fuzzer's own
   * timeout is longer, so a limit that fails to stop shows as a hang). */
  static const vista_limits limits = {2000000, (size_t)64 << 20, 1.0, NULL};
  if (vista_session_new(&s, ":memory:") != VISTA_OK ||
      vista_store_open(s) != VISTA_OK ||
      sqlite3_exec(vista_store_db(s), seed_sql, NULL, NULL, NULL) !=
          SQLITE_OK ||
      vista_sandbox_new(&sb, s, &limits, 0) != VISTA_OK)
    fuzz_fail("cannot set up: %s", vista_errmsg(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!sb)
    open_once();
  lua_State *L = vista_sandbox_lua(sb);
  int top = lua_gettop(L);
  vista_strategy_report r;
  int rc = vista_strategy_import_text(s, sb, "fuzz.lua", (const char *)data,
                                      size, 1, on_problem, NULL, &r);
  fuzz_say("status %d: %s", rc, rc ? vista_errmsg(s) : "");
  if (rc != VISTA_OK) {
    fuzz_check_message("import", vista_errmsg(s));
    if (rc != VISTA_ERR_INPUT && rc != VISTA_ERR_LIMIT)
      fuzz_fail("status %d: %s", rc, vista_errmsg(s));
  }
  if (lua_gettop(L) != top)
    fuzz_fail("the Lua stack grew from %d to %d", top, lua_gettop(L));
  if (!sqlite3_get_autocommit(vista_store_db(s)))
    fuzz_fail("a transaction was left open");
  /* What a file left in the state is garbage now: collect it, so that
   * memory stays flat over millions of inputs. */
  lua_gc(L, LUA_GCCOLLECT);
  return 0;
}
