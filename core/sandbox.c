/* sandbox.c: the Lua state scripts run in. It owns the capped allocator, the
 * curated library set, the per-script environments, the global vista table,
 * require (the stdlib compiled into the binary, and a script's own modules),
 * the limits (instructions, memory, wall time) with the hook and watchdog
 * that enforce them, and the one protected-call helper every call from C
 * into Lua goes through. It does not parse the command line or print.
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
 * - long SQLite queries: a progress handler reads the same stop flag.
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
#include "embedded.h"
#include "internal.h"
#include "sandbox.h"

#define HOOK_EVERY 1000
#define GRACE_NS ((int64_t)2000000000)
#define SCRIPT_MAX ((size_t)16 * 1024 * 1024)

enum { STOP_NONE, STOP_STEPS, STOP_MEM, STOP_TIME, STOP_INTERRUPT };

struct vista_sandbox {
  lua_State *L;
  vista_session *session;
  vista_limits lim;
  int trace;
  size_t mem_used;
  size_t gc_mark;   /* past this, the hook collects (see capped_alloc) */
  int64_t steps;
  volatile int stop; /* STOP_*, read by the hook, the watchdog and SQLite */
  char errmsg[1024];
  uintptr_t stack_base;
  size_t stack_limit;
  /* The watchdog. deadline and stop_at are monotonic ns; 0 = not set. */
  pthread_t watchdog;
  int watchdog_on;
  volatile int watchdog_quit;
  volatile int64_t deadline;
  volatile int64_t stop_at;
};

/* The names scripts see, and those removed on purpose (so that reaching for
 * one says why it is missing instead of "undefined global"). */
static const char *const base_allowed[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall",
    "print", "rawequal", "rawget", "rawlen", "rawset", "select",
    "setmetatable", "tonumber", "tostring", "type", "_VERSION", NULL};
static const char *const base_removed[] = {
    "dofile", "loadfile", "loadstring", "io", "debug", "package", "module",
    "unpack", "setfenv", "getfenv", NULL};
static const char *const os_allowed[] = {"clock", "date", "difftime",
                                         "getenv", "time", NULL};
static const char *const os_removed[] = {"execute", "exit", "remove",
                                         "rename", "tmpname", "setlocale",
                                         NULL};
static const char *const string_removed[] = {"dump", NULL};

static volatile sig_atomic_t sigint_count;
static volatile int *sigint_stop;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static vista_sandbox *sandbox_of(lua_State *L) {
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

/* Allocator with a cap. A refused allocation stops the script: not every
 * allocation in Lua is retried after a collection (string buffers call the
 * allocator directly), so a refusal is the one reliable signal. The hook
 * collects early as memory nears the cap, so that garbage alone does not
 * reach it. Shrinking never fails. */
static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  vista_sandbox *sb = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    sb->mem_used -= old;
    return NULL;
  }
  if (nsize > old && sb->lim.max_mem &&
      sb->mem_used - old + nsize > sb->lim.max_mem) {
    set_stop(sb, STOP_MEM);
    return NULL;
  }
  void *p = realloc(ptr, nsize);
  if (!p) {
    if (nsize <= old)
      return ptr;
    set_stop(sb, STOP_MEM);
    return NULL;
  }
  sb->mem_used = sb->mem_used - old + nsize;
  return p;
}

/* Collects fully when memory passes the mark, then sets the next mark half
 * way between what is left and the cap. */
static void collect_near_cap(vista_sandbox *sb, lua_State *L) {
  if (!sb->lim.max_mem || sb->mem_used <= sb->gc_mark)
    return;
  lua_gc(L, LUA_GCCOLLECT);
  size_t floor = sb->lim.max_mem / 4 * 3;
  size_t next = sb->mem_used + (sb->lim.max_mem - sb->mem_used) / 2;
  sb->gc_mark = next > floor ? next : floor;
}

/* The count hook: counts steps and, once any stop is set, raises on every
 * instruction so that no handler can continue. */
