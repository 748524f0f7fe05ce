/* writeback.h: starting the disk on a big transaction's pages early.
 *
 * An import appends tens of megabytes to the WAL, then its commit copies
 * them into the database; each time SQLite waits in fdatasync for all of
 * it to reach the disk, and the WAL's pages are still being written when
 * it is deleted. A writeback thread asks the kernel every few
 * milliseconds to start writing both files (sync_file_range, Linux), so
 * that the disk works while the CPUs do, and the syncs find little left.
 * Durability is SQLite's as before: it still syncs where it did. */
#ifndef VISTA_WRITEBACK_H
#define VISTA_WRITEBACK_H

typedef struct vista_writeback vista_writeback;

/* Starts writing back the database file open as db_fd (which stays the
 * caller's) and its WAL, path-wal; NULL where there is nothing to do (no
 * such call, a database in memory, no thread). */
vista_writeback *vista_writeback_start(int db_fd, const char *path);
/* Stops and frees; NULL is fine. */
void vista_writeback_stop(vista_writeback *w);

#endif
