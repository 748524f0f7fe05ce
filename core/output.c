/* output.c: writing a file that a user or a script names (output.h), and
 * vista.output(path), the one way a script writes a file.
 *
 * A script may write only where the user said so on the command line: the
 * path given to it as --out FILE, or a file inside the directory given as
 * vista --allow-write DIR. The directory is opened once and held: whether
 * it is inside DIR is decided on that open directory, by walking up its
 * '..' entries (never a symbolic link) to DIR or to the root, and the file
 * is then created and renamed relative to it, so that nothing swapped in
 * by path afterwards can lead out. The file is written under a new
 * temporary name beside its final one, created with O_EXCL|O_NOFOLLOW:
 * a symbolic link planted where vista would write is never followed (in
 * a shared directory, the old fopen of NAME.vista-part wrote wherever such
 * a link pointed). rename() then replaces whatever has the final name,
 * a symbolic link included, without following it. A FIFO or a device,
 * and the process's own /dev/stdout or /dev/fd/N, are written in place.
 *
 * Entry points: vista_outfile_open/commit/discard; vista_l_output. */
/* fsync() and O_NOFOLLOW/O_DIRECTORY are beyond the POSIX level the build
 * asks for. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>

#include "bind.h"
#include "output.h"
#include "xlsx.h"

#define MAX_DEPTH 4096 /* directories walked up looking for within */
#define PART_TRIES 64  /* fresh temporary names tried before giving up */

static int same_file(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether the open directory fd is within, or below it: walks up through
 * '..' comparing device and inode. What cannot be walked (a parent that
 * cannot be read) counts as outside. */
static int dir_inside(int fd, const char *within) {
  struct stat top, at, parent;
  if (stat(within, &top) != 0)
    return 0;
  int cur = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (cur < 0)
    return 0;
  int inside = 0;
  for (int depth = 0; depth < MAX_DEPTH && fstat(cur, &at) == 0; depth++) {
    if (same_file(&at, &top)) {
      inside = 1;
      break;
    }
    int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (up < 0)
      break;
    close(cur);
    cur = up;
    if (fstat(cur, &parent) != 0 || same_file(&parent, &at))
      break; /* the root: its '..' is itself */
  }
  close(cur);
  return inside;
}

/* A name for the temporary that no one can have chosen in advance. */
static void part_name(char *buf, size_t n, const char *base, unsigned try) {
  static unsigned counter;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  uint64_t x = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
               ((uint64_t)getpid() << 40) ^ ((uint64_t)++counter << 8) ^ try;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  /* The final name shortened, so that the temporary's fits NAME_MAX. */
  snprintf(buf, n, "%.200s.vista-part-%06llx", base,
           (unsigned long long)(x & 0xffffff));
}

/* Whether path names one of the process's own descriptors (/dev/stdout,
 * or /dev/fd/N as a shell gives a pipe): links no one else can plant. */
static int own_descriptor(const char *path) {
  return !strcmp(path, "/dev/stdout") || !strcmp(path, "/dev/stderr") ||
         !strncmp(path, "/dev/fd/", 8) || !strncmp(path, "/proc/self/fd/", 14);
}

/* Whether path is a stream rather than a file to replace: a FIFO or a
 * device there itself, or one of the process's own descriptors. Those are
 * written in place: there is nothing to rename. */
static int is_stream(const char *path) {
  struct stat st;
  if (own_descriptor(path))
    return 1;
  return lstat(path, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode));
}

void vista_outfile_discard(vista_outfile *o) {
  if (o->f) {
    fclose(o->f);
    if (!o->in_place)
      unlinkat(o->dirfd, o->part, 0);
  }
  if (o->has_dir)
    close(o->dirfd);
  free(o->base);
  free(o->part);
  memset(o, 0, sizeof *o);
}

int vista_outfile_open(vista_outfile *o, const char *path,
                       const char *within) {
  memset(o, 0, sizeof *o);
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (!*base || !strcmp(base, ".") || !strcmp(base, ".."))
    return EISDIR;
  size_t n = strlen(base) + 32;
  char *dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
  o->base = strdup(base);
  o->part = malloc(n);
  int err = 0;
  if (!dir || !o->base || !o->part) {
    free(dir);
    err = ENOMEM;
    goto fail;
  }
  o->dirfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  free(dir);
  if (o->dirfd < 0) {
    err = errno;
    goto fail;
  }
  o->has_dir = 1;
  if (within && !dir_inside(o->dirfd, within)) {
    err = VISTA_OUTFILE_OUTSIDE;
    goto fail;
  }
  int fd = -1;
  if (is_stream(path)) {
    /* Only the process's own descriptors are reached through a link. */
    o->in_place = 1;
    fd = openat(o->dirfd, o->base,
                O_WRONLY | O_NOCTTY | O_CLOEXEC |
                    (own_descriptor(path) ? 0 : O_NOFOLLOW));
    if (fd < 0) {
      err = errno;
      goto fail;
    }
  }
  for (unsigned try = 0; fd < 0 && try < PART_TRIES; try++) {
    part_name(o->part, n, base, try);
    /* 0666: the umask decides, as for any new file. */
    fd = openat(o->dirfd, o->part,
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST) {
      err = errno;
      goto fail;
    }
  }
  if (fd < 0) {
    err = EEXIST;
    goto fail;
  }
  if (!(o->f = fdopen(fd, "wb"))) {
    err = errno;
    close(fd);
    if (!o->in_place)
      unlinkat(o->dirfd, o->part, 0);
    goto fail;
  }
  return 0;

fail:
  vista_outfile_discard(o);
  return err;
}

