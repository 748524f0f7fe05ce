/* mobility_lua.c: the Lua binding of the mobility model, vista.mobility.
 *
 * figures{by = {...}, <filters>} returns participant-weighted figures per
 * group, computed in SQLite: from the summaries the importer keeps when
 * every field asked for is in them (thousands of rows instead of
 * millions), else from the records (mobility_fact, the records with
 * their codes as columns). Field names, their SQL and their codes
 * come only from the fixed table below; every value is a bound parameter. */
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bind.h"
#include "country.h"
#include "internal.h"
#include "org.h"
#include "mobility.h"
#include "mobility_internal.h"

enum { K_INT, K_BOOL, K_CODE, K_COUNTRY, K_INSTITUTION, K_LABEL, K_TEXT };

/* "profile" is the role every figure counts a record as (MOB_ROLE_SQL):
 * a filter profile = "learner" finds exactly what "learners" counts. */
static const char *const profile_codes[] = {"learner", "staff",
                                            "accompanying", NULL};
static const char *const gender_codes[] = {"female", "male", "undefined",
                                           NULL};
static const char *const direction_codes[] = {"outgoing", "incoming", NULL};
static const char *const band_codes[] = {
    "short", "long", "staff", "accompanying", "other", "group", NULL};

typedef struct field {
  const char *name;
  const char *fact;    /* on mobility m (and project p) */
  const char *summary; /* the column of mobility_summary s, or NULL */
  const char *dest;    /* the column of mobility_destination d, or NULL */
  const char *unknown; /* what those columns store for unknown, or NULL */
  int kind;
  const char *const *codes; /* K_CODE: names of codes 1, 2, ... */
  int needs_project;
  const char *help;
} field;

