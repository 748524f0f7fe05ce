/* Unit tests of the sandbox: the library set, strict globals, read-only
 * tables, and the limits where they are easy to slip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>

#include "sandbox_fixture.h"

#define LIMIT_MSG(kind) "script exceeded the " kind " limit"

static void expect_error(fixture *f, const char *chunk, const char *text) {
  int rc = run(f, chunk);
  if (rc == VISTA_OK)
    fail_msg("expected an error containing '%s' from: %s", text, chunk);
  if (!strstr(vista_sandbox_errmsg(f->sb), text))
    fail_msg("expected '%s', got '%s'", text, vista_sandbox_errmsg(f->sb));
}

static void test_sandbox_runs_plain_lua(void **state) {
  fixture *f = *state;
  assert_string_equal(eval(f, "1 + 1"), "2");
  assert_string_equal(eval(f, "math.type(2^53 // 1)"), "float");
  assert_string_equal(eval(f, "utf8.len('Αθήνα')"), "5");
  assert_string_equal(eval(f, "select('#', table.unpack({1, 2, 3}))"), "3");
}

static void test_sandbox_removes_dangerous_functions(void **state) {
  fixture *f = *state;
  expect_error(f, "os.execute('touch /tmp/vista_sandbox_x')",
               "test:1: 'os.execute' is not available");
  expect_error(f, "os.remove('x')", "'os.remove' is not available");
  expect_error(f, "os.exit(0)", "'os.exit' is not available");
  expect_error(f, "io.open('x', 'w')", "'io' is not available");
  expect_error(f, "dofile('x')", "'dofile' is not available");
  expect_error(f, "loadfile('x')", "'loadfile' is not available");
  expect_error(f, "debug.getinfo(1)", "'debug' is not available");
  expect_error(f, "package.loadlib('x', 'y')", "'package' is not available");
  expect_error(f, "string.dump(print)", "'string.dump' is not available");
  expect_error(f, "collectgarbage('stop')", "is not available");
  assert_string_equal(eval(f, "type(os.time())"), "number");
  assert_string_equal(eval(f, "type(os.getenv('HOME'))"), "string");
}

static void test_sandbox_refuses_binary_chunks(void **state) {
  fixture *f = *state;
  expect_error(f, "load('x = 1', 'c', 'b')", "binary chunks are not allowed");
  assert_string_equal(eval(f, "select(2, load('\\27Lua'))"),
                      "attempt to load a binary chunk (mode is 't')");
  assert_string_equal(eval(f, "load('return 40 + 2')()"), "42");
}

static void test_sandbox_globals_are_strict_and_tables_read_only(void **st) {
  fixture *f = *st;
  expect_error(f, "print(undefined_name)", "test:1: undefined global "
                                           "'undefined_name'");
  expect_error(f, "vista.sql = nil", "attempt to modify read-only table "
                                     "'vista'");
  expect_error(f, "string.upper = nil", "read-only table 'string'");
  expect_error(f, "setmetatable(_G, nil)", "protected metatable");
  assert_string_equal(eval(f, "getmetatable('')"), "string");
  /* Globals a script sets are its own. */
  assert_int_equal(run(f, "answer = 42"), VISTA_OK);
  assert_string_equal(eval(f, "answer"), "42");
  assert_string_equal(eval(f, "rawequal(_G, _ENV)"), "true");
}

