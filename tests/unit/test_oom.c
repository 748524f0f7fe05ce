/* The out-of-memory loop, as SQLite's own tests do it: for N = 1, 2, ...
 * the Nth allocation of an operation and every later one fail (memory.c's
 * fault hook covers SQLite, the Lua state and vista's own buffers), until
 * the operation needs fewer than N and succeeds. At every N: a status, not
 * a crash; one clear line naming the memory; the database exactly as before
 * (a dump of the schema and of every row); no transaction left open; and
 * no leak (ASan's leak check, in the second pass of make test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "memory.h"
#include "mobility.h"
#include "sandbox.h"
#include "strategy.h"

static char dir[512];
static char pristine[600];
static char work[600];
static char source[512];
/* Which N: every one up to DENSE (opening, setting up: where most error
 * paths are), then about SPARSE more spread over the rest, so that a loop
 * runs in seconds; a failure path is reached from a run of consecutive N,
 * so each is still walked. OOM_STEP=1 tries every N (a minute under
 * ASan, no failure found at the time of writing). */
enum { DENSE = 600, SPARSE = 600 };
static int64_t fixed_step;

/* Appends text to a growing buffer; aborts the test on a real failure. */
static void put(char **buf, size_t *len, size_t *cap, const char *text) {
  size_t n = strlen(text);
  if (*len + n + 2 > *cap) {
    *cap = (*len + n + 2) * 2;
    *buf = realloc(*buf, *cap);
    assert_non_null(*buf);
  }
  memcpy(*buf + *len, text, n);
  *len += n;
  (*buf)[(*len)++] = '\n';
  (*buf)[*len] = '\0';
}

/* The database's content: its schema, then every row of every table in
 * rowid order, each value quoted by SQLite. Owned by the caller. */
static char *dump_db(sqlite3 *db) {
  char *out = NULL;
  size_t len = 0, cap = 0;
  sqlite3_stmt *tables, *rows;
  assert_int_equal(
      sqlite3_prepare_v2(db,
                         "SELECT type, name, sql FROM sqlite_schema"
                         " ORDER BY name",
                         -1, &tables, NULL),
      SQLITE_OK);
  while (sqlite3_step(tables) == SQLITE_ROW) {
    const char *type = (const char *)sqlite3_column_text(tables, 0);
    const char *name = (const char *)sqlite3_column_text(tables, 1);
    const char *sql = (const char *)sqlite3_column_text(tables, 2);
    put(&out, &len, &cap, sql ? sql : name);
    if (strcmp(type, "table") != 0 || !sql)
      continue;
    /* One row: the quoted values of its columns, joined by commas. */
    sqlite3_stmt *cols;
    char *info = sqlite3_mprintf("SELECT group_concat('quote(\"' || "
                                 "replace(name, '\"', '\"\"') || '\")', "
                                 "' || '','' || ') FROM pragma_table_info(%Q)",
                                 name);
    assert_int_equal(sqlite3_prepare_v2(db, info, -1, &cols, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(cols), SQLITE_ROW);
    char *select = sqlite3_mprintf("SELECT %s FROM \"%w\" ORDER BY 1",
                                   sqlite3_column_text(cols, 0), name);
    sqlite3_finalize(cols);
    sqlite3_free(info);
    assert_int_equal(sqlite3_prepare_v2(db, select, -1, &rows, NULL),
                     SQLITE_OK);
    while (sqlite3_step(rows) == SQLITE_ROW)
      put(&out, &len, &cap, (const char *)sqlite3_column_text(rows, 0));
    sqlite3_finalize(rows);
    sqlite3_free(select);
  }
  sqlite3_finalize(tables);
  return out;
}

static char *dump(const char *path) {
  sqlite3 *db;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
                   SQLITE_OK);
  char *out = dump_db(db);
  sqlite3_close(db);
  return out;
}

static int64_t data_version(sqlite3 *db) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

static void copy_file(const char *from, const char *to) {
  FILE *in = fopen(from, "rb");
  FILE *out = fopen(to, "wb");
  assert_non_null(in);
  assert_non_null(out);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, in)) > 0)
    assert_int_equal(fwrite(buf, 1, n, out), n);
  fclose(in);
  assert_int_equal(fclose(out), 0);
}

