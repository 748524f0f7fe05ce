/* repl.c: the interactive loop, and the same loop as a batch over piped
 * input. Owns reading lines (libedit or readline when built with one, plain
 * stdio otherwise), history in the XDG state directory, multi-line input,
 * dot-commands and printing results through the stdlib's printer
 * (stdlib/vista/repl.lua). Returns 0, or 1 when a batch had an error. It does not run Lua itself: the sandbox does.
 * Entry point: vista_repl(). */
#include <errno.h>
#include <lauxlib.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(VISTA_USE_LIBEDIT)
#include <editline/readline.h>
#define HAVE_LINE_EDIT 1
#elif defined(VISTA_USE_READLINE)
#include <readline/history.h>
#include <readline/readline.h>
#define HAVE_LINE_EDIT 1
#else
#define HAVE_LINE_EDIT 0
#endif

#include "repl.h"

#define PROMPT "vista> "
#define PROMPT2 "  ...> "
#define HISTORY_MAX 1000

typedef struct repl {
  vista_sandbox *sb;
  lua_State *L;
  FILE *in;
  int interactive;
  int64_t line;   /* input lines read so far */
  int errors;
  int timer;
  int quit;
  char history[1024]; /* "" when there is none */
} repl;

/* ---- reading lines ----------------------------------------------------- */

/* Returns one line without its newline, malloc'd (caller frees), or NULL at
 * end of input. */
static char *read_line(repl *r, const char *prompt) {
#if HAVE_LINE_EDIT
  if (r->interactive)
    return readline(prompt);
#endif
  if (r->interactive) {
    fputs(prompt, stdout);
    fflush(stdout);
  }
  char *buf = NULL;
  size_t cap = 0;
  ssize_t n = getline(&buf, &cap, r->in);
  if (n < 0) {
    free(buf);
    return NULL;
  }
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
    buf[--n] = '\0';
  return buf;
}

static int mkdir_p(char *path) {
  for (char *p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    int rc = mkdir(path, 0700);
    *p = '/';
    if (rc != 0 && errno != EEXIST)
      return -1;
  }
  return 0;
}

/* $XDG_STATE_HOME/vista/history, else ~/.local/state/vista/history. */
static void history_open(repl *r) {
  const char *state = getenv("XDG_STATE_HOME");
  const char *home = getenv("HOME");
  r->history[0] = '\0';
  if (state && *state == '/')
    snprintf(r->history, sizeof r->history, "%s/vista/history", state);
  else if (home && *home)
    snprintf(r->history, sizeof r->history, "%s/.local/state/vista/history",
             home);
  if (!r->history[0] || mkdir_p(r->history) != 0) {
    r->history[0] = '\0';
    return;
  }
#if HAVE_LINE_EDIT
  stifle_history(HISTORY_MAX);
  read_history(r->history);
#endif
}

static void history_add(repl *r, const char *text) {
#if HAVE_LINE_EDIT
  if (r->interactive && *text)
    add_history(text);
#else
  (void)r, (void)text;
#endif
}

static void history_close(repl *r) {
#if HAVE_LINE_EDIT
  if (r->history[0] && write_history(r->history) != 0)
    fprintf(stderr, "vista: cannot write history to %s\n", r->history);
#else
  (void)r;
#endif
}

/* ---- running ------------------------------------------------------------ */

static void report(repl *r, const char *msg) {
  fprintf(stderr, "vista: %s\n", msg);
  fflush(stderr);
  r->errors++;
}

/* Calls a function of stdlib/vista/repl.lua with nargs arguments already
 * pushed [-nargs, +0]. */
static int call_repl_lib(repl *r, const char *fn, int nargs) {
  lua_State *L = r->L;
  static const char getter[] = "return require('vista.repl')";
  int incomplete;
  if (vista_sandbox_load(r->sb, getter, sizeof getter - 1, "=repl",
                         &incomplete) != VISTA_OK ||
      vista_sandbox_call(r->sb, 0, 1) != VISTA_OK) {
    lua_pop(L, nargs);
    report(r, vista_sandbox_errmsg(r->sb));
    return -1;
  }
  lua_getfield(L, -1, fn);
  lua_remove(L, -2);
  lua_insert(L, -(nargs + 1));
  vista_sandbox_catch_sigint(r->sb, r->interactive);
  int rc = vista_sandbox_call(r->sb, nargs, 0);
  vista_sandbox_catch_sigint(r->sb, 0);
  if (rc != VISTA_OK) {
    report(r, vista_sandbox_errmsg(r->sb));
    return -1;
  }
  return 0;
}

