/* main.c: the command line. Parses arguments, dispatches to the core, and is
 * the one place that chooses an exit status:
 *   0 success, 1 an error (bad data, a failing script), 2 a usage error,
 *   3 a script stopped by a limit or interrupted. */
#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "indicator.h"
#include "journey.h"
#include "memory.h"
#include "mobility.h"
#include "org.h"
#include "output.h"
#include "partner.h"
#include "repl.h"
#include "sandbox.h"
#include "strategy.h"
#include "usage.h"
#include "vista.h"

enum {
  EXIT_OK = 0,
  EXIT_ERROR = 1,
  EXIT_USAGE = 2,
  EXIT_LIMIT = 3,
  EXIT_REJECTED = 4 /* imported, but some rows were rejected */
};

typedef struct options {
  const char *db;
  const char *scope;
  vista_limits limits;
  int trace;
} options;

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "vista: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, " (vista --help explains the usage)\n");
  return EXIT_USAGE;
}

static int parse_size(const char *s, size_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *s == '-')
    return -1;
  unsigned shift = 0;
  switch (*end) {
  case 'k': case 'K': shift = 10; end++; break;
  case 'm': case 'M': shift = 20; end++; break;
  case 'g': case 'G': shift = 30; end++; break;
  default: break;
  }
  if (*end == 'i' || *end == 'B')
    end += *end == 'i' && end[1] == 'B' ? 2 : 1;
  if (*end || v > (SIZE_MAX >> shift))
    return -1;
  *out = (size_t)(v << shift);
  return 0;
}

/* Consumes a global option at argv[*i]. Returns 1 if one was consumed, 0 if
 * argv[*i] is not one, or an exit status (> 1) on a usage error. */
static int parse_option(int argc, char **argv, int *i, options *o) {
  const char *a = argv[*i];
  const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
  char *end;
  if (strcmp(a, "--trace") == 0) {
    o->trace = 1;
    return 1;
  }
  if (strcmp(a, "--db") != 0 && strcmp(a, "--scope") != 0 &&
      strcmp(a, "--allow-write") != 0 &&
      strcmp(a, "--max-steps") != 0 &&
      strcmp(a, "--max-mem") != 0 && strcmp(a, "--max-time") != 0)
    return 0;
  if (!v)
    return usage_error("%s needs a value", a);
  (*i)++;
  if (strcmp(a, "--db") == 0) {
    o->db = v;
  } else if (strcmp(a, "--scope") == 0) {
    o->scope = v;
  } else if (strcmp(a, "--allow-write") == 0) {
    o->limits.allow_write = v;
  } else if (strcmp(a, "--max-steps") == 0) {
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end || n < 0)
      return usage_error("--max-steps needs a whole number, not '%s'", v);
    o->limits.max_steps = n;
  } else if (strcmp(a, "--max-mem") == 0) {
    if (parse_size(v, &o->limits.max_mem) != 0)
      return usage_error("--max-mem needs a size such as 64M, not '%s'", v);
    /* The cap covers SQLite too: its connection and the schema alone hold
     * about 1.5 MiB, so less could not run a query. */
    if (o->limits.max_mem && o->limits.max_mem < ((size_t)4 << 20))
      return usage_error("--max-mem must be at least 4M, not '%s'", v);
  } else {
    errno = 0;
    double t = strtod(v, &end);
    if (errno || end == v || *end || !(t >= 0) || t > 1e9)
      return usage_error("--max-time needs seconds, not '%s'", v);
    o->limits.max_time = t;
  }
  return 1;
}

/* Parses options among the remaining arguments of init/import/repl; the
 * others are kept in order in rest. */
static int parse_trailing(int argc, char **argv, int i, options *o,
                          int keep_options, char **rest, int *nrest) {
  *nrest = 0;
  for (; i < argc; i++) {
    int rc = parse_option(argc, argv, &i, o);
    if (rc > 1)
      return rc;
    if (rc == 0) {
      if (!keep_options && argv[i][0] == '-' && argv[i][1] != '\0')
        return usage_error("unknown option '%s'", argv[i]);
      rest[(*nrest)++] = argv[i];
    }
  }
  return EXIT_OK;
}

static int fail(vista_session *s) {
  fprintf(stderr, "vista: %s\n", vista_errmsg(s));
  vista_session_free(s);
  return EXIT_ERROR;
}

