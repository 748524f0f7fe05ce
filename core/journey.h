/* journey.h: importing an institution's milestones and its staff survey
 * (the strategy journey's first steps). */
#ifndef VISTA_JOURNEY_H
#define VISTA_JOURNEY_H
#include "vista.h"

/* The kinds of milestone, NULL-terminated. */
extern const char *const vista_milestone_kinds[];

/* Imports milestones from CSV: kind, title, start, and optionally until,
 * reference, role, partners, funding, institution (README). institution is
 * the Erasmus code for rows without one (NULL: the one institution with a
 * strategy). The same kind, title and start again updates the milestone. */
int vista_milestone_import(vista_session *s, const char *path,
                           const char *institution, vista_reject_fn on_reject,
                           void *ud, vista_import_report *report);

/* Imports an anonymous staff survey from CSV, one row per respondent:
 * department, and optionally role, languages, experience, interest, could
 * lead, support (README). Columns that would identify a respondent (name,
 * e-mail) are refused. */
int vista_survey_import(vista_session *s, const char *path,
                        const char *institution, vista_reject_fn on_reject,
                        void *ud, vista_import_report *report);
#endif