static void hook(lua_State *L, lua_Debug *ar) {
  vista_sandbox *sb = sandbox_of(L);
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
  lua_sethook(L, hook, LUA_MASKCOUNT, 1);
  lua_pushstring(L, msg);
  lua_error(L);
}

static void arm_hook(vista_sandbox *sb, lua_State *L) {
  lua_sethook(L, hook, LUA_MASKCOUNT, get_stop(sb) ? 1 : HOOK_EVERY);
}

static void on_sigint(int sig) {
  (void)sig;
  sigint_count++;
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
  const struct timespec tick = {0, 50 * 1000 * 1000};
  while (!__atomic_load_n(&sb->watchdog_quit, __ATOMIC_SEQ_CST)) {
    nanosleep(&tick, NULL);
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
  __atomic_store_n(&sb->stop_at, 0, __ATOMIC_SEQ_CST);
  if (sb->lim.max_time > 0)
    __atomic_store_n(&sb->deadline,
                     now_ns() + (int64_t)(sb->lim.max_time * 1e9),
                     __ATOMIC_SEQ_CST);
}

static void disarm(vista_sandbox *sb) {
  __atomic_store_n(&sb->deadline, 0, __ATOMIC_SEQ_CST);
  __atomic_store_n(&sb->stop_at, 0, __ATOMIC_SEQ_CST);
}

/* Raises "C stack overflow" when the real C stack has grown past the limit.
 * Called by every wrapper that lets a script nest C calls. */
static void check_cstack(lua_State *L) {
  vista_sandbox *sb = sandbox_of(L);
  char here;
  uintptr_t at = (uintptr_t)&here;
  uintptr_t depth = at < sb->stack_base ? sb->stack_base - at
                                        : at - sb->stack_base;
  if (depth > sb->stack_limit)
    luaL_error(L, "C stack overflow");
}

/* Error text from any error object, without raising: a string as is, else
 * its protected __tostring, else a fixed description [-0, +0, -]. */
static int tostring_value(lua_State *L) {
  if (lua_type(L, 1) == LUA_TNUMBER) {
    luaL_tolstring(L, 1, NULL);
    return 1;
  }
  if (!luaL_callmeta(L, 1, "__tostring"))
    lua_pushnil(L);
  return 1;
}

static void error_text(vista_sandbox *sb, lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  const char *msg = lua_tostring(L, idx);
  if (!msg || lua_type(L, idx) != LUA_TSTRING) {
    lua_pushcfunction(L, tostring_value);
    lua_pushvalue(L, idx);
    if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING) {
      snprintf(sb->errmsg, sizeof sb->errmsg, "%s", lua_tostring(L, -1));
    } else {
      snprintf(sb->errmsg, sizeof sb->errmsg, "(error object is a %s value)",
               luaL_typename(L, idx));
    }
    lua_pop(L, 1);
    return;
  }
  snprintf(sb->errmsg, sizeof sb->errmsg, "%s", msg);
}

/* Message handler: adds a traceback with --trace, nothing else. It calls no
 * metamethod, because it runs at the depth of the error. */
static int msghandler(lua_State *L) {
  vista_sandbox *sb = sandbox_of(L);
  if (sb->trace && lua_type(L, 1) == LUA_TSTRING)
    luaL_traceback(L, L, lua_tostring(L, 1), 1);
  return 1;
}

int vista_sandbox_call(vista_sandbox *sb, int nargs, int nresults) {
  lua_State *L = sb->L;
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  arm(sb);
  int status = lua_pcall(L, nargs, nresults, base);
  int why = get_stop(sb);
  if (status != LUA_OK && why == STOP_NONE)
    error_text(sb, L, -1); /* still armed: a runaway __tostring stops too */
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
    arm_hook(sb, L);
    if (why == STOP_MEM)
      lua_gc(L, LUA_GCCOLLECT);
    return VISTA_ERR_LIMIT;
  }
  return VISTA_ERR;
}

/* ---- environments ---------------------------------------------------- */