static const field fields[] = {
    {"year", "m.year", "s.year", "d.year", "0", K_INT, NULL, 0,
     "calendar year the mobility started"},
    {"academic_year", "m.academic_year", NULL, NULL, NULL, K_INT, NULL, 0,
     "academic year, by the year it starts (2018 for 2018-2019)"},
    {"call_year", "p.call_year", NULL, NULL, NULL, K_INT, NULL, 1,
     "call year of the project"},
    {"key_action", "p.key_action", "s.key_action", "d.key_action", "''", K_TEXT,
     NULL, 1, "key action: KA102, KA116, KA121-VET, KA122-VET, ..."},
    {"project", "p.reference", NULL, NULL, NULL, K_TEXT, NULL, 1,
     "project reference"},
    {"vet", "m.is_vet", "s.is_vet", "d.is_vet", NULL, K_BOOL, NULL, 0,
     "vocational education and training (from key action and activity)"},
    {"profile", "m.role", MOB_ROLE_SQL("s.profile", "s.band"),
     MOB_ROLE_SQL("d.profile", "d.band"), NULL, K_CODE, profile_codes, 0,
     "learner (never a group leader or accompanying person), staff (on "
     "professional development) or accompanying (group leaders, "
     "accompanying persons, staff on learner activities)"},
    {"gender", "m.gender", NULL, NULL, NULL, K_CODE, gender_codes, 0,
     "female, male or undefined (Undefined/Other as recorded; unknown is "
     "nil)"},
    {"band", "m.band", "s.band", "d.band", "-1", K_CODE, band_codes, 0,
     "by activity first, duration second: short (short-term, or 10-89 "
     "days), long (ErasmusPro, or 90+), group (group mobility, skills "
     "competition), other (under 10 days), staff, accompanying"},
    {"out_of_range", "m.out_of_range", NULL, NULL, NULL, K_BOOL, NULL, 0,
     "duration outside its activity's allowed range"},
    {"band_edge", "m.band_edge", NULL, NULL, NULL, K_BOOL, NULL, 0,
     "learner within a day of a band edge (9/10, 89/90 days)"},
    {"school_year", "m.school_year", NULL, NULL, NULL, K_INT, NULL, 0,
     "school year the mobility started, by its first year (2023 for "
     "2023-24)"},
    {"direction", "m.direction", "s.direction", "d.direction", "-1", K_CODE,
     direction_codes, 0, "outgoing or incoming (institutions' own lists)"},
    {"fewer_opportunities", "m.fewer_opportunities", NULL, NULL, NULL, K_BOOL,
     NULL, 0, "participant with fewer opportunities"},
    {"special_needs", "m.special_needs", NULL, NULL, NULL, K_BOOL, NULL, 0,
     "participant with special needs"},
    {"group_leader", "m.group_leader", NULL, NULL, NULL, K_BOOL, NULL, 0,
     "group leader"},
    {"recognised", "m.recognised", NULL, NULL, NULL, K_BOOL, NULL, 0,
     "learning outcomes recognised on return (ECVET)"},
    {"institution", "m.sending_id", "s.institution_id", "d.institution_id", "0",
     K_INSTITUTION, NULL, 0, "sending institution: its id or Erasmus code"},
    {"sending_country", "m.sending_country_id", "s.sending_country_id",
     "d.sending_country_id", "0", K_COUNTRY, NULL, 0,
     "sending country code (EL, UK, ...)"},
    {"receiving_country", "m.receiving_country_id", NULL,
     "d.receiving_country_id", "0", K_COUNTRY, NULL, 0,
     "receiving country code"},
    {"receiving_institution", "m.receiving_id", NULL, NULL, NULL, K_INSTITUTION,
     NULL, 0, "receiving organisation: its id or Erasmus code"},
    {"nationality", "m.nationality_id", NULL, NULL, NULL, K_COUNTRY, NULL, 0,
     "participant nationality"},
    {"field", "m.field_id", NULL, NULL, NULL, K_LABEL, NULL, 0,
     "field of education"},
    {"activity", "m.activity_id", NULL, NULL, NULL, K_LABEL, NULL, 0,
     "activity"},
    {"education_level", "m.education_level_id", NULL, NULL, NULL, K_LABEL, NULL,
     0, "education level"},
    {"sending_city", "m.sending_city_id", NULL, NULL, NULL, K_LABEL, NULL, 0,
     "sending city"},
    {"receiving_city", "m.receiving_city_id", NULL, NULL, NULL, K_LABEL, NULL,
     0, "receiving city"},
    {"partner", "m.partner_id", NULL, NULL, NULL, K_LABEL, NULL, 0,
     "partner (institutions' own lists)"},
    {"age", "m.age", NULL, NULL, NULL, K_INT, NULL, 0, "participant age"},
    {"duration", "m.duration", NULL, NULL, NULL, K_INT, NULL, 0,
     "duration in calendar days"},
    {"start_month", "m.start_month", NULL, NULL, NULL, K_INT, NULL, 0,
     "start month as YYYYMM"},
};

#define NFIELDS ((int)(sizeof fields / sizeof fields[0]))
#define MAX_BY 8
#define MAX_VALUES 200

static int field_index(const char *name) {
  for (int i = 0; i < NFIELDS; i++)
    if (strcmp(fields[i].name, name) == 0)
      return i;
  return -1;
}

static int unknown_field(lua_State *L, const char *what, const char *name) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; i < NFIELDS; i++) {
    luaL_addstring(&b, i ? ", " : "");
    luaL_addstring(&b, fields[i].name);
  }
  luaL_pushresult(&b);
  return luaL_error(L, "vista.mobility: unknown %s '%s' (fields: %s)", what,
                    name, lua_tostring(L, -1));
}

/* A value to bind: an integer, or a string kept alive by the options
 * table. */
typedef struct value {
  int is_text;
  lua_Integer i;
  const char *s;
  size_t len;
} value;

typedef struct filter {
  int field;
  int first, count; /* into the query's values */
} filter;

typedef struct query {
  int by[MAX_BY];
  int nby;
  filter filters[NFIELDS];
  int nfilters;
  value values[MAX_VALUES];
  int nvalues;
  int needs_project;
} query;

static lua_Integer institution_by_code(lua_State *L, vista_session *s,
                                       const char *code) {
  vista_org_match m;
  if (vista_org_lookup(s, code, NULL, NULL, &m) != VISTA_OK)
    vista_bind_error(L, s);
  if (!m.id)
    luaL_error(L, "vista.mobility: %s", m.message);
  return m.id;
}

