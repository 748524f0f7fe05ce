/* sandbox.c: the Lua state scripts run in. It owns the capped allocator,
 * the limits (instructions, memory, wall time) with the hook and the
 * watchdog that enforce them, Ctrl-C, the one protected-call helper every
 * call from C into Lua goes through, and running scripts and chunks. The
 * library set, environments and require are in sandbox_lib.c. It does not
 * parse the command line or print.
 *
 * Where the limits could slip, and what holds them:
 * - pcall/xpcall: once a limit fires, the hook runs on every instruction and
 *   raises again, so a handler or a loop around pcall cannot go on.
 * - coroutines: every new thread gets the hook (create is ours; wrap is
 *   built on it in stdlib/vista/sandbox.lua).
 * - __gc finalizers run with hooks off, and C functions (pattern matching)
 *   never call the hook: the watchdog thread sets the stop flag at the
 *   deadline and, if the run has not ended a grace period later, prints the
 *   message and ends the process (a script cannot write, so nothing is lost).
 * - SQLite queries: a progress handler counts their virtual machine steps
 *   against the same step budget (a recursive CTE is as much a loop as a
 *   while) and stops them on the same stop flag.
 *
 * Lua 5.4.4 bugs fixed upstream in 5.4.5/5.4.6 that a script could reach:
 * CVE-2022-33099 (heap overflow when an error is raised while handling an
 * error at the C-stack limit) is patched in Debian's 5.4.4-3; our xpcall also
 * runs the message handler after unwinding, never at the error's depth.
 * CVE-2022-28805 (parser over-read with <const> _ENV) is patched in 5.4.4-2.
 * The C-stack overflow through deeply nested coroutine.close, and the stack
 * growth through nested resume/wrap, are stopped by our wrappers, which
 * measure the real C stack and raise "C stack overflow" well before it ends.
 * string.dump and binary chunks, which bypass the bytecode checks, are gone.
 */
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bind.h"
#include "internal.h"
#include "memory.h"
#include "sandbox_lib.h"
#include "ticker.h"

#ifdef VISTA_COVERAGE
#include "lua_coverage.h"
#define HOOK_MASK (LUA_MASKCOUNT | vista_lua_coverage_mask())
#else
#define HOOK_MASK LUA_MASKCOUNT
#endif

#define HOOK_EVERY 1000
#define GRACE_NS ((int64_t)2000000000)
#define WATCHDOG_TICK_NS 50000000 /* how often the watchdog looks */

enum { STOP_NONE, STOP_STEPS, STOP_MEM, STOP_TIME, STOP_INTERRUPT };

struct vista_sandbox {
  lua_State *L;
  vista_session *session;
  vista_limits lim;
  int trace;
  size_t gc_mark;   /* past this, the hook collects (see capped_alloc) */
  vista_mem_cap outer_cap; /* the cap before this sandbox set its own */
  int64_t steps;     /* Lua instructions and SQLite VM steps, this run */
  int running;       /* inside vista_sandbox_call (or closing) */
  volatile int stop; /* STOP_*, read by the hook, the watchdog and SQLite */
  char errmsg[1024];
  uintptr_t stack_base;
  size_t stack_limit;
  /* The watchdog. deadline and stop_at are monotonic ns; 0 = not set. */
  pthread_t watchdog;
  int watchdog_on;
  vista_ticker tick; /* closing wakes the watchdog at once */
  volatile int64_t deadline;
  volatile int64_t stop_at;
};

static volatile int *sigint_stop;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

vista_sandbox *vista_sandbox_of(lua_State *L) {
  return *(vista_sandbox **)lua_getextraspace(L);
}

static void set_stop(vista_sandbox *sb, int why) {
  __atomic_store_n(&sb->stop, why, __ATOMIC_SEQ_CST);
}

static int get_stop(vista_sandbox *sb) {
  return __atomic_load_n(&sb->stop, __ATOMIC_SEQ_CST);
}

