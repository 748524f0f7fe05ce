/* usage.c: the command line described once. The table of commands and
 * options below is printed as `vista --help`, as the manual page (CMake runs
 * `vista --help-man` at build time), given to help('commands') through
 * require "vista.usage", and read by the shell completion through the hidden
 * `vista complete WHAT`. It does not parse arguments: main.c does. */
#include "usage.h"

#include <lauxlib.h>
#include <string.h>

#include "export.h"
#include "sandbox.h"

#define WIDTH 79
#define COMMAND_COLUMN 30
#define OPTION_COLUMN 21

const vista_usage vista_usage_commands[] = {
    {"init", "create the database, or upgrade its schema"},
    {"import mobility FILE [--format auto|erasmus|vista] "
     "[--map 'Theirs=Ours,...'] [--rejects FILE] [--strict] [--replace]",
     "import mobility records: the Erasmus+ open data or vista's own CSV"},
    {"import institutions FILE", "import a list of institutions (CSV)"},
    {"import strategy FILE.lua [--check]",
     "check and store an institution's strategy (--check: only check it)"},
    {"import partners FILE [--institution CODE]",
     "import partners, agreements, contacts (CSV)"},
    {"import facts FILE", "import institutions' yearly facts (CSV)"},
    {"import timeline FILE [--institution CODE]",
     "import milestones: projects, accreditations, ... (CSV)"},
    {"import survey FILE [--institution CODE]",
     "import an anonymous staff survey (CSV); every import reads a regular "
     "file, or - for standard input"},
    {"alias [NAME CODE]",
     "record NAME (another name, an OID or a PIC) as CODE's institution; "
     "alone: the aliases and the likely duplicates"},
    {"export TABLE [--format csv|json] [--out FILE]",
     "write a table (mobility: vista's own CSV)"},
    {"run SCRIPT [ARGS...]",
     "run a Lua script: a path, or the name of a ready one (vista run alone "
     "lists them)"},
    {"-e CHUNK [ARGS...]", "run a chunk of Lua"},
    {"repl", "the interactive shell (also: vista alone on a terminal; with "
             "piped input, runs it as a batch)"},
    {NULL, NULL},
};

const vista_usage vista_usage_options[] = {
    {"--db PATH",
     "the database (default: $VISTA_DB, else ./vista.db; :memory: works); "
     "only init and the imports create it"},
    {"--scope CODE",
     "a session for one institution (Erasmus code or name): its own records "
     "in full, others only as suppressed aggregates"},
    {"--allow-write DIR",
     "scripts may write files in DIR (vista.output); else only the file "
     "given to a script as --out FILE"},
    {"--max-steps N",
     "steps a script may run: Lua instructions and SQL VM steps (default "
     "500000000; 0: no limit)"},
    {"--max-mem SIZE",
     "memory a script and its queries may hold, e.g. 64M, 2G (at least 4M; "
     "default 512M; 0: no limit)"},
    {"--max-time SECS",
     "wall-clock seconds a script may run (default 300; 0: no limit)"},
    {"--trace", "add a Lua traceback to script errors"},
    {"-h, --help", "this help"},
    {"--version",
     "the version, and the SQLite, Lua, libcsv and schema versions"},
    {NULL, NULL},
};

static const char synopsis[] = "vista [OPTIONS] [COMMAND [ARGS...]]";
static const char options_where[] =
    "Options come before the command; for init, import and repl also after.";
static const char exit_status[] =
    "Exit status: 0 success, 1 error, 2 usage error, 3 script stopped by a "
    "limit or Ctrl-C, 4 imported but some rows were rejected.";

/* Writes text from column col, wrapping at spaces before WIDTH onto lines
 * indented by indent; a space inside [ ] does not break (a syntax's
 * optional part stays whole). Ends with a newline. */