/* Converts the Lua value at idx for field f into q->values. */
static void add_value(lua_State *L, vista_session *s, query *q, int f,
                      int idx) {
  if (q->nvalues == MAX_VALUES)
    luaL_error(L, "vista.mobility: more than %d filter values", MAX_VALUES);
  value *v = &q->values[q->nvalues++];
  memset(v, 0, sizeof *v);
  const field *fd = &fields[f];
  int t = lua_type(L, idx);
  switch (fd->kind) {
  case K_INT:
    if (!lua_isinteger(L, idx))
      luaL_error(L, "vista.mobility: %s must be a whole number, not %s",
                 fd->name, luaL_typename(L, idx));
    v->i = lua_tointeger(L, idx);
    return;
  case K_BOOL:
    if (t != LUA_TBOOLEAN)
      luaL_error(L, "vista.mobility: %s must be true or false, not %s",
                 fd->name, luaL_typename(L, idx));
    v->i = lua_toboolean(L, idx);
    return;
  case K_CODE: {
    const char *name = lua_tostring(L, idx);
    if (t == LUA_TSTRING)
      for (int c = 0; fd->codes[c]; c++)
        if (strcmp(fd->codes[c], name) == 0) {
          v->i = c + 1;
          return;
        }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int c = 0; fd->codes[c]; c++) {
      luaL_addstring(&b, c ? ", " : "");
      luaL_addstring(&b, fd->codes[c]);
    }
    luaL_pushresult(&b);
    luaL_error(L, "vista.mobility: %s must be one of %s", fd->name,
               lua_tostring(L, -1));
    return;
  }
  case K_COUNTRY: {
    size_t len;
    const char *code = t == LUA_TSTRING ? lua_tolstring(L, idx, &len) : NULL;
    if (!code || !(v->i = vista_country_id(code, len)))
      luaL_error(L, "vista.mobility: %s: '%s' is not a country code", fd->name,
                 code ? code : luaL_typename(L, idx));
    return;
  }
  case K_INSTITUTION:
    if (lua_isinteger(L, idx))
      v->i = lua_tointeger(L, idx);
    else if (t == LUA_TSTRING)
      v->i = institution_by_code(L, s, lua_tostring(L, idx));
    else
      luaL_error(L, "vista.mobility: %s must be an id or an Erasmus code",
                 fd->name);
    return;
  default: /* K_LABEL, K_TEXT */
    if (t != LUA_TSTRING)
      luaL_error(L, "vista.mobility: %s must be a string, not %s", fd->name,
                 luaL_typename(L, idx));
    v->is_text = 1;
    v->s = lua_tolstring(L, idx, &v->len);
  }
}

/* Reads {by = ..., field = value or {values}} at index 1. */
static void read_query(lua_State *L, vista_session *s, query *q) {
  memset(q, 0, sizeof *q);
  if (lua_isnoneornil(L, 1))
    return;
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "by");
  if (lua_type(L, -1) == LUA_TSTRING) {
    int f = field_index(lua_tostring(L, -1));
    if (f < 0)
      unknown_field(L, "field in by", lua_tostring(L, -1));
    q->by[q->nby++] = f;
  } else if (lua_istable(L, -1)) {
    lua_Integer n = luaL_len(L, -1);
    if (n > MAX_BY)
      luaL_error(L, "vista.mobility: at most %d fields in by", MAX_BY);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, -1, i);
      const char *name = lua_tostring(L, -1);
      int f = name ? field_index(name) : -1;
      if (f < 0)
        unknown_field(L, "field in by", name ? name : "?");
      for (int k = 0; k < q->nby; k++)
        if (q->by[k] == f)
          luaL_error(L, "vista.mobility: '%s' twice in by", name);
      q->by[q->nby++] = f;
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    luaL_error(L, "vista.mobility: by must be a field name or a list of them");
  }
  lua_pop(L, 1);
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (lua_type(L, -2) != LUA_TSTRING)
      luaL_error(L, "vista.mobility: filters are named fields");
    const char *name = lua_tostring(L, -2);
    if (strcmp(name, "by") != 0) {
      int f = field_index(name);
      if (f < 0)
        unknown_field(L, "filter", name);
      filter *fl = &q->filters[q->nfilters++];
      fl->field = f;
      fl->first = q->nvalues;
      if (lua_istable(L, -1)) {
        lua_Integer n = luaL_len(L, -1);
        if (n == 0)
          luaL_error(L, "vista.mobility: %s: an empty list matches nothing",
                     name);
        for (lua_Integer i = 1; i <= n; i++) {
          lua_geti(L, -1, i);
          add_value(L, s, q, f, lua_gettop(L));
          lua_pop(L, 1);
        }
      } else {
        add_value(L, s, q, f, lua_gettop(L));
      }
      fl->count = q->nvalues - fl->first;
    }
    lua_pop(L, 1);
  }
  for (int k = 0; k < q->nby; k++)
    q->needs_project |= fields[q->by[k]].needs_project;
  for (int k = 0; k < q->nfilters; k++)
    q->needs_project |= fields[q->filters[k].field].needs_project;
}