static const char BASE_KEY[] = "vista.base";
static const char ENV_KEY[] = "vista.env";
static const char LOADED_KEY[] = "vista.loaded";
static const char SCRIPT_DIR_KEY[] = "vista.script_dir";

static int in_list(const char *const *list, const char *name) {
  for (; *list; list++)
    if (strcmp(*list, name) == 0)
      return 1;
  return 0;
}

/* Raises at the level of the code that made the access. */
static int raise_at_caller(lua_State *L, const char *fmt, const char *a,
                           const char *b) {
  luaL_where(L, 1);
  lua_pushfstring(L, fmt, a, b);
  lua_concat(L, 2);
  return lua_error(L);
}

/* __index of a script environment: the read-only base, strictly. */
static int env_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
    return 1;
  const char *name = lua_tostring(L, 2);
  if (lua_type(L, 2) != LUA_TSTRING)
    return 1; /* nil for a non-string key */
  if (in_list(base_removed, name))
    return raise_at_caller(L, "'%s' is not available in vista scripts "
                              "(they run in a sandbox)%s", name, "");
  return raise_at_caller(L, "undefined global '%s'%s", name, "");
}

/* Pushes a new environment whose reads fall back to the base [-0, +1, m]. */
static void push_new_env(lua_State *L) {
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, -2, "_G");
  lua_newtable(L); /* metatable */
  lua_getfield(L, LUA_REGISTRYINDEX, BASE_KEY);
  lua_pushcclosure(L, env_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

/* __index of a read-only library proxy: upvalues (table, name). */
static int lib_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
    return 1;
  lua_getfield(L, lua_upvalueindex(1), "\0removed");
  if (lua_type(L, 2) == LUA_TSTRING && lua_istable(L, -1)) {
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TNIL)
      return raise_at_caller(L, "'%s.%s' is not available in vista scripts "
                                "(they run in a sandbox)",
                             lua_tostring(L, lua_upvalueindex(2)),
                             lua_tostring(L, 2));
  }
  lua_pushnil(L);
  return 1;
}

static int readonly_newindex(lua_State *L) {
  return raise_at_caller(L, "attempt to modify read-only table '%s'%s",
                         lua_tostring(L, lua_upvalueindex(1)), "");
}

static int readonly_next(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (lua_next(L, 1))
    return 2;
  lua_pushnil(L);
  return 1;
}

static int readonly_len(lua_State *L) {
  lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
  return 1;
}

static int readonly_pairs(lua_State *L) {
  lua_pushcfunction(L, readonly_next);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushnil(L);
  return 3;
}