static double seconds_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Runs the loaded function on top of the stack and prints its results. */
static void run_and_print(repl *r) {
  lua_State *L = r->L;
  int base = lua_gettop(L) - 1;
  double t0 = seconds_now();
  vista_sandbox_catch_sigint(r->sb, r->interactive);
  int rc = vista_sandbox_call(r->sb, 0, LUA_MULTRET);
  vista_sandbox_catch_sigint(r->sb, 0);
  double elapsed = seconds_now() - t0;
  if (rc != VISTA_OK) {
    report(r, vista_sandbox_errmsg(r->sb));
    return;
  }
  int n = lua_gettop(L) - base;
  if (n > 0)
    call_repl_lib(r, "show", n);
  if (r->timer)
    fprintf(stdout, "time: %.3f s\n", elapsed);
  fflush(stdout);
}

/* Builds the text to compile: in a batch, blank lines first so that Lua's
 * line numbers are the input's. */
static char *chunk_text(repl *r, int64_t first_line, const char *prefix,
                        const char *body) {
  size_t pad = r->interactive ? 0 : (size_t)(first_line - 1);
  size_t len = pad + strlen(prefix) + strlen(body);
  char *text = malloc(len + 1);
  if (!text)
    return NULL;
  memset(text, '\n', pad);
  strcpy(text + pad, prefix);
  strcat(text + pad, body);
  return text;
}

/* Tries text as an expression, then as statements. Returns 1 when it ran
 * or failed for good, 0 when it is incomplete and needs more lines. */
static int try_chunk(repl *r, int64_t first_line, const char *body) {
  const char *chunkname = "=stdin";
  int inc_expr = 0, inc_stat = 0;
  const char *expr = body[0] == '=' ? body + 1 : body;
  char *text = chunk_text(r, first_line, "return ", expr);
  if (!text) {
    report(r, "out of memory");
    return 1;
  }
  int rc = vista_sandbox_load(r->sb, text, strlen(text), chunkname, &inc_expr);
  free(text);
  if (rc == VISTA_OK) {
    run_and_print(r);
    return 1;
  }
  if (body[0] == '=') {
    if (inc_expr)
      return 0;
    report(r, vista_sandbox_errmsg(r->sb));
    return 1;
  }
  text = chunk_text(r, first_line, "", body);
  if (!text) {
    report(r, "out of memory");
    return 1;
  }
  rc = vista_sandbox_load(r->sb, text, strlen(text), chunkname, &inc_stat);
  free(text);
  if (rc == VISTA_OK) {
    run_and_print(r);
    return 1;
  }
  if (inc_stat || inc_expr)
    return 0;
  report(r, vista_sandbox_errmsg(r->sb));
  return 1;
}

/* ---- dot-commands --------------------------------------------------------- */

typedef struct dot_command {
  const char *name;
  const char *usage;
  const char *help;
  void (*handler)(repl *r, const char *arg);
} dot_command;

static void dot_help(repl *r, const char *arg);

static void dot_quit(repl *r, const char *arg) {
  (void)arg;
  r->quit = 1;
}

static void dot_lua(repl *r, const char *fn, const char *arg) {
  if (arg && *arg)
    lua_pushstring(r->L, arg);
  else
    lua_pushnil(r->L);
  call_repl_lib(r, fn, 1);
}

static void dot_tables(repl *r, const char *arg) { dot_lua(r, "tables", arg); }
static void dot_schema(repl *r, const char *arg) { dot_lua(r, "schema", arg); }
static void dot_format(repl *r, const char *arg) { dot_lua(r, "format", arg); }

static void dot_timer(repl *r, const char *arg) {
  if (arg && strcmp(arg, "on") == 0)
    r->timer = 1;
  else if (arg && strcmp(arg, "off") == 0)
    r->timer = 0;
  else
    report(r, "usage: .timer on|off");
}