/* A session on the database; create: whether the command may create it
 * (init and the imports). For the others a database named with --db or
 * VISTA_DB is opened at once, so that a mistyped path is said before
 * anything runs; the default ./vista.db only when a script reaches for it
 * (`vista -e 'print(1 + 1)'` needs none). */
static int open_session(const options *o, vista_session **s, int create) {
  if (vista_session_new(s, o->db) != VISTA_OK) {
    fprintf(stderr, "vista: out of memory\n");
    return EXIT_ERROR;
  }
  vista_session_set_create(*s, create);
  /* A scope is checked at once too: an unknown institution is an error
   * before anything runs. */
  if (o->scope && vista_session_set_scope(*s, o->scope) != VISTA_OK)
    return fail(*s);
  if ((o->scope || (!create && o->db)) && vista_store_open(*s) != VISTA_OK)
    return fail(*s);
  return EXIT_OK;
}


static int cmd_init(const options *o) {
  vista_session *s;
  if (open_session(o, &s, 1) != EXIT_OK)
    return EXIT_ERROR;
  if (vista_store_open(s) != VISTA_OK)
    return fail(s);
  int found, now;
  vista_store_versions(s, &found, &now);
  if (found == 0)
    printf("%s: created (schema version %d)\n", vista_session_path(s), now);
  else if (found < now)
    printf("%s: upgraded from schema version %d to %d\n",
           vista_session_path(s), found, now);
  else
    printf("%s: up to date (schema version %d)\n", vista_session_path(s), now);
  vista_session_free(s);
  return EXIT_OK;
}

/* How a summary line names an import's source: "-" is standard input. */
static const char *source_name(const char *file) {
  return strcmp(file, "-") == 0 ? "<stdin>" : file;
}

static void print_reject(void *ud, const char *message) {
  int *shown = ud;
  if (++*shown <= 20)
    fprintf(stderr, "vista: %s (row rejected)\n", message);
}

/* A likely duplicate, as an import notes it and vista alias lists it. */
static void print_duplicate(void *ud, int64_t without_id,
                            const char *without_name,
                            const char *without_city, int64_t with_id,
                            const char *with_code, const char *with_name) {
  (void)ud, (void)without_id, (void)with_id;
  fprintf(stderr,
          "vista: note: '%s'%s%s%s without an Erasmus code is likely %s "
          "'%s'; merge with: vista alias '%s' '%s'\n",
          without_name, *without_city ? " (" : "", without_city,
          *without_city ? ")" : "", with_code, with_name, without_name,
          with_code);
}

static void print_alias(void *ud, const char *kind, const char *alias,
                        const char *code, const char *name) {
  (void)ud;
  printf("%s\t%s\t%s\t%s\n", kind, alias, code, name);
}

/* The likely duplicates an import brought (institutions above since). */
static void note_duplicates(vista_session *s, int64_t since) {
  if (vista_org_duplicates(s, since, print_duplicate, NULL) != VISTA_OK)
    fprintf(stderr, "vista: %s\n", vista_errmsg(s));
}

static int import_institutions(const options *o, char **args, int nargs) {
  if (nargs != 2)
    return usage_error("%s", "usage: vista import institutions FILE");
  vista_session *s;
  if (open_session(o, &s, 1) != EXIT_OK)
    return EXIT_ERROR;
  vista_import_report r;
  int shown = 0;
  int64_t since = 0;
  if (vista_org_last_id(s, &since) != VISTA_OK ||
      vista_institution_import(s, args[1], print_reject, &shown, &r) !=
          VISTA_OK)
    return fail(s);
  note_duplicates(s, since);
  if (shown > 20)
    fprintf(stderr, "vista: ... and %d more rejected rows\n", shown - 20);
  printf("%s: %" PRId64 " rows read, %" PRId64 " stored, %" PRId64
         " rejected%s\n",
         source_name(args[1]), r.rows_read, r.rows_stored, r.rows_rejected,
         r.rows_rejected ? " (listed in table import_reject)" : "");
  vista_session_free(s);
  return r.rows_rejected ? EXIT_REJECTED : EXIT_OK;
}