void vista_push_readonly(lua_State *L, int idx, const char *name,
                         const char *const *removed) {
  idx = lua_absindex(L, idx);
  if (removed) {
    lua_newtable(L);
    for (; *removed; removed++) {
      lua_pushboolean(L, 1);
      lua_setfield(L, -2, *removed);
    }
    lua_setfield(L, idx, "\0removed");
  }
  lua_newtable(L); /* the proxy */
  lua_newtable(L); /* its metatable */
  lua_pushvalue(L, idx);
  lua_pushstring(L, name);
  lua_pushcclosure(L, lib_index, 2);
  lua_setfield(L, -2, "__index");
  lua_pushstring(L, name);
  lua_pushcclosure(L, readonly_newindex, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, idx);
  lua_pushcclosure(L, readonly_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushvalue(L, idx);
  lua_pushcclosure(L, readonly_len, 1);
  lua_setfield(L, -2, "__len");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

/* ---- loading text ----------------------------------------------------- */

/* Reads a whole file into a fresh buffer (caller frees); NULL with errno. */
static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 8192, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap || ferror(f))
      break;
    if (cap >= SCRIPT_MAX) {
      free(buf);
      buf = NULL;
      errno = EFBIG;
      break;
    }
    char *nb = realloc(buf, cap * 2);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  if (buf && ferror(f)) {
    free(buf);
    buf = NULL;
    errno = EIO;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* Loads text (never binary) with a "#!" first line blanked, keeping line
 * numbers [-0, +1, -]. */
static int load_text(lua_State *L, char *text, size_t len,
                     const char *chunkname) {
  if (len && text[0] == '#')
    for (size_t i = 0; i < len && text[i] != '\n'; i++)
      text[i] = ' ';
  return luaL_loadbufferx(L, text, len, chunkname, "t");
}

static const vista_embedded *find_embedded(const char *name) {
  for (const vista_embedded *e = vista_embedded_files; e->name; e++)
    if (strcmp(e->name, name) == 0)
      return e;
  return NULL;
}

/* A module name: letters, digits, '_' and single dots between them. */
static int valid_module_name(const char *name) {
  if (!*name || *name == '.')
    return 0;
  for (const char *p = name; *p; p++) {
    int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
             (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
             (*p == '.' && p[1] != '.' && p[1] != '\0');
    if (!ok)
      return 0;
  }
  return 1;
}

/* Pushes the loader of module name, or returns 0 with a message pushed
 * saying where it looked [-0, +1, e]. */
static int find_module(lua_State *L, const char *name) {
  char rel[300];
  char path[1200];
  char tried[2600] = "";
  size_t len;
  snprintf(rel, sizeof rel, "%s", name);
  for (char *p = rel; *p; p++)
    if (*p == '.')
      *p = '/';
  int is_std = strncmp(name, "vista.", 6) == 0;

  /* The stdlib from disk when VISTA_STDLIB_PATH is set (for its authors);
   * other modules from the running script's directory. */
  const char *dir = NULL;
  lua_getfield(L, LUA_REGISTRYINDEX, SCRIPT_DIR_KEY);
  if (is_std)
    dir = getenv("VISTA_STDLIB_PATH");
  else
    dir = lua_tostring(L, -1);
  if (dir && *dir) {
    snprintf(path, sizeof path, "%s/%s.lua", dir, rel);
    char *text = read_file(path, &len);
    if (text) {
      lua_pop(L, 1);
      lua_pushfstring(L, "@%s", path);
      int st = load_text(L, text, len, lua_tostring(L, -1));
      free(text);
      lua_remove(L, -2);
      if (st != LUA_OK)
        lua_error(L);
      return 1;
    }
    snprintf(tried, sizeof tried, "\n\tno file '%s'", path);
  }
  lua_pop(L, 1);
  if (is_std) {
    char ename[320];
    snprintf(ename, sizeof ename, "stdlib/%s.lua", rel);
    const vista_embedded *e = find_embedded(ename);
    if (e) {
      lua_pushfstring(L, "@%s", ename);
      int st = luaL_loadbufferx(L, e->data, e->size, lua_tostring(L, -1), "t");
      lua_remove(L, -2);
      if (st != LUA_OK)
        lua_error(L);
      return 1;
    }
    size_t used = strlen(tried);
    snprintf(tried + used, sizeof tried - used,
             "\n\tno module '%s' in the vista stdlib", name);
  } else if (!dir) {
    snprintf(tried, sizeof tried,
             "\n\tmodules are looked for beside the script that runs");
  }
  lua_pushstring(L, tried);
  return 0;
}

/* require(name): the C modules and the stdlib, then the script's own
 * directory. Each module gets its own environment over the base. */
static int l_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  lua_settop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, LOADED_KEY); /* 2 */
  if (lua_getfield(L, 2, name) != LUA_TNIL)
    return 1;
  lua_pop(L, 1);
  if (!valid_module_name(name))
    return luaL_error(L, "module name '%s' is not valid", name);
  check_cstack(L);
  lua_getfield(L, LUA_REGISTRYINDEX, "vista.preload");
  if (lua_getfield(L, -1, name) == LUA_TFUNCTION) {
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
  } else {
    lua_pop(L, 1);
    if (!find_module(L, name))
      return luaL_error(L, "module '%s' not found:%s", name,
                        lua_tostring(L, -1));
    push_new_env(L);
    lua_setupvalue(L, -2, 1);
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
  }
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_pushboolean(L, 1);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, 2, name);
  return 1;
}