static void stop_message(vista_sandbox *sb, int why, char *buf, size_t n) {
  switch (why) {
  case STOP_STEPS:
    snprintf(buf, n,
             "script exceeded the instruction limit (%lld steps; see "
             "--max-steps)",
             (long long)sb->lim.max_steps);
    break;
  case STOP_MEM:
    snprintf(buf, n,
             "script exceeded the memory limit (%zu MiB; see --max-mem)",
             sb->lim.max_mem >> 20);
    break;
  case STOP_TIME:
    snprintf(buf, n,
             "script exceeded the time limit (%g s; see --max-time)",
             sb->lim.max_time);
    break;
  default:
    snprintf(buf, n, "interrupted");
  }
}

/* Allocator with a cap. The cap is on one counter shared with SQLite
 * (memory.c), so a script's queries count against it too. A refusal by the
 * cap stops the script (on_cap): not every allocation in Lua is retried
 * after a collection (string buffers call the allocator directly), so a
 * refusal is the one reliable signal. The hook collects early as memory
 * nears the cap, so that garbage alone does not reach it. Any other
 * refusal (the system's, or the fault hook's) is Lua's own "not enough
 * memory" error. Shrinking never fails. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  return vista_mem_realloc(ptr, osize, nsize);
}

static void on_cap(void *ud) { set_stop(ud, STOP_MEM); }

/* Collects fully when memory passes the mark, then sets the next mark half
 * way between what is left and the cap. */
static void collect_near_cap(vista_sandbox *sb, lua_State *L) {
  if (!sb->lim.max_mem || vista_mem_used() <= sb->gc_mark)
    return;
  lua_gc(L, LUA_GCCOLLECT);
  size_t now = vista_mem_used();
  size_t floor = sb->lim.max_mem / 4 * 3;
  size_t next = now < sb->lim.max_mem
                    ? now + (sb->lim.max_mem - now) / 2
                    : sb->lim.max_mem;
  sb->gc_mark = next > floor ? next : floor;
}

/* The count hook: counts steps and, once any stop is set, raises on every
 * instruction so that no handler can continue. */
static void hook(lua_State *L, lua_Debug *ar) {
  vista_sandbox *sb = vista_sandbox_of(L);
#ifdef VISTA_COVERAGE
  if (ar->event == LUA_HOOKLINE)
    vista_lua_coverage_line(L, ar);
#endif
  if (ar->event == LUA_HOOKCOUNT && get_stop(sb) == STOP_NONE) {
    sb->steps += HOOK_EVERY;
    if (sb->lim.max_steps && sb->steps > sb->lim.max_steps)
      set_stop(sb, STOP_STEPS);
    collect_near_cap(sb, L);
  }
  int why = get_stop(sb);
  if (why == STOP_NONE)
    return;
  char msg[160];
  stop_message(sb, why, msg, sizeof msg);
  lua_sethook(L, hook, HOOK_MASK, 1);
  lua_pushstring(L, msg);
  lua_error(L);
}

/* SQLite's progress handler on the session: the steps of queries count
 * while a script runs, and any stop ends the query. */
static int sql_progress(void *ud) {
  vista_sandbox *sb = ud;
  if (sb->running && get_stop(sb) == STOP_NONE) {
    sb->steps += VISTA_PROGRESS_OPS;
    if (sb->lim.max_steps && sb->steps > sb->lim.max_steps)
      set_stop(sb, STOP_STEPS);
  }
  return get_stop(sb) != STOP_NONE;
}

void vista_sandbox_arm_hook(lua_State *L) {
  vista_sandbox *sb = vista_sandbox_of(L);
  lua_sethook(L, hook, HOOK_MASK, get_stop(sb) ? 1 : HOOK_EVERY);
}

static void on_sigint(int sig) {
  (void)sig;
  if (sigint_stop)
    *sigint_stop = STOP_INTERRUPT;
  /* A second Ctrl-C while stuck in C code ends the process, as in lua.c. */
  signal(SIGINT, SIG_DFL);
}

