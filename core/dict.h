/* dict.h: a map from byte strings to int64 ids, for storing each distinct
 * text once during an import (labels, institutions, projects). Open
 * addressing with the keys in one growing arena. */
#ifndef VISTA_DICT_H
#define VISTA_DICT_H

#include <stddef.h>
#include <stdint.h>

typedef struct vista_dict vista_dict;

/* NULL when out of memory. */
vista_dict *vista_dict_new(void);
void vista_dict_free(vista_dict *d);

/* The id stored for key, or 0 when there is none (ids are never 0). */
int64_t vista_dict_get(const vista_dict *d, const char *key, size_t len);

/* Stores id (not 0) for key, which is copied. Returns 0, or -1 when out of
 * memory. */
int vista_dict_put(vista_dict *d, const char *key, size_t len, int64_t id);

size_t vista_dict_count(const vista_dict *d);

#endif
