/* mobility_rules.c: the rules of the mobility data, as the importer
 * applies them: which header names mean which field, the official
 * missing-value markers, and how each value is read and checked (project
 * references, months, academic years, ages, yes/no, key actions). Pure
 * functions: no state, no SQLite. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "mobility_internal.h"

/* The official names, used in messages and suggestions. */
const char *const mob_official_columns[MF_COUNT] = {
    "Project Reference", "Academic Year", "Mobility Start Month",
    "Mobility End Month", "Mobility Duration", "Activity (mob)",
    "Field of Education", "Participant Nationality", "Education Level",
    "Participant Gender", "Participant Profile", "Special Needs",
    "Fewer Opportunities", "GroupLeader", "Participant Age",
    "Sending Country Code", "Sending City", "Sending Organization",
    "Sending Organisation Erasmus Code", "Receiving Country Code",
    "Receiving City", "Receiving Organization",
    "Receiving Organisation Erasmus Code", "Participants", "Direction",
    "Partner", "Recognised", "Person Id", "Recent Graduate"};

#define MF_IGNORE MF_COUNT

/* Header names as found in the wild, normalised: lowercase, every run of
 * other characters one space ("Mobility Start Year/Month" ->
 * "mobility start year month", "participant_gender" -> "participant
 * gender"). */
static const struct {
  const char *name;
  int field;
} aliases[] = {
    {"project reference", MF_PROJECT},
    {"project ref", MF_PROJECT},
    {"project code", MF_PROJECT},
    {"academic year", MF_ACADEMIC_YEAR},
    {"mobility start month", MF_START},
    {"mobility start year month", MF_START},
    {"mobility start month year", MF_START},
    {"start month", MF_START},
    {"mobility end month", MF_END},
    {"mobility end year month", MF_END},
    {"mobility end month year", MF_END},
    {"end month", MF_END},
    {"mobility duration", MF_DURATION},
    {"mobility duration calendar days", MF_DURATION},
    {"mobility duration days", MF_DURATION},
    {"duration calendar days", MF_DURATION},
    {"duration days", MF_DURATION},
    {"duration", MF_DURATION},
    {"activity mob", MF_ACTIVITY},
    {"activity", MF_ACTIVITY},
    {"mobility activity", MF_ACTIVITY},
    {"field of education", MF_FIELD},
    {"education field", MF_FIELD},
    {"participant nationality", MF_NATIONALITY},
    {"participant country", MF_NATIONALITY},
    {"nationality", MF_NATIONALITY},
    {"education level", MF_EDUCATION_LEVEL},
    {"participant education level", MF_EDUCATION_LEVEL},
    {"participant gender", MF_GENDER},
    {"gender", MF_GENDER},
    {"participant profile", MF_PROFILE},
    {"profile", MF_PROFILE},
    {"special needs", MF_SPECIAL_NEEDS},
    {"participant special needs", MF_SPECIAL_NEEDS},
    {"fewer opportunities", MF_FEWER_OPPORTUNITIES},
    {"participant fewer opportunities", MF_FEWER_OPPORTUNITIES},
    {"groupleader", MF_GROUP_LEADER},
    {"group leader", MF_GROUP_LEADER},
    {"participant age", MF_AGE},
    {"age", MF_AGE},
    {"sending country code", MF_SENDING_COUNTRY},
    {"sending country", MF_SENDING_COUNTRY},
    {"sending city", MF_SENDING_CITY},
    {"sending organization", MF_SENDING_ORG},
    {"sending organisation", MF_SENDING_ORG},
    {"sending organization name", MF_SENDING_ORG},
    {"sending organisation name", MF_SENDING_ORG},
    {"sending organisation erasmus code", MF_SENDING_CODE},
    {"sending organization erasmus code", MF_SENDING_CODE},
    {"sending erasmus code", MF_SENDING_CODE},
    {"receiving country code", MF_RECEIVING_COUNTRY},
    {"receiving country", MF_RECEIVING_COUNTRY},
    {"receiving city", MF_RECEIVING_CITY},
    {"receiving organization", MF_RECEIVING_ORG},
    {"receiving organisation", MF_RECEIVING_ORG},
    {"receiving organization name", MF_RECEIVING_ORG},
    {"receiving organisation name", MF_RECEIVING_ORG},
    {"receiving organination name", MF_RECEIVING_ORG},
    {"receiving organisation erasmus code", MF_RECEIVING_CODE},
    {"receiving organization erasmus code", MF_RECEIVING_CODE},
    {"receiving erasmus code", MF_RECEIVING_CODE},
    {"participants", MF_PARTICIPANTS},
    {"participant count", MF_PARTICIPANTS},
    {"number of participants", MF_PARTICIPANTS},
    {"direction", MF_DIRECTION},
    {"partner", MF_PARTNER},
    {"partner organisation", MF_PARTNER},
    {"partner organization", MF_PARTNER},
    {"recognised", MF_RECOGNISED},
    {"recognized", MF_RECOGNISED},
    {"learning outcomes recognised", MF_RECOGNISED},
    {"learning outcomes recognized", MF_RECOGNISED},
    {"person id", MF_PERSON_ID},
    {"pseudonymous person id", MF_PERSON_ID},
    {"recent graduate", MF_RECENT_GRADUATE},
    {"rejected because", MF_IGNORE}, /* the column our rejects file adds */
};