/* Whether every field of the query has an expression in source 0 (facts),
 * 1 (summary) or 2 (destinations). */
static const char *expr_of(int f, int source) {
  return source == 0   ? fields[f].fact
         : source == 1 ? fields[f].summary
                       : fields[f].dest;
}

static int covered(const query *q, int source) {
  for (int k = 0; k < q->nby; k++)
    if (!expr_of(q->by[k], source))
      return 0;
  for (int k = 0; k < q->nfilters; k++)
    if (!expr_of(q->filters[k].field, source))
      return 0;
  return 1;
}

/* A field's value in a source, the unknown as NULL; raw: as the summary
 * tables store it, the unknown as a value of its own. */
static void add_expr(luaL_Buffer *b, int f, int source, int raw) {
  const char *unknown = source ? fields[f].unknown : NULL;
  if (unknown && !raw) {
    luaL_addstring(b, "nullif(");
    luaL_addstring(b, expr_of(f, source));
    luaL_addstring(b, ", ");
    luaL_addstring(b, unknown);
    luaL_addstring(b, ")");
  } else {
    luaL_addstring(b, expr_of(f, source));
  }
}

/* Appends " WHERE ..." and " GROUP BY ..." for a source; every value is a
 * numbered parameter (?N is the query's N-th value). */
static void add_where_group(luaL_Buffer *b, const query *q, int source) {
  for (int k = 0; k < q->nfilters; k++) {
    const filter *fl = &q->filters[k];
    const field *fd = &fields[fl->field];
    luaL_addstring(b, k ? " AND " : " WHERE ");
    add_expr(b, fl->field, source, 0);
    luaL_addstring(b, " IN (");
    for (int i = 0; i < fl->count; i++) {
      char p[64];
      if (fd->kind == K_LABEL)
        snprintf(p, sizeof p, "%s(SELECT id FROM label WHERE text = ?%d)",
                 i ? ", " : "", fl->first + i + 1);
      else
        snprintf(p, sizeof p, "%s?%d", i ? ", " : "", fl->first + i + 1);
      luaL_addstring(b, p);
    }
    luaL_addstring(b, ")");
  }
  for (int k = 0; k < q->nby; k++) {
    char g[32];
    snprintf(g, sizeof g, "%sg%d", k ? ", " : " GROUP BY ", k);
    luaL_addstring(b, g);
  }
}

static void add_group_columns(luaL_Buffer *b, const query *q, int source,
                              int raw) {
  for (int k = 0; k < q->nby; k++) {
    char g[32];
    add_expr(b, q->by[k], source, raw);
    snprintf(g, sizeof g, " AS g%d, ", k);
    luaL_addstring(b, g);
  }
}

/* The figures: participants of every role; the rest over learners
 * (female ... special needs with the learners whose value is known, for
 * the shares' coverage). */
