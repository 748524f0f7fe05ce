/* repl.c: the interactive loop, and the same loop as a batch over piped
 * input. Owns reading lines (libedit or readline when built with one, plain
 * stdio otherwise), history in the XDG state directory, multi-line input,
 * dot-commands and printing results through the stdlib's printer
 * (stdlib/vista/repl.lua), and the signals of an interactive session. It
 * does not run Lua itself: the sandbox does. Entry point: vista_repl().
 *
 * Signals, as in the sqlite3 shell and python: Ctrl-C at the prompt drops
 * the line and any unfinished chunk and prompts again; while a chunk runs,
 * the sandbox's handler stops it and the prompt comes back. SIGTERM and
 * SIGHUP end the session the way Ctrl-D does (history written), then the
 * process ends by that signal. Handlers only set flags (and, for GNU
 * readline, jump: see the tiers below); the waits for input block our
 * signals but inside pselect, so none slips in before a read blocks. */
#include <errno.h>
#include <lauxlib.h>
#include <locale.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Line editing, in three tiers chosen at build time. libedit through its
 * own API, whose input function is ours: a signal ends its read, so Ctrl-C
 * returns from el_gets() cleanly (through its readline emulation, libedit
 * retries the read and keeps the line). GNU readline defers its signal
 * handling to a safe point inside its read, where ours then leaves with
 * siglongjmp, as psql does. Plain stdio: the terminal drops the typed line
 * and the wait for input returns. */
#if defined(VISTA_USE_LIBEDIT)
#include <histedit.h>
#include <wchar.h>
#define ECHO_INTERRUPT "^C\n" /* the terminal does not echo in raw mode */
#elif defined(VISTA_USE_READLINE)
#include <readline/history.h>
#include <readline/readline.h>
#define ECHO_INTERRUPT "\n" /* readline echoes the ^C itself */
#else
#define ECHO_INTERRUPT "\n" /* the terminal echoes the ^C */
#endif

#include "repl.h"
#include "sandbox_lib.h"

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
#if defined(VISTA_USE_LIBEDIT)
  EditLine *el;
  History *hist;
  const char *prompt;
#endif
} repl;

/* ---- signals ------------------------------------------------------------ */

#if defined(VISTA_USE_READLINE)
static sigjmp_buf prompt_jump;
static volatile sig_atomic_t in_prompt; /* the handler may jump out */
#endif
static volatile sig_atomic_t in_chunk; /* the sandbox's Ctrl-C is on */
static volatile sig_atomic_t got_int;  /* Ctrl-C since the last prompt */
static volatile sig_atomic_t got_end;  /* SIGTERM or SIGHUP, or 0 */

static void on_signal(int sig) {
  if (sig == SIGINT) {
    got_int = 1;
  } else {
    got_end = sig;
    /* A running chunk is stopped as Ctrl-C stops it; the loop then ends. */
    if (in_chunk)
      raise(SIGINT);
  }
#if defined(VISTA_USE_READLINE)
  if (in_prompt) {
    in_prompt = 0;
    siglongjmp(prompt_jump, 1);
  }
#endif
}

/* Installs the session's handlers; SIGINT again after each chunk, since the
 * sandbox takes it while one runs. No SA_RESTART: a plain read at the
 * prompt must return with EINTR. */
static void catch_signal(int sig) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

static void chunk_begin(repl *r) {
  in_chunk = r->interactive;
  vista_sandbox_catch_sigint(r->sb, r->interactive);
}

static void chunk_end(repl *r) {
  vista_sandbox_catch_sigint(r->sb, 0);
  in_chunk = 0;
  if (r->interactive)
    catch_signal(SIGINT);
}

/* ---- reading lines ----------------------------------------------------- */

/* Waits until fd has input. Returns 1, or 0 when a signal of ours came
 * first. Our signals stay blocked but while pselect waits, so that one
 * coming just before the wait is not missed. */