static void remove_db(const char *path) {
  char p[700];
  remove(path);
  snprintf(p, sizeof p, "%s-wal", path);
  remove(p);
  snprintf(p, sizeof p, "%s-shm", path);
  remove(p);
}

/* One operation on the session s, open on the database at work: its
 * status and message. */
typedef int (*operation)(vista_session *s, char *msg, size_t n);

/* Opening a database: a session of its own, the schema read, a query. */
static int open_database(vista_session *unused, char *msg, size_t n) {
  (void)unused;
  vista_session *s;
  int rc = vista_session_new(&s, work);
  if (rc != VISTA_OK) {
    snprintf(msg, n, "out of memory");
    return rc;
  }
  rc = vista_store_open(s);
  if (rc == VISTA_OK &&
      sqlite3_exec(vista_store_db(s), "SELECT count(*) FROM mobility", NULL,
                   NULL, NULL) != SQLITE_OK)
    rc = vista_seterr_sql(s, "count");
  snprintf(msg, n, "%s", rc == VISTA_OK ? "" : vista_errmsg(s));
  vista_session_free(s);
  return rc;
}

static int import_mobility(vista_session *s, char *msg, size_t n) {
  char path[700];
  snprintf(path, sizeof path, "%s/examples/own_list.csv", source);
  vista_mobility_options mo = {0};
  vista_mobility_report r;
  int rc = vista_mobility_import(s, path, &mo, NULL, NULL, &r);
  snprintf(msg, n, "%s", rc == VISTA_OK ? "" : vista_errmsg(s));
  return rc;
}

static void keep_problem(void *ud, const char *m) {
  snprintf(ud, VISTA_ERRMSG_SIZE, "%s", m);
}

static const vista_limits limits = {VISTA_DEFAULT_MAX_STEPS,
                                    VISTA_DEFAULT_MAX_MEM, 0, NULL};

static int import_strategy(vista_session *s, char *msg, size_t n) {
  char path[700], problem[VISTA_ERRMSG_SIZE] = "";
  snprintf(path, sizeof path, "%s/strategy.lua", dir);
  vista_strategy_report r;
  int rc =
      vista_strategy_import(s, path, 0, &limits, keep_problem, problem, &r);
  snprintf(msg, n, "%s", rc == VISTA_OK ? "" : vista_errmsg(s));
  if (rc != VISTA_OK && problem[0])
    snprintf(msg, n, "%s", problem);
  return rc;
}

/* A script file, run as vista run runs it (with an argument). */
static const char script[] =
    "local rows = vista.sql('SELECT sending_country AS c, sum("
    "participants) AS p FROM mobility_view GROUP BY c ORDER BY c')\n"
    "assert(#rows >= 1 and rows[1].p > 0)\n"
    "local f = vista.mobility.figures{by = 'year'}\n"
    "assert(#f >= 1 and arg[1] == 'year')\n"
    "local t = {}\n"
    "for i = 1, 200 do t[i] = string.rep('x', i) .. i end\n"
    "assert(#table.concat(t) > 20000)\n";

static int run_script(vista_session *s, char *msg, size_t n) {
  vista_sandbox *sb = NULL;
  char path[700];
  char *argv[] = {"year", NULL};
  snprintf(path, sizeof path, "%s/script.lua", dir);
  int rc = vista_sandbox_new(&sb, s, &limits, 0);
  if (rc == VISTA_OK)
    rc = vista_sandbox_run_script(sb, path, 1, argv);
  snprintf(msg, n, "%s",
           rc == VISTA_OK ? "" : sb ? vista_sandbox_errmsg(sb) : "out of memory");
  vista_sandbox_free(sb);
  return rc;
}

static vista_session *open_work(void) {
  vista_session *s;
  remove_db(work);
  copy_file(pristine, work);
  assert_int_equal(vista_session_new(&s, work), VISTA_OK);
  if (vista_store_open(s) != VISTA_OK)
    fail_msg("%s", vista_errmsg(s));
  return s;
}