static void test_sandbox_read_only_tables_give_out_no_raw_table(void **st) {
  fixture *f = *st;
  /* pairs once returned the real table as its state. */
  expect_error(f, "local _, raw = pairs(vista) raw.sql = 1",
               "attempt to modify read-only table 'vista'");
  expect_error(f, "local it = pairs(vista) for _, m in it, nil, nil do "
                  "if type(m) == 'table' then m.x = 1 end end",
               "attempt to modify read-only table 'vista.");
  expect_error(f, "vista.benchmark.measures.learners = 1",
               "read-only table 'vista.benchmark.measures'");
  /* require gives the same read-only model as the global. */
  expect_error(f, "require('vista.mobility').figures = print",
               "read-only table 'vista.mobility'");
  assert_string_equal(eval(f, "require('vista.mobility') == vista.mobility"),
                      "true");
  /* Every table reachable from the read-only ones through pairs, the
   * iterator, next, rawget and getmetatable refuses writes, by assignment
   * and by rawset. */
  assert_string_equal(
      eval(f,
           "(function()\n"
           "  local seen, todo, n = {}, {vista, string, table, math, utf8, os,"
           "    coroutine, getmetatable('') or false}, 0\n"
           "  local function got(v)\n"
           "    if type(v) == 'table' and not seen[v] then\n"
           "      seen[v] = true todo[#todo + 1] = v end end\n"
           "  while #todo > 0 do\n"
           "    local t = table.remove(todo)\n"
           "    if type(t) == 'table' then\n"
           "      n = n + 1\n"
           "      if pcall(function() t.vista_probe = 1 end)"
           "        or pcall(rawset, t, 'vista_probe', 1) then\n"
           "        return 'writable' end\n"
           "      local it, state, init = pairs(t)\n"
           "      got(state) got(init) got(getmetatable(t))\n"
           "      got(select(2, it(nil, nil))) got(select(2, next(t)))\n"
           "      got(rawget(t, 'sql')) got(rawget(t, '\\0removed'))\n"
           "      for k, v in pairs(t) do got(k) got(v) end\n"
           "    end\n"
           "  end\n"
           "  return n > 10 and 'read-only' or 'too few'\n"
           "end)()"),
      "read-only");
  /* What a proxy hands out keeps its identity, and reads as the table. */
  assert_string_equal(eval(f, "vista.benchmark.measures == "
                              "vista.benchmark.measures"),
                      "true");
  assert_string_equal(eval(f, "table.concat(vista.benchmark.size_bands, ' ')"
                              " .. ' ' .. #vista.benchmark.size_bands"),
                      "1-19 20-49 50-99 100-249 250+ 5");
  assert_string_equal(eval(f, "(''):upper() .. ('x'):rep(2) .. "
                              "tostring(('')['\\0removed'])"),
                      "xxnil");
}

static void test_sandbox_step_limit_cannot_be_caught(void **state) {
  fixture *f = *state;
  expect_error(f, "while true do pcall(function() while true do end end) end",
               LIMIT_MSG("instruction"));
  expect_error(f,
               "while true do xpcall(function() while true do end end,"
               " function() while true do end end) end",
               LIMIT_MSG("instruction"));
  /* After a stop the sandbox is usable again (the shell goes on). */
  assert_string_equal(eval(f, "1 + 2"), "3");
}

static void test_sandbox_step_limit_counts_sql_steps(void **state) {
  fixture *f = *state;
  vista_sandbox_free(f->sb);
  vista_limits lim = {2000000, 256u << 20, 0.0, NULL}; /* no time limit */
  assert_int_equal(vista_sandbox_new(&f->sb, f->s, &lim, 0), VISTA_OK);
  int rc = run(f, "vista.sql('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
                  "SELECT x + 1 FROM c) SELECT count(*) FROM c')");
  assert_int_equal(rc, VISTA_ERR_LIMIT);
  assert_non_null(
      strstr(vista_sandbox_errmsg(f->sb), LIMIT_MSG("instruction")));
  /* The budget is per run: a bounded query runs in the next one. */
  assert_string_equal(
      eval(f, "vista.sql('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT "
              "x + 1 FROM c WHERE x < 1000) SELECT count(*) AS n FROM c')"
              "[1].n"),
      "1000");
}

static void test_sandbox_step_limit_reaches_coroutines(void **state) {
  fixture *f = *state;
  expect_error(f, "coroutine.wrap(function() while true do end end)()",
               LIMIT_MSG("instruction"));
  expect_error(f,
               "local co = coroutine.create(function() while true do end end)"
               " while true do coroutine.resume(co) end",
               LIMIT_MSG("instruction"));
  assert_string_equal(
      eval(f, "select(2, coroutine.resume(coroutine.create(function() "
              "coroutine.yield(7) end)))"),
      "7");
}