/* load(chunk [, chunkname [, mode [, env]]]): text only; without env the
 * chunk sees the running script's environment. */
static int l_load(lua_State *L) {
  const char *mode = luaL_optstring(L, 3, "t");
  if (strchr(mode, 'b') && !strchr(mode, 't'))
    return luaL_error(L, "binary chunks are not allowed in vista scripts");
  int has_env = !lua_isnone(L, 4);
  lua_settop(L, 4);
  lua_pushvalue(L, lua_upvalueindex(1)); /* the original load */
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_pushliteral(L, "t");
  if (has_env)
    lua_pushvalue(L, 4);
  else
    lua_getfield(L, LUA_REGISTRYINDEX, ENV_KEY);
  lua_call(L, 4, 2);
  return 2;
}

/* coroutine.create: the new thread gets the limit hook. */
static int l_co_create(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  arm_hook(sandbox_of(L), co);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  return 1;
}

/* Raises the stop at once if one is set, so that the functions that catch
 * errors (pcall, coroutine.resume) cannot return a stop as a value. */
static void raise_if_stopped(lua_State *L) {
  vista_sandbox *sb = sandbox_of(L);
  int why = get_stop(sb);
  if (why == STOP_NONE)
    return;
  char msg[160];
  stop_message(sb, why, msg, sizeof msg);
  arm_hook(sb, L);
  lua_pushstring(L, msg);
  lua_error(L);
}

static int pcall_done(lua_State *L, int status, lua_KContext ctx) {
  (void)status, (void)ctx;
  raise_if_stopped(L);
  return lua_gettop(L);
}

/* pcall: the original, then a check of the stop flag (a continuation keeps
 * it yieldable inside coroutines). */
static int l_pcall(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_callk(L, n, LUA_MULTRET, 0, pcall_done);
  return pcall_done(L, LUA_OK, 0);
}

/* Wraps a library function: check the C stack, call it, check the stop. */
static int l_guarded(lua_State *L) {
  check_cstack(L);
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  raise_if_stopped(L);
  return lua_gettop(L);
}

static void guard_field(lua_State *L, int lib, const char *name) {
  lua_getfield(L, lib, name);
  lua_pushcclosure(L, l_guarded, 1);
  lua_setfield(L, lib, name);
}

/* Keeps only the listed fields of the table at idx. */
static void keep_only(lua_State *L, int idx, const char *const *allowed) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);
  for (const char *const *p = allowed; *p; p++) {
    lua_getfield(L, idx, *p);
    lua_setfield(L, -2, *p);
  }
  lua_replace(L, idx);
}

static int l_help_stub(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushcfunction(L, l_require);
  lua_pushliteral(L, "vista.help");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "help");
  lua_insert(L, 1);
  lua_pop(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

/* The only list of C modules: require name -> opener. */
static const luaL_Reg c_modules[] = {
    {"vista.sql", luaopen_vista_sql},
    {NULL, NULL},
};

static void register_preload(lua_State *L) {
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, LOADED_KEY);
  lua_newtable(L);
  for (const luaL_Reg *m = c_modules; m->name; m++) {
    lua_pushcfunction(L, m->func);
    lua_setfield(L, -2, m->name);
  }
  lua_setfield(L, LUA_REGISTRYINDEX, "vista.preload");
}

/* Pushes the read-only global vista table [-0, +1, e]. */
static void push_vista_table(lua_State *L, vista_session *s) {
  lua_newtable(L);
  int v = lua_gettop(L);
  lua_pushcfunction(L, l_require);
  lua_pushliteral(L, "vista.sql");
  lua_call(L, 1, 1);
  lua_setfield(L, v, "sql");
  lua_pushliteral(L, VISTA_VERSION);
  lua_setfield(L, v, "version");
  lua_pushstring(L, vista_session_path(s));
  lua_setfield(L, v, "db");
  vista_push_readonly(L, v, "vista", NULL);
  lua_remove(L, v);
}