#define LRN(x) "sum(CASE WHEN m.role = 1" x " THEN m.participants ELSE 0 END)"
static const char *const fact_figures =
    "sum(m.participants) AS participants,"
    " " LRN("") " AS learners,"
    " sum(CASE WHEN m.role = 2 THEN m.participants ELSE 0 END) AS staff,"
    " sum(CASE WHEN m.role = 3 THEN m.participants ELSE 0 END)"
    "  AS accompanying,"
    " " LRN(" AND m.gender = 1") " AS female,"
    " " LRN(" AND m.gender = 2") " AS male,"
    " " LRN(" AND m.gender = 3") " AS gender_undefined,"
    " " LRN(" AND m.gender IS NOT NULL") " AS gender_known,"
    " " LRN(" AND m.fewer_opportunities = 1") " AS fewer,"
    " " LRN(" AND m.fewer_opportunities IS NOT NULL") " AS fewer_known,"
    " " LRN(" AND m.special_needs = 1") " AS special,"
    " " LRN(" AND m.special_needs IS NOT NULL") " AS special_known,"
    " count(DISTINCT m.sending_id) AS sending_institutions,"
    " sum(CASE WHEN m.role = 1 THEN m.duration * m.participants END)"
    "  AS duration_sum,"
    " " LRN(" AND m.duration IS NOT NULL") " AS duration_n,"
    " sum(CASE WHEN m.role = 1 THEN m.age * m.participants END) AS age_sum,"
    " " LRN(" AND m.age IS NOT NULL") " AS age_n,"
    " " LRN(" AND m.band = 2") " AS long_term,"
    " sum(m.duration * m.participants) AS all_duration_sum,"
    " sum(CASE WHEN m.duration IS NOT NULL THEN m.participants END)"
    "  AS all_duration_n,"
    " sum(m.age * m.participants) AS all_age_sum,"
    " sum(CASE WHEN m.age IS NOT NULL THEN m.participants END) AS all_age_n";
#undef LRN

#define ROLE_S MOB_ROLE_SQL("s.profile", "s.band")
#define LRN(col) "sum(CASE WHEN " ROLE_S " = 1 THEN s." col " ELSE 0 END)"
static const char *const summary_figures =
    "sum(s.participants) AS participants,"
    " " LRN("participants") " AS learners,"
    " sum(CASE WHEN " ROLE_S " = 2 THEN s.participants ELSE 0 END) AS staff,"
    " sum(CASE WHEN " ROLE_S " = 3 THEN s.participants ELSE 0 END)"
    "  AS accompanying,"
    " " LRN("female") " AS female, " LRN("male") " AS male,"
    " " LRN("gender_undefined") " AS gender_undefined,"
    " " LRN("gender_known") " AS gender_known,"
    " " LRN("fewer_opportunities") " AS fewer,"
    " " LRN("fewer_known") " AS fewer_known,"
    " " LRN("special_needs") " AS special,"
    " " LRN("special_known") " AS special_known,"
    " count(DISTINCT nullif(s.institution_id, 0)) AS sending_institutions,"
    " " LRN("duration_sum") " AS duration_sum,"
    " " LRN("duration_n") " AS duration_n,"
    " " LRN("age_sum") " AS age_sum, " LRN("age_n") " AS age_n,"
    " sum(CASE WHEN " ROLE_S " = 1 AND s.band = 2 THEN s.participants"
    "  ELSE 0 END) AS long_term,"
    " sum(s.duration_sum) AS all_duration_sum,"
    " sum(s.duration_n) AS all_duration_n,"
    " sum(s.age_sum) AS all_age_sum, sum(s.age_n) AS all_age_n";
#undef LRN
#undef ROLE_S

static const char *const fact_from =
    " FROM mobility_fact m LEFT JOIN project p ON p.id = m.project_id";
static const char *const fact_from_plain = " FROM mobility_fact m";

/* The group value as people read it, from the inner column gK (raw: as
 * the summary tables store it). */