static int import_mobility(const options *o, char **args, int nargs) {
  vista_mobility_options mo = {0};
  const char *file = NULL;
  for (int i = 1; i < nargs; i++) {
    const char *a = args[i];
    const char **value = strcmp(a, "--format") == 0    ? &mo.format
                         : strcmp(a, "--map") == 0     ? &mo.map
                         : strcmp(a, "--rejects") == 0 ? &mo.rejects_path
                                                       : NULL;
    if (value) {
      if (i + 1 == nargs)
        return usage_error("%s needs a value", a);
      *value = args[++i];
    } else if (strcmp(a, "--strict") == 0) {
      mo.strict = 1;
    } else if (strcmp(a, "--replace") == 0) {
      mo.replace = 1;
    } else if (a[0] == '-' && a[1]) {
      return usage_error("unknown option '%s' for import mobility", a);
    } else if (file) {
      return usage_error("import mobility takes one file, not also '%s'", a);
    } else {
      file = a;
    }
  }
  if (!file)
    return usage_error("%s", "usage: vista import mobility FILE [OPTIONS]");
  mo.progress = isatty(STDERR_FILENO);
  vista_session *s;
  if (open_session(o, &s, 1) != EXIT_OK)
    return EXIT_ERROR;
  vista_mobility_report r;
  int shown = 0;
  int64_t since = 0;
  if (vista_org_last_id(s, &since) != VISTA_OK ||
      vista_mobility_import(s, file, &mo, print_reject, &shown, &r) !=
          VISTA_OK)
    return fail(s);
  note_duplicates(s, since);
  if (shown > 20)
    fprintf(stderr, "vista: ... and %d more rejected rows\n", shown - 20);
  if (r.overlap_import)
    fprintf(stderr,
            "vista: warning: %s: about %.0f%% of its records were imported "
            "before (import %" PRId64 ", from %s); imported all the same\n",
            source_name(file), 100 * r.overlap_share, r.overlap_import,
            r.overlap_source);
  printf("%s: %" PRId64 " rows read, %" PRId64 " stored, %" PRId64
         " rejected; %" PRId64 " participants stored (%s format)",
         source_name(file), r.rows.rows_read, r.rows.rows_stored,
         r.rows.rows_rejected,
         r.participants, r.format);
  if (r.replaced_import)
    printf("; replaced import %" PRId64, r.replaced_import);
  printf("\n");
  if (r.out_of_range || r.band_edge)
    printf("%s: flagged %" PRId64 " records with a duration outside their"
           " activity's range (out_of_range), %" PRId64 " within a day of a"
           " band edge (band_edge)\n",
           source_name(file), r.out_of_range, r.band_edge);
  vista_session_free(s);
  return r.rows.rows_rejected ? EXIT_REJECTED : EXIT_OK;
}

static void print_problem(void *ud, const char *message) {
  (void)ud;
  fprintf(stderr, "vista: %s\n", message);
}

static int import_strategy(const options *o, char **args, int nargs) {
  const char *file = NULL;
  int check = 0;
  for (int i = 1; i < nargs; i++) {
    if (strcmp(args[i], "--check") == 0)
      check = 1;
    else if (args[i][0] == '-' && args[i][1])
      return usage_error("unknown option '%s' for import strategy", args[i]);
    else if (file)
      return usage_error("import strategy takes one file, not also '%s'",
                         args[i]);
    else
      file = args[i];
  }
  if (!file)
    return usage_error("%s", "usage: vista import strategy FILE.lua [--check]");
  vista_session *s;
  if (open_session(o, &s, 1) != EXIT_OK)
    return EXIT_ERROR;
  vista_strategy_report r;
  if (vista_strategy_import(s, file, check, &o->limits, print_problem, NULL,
                            &r) != VISTA_OK)
    return fail(s);
  printf("%s: %s; %d goals, %d actions, %d environment factors, %d "
         "indicators%s\n",
         source_name(file),
         check ? "checked, no problems (nothing stored)" : "stored",
         r.goals, r.actions, r.factors, r.indicators,
         !check && r.replaced ? "; replaced the strategy stored before" : "");
  vista_session_free(s);
  return EXIT_OK;
}

/* Partners, facts, milestones, surveys: a CSV file, rows stored or
 * rejected. */
