/* country.h: Erasmus+ country codes (EL, UK, XK beside ISO 3166-1). */
#ifndef VISTA_COUNTRY_H
#define VISTA_COUNTRY_H

#include <stddef.h>

typedef struct vista_country {
  const char *code; /* as the Erasmus+ data writes it: "EL", "UK" */
  const char *iso;  /* ISO 3166-1 alpha-2: "GR", "GB" */
  const char *name;
} vista_country;

/* The id of a country code (either case; GR and GB give Greece's and the
 * United Kingdom's ids), or 0 when it is no country code. Ids are stable:
 * they are computed from the letters, and the country table uses them. */
int vista_country_id(const char *code, size_t len);

/* The i-th country of the list (NULL past the end), and by id (NULL if
 * none). */
const vista_country *vista_country_at(size_t i);
const vista_country *vista_country_by_id(int id);

#endif