#define NALIASES (sizeof aliases / sizeof aliases[0])


/* Lowercase, runs of anything but letters and digits as one space. */
void mob_normalise(char *dst, size_t n, const char *src, size_t len) {
  size_t j = 0;
  int space = 0;
  for (size_t i = 0; i < len && j + 2 < n; i++) {
    unsigned char c = (unsigned char)src[i];
    if (!isalnum(c)) {
      space = j > 0;
      continue;
    }
    if (space)
      dst[j++] = ' ';
    space = 0;
    dst[j++] = (char)tolower(c);
  }
  dst[j] = '\0';
}

int mob_field_by_name(const char *name, size_t len) {
  char norm[160];
  mob_normalise(norm, sizeof norm, name, len);
  if (strcmp(norm, "ignore") == 0 || (len == 1 && name[0] == '-'))
    return MF_IGNORE;
  for (size_t i = 0; i < NALIASES; i++)
    if (strcmp(norm, aliases[i].name) == 0)
      return aliases[i].field;
  char canon[160];
  for (int f = 0; f < MF_COUNT; f++) {
    mob_normalise(canon, sizeof canon, vista_mobility_columns[f],
              strlen(vista_mobility_columns[f]));
    if (strcmp(norm, canon) == 0)
      return f;
  }
  return -1;
}