static int wait_input(int fd) {
  sigset_t ours, old;
  sigemptyset(&ours);
  sigaddset(&ours, SIGINT);
  sigaddset(&ours, SIGTERM);
  sigaddset(&ours, SIGHUP);
  sigprocmask(SIG_BLOCK, &ours, &old);
  int ready = 0;
  while (!got_int && !got_end) {
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    int n = pselect(fd + 1, &set, NULL, NULL, NULL, &old);
    if (n > 0 || (n < 0 && errno != EINTR)) {
      ready = 1; /* input, or an error the read will report */
      break;
    }
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  return ready;
}

#if defined(VISTA_USE_LIBEDIT) || defined(VISTA_USE_READLINE)

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
static void history_path(repl *r) {
  const char *state = getenv("XDG_STATE_HOME");
  const char *home = getenv("HOME");
  r->history[0] = '\0';
  if (state && *state == '/')
    snprintf(r->history, sizeof r->history, "%s/vista/history", state);
  else if (home && *home)
    snprintf(r->history, sizeof r->history, "%s/.local/state/vista/history",
             home);
  if (!r->history[0] || mkdir_p(r->history) != 0)
    r->history[0] = '\0';
}

static void history_failed(repl *r) {
  fprintf(stderr, "vista: cannot write history to %s\n", r->history);
}

#endif

#if defined(VISTA_USE_LIBEDIT)

static char *el_prompt(EditLine *el) {
  repl *r;
  el_get(el, EL_CLIENTDATA, &r);
  return (char *)r->prompt;
}

/* libedit's input: one character, decoded from the terminal's encoding.
 * Returns 1, 0 at end of input, -1 when a signal of ours came (el_gets
 * then puts the terminal back and returns NULL). */
static int el_input(EditLine *el, wchar_t *wc) {
  repl *r;
  el_get(el, EL_CLIENTDATA, &r);
  int fd = fileno(r->in);
  mbstate_t state;
  memset(&state, 0, sizeof state);
  for (;;) {
    if (!wait_input(fd))
      return -1;
    char byte;
    ssize_t n = read(fd, &byte, 1);
    if (n < 0 && errno == EINTR)
      continue; /* ours (seen by wait_input), a resize, a resumed job */
    if (n <= 0)
      return n == 0 ? 0 : -1;
    size_t k = mbrtowc(wc, &byte, 1, &state);
    if (k == (size_t)-2)
      continue;
    if (k == (size_t)-1) /* not in the encoding: take the byte as it is */
      *wc = (unsigned char)byte;
    return 1;
  }
}

static void editor_open(repl *r) {
  history_path(r);
  r->hist = history_init();
  r->el = el_init("vista", r->in, stdout, stderr);
  if (!r->hist || !r->el)
    return;
  HistEvent ev;
  history(r->hist, &ev, H_SETSIZE, HISTORY_MAX);
  if (r->history[0])
    history(r->hist, &ev, H_LOAD, r->history);
  el_set(r->el, EL_CLIENTDATA, r);
  el_set(r->el, EL_EDITOR, "emacs");
  el_set(r->el, EL_PROMPT, el_prompt);
  el_set(r->el, EL_HIST, history, r->hist);
  el_set(r->el, EL_SIGNAL, 1); /* terminal back on Ctrl-Z, Ctrl-C, resize */
  el_set(r->el, EL_GETCFN, el_input);
  el_source(r->el, NULL); /* ~/.editrc, as other libedit programs do */
}

static char *editor_read(repl *r, const char *prompt) {
  if (!r->el)
    return NULL;
  r->prompt = prompt;
  int count = 0;
  const char *text = el_gets(r->el, &count);
  if (!text || count <= 0)
    return NULL;
  size_t n = strlen(text);
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
    n--;
  char *line = malloc(n + 1);
  if (line) {
    memcpy(line, text, n);
    line[n] = '\0';
  }
  return line;
}

static void editor_add(repl *r, const char *text) {
  HistEvent ev;
  if (r->hist)
    history(r->hist, &ev, H_ENTER, text);
}

static void editor_close(repl *r) {
  HistEvent ev;
  if (r->hist && r->history[0] &&
      history(r->hist, &ev, H_SAVE, r->history) < 0)
    history_failed(r);
  if (r->el)
    el_end(r->el);
  if (r->hist)
    history_end(r->hist);
  r->el = NULL;
  r->hist = NULL;
}

#elif defined(VISTA_USE_READLINE)

static void editor_open(repl *r) {
  history_path(r);
  stifle_history(HISTORY_MAX);
  if (r->history[0])
    read_history(r->history);
}

static char *editor_read(repl *r, const char *prompt) {
  (void)r;
  if (sigsetjmp(prompt_jump, 1) != 0) {
    rl_free_line_state();
    rl_cleanup_after_signal();
    return NULL;
  }
  in_prompt = 1;
  char *line = readline(prompt);
  in_prompt = 0;
  return line;
}

static void editor_add(repl *r, const char *text) {
  (void)r;
  add_history(text);
}

static void editor_close(repl *r) {
  if (r->history[0] && write_history(r->history) != 0)
    history_failed(r);
}

#else

/* Unbuffered, so that no typed-ahead line waits in stdio's buffer while
 * wait_input watches the descriptor. */
static void editor_open(repl *r) { setvbuf(r->in, NULL, _IONBF, 0); }
static void editor_add(repl *r, const char *text) { (void)r, (void)text; }
static void editor_close(repl *r) { (void)r; }
#define HAVE_EDITOR_READ 0

#endif

#ifndef HAVE_EDITOR_READ
#define HAVE_EDITOR_READ 1
#endif

/* Returns one line without its newline, malloc'd (caller frees), or NULL at
 * end of input or when a signal came (got_int or got_end says which). */
static char *read_line(repl *r, const char *prompt) {
  got_int = 0;
  if (got_end)
    return NULL;
#if HAVE_EDITOR_READ
  if (r->interactive)
    return editor_read(r, prompt);
#endif
  if (r->interactive) {
    fputs(prompt, stdout);
    fflush(stdout);
    if (!wait_input(fileno(r->in)))
      return NULL;
  }
  char *buf = NULL;
  size_t cap = 0;
  ssize_t n = getline(&buf, &cap, r->in);
  if (n < 0) {
    /* Interrupted (the terminal has dropped the typed line): not the end. */
    if (got_int || got_end)
      clearerr(r->in);
    free(buf);
    return NULL;
  }
  while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
    buf[--n] = '\0';
  return buf;
}

static void history_add(repl *r, const char *text) {
  if (r->interactive && *text)
    editor_add(r, text);
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
  chunk_begin(r);
  int rc = vista_sandbox_call(r->sb, nargs, 0);
  chunk_end(r);
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
  chunk_begin(r);
  int rc = vista_sandbox_call(r->sb, 0, LUA_MULTRET);
  chunk_end(r);
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

/* ---- locals that last ------------------------------------------------------ */

/* Each line of a shell is its own chunk, so in lua.c `local x = 5` is gone
 * by the next line. People expect it to stay, as in modern shells: a
 * top-level `local` is rewritten into a session variable before the chunk
 * is compiled — `local a, b <const> = f()` becomes `a, b = f()`, `local x`
 * becomes `x = nil`, `local function f` becomes `function f` — so later
 * lines see it. Locals inside blocks and functions stay locals, and so
 * does a `<close>` variable (it belongs to its chunk). The names declared
 * read as nil while nil, instead of "undefined global" (DECLARED_KEY). The
 * rewrite only blanks words (newlines kept) and appends " = nil", so error
 * messages keep their line numbers. */

static const char DECLARED_KEY[] = "vista.repl.declared";

typedef struct rewriter {
  const char *src;
  size_t copied; /* src[0..copied) is in out */
  char *out;
  size_t len, cap;
  int failed;
  size_t *names; /* pairs (offset, length) of the names declared */
  size_t nnames, names_cap;
} rewriter;

static void emit(rewriter *w, const char *p, size_t n) {
  if (w->failed)
    return;
  if (w->len + n + 1 > w->cap) {
    size_t cap = (w->len + n + 1) * 2;
    char *grown = realloc(w->out, cap);
    if (!grown) {
      w->failed = 1;
      return;
    }
    w->out = grown;
    w->cap = cap;
  }
  memcpy(w->out + w->len, p, n);
  w->len += n;
  w->out[w->len] = '\0';
}

/* Copies the source up to offset to. */
static void copy_to(rewriter *w, size_t to) {
  emit(w, w->src + w->copied, to - w->copied);
  w->copied = to;
}

/* Replaces src[from..to) by spaces, keeping its newlines. */
static void blank(rewriter *w, size_t from, size_t to) {
  copy_to(w, from);
  for (size_t i = from; i < to; i++)
    emit(w, w->src[i] == '\n' ? "\n" : " ", 1);
  w->copied = to;
}

static void declare(rewriter *w, size_t at, size_t n) {
  if (w->nnames == w->names_cap) {
    size_t cap = w->names_cap ? w->names_cap * 2 : 8;
    size_t *grown = realloc(w->names, cap * 2 * sizeof *grown);
    if (!grown) {
      w->failed = 1;
      return;
    }
    w->names = grown;
    w->names_cap = cap;
  }
  w->names[2 * w->nnames] = at;
  w->names[2 * w->nnames + 1] = n;
  w->nnames++;
}

/* The level of a long bracket opening at p ([[ is 0, [==[ is 2), or -1. */
static int long_open(const char *p) {
  if (*p != '[')
    return -1;
  int level = 0;
  for (p++; *p == '='; p++)
    level++;
  return *p == '[' ? level : -1;
}

/* Past the closing long bracket of that level, or the end of the text. */
static const char *long_close(const char *p, int level) {
  for (; *p; p++)
    if (*p == ']') {
      const char *q = p + 1;
      int n = 0;
      while (*q == '=')
        q++, n++;
      if (n == level && *q == ']')
        return q + 1;
    }
  return p;
}

static int is_name_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

/* The next token at or after *pos: its start and length; comments and
 * white space are skipped, strings and numbers are one token each. Length
 * 0 at the end of the text. */
static size_t next_token(const char *src, size_t *pos) {
  const char *p = src + *pos;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' ||
           *p == '\f' || *p == '\v')
      p++;
    if (p[0] == '-' && p[1] == '-') {
      int level = long_open(p + 2);
      if (level >= 0)
        p = long_close(p + 2, level);
      else
        p += strcspn(p, "\n");
      continue;
    }
    break;
  }
  const char *start = p;
  int level;
  if (*p == '\0')
    ;
  else if (*p == '"' || *p == '\'') {
    char q = *p++;
    while (*p && *p != q && *p != '\n')
      p += p[0] == '\\' && p[1] ? 2 : 1;
    if (*p == q)
      p++;
  } else if ((level = long_open(p)) >= 0) {
    p = long_close(p, level);
  } else if (is_name_char(*p) || (*p == '.' && p[1] >= '0' && p[1] <= '9')) {
    /* A name, or a number with its exponent sign. */
    int number = !is_name_start(*p);
    while (is_name_char(*p) || (number && *p == '.') ||
           (number && (*p == '+' || *p == '-') &&
            (p[-1] == 'e' || p[-1] == 'E' || p[-1] == 'p' || p[-1] == 'P')))
      p++;
  } else {
    p++;
  }
  *pos = (size_t)(start - src);
  return (size_t)(p - start);
}

