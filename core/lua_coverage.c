/* lua_coverage.c: which Lua lines ran, for `make coverage` (Debian has no
 * luacov). Compiled only into the coverage build (VISTA_COVERAGE); there,
 * when VISTA_LUA_COVERAGE names a directory, the sandbox's hook also
 * listens to line events and each process writes the lines it ran to
 * DIR/<pid>.lines ("source<TAB>line") at exit. tools/coverage.py counts
 * them against the lines luac lists. Release builds never read the
 * variable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lua_coverage.h"

typedef struct source {
  char *name;
  unsigned char *hit; /* hit[line] */
  size_t cap;
} source;

static const char *dir;
static int checked;
static source *sources;
static size_t nsources;
static size_t last; /* the source of the previous event, usually the next */

static void dump(void) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%ld.lines", dir, (long)getpid());
  FILE *f = fopen(path, "w");
  if (!f)
    return;
  for (size_t i = 0; i < nsources; i++)
    for (size_t l = 0; l < sources[i].cap; l++)
      if (sources[i].hit[l])
        fprintf(f, "%s\t%zu\n", sources[i].name, l);
  fclose(f);
}

int vista_lua_coverage_mask(void) {
  if (!checked) {
    checked = 1;
    dir = getenv("VISTA_LUA_COVERAGE");
    if (dir && *dir) {
      mkdir(dir, 0777);
      atexit(dump);
    } else {
      dir = NULL;
    }
  }
  return dir ? LUA_MASKLINE : 0;
}

/* Records the line of a line event (out of memory: the line is not
 * counted, nothing else happens). */
void vista_lua_coverage_line(lua_State *L, lua_Debug *ar) {
  if (!dir || !lua_getinfo(L, "S", ar) || ar->source[0] != '@' ||
      ar->currentline < 0)
    return;
  if (last >= nsources || strcmp(sources[last].name, ar->source + 1) != 0) {
    for (last = 0; last < nsources; last++)
      if (strcmp(sources[last].name, ar->source + 1) == 0)
        break;
    if (last == nsources) {
      source *grown = realloc(sources, (nsources + 1) * sizeof *sources);
      char *name = strdup(ar->source + 1);
      if (!grown || !name) {
        free(name);
        sources = grown ? grown : sources;
        return;
      }
      sources = grown;
      sources[nsources++] = (source){name, NULL, 0};
    }
  }
  source *s = &sources[last];
  size_t line = (size_t)ar->currentline;
  if (line >= s->cap) {
    size_t cap = line * 2 + 64;
    unsigned char *hit = realloc(s->hit, cap);
    if (!hit)
      return;
    memset(hit + s->cap, 0, cap - s->cap);
    s->hit = hit;
    s->cap = cap;
  }
  s->hit[line] = 1;
}
