/* dict.c: string -> id map for imports (see dict.h). Word-at-a-time
 * hashing, linear probing, load factor at most one half. */
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "dict.h"

typedef struct slot {
  uint64_t hash;
  size_t key;   /* offset of the key in the arena */
  uint32_t len;
  int64_t id;   /* 0 = empty slot */
} slot;

struct vista_dict {
  slot *slots;
  size_t cap; /* a power of two */
  size_t count;
  char *arena;
  size_t arena_len, arena_cap;
};

/* Eight bytes at a time, then the splitmix64 finaliser so that the low
 * bits (the slot) depend on every byte. */
static uint64_t hash_of(const char *p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ n;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, p, sizeof w);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  }
  uint64_t tail = 0;
  for (size_t i = 0; i < n; i++)
    tail |= (uint64_t)(unsigned char)p[i] << (8 * i);
  h ^= tail;
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

vista_dict *vista_dict_new(void) {
  vista_dict *d = vista_calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->cap = 1024;
  d->slots = vista_calloc(d->cap, sizeof *d->slots);
  if (!d->slots) {
    free(d);
    return NULL;
  }
  return d;
}

void vista_dict_free(vista_dict *d) {
  if (!d)
    return;
  free(d->slots);
  free(d->arena);
  free(d);
}

size_t vista_dict_count(const vista_dict *d) { return d->count; }

static slot *find(const vista_dict *d, const char *key, size_t len,
                  uint64_t h) {
  size_t mask = d->cap - 1;
  for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
    slot *s = &d->slots[i];
    if (!s->id)
      return s;
    if (s->hash == h && s->len == len &&
        memcmp(d->arena + s->key, key, len) == 0)
      return s;
  }
}

int64_t vista_dict_get(const vista_dict *d, const char *key, size_t len) {
  return find(d, key, len, hash_of(key, len))->id;
}

static int grow(vista_dict *d) {
  size_t cap = d->cap * 2;
  slot *slots = vista_calloc(cap, sizeof *slots);
  if (!slots)
    return -1;
  for (size_t i = 0; i < d->cap; i++) {
    slot *s = &d->slots[i];
    if (!s->id)
      continue;
    size_t j = (size_t)s->hash & (cap - 1);
    while (slots[j].id)
      j = (j + 1) & (cap - 1);
    slots[j] = *s;
  }
  free(d->slots);
  d->slots = slots;
  d->cap = cap;
  return 0;
}

int vista_dict_put(vista_dict *d, const char *key, size_t len, int64_t id) {
  if (len > UINT32_MAX)
    return -1;
  if ((d->count + 1) * 2 > d->cap && grow(d) != 0)
    return -1;
  uint64_t h = hash_of(key, len);
  slot *s = find(d, key, len, h);
  if (s->id) {
    s->id = id;
    return 0;
  }
  if (d->arena_len + len > d->arena_cap) {
    size_t cap = d->arena_cap ? d->arena_cap : 65536;
    while (cap < d->arena_len + len)
      cap *= 2;
    char *a = vista_realloc(d->arena, cap);
    if (!a)
      return -1;
    d->arena = a;
    d->arena_cap = cap;
  }
  memcpy(d->arena + d->arena_len, key, len);
  s->hash = h;
  s->key = d->arena_len;
  s->len = (uint32_t)len;
  s->id = id;
  d->arena_len += len;
  d->count++;
  return 0;
}