static int import_rows(const options *o, char **args, int nargs) {
  const char *file = NULL, *institution = NULL;
  int partners = strcmp(args[0], "partners") == 0;
  int facts = strcmp(args[0], "facts") == 0;
  for (int i = 1; i < nargs; i++) {
    if (!facts && strcmp(args[i], "--institution") == 0) {
      if (i + 1 == nargs)
        return usage_error("%s needs an Erasmus code", args[i]);
      institution = args[++i];
    } else if (args[i][0] == '-' && args[i][1]) {
      char what[64];
      snprintf(what, sizeof what, "unknown option '%%s' for import %s",
               args[0]);
      return usage_error(what, args[i]);
    } else if (file) {
      return usage_error("import takes one file, not also '%s'", args[i]);
    } else {
      file = args[i];
    }
  }
  if (!file) {
    if (facts)
      return usage_error("%s", "usage: vista import facts FILE");
    char what[96];
    snprintf(what, sizeof what,
             "usage: vista import %s FILE [--institution CODE]", args[0]);
    return usage_error("%s", what);
  }
  vista_session *s;
  if (open_session(o, &s, 1) != EXIT_OK)
    return EXIT_ERROR;
  vista_import_report r;
  int shown = 0;
  int rc =
      partners ? vista_partner_import(s, file, institution, print_reject,
                                      &shown, &r)
      : facts  ? vista_facts_import(s, file, print_reject, &shown, &r)
      : strcmp(args[0], "timeline") == 0
          ? vista_milestone_import(s, file, institution, print_reject, &shown,
                                   &r)
          : vista_survey_import(s, file, institution, print_reject, &shown,
                                &r);
  if (rc != VISTA_OK)
    return fail(s);
  if (shown > 20)
    fprintf(stderr, "vista: ... and %d more rejected rows\n", shown - 20);
  printf("%s: %" PRId64 " rows read, %" PRId64 " stored, %" PRId64
         " rejected%s\n",
         source_name(file), r.rows_read, r.rows_stored, r.rows_rejected,
         r.rows_rejected ? " (listed in table import_reject)" : "");
  vista_session_free(s);
  return r.rows_rejected ? EXIT_REJECTED : EXIT_OK;
}

static int cmd_import(const options *o, char **args, int nargs) {
  if (o->scope) {
    fprintf(stderr, "vista: --scope %s: a scoped session only reads; "
                    "imports are the database owner's\n", o->scope);
    return EXIT_USAGE;
  }
  static const char kinds[] = "mobility, institutions, strategy, partners, "
                              "facts, timeline, survey";
  if (nargs < 1)
    return usage_error("import needs a kind: %s", kinds);
  if (strcmp(args[0], "institutions") == 0)
    return import_institutions(o, args, nargs);
  if (strcmp(args[0], "mobility") == 0)
    return import_mobility(o, args, nargs);
  if (strcmp(args[0], "strategy") == 0)
    return import_strategy(o, args, nargs);
  if (strcmp(args[0], "partners") == 0 || strcmp(args[0], "facts") == 0 ||
      strcmp(args[0], "timeline") == 0 || strcmp(args[0], "survey") == 0)
    return import_rows(o, args, nargs);
  char what[128];
  snprintf(what, sizeof what, "cannot import '%%s' (known: %s)", kinds);
  return usage_error(what, args[0]);
}

/* vista alias NAME CODE: NAME is CODE's institution from now on (and an
 * institution seen under NAME without a code merges into it); alone, the
 * aliases and the likely duplicates. */
static int cmd_alias(const options *o, char **args, int nargs) {
  if (nargs != 0 && nargs != 2)
    return usage_error("%s", "usage: vista alias [NAME CODE]");
  vista_session *s;
  if (open_session(o, &s, nargs == 2) != EXIT_OK)
    return EXIT_ERROR;
  if (nargs == 2) {
    int64_t moved = 0;
    if (vista_org_alias(s, args[0], args[1], &moved) != VISTA_OK)
      return fail(s);
    printf("'%s' is now %s", args[0], args[1]);
    if (moved)
      printf(" (records moved to it: %" PRId64 ")", moved);
    printf("\n");
  } else {
    if (vista_org_list_aliases(s, print_alias, NULL) != VISTA_OK)
      return fail(s);
    note_duplicates(s, 0);
  }
  vista_session_free(s);
  return EXIT_OK;
}

