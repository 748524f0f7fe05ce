/* memory.h: vista's memory accounting. One counter for the Lua state and
 * SQLite, the cap that --max-mem sets on it, and a fault hook for tests. */
#ifndef VISTA_MEMORY_H
#define VISTA_MEMORY_H

#include <stddef.h>
#include <stdint.h>

/* Installs the counting allocator as SQLite's and reads the test hook
 * VISTA_FAULT_ALLOC. Runs once per process, before SQLite is first used
 * (the store calls it before opening a connection); later calls do
 * nothing. Returns 0, or -1 when SQLite was initialised by someone else
 * first (its memory is then not counted). */
int vista_mem_setup(void);

/* The cap: past it, counted allocations are refused and on_cap(ud) is
 * called (it only sets a flag: it may run inside SQLite). cap 0 means no
 * cap. A sandbox sets it for its life and puts the previous one back. */
typedef struct vista_mem_cap {
  size_t cap;
  void (*on_cap)(void *ud);
  void *ud;
} vista_mem_cap;

/* Sets the cap and returns the one it replaces in *old (may be NULL). */
void vista_mem_set_cap(const vista_mem_cap *cap, vista_mem_cap *old);

/* Bytes held now by counted allocations (the Lua states and SQLite). */
size_t vista_mem_used(void);

/* A counted allocation in the manner of Lua's lua_Alloc: old is the size
 * of ptr (0 for NULL), n the new size; n 0 frees. Returns NULL when the
 * cap, the fault hook or the system refuses; a shrink is never refused. */
void *vista_mem_realloc(void *ptr, size_t old, size_t n);

/* Plain allocations for vista's own C code: not counted (their size is
 * not known at free), but subject to the fault hook. Freed with free(). */
void *vista_malloc(size_t n);
void *vista_calloc(size_t count, size_t size);
void *vista_realloc(void *ptr, size_t n);
char *vista_strdup(const char *s);

/* The test hook: from the nth allocation after this call on (n >= 1),
 * every allocation that asks for memory fails; n 0 turns it off. Returns
 * the number of allocations made since the previous call, so that a test
 * can learn how many an operation needs. */
int64_t vista_mem_fail_after(int64_t n);

#endif
