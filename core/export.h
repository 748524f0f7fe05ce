/* export.h: vista export TABLE --format csv|json. */
#ifndef VISTA_EXPORT_H
#define VISTA_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "vista.h"

/* Writes table to out as "csv" or "json"; *rows counts the rows written. */
int vista_export(vista_session *s, const char *table, const char *format,
                 FILE *out, int64_t *rows);

/* The names of the tables export knows, one per index; NULL past the end. */
const char *vista_export_tables(size_t i);

#endif