static void add_decoded(luaL_Buffer *b, int f, int k, int raw) {
  const field *fd = &fields[f];
  char g[48], buf[512];
  if (raw && fd->unknown)
    snprintf(g, sizeof g, "nullif(a.g%d, %s)", k, fd->unknown);
  else
    snprintf(g, sizeof g, "a.g%d", k);
  switch (fd->kind) {
  case K_CODE:
    luaL_addstring(b, "CASE ");
    luaL_addstring(b, g);
    for (int c = 0; fd->codes[c]; c++) {
      snprintf(buf, sizeof buf, " WHEN %d THEN '%s'", c + 1, fd->codes[c]);
      luaL_addstring(b, buf);
    }
    snprintf(buf, sizeof buf, " END AS %s", fd->name);
    break;
  case K_COUNTRY:
    snprintf(buf, sizeof buf, "(SELECT code FROM country WHERE id = %s) AS %s",
             g, fd->name);
    break;
  case K_LABEL:
    snprintf(buf, sizeof buf, "(SELECT text FROM label WHERE id = %s) AS %s", g,
             fd->name);
    break;
  case K_INSTITUTION:
    snprintf(buf, sizeof buf,
             "%s AS %s, (SELECT name FROM institution WHERE id = %s) AS "
             "%s_name, (SELECT erasmus_code FROM institution WHERE id = %s)"
             " AS %s_code",
             g, fd->name, g, fd->name, g, fd->name);
    break;
  default:
    snprintf(buf, sizeof buf, "%s AS %s", g, fd->name);
  }
  luaL_addstring(b, buf);
  luaL_addstring(b, ", ");
}

static void add_join_on(luaL_Buffer *b, const query *q, const char *other) {
  if (!q->nby) {
    luaL_addstring(b, " ON 1");
    return;
  }
  for (int k = 0; k < q->nby; k++) {
    char buf[64];
    snprintf(buf, sizeof buf, "%sa.g%d IS %s.g%d", k ? " AND " : " ON ", k,
             other, k);
    luaL_addstring(b, buf);
  }
}

/* Builds the whole statement [-0, +1, m]: the figures from the summary
 * (or the records) joined to the distinct receiving countries from the
 * destinations (or the records), decoded and with shares computed. */
static void build_sql(lua_State *L, const query *q) {
  int main_src = covered(q, 1) ? 1 : 0;
  int dest_src = covered(q, 2) ? 2 : 0;
  /* Both from the summary tables: group on their columns as stored, in
   * their primary key's order, so that SQLite needs no sort to group. */
  int raw = main_src && dest_src;
  const char *from = q->needs_project ? fact_from : fact_from_plain;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "SELECT ");
  for (int k = 0; k < q->nby; k++)
    add_decoded(&b, q->by[k], k, raw);
  luaL_addstring(
      &b, "a.participants, a.learners, a.staff, a.accompanying,"
          " a.female, a.male, a.gender_undefined AS undefined_gender,"
          " a.gender_known,"
          " 100.0 * a.female / nullif(a.gender_known, 0) AS female_share,"
          " 100.0 * a.male / nullif(a.gender_known, 0) AS male_share,"
          " 100.0 * a.gender_undefined / nullif(a.gender_known, 0)"
          "  AS undefined_share,"
          " 100.0 * a.gender_known / nullif(a.learners, 0)"
          "  AS gender_coverage,"
          " a.fewer AS fewer_opportunities,"
          " a.fewer_known AS fewer_opportunities_known,"
          " 100.0 * a.fewer / nullif(a.fewer_known, 0)"
          "  AS fewer_opportunities_share,"
          " 100.0 * a.fewer_known / nullif(a.learners, 0)"
          "  AS fewer_opportunities_coverage,"
          " a.special AS special_needs, a.special_known AS special_needs_known,"
          " 100.0 * a.special / nullif(a.special_known, 0)"
          "  AS special_needs_share,"
          " 100.0 * a.special_known / nullif(a.learners, 0)"
          "  AS special_needs_coverage,"
          " coalesce(r.receiving_countries, 0) AS receiving_countries,"
          " a.sending_institutions,"
          " 1.0 * a.duration_sum / nullif(a.duration_n, 0) AS mean_duration,"
          " 100.0 * a.duration_n / nullif(a.learners, 0)"
          "  AS duration_coverage,"
          " 1.0 * a.age_sum / nullif(a.age_n, 0) AS mean_age,"
          " 100.0 * a.age_n / nullif(a.learners, 0) AS age_coverage,"
          " 1.0 * a.all_duration_sum / nullif(a.all_duration_n, 0)"
          "  AS participants_mean_duration,"
          " 1.0 * a.all_age_sum / nullif(a.all_age_n, 0)"
          "  AS participants_mean_age,"
          " a.long_term, 100.0 * a.long_term / nullif(a.learners, 0)"
          "  AS long_term_share, 'learners' AS shares_over"
          " FROM (SELECT ");
  add_group_columns(&b, q, main_src, raw);
  luaL_addstring(&b, main_src ? summary_figures : fact_figures);
  luaL_addstring(&b, main_src ? " FROM mobility_summary s" : from);
  add_where_group(&b, q, main_src);
  luaL_addstring(&b, ") a LEFT JOIN (SELECT ");
  add_group_columns(&b, q, dest_src, raw);
  luaL_addstring(&b, dest_src ? "count(DISTINCT nullif(d.receiving_country_id,"
                                " 0)) AS receiving_countries"
                                " FROM mobility_destination d"
                              : "count(DISTINCT m.receiving_country_id)"
                                " AS receiving_countries");
  if (!dest_src)
    luaL_addstring(&b, from);
  add_where_group(&b, q, dest_src);
  luaL_addstring(&b, ") r");
  add_join_on(&b, q, "r");
  luaL_addstring(&b, " WHERE a.participants > 0");
  for (int k = 0; k < q->nby; k++) {
    char buf[32];
    snprintf(buf, sizeof buf, "%sa.g%d", k ? ", " : " ORDER BY ", k);
    luaL_addstring(&b, buf);
  }
  luaL_pushresult(&b);
}