static int token_is(const char *tok, size_t n, const char *word) {
  return strlen(word) == n && memcmp(tok, word, n) == 0;
}

/* `local` at offset at, a statement at the top level: rewritten unless it
 * is not a declaration or declares a <close> variable. Returns the offset
 * to go on scanning from. */
static size_t rewrite_local(rewriter *w, size_t at) {
  const char *src = w->src;
  size_t pos = at + 5;
  size_t n = next_token(src, &pos);
  if (token_is(src + pos, n, "function")) {
    size_t name = pos + n;
    size_t nn = next_token(src, &name);
    if (nn && is_name_start(src[name])) {
      blank(w, at, at + 5);
      declare(w, name, nn);
    }
    return pos; /* `function` opens a block: the caller counts it */
  }
  /* NAME [<attrib>] {, NAME [<attrib>]} */
  size_t attribs[2 * 64];
  size_t nattribs = 0;
  size_t first_name = w->nnames;
  size_t end = pos;
  for (;;) {
    if (!n || !is_name_start(src[pos]))
      goto leave; /* not a declaration: Lua will say why */
    declare(w, pos, n);
    end = pos + n;
    n = next_token(src, &end);
    if (n == 1 && src[end] == '<') {
      size_t a = end + 1;
      size_t an = next_token(src, &a);
      size_t close = a + an;
      size_t cn = next_token(src, &close);
      if (token_is(src + a, an, "close") || cn != 1 || src[close] != '>' ||
          nattribs == 64)
        goto leave;
      attribs[2 * nattribs] = end;
      attribs[2 * nattribs + 1] = close + 1;
      nattribs++;
      end = close + 1;
      n = next_token(src, &end);
    }
    if (n == 1 && src[end] == ',') {
      pos = end + 1;
      n = next_token(src, &pos);
      continue;
    }
    break;
  }
  blank(w, at, at + 5);
  for (size_t i = 0; i < nattribs; i++)
    blank(w, attribs[2 * i], attribs[2 * i + 1]);
  if (!(n == 1 && src[end] == '=')) {
    /* `local x`: the end of the names is where the value goes. */
    size_t after = end;
    copy_to(w, after);
    emit(w, " = nil", 6);
  }
  return end;
leave:
  w->nnames = first_name;
  return at + 5;
}