int vista_outfile_commit(vista_outfile *o) {
  int err = 0;
  errno = 0;
  if (fflush(o->f) != 0 || ferror(o->f))
    err = errno ? errno : EIO;
  else if (!o->in_place && fsync(fileno(o->f)) != 0)
    err = errno;
  if (fclose(o->f) != 0 && !err)
    err = errno;
  o->f = NULL;
  if (!o->in_place) {
    if (!err && renameat(o->dirfd, o->part, o->dirfd, o->base) != 0)
      err = errno;
    if (err)
      unlinkat(o->dirfd, o->part, 0);
  }
  vista_outfile_discard(o);
  return err;
}

/* ---- vista.output ------------------------------------------------------ */

static const char OUTPUT_MT[] = "vista.Output";

/* The userdata: the file, and its path as the script gave it. */
typedef struct output {
  vista_outfile file;
  char *path;
} output;

static int output_gc(lua_State *L) {
  output *o = luaL_checkudata(L, 1, OUTPUT_MT);
  vista_outfile_discard(&o->file);
  free(o->path);
  o->path = NULL;
  return 0;
}

static output *check_open(lua_State *L) {
  output *o = luaL_checkudata(L, 1, OUTPUT_MT);
  if (!o->file.f)
    luaL_error(L, "vista.output: the file is closed");
  return o;
}

/* out:write(text, ...) -> out */
static int output_write(lua_State *L) {
  output *o = check_open(L);
  int n = lua_gettop(L);
  for (int i = 2; i <= n; i++) {
    size_t len;
    const char *s = luaL_checklstring(L, i, &len);
    if (fwrite(s, 1, len, o->file.f) != len)
      return luaL_error(L, "vista.output: %s: %s", o->path, strerror(errno));
  }
  lua_settop(L, 1);
  return 1;
}

/* ---- out:xlsx(sheets): a workbook (core/xlsx.c) ------------------------ */

static const char XLSX_MT[] = "vista.Workbook";

static int xlsx_gc(lua_State *L) {
  vista_xlsx **x = luaL_checkudata(L, 1, XLSX_MT);
  vista_xlsx_free(*x);
  *x = NULL;
  return 0;
}

static const char *const KINDS[] = {"integer", "decimal", "percent", "text",
                                    NULL};
#define KIND_TEXT 3

/* The kind named at kinds[col] (a table at index kinds, or none): an index
 * of KINDS, or -1. */
static int kind_of(lua_State *L, int kinds, const char *col) {
  if (!kinds || lua_getfield(L, kinds, col) == LUA_TNIL) {
    if (kinds)
      lua_pop(L, 1);
    return -1;
  }
  int k = luaL_checkoption(L, -1, NULL, KINDS);
  lua_pop(L, 1);
  return k;
}