/* Builds the base every environment reads from [-0, +0, m]. */
static void build_base(lua_State *L, vista_session *s) {
  luaL_openlibs(L); /* into the registry's globals, which scripts never see */
  lua_pushglobaltable(L);
  int g = lua_gettop(L);
  lua_newtable(L);
  int base = lua_gettop(L);
  for (const char *const *p = base_allowed; *p; p++) {
    lua_getfield(L, g, *p);
    lua_setfield(L, base, *p);
  }
  lua_pushvalue(L, base);
  lua_setfield(L, LUA_REGISTRYINDEX, BASE_KEY);

  lua_getfield(L, g, "load");
  lua_pushcclosure(L, l_load, 1);
  lua_setfield(L, base, "load");
  lua_pushcfunction(L, l_require);
  lua_setfield(L, base, "require");
  lua_pushcfunction(L, l_help_stub);
  lua_setfield(L, base, "help");

  /* string: everything but dump; the strings' metatable is locked. */
  lua_getfield(L, g, "string");
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  vista_push_readonly(L, -1, "string", string_removed);
  lua_setfield(L, base, "string");
  lua_pop(L, 1);
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushliteral(L, "string");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);

  static const char *const plain_libs[] = {"table", "math", "utf8", NULL};
  for (const char *const *p = plain_libs; *p; p++) {
    lua_getfield(L, g, *p);
    vista_push_readonly(L, -1, *p, NULL);
    lua_setfield(L, base, *p);
    lua_pop(L, 1);
  }

  lua_getfield(L, g, "os");
  keep_only(L, -1, os_allowed);
  vista_push_readonly(L, -1, "os", os_removed);
  lua_setfield(L, base, "os");
  lua_pop(L, 1);

  /* coroutine: create sets the hook; resume and close check the C stack;
   * wrap, xpcall and collectgarbage come from stdlib/vista/sandbox.lua. */
  lua_getfield(L, g, "coroutine");
  int co = lua_gettop(L);
  lua_pushcfunction(L, l_co_create);
  lua_setfield(L, co, "create");
  guard_field(L, co, "resume");
  guard_field(L, co, "close");
  lua_getfield(L, g, "pcall");
  lua_pushcclosure(L, l_pcall, 1);
  lua_pushvalue(L, -1);
  lua_setfield(L, g, "pcall"); /* the prelude's xpcall uses it too */
  lua_setfield(L, base, "pcall");
  const vista_embedded *e = find_embedded("stdlib/vista/sandbox.lua");
  if (!e || luaL_loadbufferx(L, e->data, e->size,
                             "@stdlib/vista/sandbox.lua", "t") != LUA_OK)
    lua_error(L);
  lua_pushvalue(L, g); /* the prelude sees the full libraries */
  lua_setupvalue(L, -2, 1);
  lua_call(L, 0, 1);
  lua_getfield(L, -1, "wrap");
  lua_setfield(L, co, "wrap");
  lua_getfield(L, -1, "xpcall");
  lua_setfield(L, base, "xpcall");
  lua_getfield(L, -1, "collectgarbage");
  lua_setfield(L, base, "collectgarbage");
  lua_pop(L, 1);
  vista_push_readonly(L, co, "coroutine", NULL);
  lua_setfield(L, base, "coroutine");
  lua_pop(L, 1);

  /* The global vista table: the models and vista.sql. */
  push_vista_table(L, s);
  lua_setfield(L, base, "vista");

  lua_settop(L, g - 1);
}


/* The environment scripts of this sandbox run in (the REPL shares one). */
static void new_script_env(lua_State *L) {
  push_new_env(L);
  lua_setfield(L, LUA_REGISTRYINDEX, ENV_KEY);
}

