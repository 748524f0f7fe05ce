/* memory.c: vista's memory accounting. It owns one counter of the bytes
 * held by the Lua states and by SQLite, the cap --max-mem puts on that
 * counter, and the fault hook the out-of-memory tests use. It does not
 * decide what a refusal means: the sandbox stops the script (on_cap), and
 * every caller turns NULL into VISTA_ERR_NOMEM or SQLITE_NOMEM.
 *
 * Why a counting allocator for SQLite and not sqlite3_hard_heap_limit64:
 * the heap limit counts SQLite alone, so it would have to be moved to
 * "the cap minus what Lua holds" on every Lua allocation, and Lua would
 * still not see what SQLite holds. One counter that both allocators add to
 * is exact for both, costs an add per call, and gives the fault hook a way
 * into SQLite's allocations too. SQLITE_CONFIG_MALLOC can only be set
 * before SQLite initialises, once per process: vista_mem_setup() does it
 * before the first connection is opened.
 *
 * What the fault hook (VISTA_FAULT_ALLOC=N, or vista_mem_fail_after) covers:
 * every allocation of SQLite and of the Lua states (both counted), and
 * vista's own C allocations made through vista_malloc and friends: the
 * session, the CSV reader's buffers and fields (libcsv's too, through its
 * realloc hook), the dictionaries, and the mobility importer's buffers,
 * summaries and writer. Not covered: the remaining plain malloc calls (the
 * export's and vista.output's file names, the sandbox struct, scope.c,
 * consortium.c, benchmark.c, writeback.c, the REPL), libedit, stdio's
 * buffers and the C library's own, which a test cannot reach without
 * interposing malloc, and that does not work under AddressSanitizer.
 *
 * VISTA_FAULT_ALLOC is a testing hook, read once: with N >= 1, the Nth
 * allocation that asks for memory and every later one fail, so a loop over
 * N = 1, 2, ... walks every failure point of an operation (as SQLite's own
 * out-of-memory tests do). A shrink or a free never fails.
 *
 * Entry points: vista_mem_setup, vista_mem_set_cap, vista_mem_realloc,
 * vista_malloc/calloc/realloc/strdup, vista_mem_fail_after. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"

static size_t used;          /* bytes held through vista_mem_realloc */
static vista_mem_cap limit;  /* cap 0: none */
static int64_t allocs;       /* allocations asked for since armed */
static int64_t fail_at;      /* 0: the fault hook is off */
static int setup_status;
static pthread_once_t setup_once = PTHREAD_ONCE_INIT;

/* Counts one request for memory; 1 when the fault hook says it fails. */
static int faulted(void) {
  int64_t n = __atomic_add_fetch(&allocs, 1, __ATOMIC_RELAXED);
  int64_t at = __atomic_load_n(&fail_at, __ATOMIC_RELAXED);
  return at > 0 && n >= at;
}

void *vista_mem_realloc(void *ptr, size_t old, size_t n) {
  if (!ptr)
    old = 0;
  if (n == 0) {
    free(ptr);
    __atomic_sub_fetch(&used, old, __ATOMIC_RELAXED);
    return NULL;
  }
  if (n > old) {
    size_t now = __atomic_load_n(&used, __ATOMIC_RELAXED);
    if (limit.cap && (n - old > limit.cap || now + (n - old) > limit.cap)) {
      if (limit.on_cap)
        limit.on_cap(limit.ud);
      return NULL;
    }
    if (faulted())
      return NULL;
  }
  void *p = realloc(ptr, n);
  if (!p && n > old)
    return NULL;
  if (!p)
    p = ptr; /* a refused shrink keeps the block; counted as the caller
                now sees it, so that its free balances */
  if (n > old)
    __atomic_add_fetch(&used, n - old, __ATOMIC_RELAXED);
  else
    __atomic_sub_fetch(&used, old - n, __ATOMIC_RELAXED);
  return p;
}

size_t vista_mem_used(void) {
  return __atomic_load_n(&used, __ATOMIC_RELAXED);
}

void vista_mem_set_cap(const vista_mem_cap *cap, vista_mem_cap *old) {
  if (old)
    *old = limit;
  limit = *cap;
}

int64_t vista_mem_fail_after(int64_t n) {
  int64_t made = __atomic_exchange_n(&allocs, 0, __ATOMIC_RELAXED);
  __atomic_store_n(&fail_at, n > 0 ? n : 0, __ATOMIC_RELAXED);
  return made;
}

void *vista_malloc(size_t n) { return faulted() ? NULL : malloc(n); }

void *vista_calloc(size_t count, size_t size) {
  return faulted() ? NULL : calloc(count, size);
}

void *vista_realloc(void *ptr, size_t n) {
  return faulted() ? NULL : realloc(ptr, n);
}

char *vista_strdup(const char *s) { return faulted() ? NULL : strdup(s); }

/* SQLite's side. Each block carries its size in a 16-byte header (SQLite
 * asks for xSize, and 16 keeps malloc's alignment). */
#define HEADER 16

static void *sq_malloc(int n) {
  if (n <= 0)
    return NULL;
  unsigned char *p = vista_mem_realloc(NULL, 0, (size_t)n + HEADER);
  if (!p)
    return NULL;
  memcpy(p, &(size_t){(size_t)n}, sizeof(size_t));
  return p + HEADER;
}

static int sq_size(void *p) {
  if (!p)
    return 0;
  size_t n;
  memcpy(&n, (unsigned char *)p - HEADER, sizeof n);
  return (int)n;
}

static void sq_free(void *p) {
  if (p)
    vista_mem_realloc((unsigned char *)p - HEADER,
                      (size_t)sq_size(p) + HEADER, 0);
}

static void *sq_realloc(void *p, int n) {
  if (!p)
    return sq_malloc(n);
  if (n <= 0)
    return NULL; /* SQLite never asks this; it frees with xFree */
  size_t old = (size_t)sq_size(p);
  unsigned char *base = vista_mem_realloc((unsigned char *)p - HEADER,
                                          old + HEADER, (size_t)n + HEADER);
  if (!base)
    return NULL;
  memcpy(base, &(size_t){(size_t)n}, sizeof(size_t));
  return base + HEADER;
}

static int sq_roundup(int n) { return (n + 7) & ~7; }

static int sq_init(void *ud) {
  (void)ud;
  return SQLITE_OK;
}

static void sq_shutdown(void *ud) { (void)ud; }

static void setup(void) {
  const char *env = getenv("VISTA_FAULT_ALLOC");
  if (env && *env) {
    char *end;
    long long n = strtoll(env, &end, 10);
    if (!*end && n > 0)
      vista_mem_fail_after(n);
  }
  static const sqlite3_mem_methods methods = {
      sq_malloc, sq_free,    sq_realloc, sq_size,
      sq_roundup, sq_init, sq_shutdown, NULL};
  setup_status = sqlite3_config(SQLITE_CONFIG_MALLOC, &methods) == SQLITE_OK
                     ? 0
                     : -1;
}

int vista_mem_setup(void) {
  pthread_once(&setup_once, setup);
  return setup_status;
}