static void wrap(FILE *out, const char *text, int col, int indent) {
  const char *p = text;
  int first = 1;
  while (*p) {
    /* The next word: up to a space outside brackets. */
    const char *w = p;
    int depth = 0;
    while (*p && (*p != ' ' || depth > 0)) {
      depth += *p == '[' ? 1 : *p == ']' && depth > 0 ? -1 : 0;
      p++;
    }
    int len = (int)(p - w);
    if (!first && col + 1 + len > WIDTH) {
      fprintf(out, "\n%*s", indent, "");
      col = indent;
    } else if (!first) {
      fputc(' ', out);
      col++;
    }
    fwrite(w, 1, (size_t)len, out);
    col += len;
    first = 0;
    while (*p == ' ')
      p++;
  }
  fputc('\n', out);
}

/* One entry of --help: "  syntax" then the help at column, or on the next
 * line when the syntax reaches it. */
static void print_entry(FILE *out, const vista_usage *u, int column) {
  fputs("  ", out);
  int len = (int)strlen(u->syntax);
  if (2 + len + 2 <= column) {
    fprintf(out, "%s%*s", u->syntax, column - 2 - len, "");
  } else {
    wrap(out, u->syntax, 2, 9);
    fprintf(out, "%*s", column, "");
  }
  wrap(out, u->help, column, column);
}

static void print_commands(FILE *out) {
  for (const vista_usage *u = vista_usage_commands; u->syntax; u++)
    print_entry(out, u, COMMAND_COLUMN);
}

void vista_usage_print(FILE *out) {
  fprintf(out, "usage: %s\n\nCommands:\n", synopsis);
  print_commands(out);
  fputs("\nOptions:\n", out);
  for (const vista_usage *u = vista_usage_options; u->syntax; u++)
    print_entry(out, u, OPTION_COLUMN);
  fputc('\n', out);
  wrap(out, options_where, 0, 0);
  wrap(out, exit_status, 0, 0);
}

/* Writes s as roff text: backslashes and hyphens escaped, and a leading
 * dot or quote kept from being read as a request. */
static void roff(FILE *out, const char *s) {
  if (*s == '.' || *s == '\'')
    fputs("\\&", out);
  for (; *s; s++) {
    if (*s == '\\')
      fputs("\\e", out);
    else if (*s == '-')
      fputs("\\-", out);
    else
      fputc(*s, out);
  }
}

static void man_script(void *ud, const char *name, const char *description) {
  FILE *out = ud;
  fputs(".TP\n.B ", out);
  roff(out, name);
  fputc('\n', out);
  roff(out, description);
  fputc('\n', out);
}

void vista_usage_man(FILE *out) {
  /* Left-adjusted, unhyphenated: a syntax line stretched to the margin
   * or an option split at a hyphen reads wrong. */
  fputs(".TH VISTA 1 \"\" \"vista " VISTA_VERSION "\" \"User Commands\"\n"
        ".ad l\n.nh\n"
        ".SH NAME\n"
        "vista \\- a scriptable analysis engine for Erasmus+ VET mobility "
        "data\n"
        ".SH SYNOPSIS\n.B vista\n",
        out);
  roff(out, synopsis + strlen("vista "));
  fputs("\n.SH DESCRIPTION\n"
        "vista keeps an institution's or a National Agency's mobility data, "
        "strategy, partners and indicators in one SQLite file, and questions "
        "it with Lua scripts that run in a sandbox: ready ones by name, your "
        "own by path, or line by line in a shell.\n"
        ".SH COMMANDS\n",
        out);
  for (const vista_usage *u = vista_usage_commands; u->syntax; u++) {
    fputs(".TP\n\\fBvista ", out);
    roff(out, u->syntax);
    fputs("\\fR\n", out);
    roff(out, u->help);
    fputc('\n', out);
  }
  fputs(".SH OPTIONS\n", out);
  roff(out, options_where);
  fputc('\n', out);
  for (const vista_usage *u = vista_usage_options; u->syntax; u++) {
    fputs(".TP\n.B ", out);
    roff(out, u->syntax);
    fputc('\n', out);
    roff(out, u->help);
    fputc('\n', out);
  }
  fputs(".SH READY SCRIPTS\n"
        "Run with \\fBvista run\\fR \\fINAME\\fR; "
        "\\fBvista run\\fR \\fINAME\\fR \\fB\\-\\-help\\fR explains one.\n",
        out);
  vista_sandbox_list_scripts(man_script, out);
  fputs(".SH ENVIRONMENT\n.TP\n.B VISTA_DB\n"
        "the database when \\fB\\-\\-db\\fR is not given\n"
        ".TP\n.B VISTA_LANG\n"
        "the language of the report and of the ready scripts' words "
        "(en, nl, de, fr or fi) when \\fB\\-\\-lang\\fR is not given; "
        "else the locale's (LC_ALL, LC_MESSAGES, LANG), else English\n"
        ".SH EXIT STATUS\n",
        out);
  roff(out, exit_status);
  fputs("\n.SH SEE ALSO\n.BR sqlite3 (1),\n.BR lua (1)\n", out);
}