static int cmd_export(const options *o, char **args, int nargs) {
  const char *table = NULL, *format = "csv", *path = NULL;
  for (int i = 0; i < nargs; i++) {
    if (strcmp(args[i], "--format") == 0 || strcmp(args[i], "--out") == 0) {
      if (i + 1 == nargs)
        return usage_error("%s needs a value", args[i]);
      *(args[i][2] == 'f' ? &format : &path) = args[i + 1];
      i++;
    } else if (args[i][0] == '-' && args[i][1]) {
      return usage_error("unknown option '%s' for export", args[i]);
    } else if (table) {
      return usage_error("export takes one table, not also '%s'", args[i]);
    } else {
      table = args[i];
    }
  }
  if (!table)
    return usage_error("%s", "usage: vista export TABLE [--format csv|json] "
                             "[--out FILE]");
  vista_session *s;
  if (open_session(o, &s, 0) != EXIT_OK)
    return EXIT_ERROR;
  /* A file is written beside its name and renamed into place (output.h):
   * a failed export leaves the old file, and no symbolic link is followed. */
  vista_outfile file = {0};
  int err = path ? vista_outfile_open(&file, path, NULL) : 0;
  if (err) {
    fprintf(stderr, "vista: %s: %s\n", path, strerror(err));
    vista_session_free(s);
    return EXIT_ERROR;
  }
  int64_t rows;
  int rc = vista_export(s, table, format, path ? file.f : stdout, &rows);
  if (rc != VISTA_OK) {
    vista_outfile_discard(&file);
    if (path && rc == VISTA_ERR_IO) {
      /* The old file stays as it was: say so, and why. */
      fprintf(stderr, "vista: %s: %s (nothing written)\n", path, vista_errmsg(s));
      vista_session_free(s);
      return EXIT_ERROR;
    }
    return fail(s);
  }
  if (path && (err = vista_outfile_commit(&file)) != 0) {
    fprintf(stderr, "vista: %s: %s (nothing written)\n", path, strerror(err));
    vista_session_free(s);
    return EXIT_ERROR;
  }
  if (path)
    fprintf(stderr, "%s: %" PRId64 " rows written\n", path, rows);
  vista_session_free(s);
  return EXIT_OK;
}

static void print_script(void *ud, const char *name,
                         const char *description) {
  (void)ud;
  printf("  %-14s%s\n", name, description);
}

static void print_code(void *ud, const char *code) {
  (void)ud;
  printf("%s\n", code);
}

/* vista complete WHAT: the words the shell completion offers, one a line
 * (tools/completion/). Not in --help: it is for the completion scripts.
 * Institutions are read from an existing database, opened read-only, so a
 * Tab never creates one. */
static int cmd_complete(const options *o, const char *what) {
  if (!what)
    return usage_error("%s", "usage: vista complete commands|imports|options|"
                             "scripts|tables|institutions");
  if (strcmp(what, "institutions") != 0) {
    if (vista_usage_words(stdout, what) != 0)
      return usage_error("cannot complete '%s'", what);
    return EXIT_OK;
  }
  vista_session *s;
  if (vista_session_new(&s, o->db) != VISTA_OK) {
    fprintf(stderr, "vista: out of memory\n");
    return EXIT_ERROR;
  }
  if (vista_store_open_readonly(s) != VISTA_OK ||
      vista_institution_codes(s, print_code, NULL) != VISTA_OK)
    return fail(s);
  vista_session_free(s);
  return EXIT_OK;
}

/* Runs a script, a chunk or the REPL in a fresh sandbox. */
static int with_sandbox(const options *o, int mode, const char *what,
                        int argc, char **argv) {
  vista_session *s;
  vista_sandbox *sb;
  if (open_session(o, &s, 0) != EXIT_OK)
    return EXIT_ERROR;
  int rc = vista_sandbox_new(&sb, s, &o->limits, o->trace);
  if (rc != VISTA_OK) {
    fprintf(stderr, "vista: %s\n",
            sb ? vista_sandbox_errmsg(sb) : "out of memory");
    vista_sandbox_free(sb);
    vista_session_free(s);
    return EXIT_ERROR;
  }
  int status = EXIT_OK;
  if (mode == 'r' || mode == 'e') {
    rc = mode == 'r'
             ? vista_sandbox_run_script(sb, what, argc, argv)
             : vista_sandbox_run_string(sb, what, "=(command line)", argc,
                                        argv);
    if (rc != VISTA_OK) {
      fprintf(stderr, "vista: %s\n", vista_sandbox_errmsg(sb));
      status = rc == VISTA_ERR_LIMIT ? EXIT_LIMIT : EXIT_ERROR;
    }
  } else {
    int interactive = isatty(STDIN_FILENO) && mode == 'i';
    status = vista_repl(sb, stdin, interactive) ? EXIT_ERROR : EXIT_OK;
  }
  fflush(stdout);
  vista_sandbox_free(sb);
  vista_session_free(s);
  return status;
}

