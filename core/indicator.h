/* indicator.h: importing an institution's yearly facts. */
#ifndef VISTA_INDICATOR_H
#define VISTA_INDICATOR_H
#include "vista.h"

/* Imports facts from CSV: institution (Erasmus code), period (2024 or
 * 2024-25), and any of the fact columns (README lists them). A fact given
 * again replaces the one stored. One transaction; bad rows are rejected. */
int vista_facts_import(vista_session *s, const char *path,
                       vista_reject_fn on_reject, void *ud,
                       vista_import_report *report);
#endif