static void test_sandbox_memory_limit_stops_the_script(void **state) {
  fixture *f = *state;
  vista_sandbox_free(f->sb);
  vista_limits lim = {0, 16u << 20, 20.0, NULL};
  assert_int_equal(vista_sandbox_new(&f->sb, f->s, &lim, 0), VISTA_OK);
  int rc = run(f, "local ok = pcall(function() local t = {}"
                  " for i = 1, 1e8 do t[i] = i end end) print('not reached')");
  assert_int_equal(rc, VISTA_ERR_LIMIT);
  assert_non_null(strstr(vista_sandbox_errmsg(f->sb), LIMIT_MSG("memory")));
  expect_error(f, "local s = string.rep('x', 1e9)", LIMIT_MSG("memory"));
  /* Garbage alone does not reach the cap. */
  assert_int_equal(run(f, "for i = 1, 2e5 do local t = {i, tostring(i)} end"),
                   VISTA_OK);
}

static void test_sandbox_nested_coroutine_close_is_a_clean_error(void **st) {
  fixture *f = *st;
  /* Lua 5.4.4 bug: deeply nested coroutine.close overflows the C stack. */
  int rc = run(f,
               "local coro = false\n"
               "for i = 1, 30000 do\n"
               "  local previous = coro\n"
               "  coro = coroutine.create(function()\n"
               "    local cc <close> = setmetatable({}, {__close = function()\n"
               "      if previous then assert(coroutine.close(previous)) end\n"
               "    end})\n"
               "    coroutine.yield()\n"
               "  end)\n"
               "  assert(coroutine.resume(coro))\n"
               "end\n"
               "local ok, err = coroutine.close(coro)\n"
               "assert(not ok and err:find('C stack overflow'))\n");
  if (rc != VISTA_OK)
    fail_msg("%s", vista_sandbox_errmsg(f->sb));
}

static void test_sandbox_error_objects_become_text(void **state) {
  fixture *f = *state;
  expect_error(f, "error({})", "(error object is a table value)");
  expect_error(f, "error(setmetatable({}, {__tostring = function() "
                  "return 'custom' end}))",
               "custom");
  expect_error(f, "error('plain', 0)", "plain");
  expect_error(f, "error(setmetatable({}, {__tostring = function() "
                  "error('broken', 0) end}))",
               "(error object is a table value; its __tostring failed: "
               "broken)");
  expect_error(f, "error(setmetatable({}, {__tostring = function() "
                  "return {} end}))",
               "(error object is a table value; its __tostring returned a "
               "table, not a string)");
  expect_error(f, "error(setmetatable({}, {__tostring = function() "
                  "error(setmetatable({}, {__tostring = error})) end}))",
               "(error object is a table value; its __tostring failed)");
}

static void test_sandbox_runaway_tostring_is_a_limit(void **state) {
  fixture *f = *state;
  /* The error object's text is made under the limits: a __tostring that
   * never ends is a stop (exit status 3), not an error. */
  int rc = run(f, "error(setmetatable({}, {__tostring = function() "
                  "while true do end end}))");
  assert_int_equal(rc, VISTA_ERR_LIMIT);
  assert_non_null(
      strstr(vista_sandbox_errmsg(f->sb), LIMIT_MSG("instruction")));
  assert_string_equal(eval(f, "1 + 2"), "3");
}

static void test_sandbox_require_finds_the_stdlib(void **state) {
  fixture *f = *state;
  assert_string_equal(eval(f, "require('vista.format').json({1, 'a'})"),
                      "[1,\"a\"]");
  assert_string_equal(eval(f, "require('vista.format') == "
                              "require('vista.format')"),
                      "true");
  expect_error(f, "require('vista.nope')", "module 'vista.nope' not found");
  expect_error(f, "require('../etc/passwd')", "is not valid");
}

int main(void) {
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, \
                                                fixture_teardown)
      T(test_sandbox_runs_plain_lua),
      T(test_sandbox_removes_dangerous_functions),
      T(test_sandbox_refuses_binary_chunks),
      T(test_sandbox_globals_are_strict_and_tables_read_only),
      T(test_sandbox_read_only_tables_give_out_no_raw_table),
      T(test_sandbox_step_limit_cannot_be_caught),
      T(test_sandbox_step_limit_counts_sql_steps),
      T(test_sandbox_step_limit_reaches_coroutines),
      T(test_sandbox_memory_limit_stops_the_script),
      T(test_sandbox_nested_coroutine_close_is_a_clean_error),
      T(test_sandbox_error_objects_become_text),
      T(test_sandbox_runaway_tostring_is_a_limit),
      T(test_sandbox_require_finds_the_stdlib),
#undef T
  };
  return cmocka_run_group_tests_name("sandbox", tests, NULL, NULL);
}
