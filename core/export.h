/* export.h: vista export TABLE --format csv|json. */
#ifndef VISTA_EXPORT_H
#define VISTA_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "vista.h"

/* Writes table to out as "csv" or "json"; *rows counts the rows written. */
int vista_export(vista_session *s, const char *table, const char *format,
                 FILE *out, int64_t *rows);

/* Writes table to the file at path, all or nothing: into PATH.vista-part,
 * created new (never through an existing name or a symbolic link), then
 * renamed over path once every byte is on disk. On any failure (a full
 * disk, a size limit) the part file is removed, path is untouched, and
 * the message names path and the reason. */
int vista_export_file(vista_session *s, const char *table, const char *format,
                      const char *path, int64_t *rows);

/* The names of the tables export knows, one per index; NULL past the end. */
const char *vista_export_tables(size_t i);

#endif
