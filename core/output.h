/* output.h: writing a file that a user or a script names. The bytes go to
 * a new temporary file beside the name, created so that it can neither
 * follow nor reuse anything already there (a symbolic link planted under
 * the temporary's name leads nowhere), and renamed over the name when
 * complete, which replaces a symbolic link there rather than following
 * it. A failure or a stop halfway leaves the old file as it was. A FIFO or
 * a device at the name, and the process's own /dev/stdout or /dev/fd/N,
 * are streams: written in place. */
#ifndef VISTA_OUTPUT_H
#define VISTA_OUTPUT_H

#include <stdio.h>

typedef struct vista_outfile {
  FILE *f;      /* write here; NULL when not open */
  int dirfd;    /* the directory the file goes in, held open */
  int has_dir;  /* whether dirfd is open */
  int in_place; /* a stream (a FIFO, a device, /dev/stdout): no rename */
  char *base;   /* the final name inside the directory */
  char *part;   /* the temporary's name inside it */
} vista_outfile;

/* vista_outfile_open's answer when the file's directory is not inside
 * within. Every other failure is an errno value. */
#define VISTA_OUTFILE_OUTSIDE (-1)

/* Opens o (zeroed by the caller, or discarded) to write path. within is
 * NULL, or a directory the file's directory must be inside (a check made
 * on the directory opened, so '..' and symbolic links do not lead out).
 * Returns 0, VISTA_OUTFILE_OUTSIDE, or an errno value; on failure o holds
 * nothing. */
int vista_outfile_open(vista_outfile *o, const char *path,
                       const char *within);

/* Flushes the data to the disk, closes and renames the file into place.
 * Returns 0, or an errno value after removing the temporary. Either way o
 * holds nothing afterwards. */
int vista_outfile_commit(vista_outfile *o);

/* Removes the temporary and frees o's parts; a zeroed, committed or
 * discarded o is left as it is. */
void vista_outfile_discard(vista_outfile *o);

#endif