static int setup(lua_State *L) {
  vista_session *s = lua_touserdata(L, 1);
  lua_pushvalue(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, "vista.session");
  register_preload(L);
  build_base(L, s);
  new_script_env(L);
  return 0;
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

  sb->L = lua_newstate(capped_alloc, sb);
  if (!sb->L) {
    snprintf(sb->errmsg, sizeof sb->errmsg, "cannot create the Lua state");
    return VISTA_ERR_NOMEM;
  }
  *(vista_sandbox **)lua_getextraspace(sb->L) = sb;
  vista_store_set_stop_flag(s, &sb->stop);
  lua_pushcfunction(sb->L, setup);
  lua_pushlightuserdata(sb->L, s);
  if (lua_pcall(sb->L, 1, 0, 0) != LUA_OK) {
    error_text(sb, sb->L, -1);
    lua_pop(sb->L, 1);
    return VISTA_ERR;
  }
  arm_hook(sb, sb->L);
  if (sb->lim.max_time > 0) {
    if (pthread_create(&sb->watchdog, NULL, watchdog_main, sb) != 0) {
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
    __atomic_store_n(&sb->watchdog_quit, 1, __ATOMIC_SEQ_CST);
    pthread_join(sb->watchdog, NULL);
  }
  if (sb->session)
    vista_store_set_stop_flag(sb->session, NULL);
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
    lua_getfield(L, LUA_REGISTRYINDEX, ENV_KEY);
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
  lua_getfield(L, LUA_REGISTRYINDEX, ENV_KEY);
  lua_createtable(L, argc, 1);
  lua_pushstring(L, name);
  lua_rawseti(L, -2, 0);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_setfield(L, -2, "arg");
  lua_pop(L, 1);
  for (int i = 0; i < argc; i++)
    lua_pushstring(L, argv[i]);
}

static int run_loaded(vista_sandbox *sb, const char *name, int argc,
                      char **argv) {
  lua_State *L = sb->L;
  if (!lua_checkstack(L, argc + 8)) {
    lua_pop(L, 1);
    snprintf(sb->errmsg, sizeof sb->errmsg, "too many arguments");
    return VISTA_ERR;
  }
  push_args(L, name, argc, argv);
  return vista_sandbox_call(sb, argc, 0);
}

/* Runs the protected part of loading [-0, +1 function or message, -]. */
static int load_or_message(vista_sandbox *sb, int st) {
  if (st == LUA_OK) {
    lua_getfield(sb->L, LUA_REGISTRYINDEX, ENV_KEY);
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

int vista_sandbox_run_script(vista_sandbox *sb, const char *name_or_path,
                             int argc, char **argv) {
  lua_State *L = sb->L;
  size_t len;
  char *text = read_file(name_or_path, &len);
  int is_path = strchr(name_or_path, '/') != NULL || text != NULL;
  int st;
  if (is_path) {
    if (!text) {
      snprintf(sb->errmsg, sizeof sb->errmsg, "%s: %s", name_or_path,
               strerror(errno));
      return VISTA_ERR;
    }
    /* The script's own modules are found beside it. */
    const char *slash = strrchr(name_or_path, '/');
    if (slash)
      lua_pushlstring(L, name_or_path, (size_t)(slash - name_or_path));
    else
      lua_pushliteral(L, ".");
    lua_setfield(L, LUA_REGISTRYINDEX, SCRIPT_DIR_KEY);
    lua_pushfstring(L, "@%s", name_or_path);
    st = load_text(L, text, len, lua_tostring(L, -1));
    free(text);
    lua_remove(L, -2);
  } else {
    char ename[300];
    snprintf(ename, sizeof ename, "scripts/%s.lua", name_or_path);
    const vista_embedded *e = find_embedded(ename);
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

void vista_sandbox_list_scripts(void (*fn)(void *ud, const char *name),
                                void *ud) {
  for (const vista_embedded *e = vista_embedded_files; e->name; e++) {
    if (strncmp(e->name, "scripts/", 8) != 0)
      continue;
    char name[200];
    snprintf(name, sizeof name, "%s", e->name + 8);
    char *dot = strrchr(name, '.');
    if (dot)
      *dot = '\0';
    fn(ud, name);
  }
}