/* The chunk with its top-level locals rewritten (see above), or NULL when
 * out of memory. *w keeps the names declared. */
static char *rewrite_locals(rewriter *w, const char *src) {
  *w = (rewriter){.src = src};
  int depth = 0;
  size_t pos = 0, n;
  while ((n = next_token(src, &pos)) != 0) {
    const char *t = src + pos;
    if (!is_name_start(*t)) {
      pos += n;
      continue;
    }
    if (token_is(t, n, "function") || token_is(t, n, "if") ||
        token_is(t, n, "do") || token_is(t, n, "repeat"))
      depth++;
    else if ((token_is(t, n, "end") || token_is(t, n, "until")) && depth > 0)
      depth--;
    else if (depth == 0 && token_is(t, n, "local")) {
      pos = rewrite_local(w, pos);
      continue;
    }
    pos += n;
  }
  copy_to(w, strlen(src));
  if (!w->out)
    emit(w, "", 0);
  if (w->failed) {
    free(w->out);
    free(w->names);
    return NULL;
  }
  return w->out;
}

/* Records the names a chunk declared, so that they read as nil while they
 * hold nothing. */
static void remember_declared(repl *r, const rewriter *w) {
  lua_State *L = r->L;
  if (lua_getfield(L, LUA_REGISTRYINDEX, DECLARED_KEY) != LUA_TTABLE) {
    lua_pop(L, 1);
    return;
  }
  for (size_t i = 0; i < w->nnames; i++) {
    lua_pushlstring(L, w->src + w->names[2 * i], w->names[2 * i + 1]);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
  }
  lua_pop(L, 1);
}