/* The value on the top of the stack into cell (r, c), and pops it. */
static int xlsx_cell(lua_State *L, vista_xlsx *x, int32_t r, size_t c,
                     int kind) {
  int rc = 0;
  if (lua_type(L, -1) == LUA_TNUMBER && kind != KIND_TEXT) {
    double v = lua_tonumber(L, -1);
    if (kind < 0)
      kind = lua_isinteger(L, -1) ? VISTA_XLSX_INTEGER : VISTA_XLSX_DECIMAL;
    /* NaN and the infinities are no value, as in the other formats. */
    if (v == v && v - v == 0)
      rc = vista_xlsx_number(x, r, c, v, (vista_xlsx_kind)kind);
  } else if (!lua_isnil(L, -1)) {
    rc = vista_xlsx_text(x, r, c, luaL_tolstring(L, -1, NULL));
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return rc;
}

/* The sheet described by the table at index t. */
static int xlsx_sheet(lua_State *L, vista_xlsx *x, int t) {
  int base = lua_gettop(L);
  lua_getfield(L, t, "title");
  if (lua_getfield(L, t, "cols") != LUA_TTABLE ||
      lua_getfield(L, t, "rows") != LUA_TTABLE)
    return luaL_error(L, "out:xlsx: a sheet is {title =, cols = {...}, "
                         "rows = {...}}");
  int kinds = lua_getfield(L, t, "kinds") == LUA_TTABLE ? base + 4 : 0;
  int row_kinds = lua_getfield(L, t, "row_kinds") == LUA_TTABLE ? base + 5 : 0;
  size_t ncols = (size_t)luaL_len(L, base + 2);
  const char **cols = lua_newuserdatauv(L, (ncols + 1) * sizeof *cols, 0);
  for (size_t c = 0; c < ncols; c++) {
    lua_geti(L, base + 2, (lua_Integer)c + 1);
    cols[c] = luaL_checkstring(L, -1); /* kept alive by the cols table */
    lua_pop(L, 1);
  }
  if (vista_xlsx_sheet(x, lua_tostring(L, base + 1), ncols, cols) != 0)
    return -1;
  lua_Integer nrows = luaL_len(L, base + 3);
  for (lua_Integer i = 1; i <= nrows; i++) {
    if (lua_geti(L, base + 3, i) != LUA_TTABLE)
      return luaL_error(L, "out:xlsx: row %d is not a table", (int)i);
    int over = row_kinds && lua_geti(L, base + 5, i) == LUA_TTABLE
                   ? lua_gettop(L) : 0;
    if (row_kinds && !over)
      lua_pop(L, 1);
    int row = over ? over - 1 : lua_gettop(L);
    for (size_t c = 0; c < ncols; c++) {
      int k = over ? kind_of(L, over, cols[c]) : -1;
      if (k < 0)
        k = kind_of(L, kinds, cols[c]);
      lua_getfield(L, row, cols[c]);
      if (xlsx_cell(L, x, (int32_t)(i - 1), c, k) != 0)
        return -1;
    }
    lua_settop(L, base + 6);
  }
  lua_settop(L, base);
  return 0;
}

/* out:xlsx(sheets) -> out: writes a workbook of the sheets, each
 * {title = , cols = {...}, rows = {...}, kinds = {col = kind},
 *  row_kinds = {[i] = {col = kind}}}; kind integer, decimal, percent or
 * text (vista.format decides them). */
static int output_xlsx(lua_State *L) {
  output *o = check_open(L);
  luaL_checktype(L, 2, LUA_TTABLE);
  vista_xlsx **x = lua_newuserdatauv(L, sizeof *x, 0);
  *x = NULL;
  if (luaL_newmetatable(L, XLSX_MT)) {
    lua_pushcfunction(L, xlsx_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  int rc = vista_xlsx_new(x);
  lua_Integer n = luaL_len(L, 2);
  for (lua_Integer i = 1; rc == 0 && i <= n; i++) {
    if (lua_geti(L, 2, i) != LUA_TTABLE)
      return luaL_error(L, "out:xlsx: sheet %d is not a table", (int)i);
    rc = xlsx_sheet(L, *x, lua_gettop(L));
    lua_pop(L, 1);
  }
  if (rc == 0)
    rc = vista_xlsx_finish(*x, o->file.f);
  if (rc != 0)
    return luaL_error(L, "vista.output: %s: %s", o->path,
                      vista_xlsx_error(*x));
  vista_xlsx_free(*x);
  *x = NULL;
  lua_settop(L, 1);
  return 1;
}

/* out:close() -> the path written */
static int output_close(lua_State *L) {
  output *o = check_open(L);
  int err = vista_outfile_commit(&o->file);
  if (err)
    return luaL_error(L, "vista.output: %s: %s", o->path, strerror(err));
  lua_pushstring(L, o->path);
  return 1;
}

int vista_l_output(lua_State *L) {
  size_t len;
  const char *path = luaL_checklstring(L, 1, &len);
  if (!len || path[len - 1] == '/' || strlen(path) != len)
    return luaL_error(L, "vista.output: '%s' is not a file name", path);
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (!strcmp(base, ".") || !strcmp(base, ".."))
    return luaL_error(L, "vista.output: '%s' is not a file name", path);
  /* The file given as --out is the user's choice wherever it is; any
   * other must be inside --allow-write DIR. */
  int named = 0;
  if (lua_getfield(L, LUA_REGISTRYINDEX, VISTA_OUT_FILES_KEY) == LUA_TTABLE) {
    lua_getfield(L, -1, path);
    named = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, VISTA_ALLOW_WRITE_KEY);
  const char *within = named ? NULL : lua_tostring(L, -1);
  if (!named && !within)
    goto refused;
  output *o = lua_newuserdatauv(L, sizeof *o, 0);
  memset(o, 0, sizeof *o);
  if (luaL_newmetatable(L, OUTPUT_MT)) {
    lua_pushcfunction(L, output_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, output_gc);
    lua_setfield(L, -2, "__close");
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, output_write);
    lua_setfield(L, -2, "write");
    lua_pushcfunction(L, output_close);
    lua_setfield(L, -2, "close");
    lua_pushcfunction(L, output_xlsx);
    lua_setfield(L, -2, "xlsx");
    lua_setfield(L, -2, "__index");
  }
  lua_setmetatable(L, -2);
  if (!(o->path = strdup(path)))
    return luaL_error(L, "out of memory");
  int err = vista_outfile_open(&o->file, path, within);
  if (err == VISTA_OUTFILE_OUTSIDE)
    goto refused;
  if (err)
    return luaL_error(L, "vista.output: %s: %s", path, strerror(err));
  return 1;

refused:
  return luaL_error(L, "vista.output: '%s' was not allowed: a script "
                       "writes only the file given to it as --out FILE, or "
                       "inside the directory of vista --allow-write DIR",
                    path);
}