void vista_sandbox_catch_sigint(vista_sandbox *sb, int on) {
  if (on) {
    sigint_stop = &sb->stop;
    signal(SIGINT, on_sigint);
  } else {
    signal(SIGINT, SIG_DFL);
    sigint_stop = NULL;
  }
}

static void *watchdog_main(void *ud) {
  vista_sandbox *sb = ud;
  while (!vista_ticker_wait(&sb->tick, WATCHDOG_TICK_NS)) {
    int64_t deadline = __atomic_load_n(&sb->deadline, __ATOMIC_SEQ_CST);
    if (!deadline)
      continue;
    int64_t now = now_ns();
    if (now >= deadline && get_stop(sb) == STOP_NONE)
      set_stop(sb, STOP_TIME);
    int why = get_stop(sb);
    if (why == STOP_NONE)
      continue;
    int64_t at = __atomic_load_n(&sb->stop_at, __ATOMIC_SEQ_CST);
    if (!at) {
      __atomic_store_n(&sb->stop_at, now, __ATOMIC_SEQ_CST);
    } else if (now - at > GRACE_NS) {
      /* The hook cannot get control (a finalizer, a long C function).
       * Scripts cannot write, so ending here loses nothing. */
      char msg[200];
      int len = snprintf(msg, sizeof msg, "vista: ");
      stop_message(sb, why, msg + len, sizeof msg - (size_t)len - 1);
      strcat(msg, "\n");
      ssize_t ignored = write(STDERR_FILENO, msg, strlen(msg));
      (void)ignored;
      _exit(3);
    }
  }
  return NULL;
}

static void arm(vista_sandbox *sb) {
  sb->steps = 0;
  sb->running = 1;
  __atomic_store_n(&sb->stop_at, 0, __ATOMIC_SEQ_CST);
  if (sb->lim.max_time > 0)
    __atomic_store_n(&sb->deadline,
                     now_ns() + (int64_t)(sb->lim.max_time * 1e9),
                     __ATOMIC_SEQ_CST);
}

static void disarm(vista_sandbox *sb) {
  sb->running = 0;
  __atomic_store_n(&sb->deadline, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&sb->stop_at, 0, __ATOMIC_SEQ_CST);
}

/* Raises "C stack overflow" when the real C stack has grown past the limit.
 * Called by every wrapper that lets a script nest C calls. */
void vista_sandbox_check_cstack(lua_State *L) {
  vista_sandbox *sb = vista_sandbox_of(L);
  char here;
  uintptr_t at = (uintptr_t)&here;
  uintptr_t depth = at < sb->stack_base ? sb->stack_base - at
                                        : at - sb->stack_base;
  if (depth > sb->stack_limit)
    luaL_error(L, "C stack overflow");
}

/* Run protected by error_text: whether the error object has a text of its
 * own, and what it gave (a number's text, or what __tostring returned). */
static int tostring_value(lua_State *L) {
  if (lua_type(L, 1) == LUA_TNUMBER) {
    lua_pushboolean(L, 1);
    luaL_tolstring(L, 1, NULL);
    return 2;
  }
  if (luaL_getmetafield(L, 1, "__tostring") == LUA_TNIL) {
    lua_pushboolean(L, 0);
    lua_pushnil(L);
    return 2;
  }
  lua_pop(L, 1);
  lua_pushboolean(L, 1);
  luaL_callmeta(L, 1, "__tostring");
  return 2;
}

/* Error text from any error object, without raising: a string as is, else
 * its protected __tostring, else a fixed description [-0, +0, -]. The
 * __tostring runs under the limits, which may stop it. */