/* __index of the session's environment in the shell: a declared name is
 * nil; anything else goes to the environment's own __index (upvalue 1),
 * whose "undefined global" error is given the caller's line. */
static int shell_env_index(lua_State *L) {
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) {
    lua_pushnil(L);
    return 1;
  }
  lua_pop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  int st = lua_pcall(L, 2, 1, 0);
  if (st == LUA_OK)
    return 1;
  if (st == LUA_ERRRUN && lua_type(L, -1) == LUA_TSTRING) {
    /* Raised one level down (in this function), so it has no position. */
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

/* Puts shell_env_index in front of the environment's own __index. */
static void keep_locals(repl *r) {
  lua_State *L = r->L;
  if (lua_getfield(L, LUA_REGISTRYINDEX, VISTA_ENV_KEY) != LUA_TTABLE ||
      !lua_getmetatable(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  lua_getfield(L, -1, "__index");
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, DECLARED_KEY);
  lua_pushcclosure(L, shell_env_index, 2);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 2);
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
  rewriter w;
  char *rewritten = rewrite_locals(&w, body);
  text = rewritten ? chunk_text(r, first_line, "", rewritten) : NULL;
  free(rewritten);
  if (!text) {
    free(w.names);
    report(r, "out of memory");
    return 1;
  }
  rc = vista_sandbox_load(r->sb, text, strlen(text), chunkname, &inc_stat);
  free(text);
  if (rc == VISTA_OK)
    remember_declared(r, &w);
  free(w.names);
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
  printf("%-30s %s\n", "local x = 1",
         "stays for the lines after it (a session variable, unlike lua)");
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
  keep_locals(&r);
  if (interactive) {
    /* Line editing needs the terminal's encoding to handle UTF-8 input.
     * Only the character type: numbers and dates keep the C locale. */
    setlocale(LC_CTYPE, "");
    got_int = got_end = 0;
    catch_signal(SIGINT);
    catch_signal(SIGTERM);
    catch_signal(SIGHUP);
    editor_open(&r);
    printf("vista %s  (database: %s)\n"
           "help() explains the API, .help lists commands, Ctrl-D leaves.\n",
           VISTA_VERSION, vista_sandbox_dbpath(sb));
  }

  char *buffer = NULL;
  int64_t first_line = 0;
  while (!r.quit && !got_end) {
    char *line = read_line(&r, buffer ? PROMPT2 : PROMPT);
    if (!line && got_int && !got_end) {
      /* Ctrl-C at the prompt: drop the line and the unfinished chunk.
       * readline and the terminal itself echo the ^C; libedit does not. */
      fputs(ECHO_INTERRUPT, stdout);
      fflush(stdout);
      free(buffer);
      buffer = NULL;
      continue;
    }
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
  if (buffer && !got_end) {
    /* Input ended inside an unfinished chunk: say so, do not drop it. */
    char msg[100];
    snprintf(msg, sizeof msg, "stdin:%lld: input ended inside an unfinished "
                              "chunk",
             (long long)first_line);
    report(&r, msg);
  }
  free(buffer);
  if (interactive) {
    editor_close(&r);
    putchar('\n');
    fflush(stdout);
    int sig = got_end;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGHUP, SIG_DFL);
    /* Ended by a signal: end by it too, so that the parent sees why. */
    if (sig)
      raise(sig);
  }
  /* A batch reports failure in its status; a person at the prompt has
   * seen each error already. */
  return !interactive && r.errors ? 1 : 0;
}
