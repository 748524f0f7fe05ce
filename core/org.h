/* org.h: one organisation identity — the resolver every lookup of an
 * institution goes through (C, the Lua binding and the stdlib alike), and
 * the aliases users add. */
#ifndef VISTA_ORG_H
#define VISTA_ORG_H

#include <stdint.h>

#include "vista.h"

/* What a typed identifier looks like, and how an institution was found. */
typedef enum vista_org_by {
  VISTA_ORG_NONE = 0,
  VISTA_ORG_CODE, /* its Erasmus code: 'B  GENT58' */
  VISTA_ORG_OID,  /* its organisation id: 'E10000000' */
  VISTA_ORG_PIC,  /* its participant identification code: nine digits */
  VISTA_ORG_ALIAS, /* a name a user gave it (vista alias) */
  VISTA_ORG_NAME  /* its name (and country, city) */
} vista_org_by;

#define VISTA_ORG_MESSAGE 384

/* The outcome of a lookup. id is the institution, or 0 when nothing or
 * more than one matched (count says how many); message then says why, in
 * words that follow "what: ", with a "did you mean" where one is near. */
typedef struct vista_org_match {
  int64_t id;
  vista_org_by by;
  int count;
  char message[VISTA_ORG_MESSAGE];
} vista_org_match;

/* Keeps institution_key for institution ?1 named ?2: every statement that
 * writes an institution's name runs this after it (the institution list,
 * the strategy); VISTA_ORG_KEY_NEW_SQL for an institution just created
 * (the mobility writer: a plain one-row INSERT keeps no statement
 * journal, an upsert would write one, a 64 KiB page, per institution). */
#define VISTA_ORG_KEY_NEW_SQL                                                \
  "INSERT INTO institution_key(institution_id, name_key)"                    \
  " VALUES (?1, vista_fold(?2))"
#define VISTA_ORG_KEY_SQL                                                    \
  VISTA_ORG_KEY_NEW_SQL " ON CONFLICT(institution_id) DO UPDATE"             \
  " SET name_key = excluded.name_key"

typedef struct vista_org vista_org;

/* A resolver over the session's open database: its statements are
 * prepared once, for lookups row by row. Caller frees with
 * vista_org_free (accepts NULL). */
int vista_org_new(vista_session *s, vista_org **out);
void vista_org_free(vista_org *r);

/* What text looks like as an identifier: an OID (E and eight digits), a
 * PIC (nine digits), else a code or a name (both are tried). */
vista_org_by vista_org_kind(const char *text);

/* Finds the institution text names: an Erasmus code (exactly as written),
 * an OID or PIC recorded for it, an alias, or a name as people vary it
 * (case, spacing, accents), narrowed by country and city when given
 * (either may be NULL). Not found or ambiguous is VISTA_OK with m->id 0
 * and the reason in m->message; another status is a store error. */
int vista_org_find(vista_org *r, const char *text, const char *country,
                   const char *city, vista_org_match *m);

/* The same, once: opens a resolver, finds, frees. */
int vista_org_lookup(vista_session *s, const char *text, const char *country,
                     const char *city, vista_org_match *m);

/* Like vista_org_lookup, but not finding exactly one is VISTA_ERR_INPUT
 * with the message "what: <reason>". */
int vista_org_require(vista_session *s, const char *what, const char *text,
                      int64_t *id);

/* Records alias as another name (or, by its form, the OID or PIC) of the
 * institution target names (resolved as above), in the caller's
 * transaction or its own. An institution without a code whose name is
 * the alias, in the target's country, is the same organisation seen
 * without its code: its records, facts and partners move to the target
 * and it is removed (*merged counts them, may be NULL). */
int vista_org_alias(vista_session *s, const char *alias, const char *target,
                    int64_t *merged);

/* Calls fn for every likely duplicate: an institution without a code
 * (without_id) whose folded name and country are those of one with a
 * code (with_id), the city the same where both know it. Only pairs with
 * an institution whose id is above since (0: all). */
typedef void (*vista_org_pair_fn)(void *ud, int64_t without_id,
                                  const char *without_name,
                                  const char *without_city, int64_t with_id,
                                  const char *with_code,
                                  const char *with_name);
int vista_org_duplicates(vista_session *s, int64_t since, vista_org_pair_fn fn,
                         void *ud);

/* Calls fn for every alias, by kind and alias: its kind ("name", "oid",
 * "pic"), the alias as written, and its institution's code ("" without)
 * and name. */
typedef void (*vista_org_alias_fn)(void *ud, const char *kind,
                                   const char *alias, const char *code,
                                   const char *name);
int vista_org_list_aliases(vista_session *s, vista_org_alias_fn fn, void *ud);

/* The largest institution id now (for vista_org_duplicates' since). */
int vista_org_last_id(vista_session *s, int64_t *id);

#endif