static void error_text(vista_sandbox *sb, lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  const char *msg = lua_tostring(L, idx);
  if (!msg || lua_type(L, idx) != LUA_TSTRING) {
    lua_pushcfunction(L, tostring_value);
    lua_pushvalue(L, idx);
    int st = lua_pcall(L, 1, 2, 0);
    const char *type = luaL_typename(L, idx);
    if (st == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
      snprintf(sb->errmsg, sizeof sb->errmsg, "%s", lua_tostring(L, -1));
    else if (st == LUA_OK && !lua_toboolean(L, -2))
      snprintf(sb->errmsg, sizeof sb->errmsg, "(error object is a %s value)",
               type);
    else if (st == LUA_OK)
      snprintf(sb->errmsg, sizeof sb->errmsg,
               "(error object is a %s value; its __tostring returned a %s, "
               "not a string)",
               type, luaL_typename(L, -1));
    else if (lua_type(L, -1) == LUA_TSTRING)
      snprintf(sb->errmsg, sizeof sb->errmsg,
               "(error object is a %s value; its __tostring failed: %s)",
               type, lua_tostring(L, -1));
    else
      snprintf(sb->errmsg, sizeof sb->errmsg,
               "(error object is a %s value; its __tostring failed)", type);
    lua_pop(L, st == LUA_OK ? 2 : 1);
    return;
  }
  snprintf(sb->errmsg, sizeof sb->errmsg, "%s", msg);
}

/* Message handler: adds a traceback with --trace, nothing else. It calls no
 * metamethod, because it runs at the depth of the error. */
static int msghandler(lua_State *L) {
  vista_sandbox *sb = vista_sandbox_of(L);
  if (sb->trace && lua_type(L, 1) == LUA_TSTRING)
    luaL_traceback(L, L, lua_tostring(L, 1), 1);
  return 1;
}

/* Raises the stop at once if one is set, so that the functions that catch
 * errors (pcall, coroutine.resume) cannot return a stop as a value. */
void vista_sandbox_raise_if_stopped(lua_State *L) {
  vista_sandbox *sb = vista_sandbox_of(L);
  int why = get_stop(sb);
  if (why == STOP_NONE)
    return;
  char msg[160];
  stop_message(sb, why, msg, sizeof msg);
  vista_sandbox_arm_hook(L);
  lua_pushstring(L, msg);
  lua_error(L);
}

int vista_sandbox_call(vista_sandbox *sb, int nargs, int nresults) {
  lua_State *L = sb->L;
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  arm(sb);
  int status = lua_pcall(L, nargs, nresults, base);
  if (status != LUA_OK && get_stop(sb) == STOP_NONE)
    error_text(sb, L, -1); /* still armed: a runaway __tostring stops too */
  /* Read after error_text: a limit that stopped the error object's
   * __tostring is a stop like any other. */
  int why = get_stop(sb);
  disarm(sb);
  lua_remove(L, base);
  if (status == LUA_OK && why == STOP_NONE)
    return VISTA_OK;
  if (status == LUA_OK)
    lua_settop(L, base - 1); /* stopped at the very end: drop the results */
  else
    lua_pop(L, 1);
  if (why != STOP_NONE) {
    stop_message(sb, why, sb->errmsg, sizeof sb->errmsg);
    /* Ready for the next chunk (the REPL goes on after a stop). */
    set_stop(sb, STOP_NONE);
    vista_sandbox_arm_hook(L);
    if (why == STOP_MEM)
      lua_gc(L, LUA_GCCOLLECT);
    return VISTA_ERR_LIMIT;
  }
  return VISTA_ERR;
}

int vista_sandbox_new(vista_sandbox **out, vista_session *s,
                      const vista_limits *limits, int trace) {
  char here;
  *out = NULL;
  vista_sandbox *sb = calloc(1, sizeof *sb);
  if (!sb)
    return VISTA_ERR_NOMEM;
  sb->session = s;
  sb->lim = *limits;
  sb->trace = trace;
  sb->stack_base = (uintptr_t)&here;
  struct rlimit rl;
  size_t stack = 8u << 20;
  if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      rl.rlim_cur < ((rlim_t)64 << 20))
    stack = (size_t)rl.rlim_cur;
  sb->stack_limit = stack / 2;
  sb->gc_mark = sb->lim.max_mem / 4 * 3;
  *out = sb;
  vista_mem_setup();
  vista_mem_set_cap(&(vista_mem_cap){sb->lim.max_mem, on_cap, sb},
                    &sb->outer_cap);
  /* The script's temporary tables and sorts stay in memory, under the
   * cap, rather than in files that could fill the disk. */
  vista_store_temp_in_memory(s);

  sb->L = lua_newstate(capped_alloc, sb);
  if (!sb->L) {
    snprintf(sb->errmsg, sizeof sb->errmsg,
             "cannot create the Lua state: out of memory");
    return VISTA_ERR_NOMEM;
  }
  *(vista_sandbox **)lua_getextraspace(sb->L) = sb;
#ifdef VISTA_COVERAGE
  /* The stdlib modules the setup loads run their top level now. */
  lua_sethook(sb->L, hook, vista_lua_coverage_mask(), 0);
#endif
  vista_store_set_progress(s, sql_progress, sb);
  lua_pushcfunction(sb->L, vista_sandbox_setup);
  lua_pushlightuserdata(sb->L, s);
  if (lua_pcall(sb->L, 1, 0, 0) != LUA_OK) {
    error_text(sb, sb->L, -1);
    lua_pop(sb->L, 1);
    return VISTA_ERR;
  }
  if (sb->lim.allow_write) {
    lua_pushstring(sb->L, sb->lim.allow_write);
    lua_setfield(sb->L, LUA_REGISTRYINDEX, VISTA_ALLOW_WRITE_KEY);
  }
  vista_sandbox_arm_hook(sb->L);
  if (sb->lim.max_time > 0) {
    if (vista_ticker_init(&sb->tick) != 0) {
      snprintf(sb->errmsg, sizeof sb->errmsg, "cannot start the watchdog");
      return VISTA_ERR;
    }
    /* Signals belong to the thread that runs Lua and reads the terminal:
     * the watchdog starts with all of them blocked, so that a Ctrl-C never
     * runs a handler (the REPL's, the line editor's) on this thread. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int started = pthread_create(&sb->watchdog, NULL, watchdog_main, sb);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (started != 0) {
      vista_ticker_free(&sb->tick);
      snprintf(sb->errmsg, sizeof sb->errmsg, "cannot start the watchdog");
      return VISTA_ERR;
    }
    sb->watchdog_on = 1;
  }
  return VISTA_OK;
}

void vista_sandbox_free(vista_sandbox *sb) {
  if (!sb)
    return;
  if (sb->L) {
    arm(sb); /* finalizers run now, and are held to the time limit too */
    lua_close(sb->L);
    disarm(sb);
  }
  if (sb->watchdog_on) {
    vista_ticker_stop(&sb->tick);
    pthread_join(sb->watchdog, NULL);
    vista_ticker_free(&sb->tick);
  }
  if (sb->session)
    vista_store_set_progress(sb->session, NULL, NULL);
  vista_mem_set_cap(&sb->outer_cap, NULL);
  if (sigint_stop == &sb->stop)
    sigint_stop = NULL;
  free(sb);
}