static int is_memory_message(const char *m) {
  return strstr(m, "out of memory") || strstr(m, "not enough memory") ||
         strstr(m, "memory limit");
}

/* Blanks the times of day a clean run writes ('2026-12-06T03:04:03Z'), so
 * that two clean runs give the same dump. */
static void mask_times(char *d) {
  for (char *p = d; (p = strchr(p, 'T')) != NULL; p++) {
    if (p - d >= 10 && p[-3] == '-' && strlen(p) >= 10 && p[3] == ':' &&
        p[6] == ':' && p[9] == 'Z')
      memset(p - 10, '#', 20);
  }
}

/* Runs op with the Nth allocation failing, for every N until the fault
 * hook refuses nothing (SQLite's loop). A failure must leave the database
 * as it was; a success despite a refusal (SQLite shrugs some off) must
 * leave it as a clean run does. */
static void oom_loop(const char *what, operation op) {
  char msg[VISTA_ERRMSG_SIZE];
  /* A first run warms up what SQLite keeps for the process, and gives the
   * result of a clean run. */
  vista_session *s = open_work();
  vista_mem_fail_after(0);
  if (op(s, msg, sizeof msg) != VISTA_OK)
    fail_msg("%s: %s", what, msg);
  int64_t total = vista_mem_fail_after(0);
  int64_t sparse = total > DENSE ? (total - DENSE) / SPARSE : 1;
  vista_session_free(s);
  char *clean = dump(work);
  mask_times(clean);
  s = open_work();
  char *before = dump(work);
  /* One reader for the whole loop: each dump is a fresh read transaction
   * and sees what was committed last. */
  sqlite3 *reader;
  assert_int_equal(sqlite3_open_v2(work, &reader, SQLITE_OPEN_READWRITE, NULL),
                   SQLITE_OK);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int64_t n = 1, tried = 0;
  int64_t version = data_version(reader);
  for (;; tried++) {
    /* The session stays open across failures, as a shell's would: a
     * failure must leave it usable and the database as it was. */
    vista_mem_fail_after(n);
    int rc = op(s, msg, sizeof msg);
    int64_t made = vista_mem_fail_after(0);
    /* data_version moves when another connection commits: a cheap check
     * every time, the full dump on a change and every 50th run. */
    int64_t now = data_version(reader);
    char *after = rc == VISTA_OK || now != version || tried % 50 == 0
                      ? dump_db(reader)
                      : NULL;
    if (rc == VISTA_OK) {
      mask_times(after);
      if (strcmp(clean, after) != 0)
        fail_msg("%s, N = %lld: succeeded, but not as a clean run does",
                 what, (long long)n);
      vista_session_free(s);
      sqlite3_close(reader);
      s = open_work();
      assert_int_equal(
          sqlite3_open_v2(work, &reader, SQLITE_OPEN_READWRITE, NULL),
          SQLITE_OK);
      version = data_version(reader);
    } else {
      if (!is_memory_message(msg) || strchr(msg, '\n'))
        fail_msg("%s, N = %lld: status %d, unclear message '%s'", what,
                 (long long)n, rc, msg);
      if (now != version || (after && strcmp(before, after) != 0))
        fail_msg("%s, N = %lld: the database changed", what, (long long)n);
      if (vista_store_db(s) && !sqlite3_get_autocommit(vista_store_db(s)))
        fail_msg("%s, N = %lld: left a transaction open ('%s')", what,
                 (long long)n, msg);
    }
    free(after);
    if (made < n) {
      assert_int_equal(rc, VISTA_OK);
      break;
    }
    n += fixed_step ? fixed_step : n < DENSE ? 1 : sparse;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  sqlite3_close(reader);
  vista_session_free(s);
  free(before);
  free(clean);
  print_message("%s: %lld allocations; N = 1..%lld (%lld runs), %.2f s\n",
                what, (long long)total, (long long)n, (long long)tried + 1,
                (double)(t1.tv_sec - t0.tv_sec) +
                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

static void test_oom_open_database(void **state) {
  (void)state;
  oom_loop("open a database", open_database);
}

static void test_oom_mobility_import(void **state) {
  (void)state;
  oom_loop("import mobility", import_mobility);
}

static void test_oom_strategy_import(void **state) {
  (void)state;
  oom_loop("import strategy", import_strategy);
}

static void test_oom_script_run(void **state) {
  (void)state;
  oom_loop("script", run_script);
}

/* A small strategy: every kind of entry once. */
static const char strategy[] =
    "strategy {\n"
    "  institution = { code = 'B  BRUGGE12', name = 'VTI Brugge',\n"
    "                  country = 'BE', city = 'Brugge' },\n"
    "  title = 'Abroad 2024-2026', period = { from = '2024-09', to = '2026-08' },\n"
    "  mission = 'We train technicians.', vision = 'Every learner abroad.',\n"
    "}\n"
    "factor 'shortage' { level = 'regional', category = 'economic',\n"
    "  text = 'Employers need technicians', trend = 'rising', impact = 3,\n"
    "  likelihood = 0.9 }\n"
    "goal 'abroad' { text = 'More learners abroad', why = factor 'shortage',\n"
    "  indicators = { 'long_term_share' } }\n"
    "indicator 'long_term_share' { targets = { [2025] = 2, [2026] = 3 } }\n"
    "action { goal = 'abroad', what = 'Find two host companies',\n"
    "  start = '2024-09', due = '2025-06', budget = 100, person_days = 2,\n"
    "  status = 'started', indicator = 'long_term_share' }\n"
    "milestone { kind = 'strategy', title = 'Adopted', from = '2024-06' }\n";

static int setup(void **state) {
  (void)state;
  const char *tmp = getenv("TMPDIR");
  const char *src = getenv("VISTA_SOURCE");
  snprintf(source, sizeof source, "%s", src ? src : ".");
  snprintf(dir, sizeof dir, "%.400s/test_oom_%d", tmp ? tmp : "/tmp",
           (int)getpid());
  char cmd[1100];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
  if (system(cmd) != 0)
    return -1;
  snprintf(pristine, sizeof pristine, "%s/pristine.db", dir);
  snprintf(work, sizeof work, "%s/work.db", dir);
  char path[700];
  snprintf(path, sizeof path, "%.400s/strategy.lua", dir);
  FILE *f = fopen(path, "w");
  if (!f || fputs(strategy, f) < 0 || fclose(f) != 0)
    return -1;
  snprintf(path, sizeof path, "%.400s/script.lua", dir);
  f = fopen(path, "w");
  if (!f || fputs(script, f) < 0 || fclose(f) != 0)
    return -1;
  /* The database before: institutions and one mobility import, closed
   * cleanly so that it is one file. */
  vista_session *s;
  vista_import_report r;
  vista_mobility_report mr;
  vista_mobility_options mo = {0};
  if (vista_session_new(&s, pristine) != VISTA_OK)
    return -1;
  snprintf(path, sizeof path, "%s/examples/institutions.csv", source);
  int rc = vista_institution_import(s, path, NULL, NULL, &r);
  snprintf(path, sizeof path, "%s/tests/cli/fixtures/mobility_small.csv",
           source);
  if (rc == VISTA_OK)
    rc = vista_mobility_import(s, path, &mo, NULL, NULL, &mr);
  if (rc != VISTA_OK)
    fprintf(stderr, "setup: %s\n", vista_errmsg(s));
  vista_session_free(s);
  return rc == VISTA_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_oom_open_database),
      cmocka_unit_test(test_oom_mobility_import),
      cmocka_unit_test(test_oom_strategy_import),
      cmocka_unit_test(test_oom_script_run),
  };
  /* OOM_TEST=test_oom_script_run runs one loop (for debugging). */
  if (getenv("OOM_STEP") && atoi(getenv("OOM_STEP")) > 0)
    fixed_step = atoi(getenv("OOM_STEP"));
  if (getenv("OOM_TEST"))
    cmocka_set_test_filter(getenv("OOM_TEST"));
  return cmocka_run_group_tests_name("oom", tests, setup, teardown);
}
