/* strategy.h: importing a strategy file. */
#ifndef VISTA_STRATEGY_H
#define VISTA_STRATEGY_H
#include "sandbox.h"
#include "vista.h"

typedef struct vista_strategy_report {
  int64_t strategy_id;
  int64_t institution_id;
  int replaced; /* a strategy of the same institution and start was there */
  int goals, actions, factors, indicators;
  int problems; /* what the checker found; nothing is stored then */
} vista_strategy_report;

/* Reads the strategy file at path in a sandbox with the given limits,
 * checks it, and stores it in one transaction (replacing the institution's
 * strategy that starts on the same day). Every problem found goes to
 * on_problem as "file:line: message"; then nothing is stored and the status
 * is VISTA_ERR_INPUT. Warnings ("file:line: warning: message": allowed,
 * but probably not meant) go to on_problem too, and do not stop the import.
 * check_only stores nothing either way. */
int vista_strategy_import(vista_session *s, const char *path, int check_only,
                          const vista_limits *limits,
                          void (*on_problem)(void *ud, const char *msg),
                          void *ud, vista_strategy_report *r);

/* The same for a file's contents text[0..len) (borrowed), read in the
 * open sandbox sb of session s (whose database is open), which is left
 * ready for the next file: what the fuzzer calls, one state for many
 * files. */
int vista_strategy_import_text(vista_session *s, vista_sandbox *sb,
                               const char *path, const char *text,
                               size_t len, int check_only,
                               void (*on_problem)(void *ud, const char *msg),
                               void *ud, vista_strategy_report *r);
#endif
