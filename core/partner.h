/* partner.h: importing a partner list. */
#ifndef VISTA_PARTNER_H
#define VISTA_PARTNER_H
#include "vista.h"

/* Imports partners, their agreements and contacts from CSV (columns in
 * README). institution is the Erasmus code of the institution the partners
 * belong to when the file has no institution column (NULL: the one
 * institution with a strategy). One transaction; bad rows are rejected and
 * reported, as for the other imports. */
int vista_partner_import(vista_session *s, const char *path,
                         const char *institution, vista_reject_fn on_reject,
                         void *ud, vista_import_report *report);
#endif
