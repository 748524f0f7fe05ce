/* mobility.h: the mobility model — importing the official Erasmus+ open
 * data and vista's own CSV, and the codes the fact table uses. */
#ifndef VISTA_MOBILITY_H
#define VISTA_MOBILITY_H

#include <stdint.h>

#include "vista.h"

/* The fields a mobility file may carry, in vista's own CSV order. */
enum {
  MF_PROJECT, MF_ACADEMIC_YEAR, MF_START, MF_END, MF_DURATION, MF_ACTIVITY,
  MF_FIELD, MF_NATIONALITY, MF_EDUCATION_LEVEL, MF_GENDER, MF_PROFILE,
  MF_SPECIAL_NEEDS, MF_FEWER_OPPORTUNITIES, MF_GROUP_LEADER, MF_AGE,
  MF_SENDING_COUNTRY, MF_SENDING_CITY, MF_SENDING_ORG, MF_SENDING_CODE,
  MF_RECEIVING_COUNTRY, MF_RECEIVING_CITY, MF_RECEIVING_ORG,
  MF_RECEIVING_CODE, MF_PARTICIPANTS, MF_DIRECTION, MF_PARTNER,
  MF_RECOGNISED, MF_PERSON_ID, MF_RECENT_GRADUATE,
  MF_COUNT
};

/* vista's own column names (its CSV header, and export's). */
extern const char *const vista_mobility_columns[MF_COUNT];

/* Codes stored in the fact table (NULL is unknown). */
/* Gender 3 is what the open data writes as Undefined (or Other): a
 * recorded category of its own, not an unknown. */
enum { GENDER_FEMALE = 1, GENDER_MALE = 2, GENDER_UNDEFINED = 3 };
enum { PROFILE_LEARNER = 1, PROFILE_STAFF = 2 };
enum { DIRECTION_OUTGOING = 1, DIRECTION_INCOMING = 2 };
enum {
  BAND_SHORT = 1,        /* learner, individual mobility, 10-89 days */
  BAND_LONG = 2,         /* learner, ErasmusPro, 90 days and more */
  BAND_STAFF = 3,        /* staff professional development */
  BAND_LEADER = 4,       /* group leader or accompanying person */
  BAND_OTHER = 5,        /* learner, activity unnamed, under 10 days */
  BAND_GROUP = 6         /* learner on a group mobility or a skills
                            competition */
};
/* What the activity text says (stored, 0 when there is none): the band is
 * decided by it first (mob_band, mobility_internal.h). */
enum {
  ACT_NONE = 0,         /* no activity recorded */
  ACT_OTHER = 1,        /* a text that names none of the below */
  ACT_GROUP = 2,        /* group mobility of learners, 2-30 days */
  ACT_STAFF = 3,        /* staff professional development, 2-365 days */
  ACT_ACCOMPANYING = 4, /* accompanying persons */
  ACT_LONG = 5,         /* ErasmusPro, long-term learner mobility, 90-365 */
  ACT_SHORT = 6,        /* short-term learner mobility, 10-89 days */
  ACT_COMPETITION = 7   /* skills competitions, 1-10 days */
};
/* A record's role, what every figure counts it as (MOB_ROLE_SQL). */
enum { ROLE_LEARNER = 1, ROLE_STAFF = 2, ROLE_ACCOMPANYING = 3 };

typedef struct vista_mobility_options {
  const char *format; /* "auto" (NULL), "erasmus" or "vista" */
  const char *map;    /* "Their Name=Project Reference,Other=-" or NULL */
  const char *rejects_path; /* write rejected rows here, or NULL */
  int strict;         /* stop at the first bad row, store nothing */
  int replace;        /* a file imported before replaces its old rows */
  int progress;       /* draw a progress bar on stderr */
} vista_mobility_options;

typedef struct vista_mobility_report {
  vista_import_report rows;
  int64_t participants;      /* summed over the stored rows */
  int64_t replaced_import;   /* the import this one replaced, or 0 */
  /* Records whose duration lies outside their activity's allowed range,
   * and learners within a day of a band edge (both stored as flags). */
  int64_t out_of_range, band_edge;
  /* The earlier import estimated to hold the largest share (at least
   * half) of this file's records, or 0; its share and its file. */
  int64_t overlap_import;
  double overlap_share;
  char overlap_source[256];
  char format[8];            /* "erasmus" or "vista" */
  char sha256[65];
} vista_mobility_report;

/* Imports a mobility CSV in one transaction. On VISTA_OK the report says
 * what was stored and rejected (each reject also goes to on_reject, the
 * import_reject table and the rejects file). Any other status stores
 * nothing and leaves the message in the session. */
int vista_mobility_import(vista_session *s, const char *path,
                          const vista_mobility_options *opts,
                          vista_reject_fn on_reject, void *ud,
                          vista_mobility_report *report);

/* Rebuilds mobility_summary and mobility_destination from the facts (after
 * rows were removed). Runs inside the caller's transaction. */
int vista_mobility_rebuild_summaries(vista_session *s);
/* Rebuilds mobility_term, mobility_term_destination and
 * mobility_term_incoming alone (also the fill step of the migration that
 * made them). */
int vista_mobility_rebuild_terms(vista_session *s);

#endif