/* A whole number in [lo, hi]; -1 when it is not one. */
int mob_parse_int(const char *p, size_t n, int64_t lo, int64_t hi,
                     int64_t *out) {
  int neg = 0;
  size_t i = 0;
  if (n && (p[0] == '-' || p[0] == '+'))
    neg = p[0] == '-', i = 1;
  if (i == n || n - i > 12)
    return -1;
  int64_t v = 0;
  for (; i < n; i++) {
    if (p[i] < '0' || p[i] > '9')
      return -1;
    v = v * 10 + (p[i] - '0');
  }
  if (neg)
    v = -v;
  if (v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

/* The number n decimal digits write, or -1 when one is not a digit. */
static int64_t digits(const char *p, size_t n) {
  int64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned d = (unsigned)(unsigned char)p[i] - '0';
    if (d > 9)
      return -1;
    v = v * 10 + (int64_t)d;
  }
  return v;
}

/* "YYYY-MM" or "YYYY/MM" -> YYYYMM. */
int mob_parse_month(const char *p, size_t n, int64_t *out) {
  if (n != 7 || (p[4] != '-' && p[4] != '/'))
    return -1;
  int64_t y = digits(p, 4), m = digits(p + 5, 2);
  if (y < 1900 || y > 2200 || m < 1 || m > 12)
    return -1;
  *out = y * 100 + m;
  return 0;
}

/* "2018-2019", "2018/19", "2018-19" -> 2018 (the year it starts). */
int mob_parse_academic_year(const char *p, size_t n, int64_t *out) {
  if ((n != 9 && n != 7) || (p[4] != '-' && p[4] != '/'))
    return -1;
  int64_t a = digits(p, 4), b = digits(p + 5, n - 5);
  if (a < 1900 || a > 2200 || b < 0 ||
      b != (n == 9 ? a + 1 : (a + 1) % 100))
    return -1;
  *out = a;
  return 0;
}

int mob_parse_yes_no(const char *p, size_t n, int64_t *out) {
  if (mob_eqi(p, n, "yes") || mob_eqi(p, n, "y") || mob_eqi(p, n, "true") ||
      (n == 1 && p[0] == '1'))
    *out = 1;
  else if (mob_eqi(p, n, "no") || mob_eqi(p, n, "n") || mob_eqi(p, n, "false") ||
           (n == 1 && p[0] == '0'))
    *out = 0;
  else
    return -1;
  return 0;
}

/* Project reference YYYY-R-NA00-KA000[-XXX]-NNNNN: call year, round,
 * National Agency code and key action. */


int mob_parse_project(const char *p, size_t n, mob_project_ref *r) {
  size_t i = 0;
  int64_t v;
  if (n < 20 || n > 40 || mob_parse_int(p, 4, 1990, 2100, &v) != 0 ||
      p[4] != '-')
    return -1;
  r->call_year = (int)v;
  i = 5;
  size_t start = i;
  while (i < n && isdigit((unsigned char)p[i]) && i - start < 2)
    i++;
  if (i == start || i >= n || p[i] != '-' ||
      mob_parse_int(p + start, i - start, 0, 99, &v) != 0)
    return -1;
  r->round = (int)v;
  i++;
  /* National Agency: two letters and two digits (BE02, EL01, UK01). */
  if (i + 5 > n || !isupper((unsigned char)p[i]) ||
      !isupper((unsigned char)p[i + 1]) || !isdigit((unsigned char)p[i + 2]) ||
      !isdigit((unsigned char)p[i + 3]) || p[i + 4] != '-')
    return -1;
  memcpy(r->na, p + i, 4);
  r->na[4] = '\0';
  i += 5;
  /* Key action: KA and three digits, maybe -VET, -SCH, ... */
  if (i + 6 > n || p[i] != 'K' || p[i + 1] != 'A' ||
      !isdigit((unsigned char)p[i + 2]) || !isdigit((unsigned char)p[i + 3]) ||
      !isdigit((unsigned char)p[i + 4]))
    return -1;
  size_t ka = i;
  i += 5;
  if (i < n && p[i] == '-' && i + 1 < n && isupper((unsigned char)p[i + 1])) {
    i++;
    while (i < n && isupper((unsigned char)p[i]))
      i++;
  }
  if (i - ka >= sizeof r->key_action)
    return -1;
  memcpy(r->key_action, p + ka, i - ka);
  r->key_action[i - ka] = '\0';
  /* The serial number: digits to the end. */
  if (i >= n || p[i] != '-' || n - i < 4 || n - i > 12)
    return -1;
  for (i++; i < n; i++)
    if (!isdigit((unsigned char)p[i]))
      return -1;
  return 0;
}

int mob_is_vet_key_action(const char *ka) {
  return strcmp(ka, "KA102") == 0 || strcmp(ka, "KA116") == 0 ||
         strcmp(ka, "KA121-VET") == 0 || strcmp(ka, "KA122-VET") == 0 ||
         strcmp(ka, "KA202") == 0;
}

int mob_activity_is_vet(const char *p, size_t n) {
  for (size_t i = 0; i + 3 <= n; i++)
    if (p[i] == 'V' && p[i + 1] == 'E' && p[i + 2] == 'T')
      return 1;
  for (size_t i = 0; i + 10 <= n; i++)
    if (memcmp(p + i, "ErasmusPro", 10) == 0)
      return 1;
  return 0;
}

/* What an activity text names, by the words it contains (case ignored);
 * first match wins, so "Long-term teaching assignments" is staff. */
int mob_activity_kind(const char *p, size_t n) {
  char low[256];
  size_t m = n < sizeof low - 1 ? n : sizeof low - 1;
  for (size_t i = 0; i < m; i++)
    low[i] = (char)tolower((unsigned char)p[i]);
  low[m] = '\0';
  if (strstr(low, "accompany"))
    return ACT_ACCOMPANYING;
  if (strstr(low, "competition"))
    return ACT_COMPETITION;
  if (strstr(low, "group mobility"))
    return ACT_GROUP;
  if (strstr(low, "staff") || strstr(low, "job shadowing") ||
      strstr(low, "teaching") || strstr(low, "course"))
    return ACT_STAFF;
  if (strstr(low, "erasmuspro") || strstr(low, "long-term") ||
      strstr(low, "long term"))
    return ACT_LONG;
  if (strstr(low, "short-term") || strstr(low, "short term"))
    return ACT_SHORT;
  return ACT_OTHER;
}