lua_State *vista_sandbox_lua(vista_sandbox *sb) { return sb->L; }

const char *vista_sandbox_dbpath(const vista_sandbox *sb) {
  return vista_session_path(sb->session);
}

const char *vista_sandbox_errmsg(const vista_sandbox *sb) {
  return sb->errmsg;
}

int vista_sandbox_load(vista_sandbox *sb, const char *text, size_t len,
                       const char *chunkname, int *incomplete) {
  lua_State *L = sb->L;
  *incomplete = 0;
  int st = luaL_loadbufferx(L, text, len, chunkname, "t");
  if (st == LUA_OK) {
    lua_getfield(L, LUA_REGISTRYINDEX, VISTA_ENV_KEY);
    lua_setupvalue(L, -2, 1);
    return VISTA_OK;
  }
  size_t mlen;
  const char *msg = lua_tolstring(L, -1, &mlen);
  static const char eof[] = "<eof>";
  if (st == LUA_ERRSYNTAX && msg && mlen >= sizeof eof - 1 &&
      strcmp(msg + mlen - (sizeof eof - 1), eof) == 0)
    *incomplete = 1;
  error_text(sb, L, -1);
  lua_pop(L, 1);
  return VISTA_ERR;
}

/* Pushes arg = {[0] = name, ...} into the script environment and the
 * arguments themselves [-0, +argc, m]. */