int main(int argc, char **argv) {
  options o = {NULL, NULL,
               {VISTA_DEFAULT_MAX_STEPS, VISTA_DEFAULT_MAX_MEM,
                VISTA_DEFAULT_MAX_TIME, NULL},
               0};
  /* Before anything allocates: SQLite's allocator, and the test hook. */
  vista_mem_setup();
  const char *env_db = getenv("VISTA_DB");
  if (env_db && *env_db)
    o.db = env_db;

  int i = 1;
  for (; i < argc; i++) {
    int rc = parse_option(argc, argv, &i, &o);
    if (rc > 1)
      return rc;
    if (rc == 0)
      break;
  }
  if (i == argc)
    return with_sandbox(&o, 'i', NULL, 0, NULL);

  const char *cmd = argv[i++];
  char **rest = calloc((size_t)argc + 1, sizeof *rest);
  int nrest = 0, status;
  if (!rest) {
    fprintf(stderr, "vista: out of memory\n");
    return EXIT_ERROR;
  }
  if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
      strcmp(cmd, "help") == 0) {
    vista_usage_print(stdout);
    status = EXIT_OK;
  } else if (strcmp(cmd, "--help-man") == 0) {
    /* The manual page, written at build time from the same table. */
    vista_usage_man(stdout);
    status = EXIT_OK;
  } else if (strcmp(cmd, "complete") == 0) {
    status = i + 1 < argc ? usage_error("complete takes one word, not also "
                                        "'%s'", argv[i + 1])
                          : cmd_complete(&o, i < argc ? argv[i] : NULL);
  } else if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    /* SQLite's is the library's own; Lua's and libcsv's are those of the
     * headers built against (neither library reports its release). */
    printf("vista %s (SQLite %s, %s, libcsv %d.%d.%d, schema version %d)\n",
           VISTA_VERSION, vista_sqlite_version(), LUA_RELEASE, CSV_MAJOR,
           CSV_MINOR, CSV_RELEASE, vista_schema_version());
    status = EXIT_OK;
  } else if (strcmp(cmd, "init") == 0) {
    status = parse_trailing(argc, argv, i, &o, 0, rest, &nrest);
    if (status == EXIT_OK && nrest)
      status = usage_error("init takes no argument, not '%s'", rest[0]);
    if (status == EXIT_OK)
      status = cmd_init(&o);
  } else if (strcmp(cmd, "import") == 0) {
    status = parse_trailing(argc, argv, i, &o, 1, rest, &nrest);
    if (status == EXIT_OK)
      status = cmd_import(&o, rest, nrest);
  } else if (strcmp(cmd, "alias") == 0) {
    status = parse_trailing(argc, argv, i, &o, 0, rest, &nrest);
    if (status == EXIT_OK)
      status = cmd_alias(&o, rest, nrest);
  } else if (strcmp(cmd, "export") == 0) {
    status = parse_trailing(argc, argv, i, &o, 1, rest, &nrest);
    if (status == EXIT_OK)
      status = cmd_export(&o, rest, nrest);
  } else if (strcmp(cmd, "repl") == 0) {
    status = parse_trailing(argc, argv, i, &o, 0, rest, &nrest);
    if (status == EXIT_OK && nrest)
      status = usage_error("repl takes no argument, not '%s'", rest[0]);
    if (status == EXIT_OK)
      status = with_sandbox(&o, 'i', NULL, 0, NULL);
  } else if (strcmp(cmd, "run") == 0) {
    if (i == argc) {
      printf("Ready scripts (vista run NAME; vista run NAME --help):\n");
      vista_sandbox_list_scripts(print_script, NULL);
      status = EXIT_OK;
    } else {
      status = with_sandbox(&o, 'r', argv[i], argc - i - 1, argv + i + 1);
    }
  } else if (strcmp(cmd, "-e") == 0) {
    if (i == argc)
      status = usage_error("%s", "-e needs a chunk of Lua");
    else
      status = with_sandbox(&o, 'e', argv[i], argc - i - 1, argv + i + 1);
  } else if (cmd[0] == '-') {
    status = usage_error("unknown option '%s'", cmd);
  } else {
    status = usage_error("unknown command '%s'", cmd);
  }
  free(rest);
  return status;
}