static const dot_command dot_commands[] = {
    {"exit", ".exit", "leave vista (also .quit and Ctrl-D)", dot_quit},
    {"format", ".format [table|csv|json|md]",
     "how tables of rows are printed (no argument: show the current one)",
     dot_format},
    {"help", ".help", "this list; help() explains the Lua API", dot_help},
    {"quit", ".quit", "leave vista", dot_quit},
    {"schema", ".schema [TABLE]", "the CREATE statements of the database",
     dot_schema},
    {"tables", ".tables", "the tables and views, with their row counts",
     dot_tables},
    {"timer", ".timer on|off", "print how long each chunk took", dot_timer},
};

#define DOT_COUNT (sizeof dot_commands / sizeof dot_commands[0])

static void dot_help(repl *r, const char *arg) {
  (void)r, (void)arg;
  for (size_t i = 0; i < DOT_COUNT; i++)
    printf("%-30s %s\n", dot_commands[i].usage, dot_commands[i].help);
  printf("%-30s %s\n", "help(), help(x)",
         "the models, functions and commands; one of them");
}

static void run_dot(repl *r, char *line) {
  char *name = line + 1;
  char *arg = name + strcspn(name, " \t");
  if (*arg) {
    *arg++ = '\0';
    arg += strspn(arg, " \t");
    char *end = arg + strlen(arg);
    while (end > arg && (end[-1] == ' ' || end[-1] == '\t'))
      *--end = '\0';
  }
  for (size_t i = 0; i < DOT_COUNT; i++)
    if (strcmp(name, dot_commands[i].name) == 0) {
      dot_commands[i].handler(r, arg);
      fflush(stdout);
      return;
    }
  char msg[200];
  if (r->interactive)
    snprintf(msg, sizeof msg, "unknown command '.%.60s' (.help lists them)",
             name);
  else
    snprintf(msg, sizeof msg,
             "stdin:%lld: unknown command '.%.60s' (.help lists them)",
             (long long)r->line, name);
  report(r, msg);
}

/* ---- the loop ------------------------------------------------------------- */

int vista_repl(vista_sandbox *sb, FILE *in, int interactive) {
  repl r = {0};
  r.sb = sb;
  r.L = vista_sandbox_lua(sb);
  r.in = in;
  r.interactive = interactive;
  if (interactive) {
    /* Line editing needs the terminal's encoding to handle UTF-8 input.
     * Only the character type: numbers and dates keep the C locale. */
    setlocale(LC_CTYPE, "");
    history_open(&r);
    printf("vista %s  (database: %s)\n"
           "help() explains the API, .help lists commands, Ctrl-D leaves.\n",
           VISTA_VERSION, vista_sandbox_dbpath(sb));
  }

  char *buffer = NULL;
  int64_t first_line = 0;
  while (!r.quit) {
    char *line = read_line(&r, buffer ? PROMPT2 : PROMPT);
    if (!line)
      break;
    r.line++;
    if (!buffer) {
      const char *p = line + strspn(line, " \t");
      if (*p == '\0') {
        free(line);
        continue;
      }
      if (*p == '.') {
        history_add(&r, line);
        run_dot(&r, (char *)p);
        free(line);
        continue;
      }
      buffer = line;
      first_line = r.line;
    } else {
      size_t a = strlen(buffer), b = strlen(line);
      char *joined = realloc(buffer, a + b + 2);
      if (!joined) {
        free(line);
        report(&r, "out of memory");
        break;
      }
      buffer = joined;
      buffer[a] = '\n';
      memcpy(buffer + a + 1, line, b + 1);
      free(line);
    }
    if (try_chunk(&r, first_line, buffer)) {
      history_add(&r, buffer);
      free(buffer);
      buffer = NULL;
    }
  }
  if (buffer) {
    /* Input ended inside an unfinished chunk: say so, do not drop it. */
    char msg[100];
    snprintf(msg, sizeof msg, "stdin:%lld: input ended inside an unfinished "
                              "chunk",
             (long long)first_line);
    report(&r, msg);
    free(buffer);
  }
  if (interactive) {
    history_close(&r);
    putchar('\n');
  }
  /* A batch reports failure in its status; a person at the prompt has
   * seen each error already. */
  return !interactive && r.errors ? 1 : 0;
}
