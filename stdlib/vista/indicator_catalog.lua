--- vista.indicator_catalog: the built-in indicators, as data (what they
--- count beyond these definitions: docs/definitions.md, "Indicators").
--- The computations are in vista.indicator; this list is what the strategy
--- checker and the reports need to know about them.
local M = {}

local list = {
  { id = "eu_ivet_mobility_rate", period = "calendar", unit = "%",
    name = "EU IVET learner mobility rate",
    definition = "IVET learners (ISCED 3-4) with an outgoing mobility of 10 days or more starting in the calendar year, per 100 IVET graduates of that year",
    numerator = "IVET learner mobilities of 10+ days", denominator = "graduates" },
  { id = "gi_student_exchange_rate", period = "school", unit = "%",
    name = "Learners on an exchange of more than two weeks",
    definition = "learners with an outgoing mobility of more than 14 days starting in the school year, per 100 learners enrolled that school year (Go International)",
    numerator = "learner mobilities of 15+ days", denominator = "learners enrolled" },
  { id = "fewer_opps_share", period = "calendar", unit = "%",
    name = "Share of mobile learners with fewer opportunities",
    definition = "outgoing learner mobilities flagged fewer opportunities, per 100 outgoing learner mobilities (target 20%)",
    numerator = "learners with fewer opportunities", denominator = "mobile learners", special = true },
  { id = "female_share", period = "calendar", unit = "%",
    name = "Share of mobile learners who are female",
    definition = "outgoing learner mobilities with gender female, per 100 outgoing learner mobilities; undefined gender reported apart",
    numerator = "female learners", denominator = "mobile learners",
    -- Gender balance: on track means moving toward the target band.
    direction = "band" },
  { id = "long_term_share", period = "calendar", unit = "%",
    name = "Share of long-term (ErasmusPro) learner mobilities",
    definition = "outgoing learner mobilities of 90 days or more (ErasmusPro), per 100 outgoing learner mobilities",
    numerator = "long-term learner mobilities", denominator = "learner mobilities" },
  { id = "staff_exchanges_5d", period = "calendar", unit = "exchanges",
    name = "Staff exchanges of five days or more",
    definition = "outgoing staff mobility periods of 5 days or more, accompanying persons and group leaders excluded",
    numerator = "staff mobilities of 5+ days" },
  { id = "staff_exchange_rate_fte", period = "calendar", unit = "per 100 FTE",
    name = "Staff exchanges per 100 full-time staff",
    definition = "staff_exchanges_5d per 100 full-time equivalent staff; may exceed 100",
    numerator = "staff mobilities of 5+ days", denominator = "staff FTE" },
  { id = "external_funding_share", period = "calendar", unit = "%",
    name = "External project funding as a share of the budget",
    definition = "external international project funding (EUR) per 100 EUR of the total institutional budget",
    numerator = "external funding", denominator = "budget" },
  { id = "skills_competition_rate", period = "calendar", unit = "%",
    name = "Graduates trained for international skills competitions",
    definition = "graduates trained for international skills competitions, per 100 graduates",
    numerator = "competition learners", denominator = "graduates" },
  { id = "iah_programmes", period = "calendar", unit = "programmes",
    name = "Programmes with internationalisation at home",
    definition = "programmes with at least one documented internationalisation-at-home element; the share of all programmes beside it",
    numerator = "programmes with IaH", denominator = "programmes" },
  { id = "recognition_rate", period = "calendar", unit = "%",
    name = "Learner mobilities with recognised learning outcomes",
    definition = "outgoing learner mobilities whose learning outcomes were recognised (Europass Mobility, ECVET), per 100 outgoing learner mobilities whose recognition is recorded",
    numerator = "recognised mobilities", denominator = "mobilities with recognition recorded" },
  { id = "incoming_outgoing_ratio", period = "calendar", unit = "ratio",
    name = "Incoming per outgoing learner mobility",
    definition = "incoming learner mobilities per outgoing learner mobility",
    numerator = "incoming learners", denominator = "outgoing learners" },
  { id = "destination_diversity", period = "calendar", unit = "countries",
    name = "Destination countries",
    definition = "distinct receiving countries among outgoing mobilities; concentration = sum of squared country shares beside it",
    numerator = "destination countries" },
  { id = "partner_activity_rate", period = "calendar", unit = "%",
    name = "Partners with mobility",
    definition = "partners that received a mobility from the institution, per 100 partners with an agreement in effect in the year",
    numerator = "active partners", denominator = "partners with an agreement" },
  { id = "member_participation_rate", period = "school", unit = "%",
    name = "Consortium members that sent learners",
    definition = "member organisations with at least one outgoing learner, per 100 member organisations; learners per active member beside it",
    numerator = "active members", denominator = "members" },
}

M.list = list
M.by_id = {}
for _, d in ipairs(list) do
  d.direction = d.direction or "higher"
  d.builtin = true
  M.by_id[d.id] = d
end

--- The facts an institution records by period, with what they mean.
M.facts = {
  { name = "learners_enrolled", text = "learners enrolled at the census date" },
  { name = "new_learners", text = "learners who started that period" },
  { name = "graduates", text = "learners who graduated (the IVET cohort)" },
  { name = "staff_headcount", text = "staff, head count" },
  { name = "staff_fte", text = "staff, full-time equivalent" },
  { name = "budget", text = "total institutional budget (EUR)" },
  { name = "external_funding", text = "external international project funding (EUR)" },
  { name = "competition_learners", text = "graduates trained for international skills competitions" },
  { name = "programmes", text = "programmes offered" },
  { name = "iah_programmes", text = "programmes with internationalisation-at-home activities" },
}
M.fact_names = {}
for _, f in ipairs(M.facts) do M.fact_names[f.name] = true end

return M