/* vista.mobility.figures{by = ..., filters...} -> rows */
static int l_figures(lua_State *L) {
  vista_session *s = vista_bind_session(L);
  query q;
  read_query(L, s, &q);
  build_sql(L, &q);
  sqlite3 *db = vista_store_db(s);
  sqlite3_stmt *st = vista_push_statement(L, db, lua_tostring(L, -1));
  int box = lua_gettop(L);
  for (int i = 0; i < q.nvalues; i++) {
    const value *v = &q.values[i];
    int rc = v->is_text ? sqlite3_bind_text(st, i + 1, v->s, (int)v->len,
                                            SQLITE_TRANSIENT)
                        : sqlite3_bind_int64(st, i + 1, v->i);
    if (rc != SQLITE_OK)
      return luaL_error(L, "%s", sqlite3_errmsg(db));
  }
  vista_push_rows(L, db, st);
  vista_finish_statement(L, box);
  /* Flags read as booleans, as they were given. */
  int rows = lua_gettop(L);
  for (int k = 0; k < q.nby; k++) {
    if (fields[q.by[k]].kind != K_BOOL)
      continue;
    const char *name = fields[q.by[k]].name;
    lua_Integer n = luaL_len(L, rows);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_geti(L, rows, i);
      if (lua_getfield(L, -1, name) == LUA_TNUMBER) {
        lua_pushboolean(L, lua_tointeger(L, -1) != 0);
        lua_setfield(L, -3, name);
      }
      lua_pop(L, 2);
    }
  }
  return 1;
}

/* vista.mobility.fields() -> rows: name, summary (bool), description */
static int l_fields(lua_State *L) {
  lua_createtable(L, NFIELDS, 0);
  for (int i = 0; i < NFIELDS; i++) {
    lua_createtable(L, 0, 3);
    lua_pushstring(L, fields[i].name);
    lua_setfield(L, -2, "name");
    lua_pushboolean(L, fields[i].summary != NULL);
    lua_setfield(L, -2, "fast");
    lua_pushstring(L, fields[i].help);
    lua_setfield(L, -2, "description");
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* vista.mobility.imports() -> rows: the mobility files imported */
static int l_imports(lua_State *L) {
  vista_push_query(
      L,
      "SELECT l.id AS import, l.source, l.imported_at, f.format,"
      " l.rows_read, l.rows_stored, l.rows_rejected, f.participants,"
      " f.sha256 FROM mobility_file f JOIN import_log l ON l.id = f.import_id"
      " ORDER BY l.id");
  return 1;
}

int luaopen_vista_mobility(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"fields", l_fields},
      {"figures", l_figures},
      {"imports", l_imports},
      {NULL, NULL},
  };
  luaL_newlib(L, funcs);
  return 1;
}