/* Writes each name of an option's syntax ("-h, --help" gives two). */
static void option_names(FILE *out, const char *syntax) {
  const char *p = syntax;
  while (*p == '-') {
    size_t len = strcspn(p, " ,");
    fprintf(out, "%.*s\n", (int)len, p);
    p += len;
    if (strncmp(p, ", ", 2) != 0)
      break;
    p += 2;
  }
}

static void word_script(void *ud, const char *name, const char *description) {
  (void)description;
  fprintf(ud, "%s\n", name);
}

int vista_usage_words(FILE *out, const char *what) {
  if (strcmp(what, "commands") == 0 || strcmp(what, "imports") == 0) {
    int imports = what[0] == 'i';
    const char *last = "";
    size_t last_len = 0;
    for (const vista_usage *u = vista_usage_commands; u->syntax; u++) {
      const char *w = u->syntax;
      size_t len = strcspn(w, " ");
      if (imports) {
        if (strncmp(w, "import ", 7) != 0)
          continue;
        w += 7;
        len = strcspn(w, " ");
      }
      /* The import kinds share their first word: print it once. */
      if (len == last_len && strncmp(w, last, len) == 0)
        continue;
      fprintf(out, "%.*s\n", (int)len, w);
      last = w;
      last_len = len;
    }
  } else if (strcmp(what, "options") == 0) {
    for (const vista_usage *u = vista_usage_options; u->syntax; u++)
      option_names(out, u->syntax);
  } else if (strcmp(what, "scripts") == 0) {
    vista_sandbox_list_scripts(word_script, out);
  } else if (strcmp(what, "tables") == 0) {
    const char *t;
    for (size_t i = 0; (t = vista_export_tables(i)) != NULL; i++)
      fprintf(out, "%s\n", t);
  } else {
    return -1;
  }
  return 0;
}

/* Pushes a list of {syntax =, help =} from entries [-0, +1, m]. */
static void push_entries(lua_State *L, const vista_usage *entries) {
  lua_newtable(L);
  lua_Integer n = 0;
  for (const vista_usage *u = entries; u->syntax; u++) {
    lua_createtable(L, 0, 2);
    lua_pushstring(L, u->syntax);
    lua_setfield(L, -2, "syntax");
    lua_pushstring(L, u->help);
    lua_setfield(L, -2, "help");
    lua_rawseti(L, -2, ++n);
  }
}

int luaopen_vista_usage(lua_State *L) {
  /* The commands as --help lays them out, for help('commands'), written
   * into a buffer Lua owns: nothing leaks if a push below raises. */
  enum { TEXT_MAX = 16384 };
  char *text = lua_newuserdatauv(L, TEXT_MAX, 0);
  FILE *out = fmemopen(text, TEXT_MAX, "w");
  if (!out)
    return luaL_error(L, "not enough memory");
  print_commands(out);
  long len = ftell(out);
  fclose(out);
  luaL_argcheck(L, len > 0 && len < TEXT_MAX, 1, "usage text too long");
  lua_createtable(L, 0, 3);
  lua_pushlstring(L, text, (size_t)len);
  lua_setfield(L, -2, "commands_text");
  push_entries(L, vista_usage_commands);
  lua_setfield(L, -2, "commands");
  push_entries(L, vista_usage_options);
  lua_setfield(L, -2, "options");
  return 1;
}