static void push_args(lua_State *L, const char *name, int argc, char **argv) {
  lua_getfield(L, LUA_REGISTRYINDEX, VISTA_ENV_KEY);
  lua_createtable(L, argc, 1);
  lua_pushstring(L, name);
  lua_rawseti(L, -2, 0);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "arg");
  lua_pop(L, 1);
  /* The files the user named (an argument, or the value of --opt=value):
   * the only ones a script may read (vista_named_file). */
  lua_createtable(L, 0, argc);
  for (int i = 0; i < argc; i++) {
    const char *eq = argv[i][0] == '-' ? strchr(argv[i], '=') : NULL;
    lua_pushstring(L, eq ? eq + 1 : argv[i]);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, VISTA_NAMED_FILES_KEY);
  /* The files the user asked the script to write: --out FILE. */
  lua_newtable(L);
  for (int i = 0; i < argc; i++) {
    const char *v = NULL;
    if (strncmp(argv[i], "--out=", 6) == 0)
      v = argv[i] + 6;
    else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
      v = argv[i + 1];
    if (v && *v) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, v);
    }
  }
  lua_setfield(L, LUA_REGISTRYINDEX, VISTA_OUT_FILES_KEY);
  for (int i = 0; i < argc; i++)
    lua_pushstring(L, argv[i]);
}

typedef struct script_args {
  const char *name;
  int argc;
  char **argv;
} script_args;

/* push_args under lua_pcall: out of memory there must be an error, not a
 * panic [-1, +argc, m]. */
static int push_args_protected(lua_State *L) {
  const script_args *a = lua_touserdata(L, 1);
  lua_pop(L, 1);
  push_args(L, a->name, a->argc, a->argv);
  return a->argc;
}

static int run_loaded(vista_sandbox *sb, const char *name, int argc,
                      char **argv) {
  lua_State *L = sb->L;
  if (!lua_checkstack(L, argc + 8)) {
    lua_pop(L, 1);
    snprintf(sb->errmsg, sizeof sb->errmsg, "too many arguments");
    return VISTA_ERR;
  }
  script_args a = {name, argc, argv};
  lua_pushcfunction(L, push_args_protected);
  lua_pushlightuserdata(L, &a);
  if (lua_pcall(L, 1, argc, 0) != LUA_OK) {
    error_text(sb, L, -1);
    lua_pop(L, 2); /* the message and the chunk */
    return VISTA_ERR_NOMEM;
  }
  /* Ctrl-C stops a script as a limit does (exit status 3), unless the
   * process was started to ignore it (a background job). */
  struct sigaction was;
  int catch = sigaction(SIGINT, NULL, &was) == 0 && was.sa_handler != SIG_IGN;
  if (catch)
    vista_sandbox_catch_sigint(sb, 1);
  int rc = vista_sandbox_call(sb, argc, 0);
  if (catch)
    vista_sandbox_catch_sigint(sb, 0);
  return rc;
}

/* Runs the protected part of loading [-0, +1 function or message, -]. */
static int load_or_message(vista_sandbox *sb, int st) {
  if (st == LUA_OK) {
    lua_getfield(sb->L, LUA_REGISTRYINDEX, VISTA_ENV_KEY);
    lua_setupvalue(sb->L, -2, 1);
    return VISTA_OK;
  }
  error_text(sb, sb->L, -1);
  lua_pop(sb->L, 1);
  return VISTA_ERR;
}

