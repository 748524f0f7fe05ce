--- vista.indicator_catalog: the built-in indicators, as data (what they
--- count beyond these definitions: docs/definitions.md, "Indicators").
--- The computations are in vista.indicator; this list is what the strategy
--- checker and the reports need to know about them.
local M = {}

-- Each says what it counts (counts: persons = distinct learners, by the
-- own list's person id where it gives one, else participations, as the
-- output then says; mobilities = participations), over which period kind
-- (periods: the kinds it may be counted by), and what it does with
-- unknown values (unknowns).
local list = {
  { id = "eu_ivet_mobility_rate", period = "calendar", unit = "%", counts = "persons",
    name = "EU IVET learner mobility rate",
    definition = "distinct IVET learners (VET, ISCED 3-4) with an outgoing mobility of 10 days or more starting in the calendar year, per 100 IVET graduates of that year",
    unknowns = "an unknown education level is not counted as ISCED 3-4 and lowers the coverage (VET learners of 10+ days whose level is recorded); none recorded: not recorded; an unknown duration meets no threshold; no graduates fact: denominator missing",
    numerator = "IVET learners of 10+ days", denominator = "graduates" },
  { id = "gi_student_exchange_rate", period = "school", unit = "%", counts = "persons",
    name = "Learners on an exchange of more than two weeks",
    definition = "distinct enrolled VET learners with an outgoing mobility of more than 14 days starting in the school year, per 100 learners enrolled that school year (Go International); recent graduates are left out (the enrolment excludes them)",
    unknowns = "a recent-graduate flag not recorded counts as enrolled; an unknown duration meets no threshold; no learners_enrolled fact: denominator missing",
    numerator = "VET learners of 15+ days", denominator = "learners enrolled", denominator_fact = "learners_enrolled" },
  { id = "fewer_opps_share", period = "calendar", unit = "%", counts = "persons",
    name = "Share of mobile learners with fewer opportunities",
    definition = "distinct outgoing learners flagged fewer opportunities, per 100 distinct outgoing learners whose flag is recorded (target 20%)",
    unknowns = "over learners whose flag is recorded; coverage = recorded / all outgoing learners; none recorded: not recorded; coverage under 80%: flagged",
    numerator = "learners with fewer opportunities", denominator = "learners with the flag recorded", special = true },
  { id = "female_share", period = "calendar", unit = "%", counts = "persons",
    name = "Share of mobile learners who are female",
    definition = "distinct outgoing learners with gender female, per 100 distinct outgoing learners whose gender is recorded (female, male, undefined or other); undefined or other reported apart",
    unknowns = "over learners whose gender is recorded; coverage = recorded / all outgoing learners; none recorded: not recorded; coverage under 80%: flagged",
    numerator = "female learners", denominator = "learners with gender recorded",
    -- Gender balance: on track means moving toward the target band.
    direction = "band" },
  { id = "long_term_share", period = "calendar", unit = "%", counts = "mobilities",
    name = "Share of long-term (ErasmusPro) learner mobilities",
    definition = "outgoing learner mobilities in the long (ErasmusPro) band, per 100 outgoing learner mobilities",
    unknowns = "a learner mobility without a band (unknown duration) is in the denominator, not the numerator",
    numerator = "long-term learner mobilities", denominator = "learner mobilities" },
  { id = "staff_exchanges_5d", period = "calendar", unit = "exchanges", counts = "mobilities",
    name = "Staff exchanges of five days or more",
    definition = "outgoing staff mobility periods of 5 days or more, accompanying persons and group leaders excluded",
    unknowns = "an unknown duration is not 5 days or more",
    numerator = "staff mobilities of 5+ days" },
  { id = "staff_exchange_rate_fte", period = "calendar", unit = "per 100 FTE", counts = "mobilities",
    name = "Staff exchanges per 100 full-time staff",
    definition = "staff_exchanges_5d per 100 full-time equivalent staff; may exceed 100",
    unknowns = "no staff_fte fact: denominator missing",
    numerator = "staff mobilities of 5+ days", denominator = "staff FTE", denominator_fact = "staff_fte" },
  { id = "external_funding_share", period = "calendar", unit = "%", counts = "facts",
    name = "External project funding as a share of the budget",
    definition = "external international project funding (EUR) per 100 EUR of the total institutional budget",
    unknowns = "no budget fact: denominator missing",
    numerator = "external funding", denominator = "budget" },
  { id = "skills_competition_rate", period = "calendar", unit = "%", counts = "facts",
    name = "Graduates trained for international skills competitions",
    definition = "graduates trained for international skills competitions, per 100 graduates",
    unknowns = "no graduates fact: denominator missing",
    numerator = "competition learners", denominator = "graduates" },
  { id = "iah_programmes", period = "calendar", unit = "programmes", counts = "facts",
    name = "Programmes with internationalisation at home",
    definition = "programmes with at least one documented internationalisation-at-home element; the share of all programmes beside it",
    unknowns = "no iah_programmes fact: not recorded",
    numerator = "programmes with IaH", denominator = "programmes" },
  { id = "recognition_rate", period = "calendar", unit = "%", counts = "mobilities",
    name = "Learner mobilities with recognised learning outcomes",
    definition = "completed outgoing learner mobilities (ended before the as-of month) whose learning outcomes were recognised (Europass Mobility, ECVET), per 100 completed outgoing learner mobilities",
    unknowns = "a mobility without recorded recognition is not recognised; coverage = recognition recorded / completed, flagged under 80%",
    numerator = "recognised mobilities", denominator = "completed learner mobilities" },
  { id = "incoming_outgoing_ratio", period = "calendar", periods = { "calendar", "school" }, unit = "ratio",
    counts = "mobilities",
    name = "Incoming per outgoing learner mobility",
    definition = "learner mobilities received per learner mobility sent, by calendar year or by school year (the strategy may choose one)",
    unknowns = "an unknown direction counts as sent by the sender and received by the receiver",
    numerator = "incoming learner mobilities", denominator = "outgoing learner mobilities" },
  { id = "destination_diversity", period = "calendar", unit = "countries", counts = "mobilities",
    name = "Destination countries",
    definition = "distinct receiving countries (EU codes) of outgoing learner mobilities; concentration = sum of squared country shares of those mobilities beside it",
    unknowns = "a mobility whose receiving country is unknown is left out of both",
    numerator = "destination countries" },
  { id = "partner_activity_rate", period = "calendar", unit = "%", counts = "partners",
    name = "Partners with mobility",
    definition = "partners with an agreement in effect in the year that sent or received a mobility of the institution, per 100 partners with an agreement in effect (at most 100); partners without an agreement that did are reported apart (active without agreement)",
    unknowns = "no partner on record: denominator missing",
    numerator = "active partners with an agreement", denominator = "partners with an agreement" },
  { id = "member_participation_rate", period = "school", unit = "%", counts = "persons",
    name = "Consortium members that sent learners",
    definition = "members of the consortium's member list that sent at least one learner, per 100 members (members that sent nobody counted); learners per active member beside it",
    unknowns = "no member list given (--members FILE): denominator missing",
    numerator = "active members", denominator = "members", denominator_fact = "member list" },
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