int vista_sandbox_run_string(vista_sandbox *sb, const char *chunk,
                             const char *chunkname, int argc, char **argv) {
  int st = luaL_loadbufferx(sb->L, chunk, strlen(chunk), chunkname, "t");
  if (load_or_message(sb, st) != VISTA_OK)
    return VISTA_ERR;
  return run_loaded(sb, chunkname + 1, argc, argv);
}

typedef struct script_file {
  const char *path;
  char *text;
  size_t len;
  int status; /* of loading the text */
} script_file;

/* Notes the script's directory (its own modules are found beside it) and
 * loads its text [-1, +1, m]. Run under lua_pcall: out of memory while
 * naming the chunk must be an error, not a panic. */
static int load_file_protected(lua_State *L) {
  script_file *f = lua_touserdata(L, 1);
  lua_pop(L, 1);
  const char *slash = strrchr(f->path, '/');
  if (slash)
    lua_pushlstring(L, f->path, (size_t)(slash - f->path));
  else
    lua_pushliteral(L, ".");
  lua_setfield(L, LUA_REGISTRYINDEX, VISTA_SCRIPT_DIR_KEY);
  lua_pushfstring(L, "@%s", f->path);
  f->status = vista_load_text(L, f->text, f->len, lua_tostring(L, -1));
  lua_remove(L, -2);
  return 1;
}

int vista_sandbox_run_script(vista_sandbox *sb, const char *name_or_path,
                             int argc, char **argv) {
  lua_State *L = sb->L;
  size_t len;
  char *text = vista_read_file(name_or_path, &len);
  int is_path = strchr(name_or_path, '/') != NULL || text != NULL;
  int st;
  if (is_path) {
    if (!text) {
      snprintf(sb->errmsg, sizeof sb->errmsg, "%s: %s", name_or_path,
               strerror(errno));
      return VISTA_ERR;
    }
    script_file f = {name_or_path, text, len, LUA_OK};
    lua_pushcfunction(L, load_file_protected);
    lua_pushlightuserdata(L, &f);
    st = lua_pcall(L, 1, 1, 0);
    if (st == LUA_OK)
      st = f.status;
    free(text);
  } else {
    char ename[300];
    snprintf(ename, sizeof ename, "scripts/%s.lua", name_or_path);
    const vista_embedded *e = vista_find_embedded(ename);
    if (!e) {
      snprintf(sb->errmsg, sizeof sb->errmsg,
               "no script named '%s' (vista run lists them)", name_or_path);
      return VISTA_ERR;
    }
    char chunk[310];
    snprintf(chunk, sizeof chunk, "@%s", ename);
    st = luaL_loadbufferx(L, e->data, e->size, chunk, "t");
  }
  if (load_or_message(sb, st) != VISTA_OK)
    return VISTA_ERR;
  return run_loaded(sb, name_or_path, argc, argv);
}

void vista_sandbox_list_scripts(void (*fn)(void *ud, const char *name,
                                            const char *description),
                                void *ud) {
  for (const vista_embedded *e = vista_embedded_files; e->name; e++) {
    if (strncmp(e->name, "scripts/", 8) != 0)
      continue;
    char name[200];
    snprintf(name, sizeof name, "%s", e->name + 8);
    char *dot = strrchr(name, '.');
    if (dot)
      *dot = '\0';
    /* The description is the script's own first line, "-- NAME: text":
     * one source, read where the script is, so it cannot go stale. */
    char description[200] = "";
    const char *p = e->data, *end = e->data + e->size;
    size_t nlen = strlen(name);
    if (e->size > 3 && strncmp(p, "-- ", 3) == 0) {
      p += 3;
      if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 &&
          p[nlen] == ':')
        p += nlen + 1;
      while (p < end && *p == ' ')
        p++;
      const char *eol = memchr(p, '\n', (size_t)(end - p));
      int len = (int)((eol ? eol : end) - p);
      snprintf(description, sizeof description, "%.*s", len, p);
    }
    fn(ud, name, description);
  }
}
