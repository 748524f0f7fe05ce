-- The internationalisation strategy of Scheldeland VET College, a fictional
-- vocational school in Antwerp. A Lua data file: vista import strategy checks
-- it and stores it; vista run why | scan | indicators | pdca | plan read it.

strategy {
  institution = { code = "B  ANTWERP77", name = "Scheldeland VET College",
                  country = "BE", city = "Antwerpen" },
  title = "Going international 2024-2028",
  period = { from = "2024-09", to = "2028-08" },
  mission = "We train young people and adults for skilled work in the port, "
         .. "industry, care and hospitality of the Antwerp region.",
  vision = "In 2028 every learner of ours can learn abroad, and our graduates "
        .. "are known for working with people from anywhere.",
  values = { "Every learner counts", "Learning by doing", "Open to the world",
             "Quality we can show" },
  core_skills = { "Work-based learning with 400 partner companies",
                  "Technical programmes with their own workshops",
                  "Language teaching in Dutch, French, English and German",
                  "Experience with learners who need extra support" },
}

-- The operating environment: what helps and what hinders.
factor "port_labour_market" {
  level = "regional", category = "economic",
  text = "Port and logistics employers report a shortage of technicians who can work in international teams",
  source = "Voka Antwerp-Waasland labour market survey 2024",
  trend = "rising", impact = 3, likelihood = 0.9,
}
factor "accreditation" {
  level = "european", category = "political",
  text = "The Erasmus accreditation in VET funds mobility every year without competing project by project",
  source = "Erasmus+ Programme Guide 2025", trend = "stable", impact = 3, likelihood = 0.95,
}
factor "eu_targets" {
  level = "european", category = "political",
  text = "The EU aims at 12% of VET learners learning abroad by 2030, 20% of them with fewer opportunities",
  source = "Council Recommendation Europe on the Move, 2024", trend = "rising", impact = 2, likelihood = 0.8,
}
factor "flemish_dual_learning" {
  level = "national", category = "legal",
  text = "Dual learning rules make a stay abroad count only if the workplace abroad is approved",
  source = "Decree on dual learning (Flanders)", trend = "stable", impact = -1, likelihood = 0.7,
}
factor "learner_costs" {
  level = "institutional", category = "economic",
  text = "A quarter of our learners cannot pay for travel documents or a suitcase up front",
  trend = "rising", impact = -2, likelihood = 0.8,
}
factor "staff_languages" {
  level = "institutional", category = "social",
  text = "Few workshop teachers are confident in English",
  source = "Staff survey 2024", trend = "falling", impact = -2, likelihood = 0.6,
}
factor "green_travel" {
  level = "global", category = "environmental",
  text = "Pressure to travel green makes far destinations costlier",
  trend = "rising", impact = -1, likelihood = 0.7,
}
factor "digital_tools" {
  level = "sectoral", category = "technological",
  text = "Employers move to digital maintenance tools used across Europe",
  source = "Sector fund METAL report 2023", trend = "rising", impact = 1, likelihood = 0.6,
}

-- The goals, each with its answer to "why?".
goal "workforce" {
  text = "Our graduates bring the international skills the region's businesses need",
  why = factor "port_labour_market",
  indicators = { "gi_student_exchange_rate", "eu_ivet_mobility_rate" },
  needs = { leads = { "competitions" } },
}
goal "internationalise" {
  -- The guide's own example: "internationalise our institution" - why? -
  -- "the businesses in our area need a workforce with international skills".
  text = "Internationalise our institution",
  why = goal "workforce",
  indicators = { "long_term_share", "partner_activity_rate" },
  -- The partners' languages, and someone to write the next applications.
  needs = { languages = { "en", "de", "es", "fi", "el" }, leads = { "project_writing" } },
}
goal "inclusion" {
  text = "Every learner can go abroad, whatever their background",
  why = vision,
  indicators = { "fewer_opps_share" },
}
goal "staff" {
  text = "Teachers learn from colleagues abroad and bring it into their teaching",
  why = goal "internationalise",
  indicators = { "staff_exchange_rate_fte", "staff_exchanges_5d" },
}
goal "recognition" {
  text = "What learners learn abroad counts towards their qualification",
  why = "Learners and employers only value a stay abroad that shows on the diploma",
  indicators = { "recognition_rate" },
}
goal "at_home" {
  text = "Learners who stay home meet the world in their programme",
  why = mission,
  indicators = { "iah_programmes", "hosted_per_100_learners" },
  needs = { leads = { "hosting" } },
}

-- Indicators: targets for built-in ones, and two of our own.
indicator "gi_student_exchange_rate" {
  baseline = { ["2023-24"] = 4.5 },
  targets = { ["2024-25"] = 6, ["2025-26"] = 7, ["2026-27"] = 8, ["2027-28"] = 9 },
}
indicator "fewer_opps_share" {
  baseline = { [2023] = 28.3 },
  targets = { [2025] = 22, [2026] = 22, [2027] = 22, [2028] = 22 },
}
indicator "long_term_share" {
  targets = { [2025] = 2, [2026] = 3, [2027] = 4 },
}
indicator "staff_exchange_rate_fte" {
  targets = { [2025] = 8, [2026] = 10, [2027] = 12 },
}
indicator "recognition_rate" {
  targets = { [2025] = 90, [2026] = 95 },
}
indicator "eu_ivet_mobility_rate" {
  targets = { [2025] = 35, [2028] = 40 },
}
target "partner_activity_rate" { [2025] = 70, [2026] = 80 }

-- Our own: incoming learners we host per 100 enrolled learners, as a Lua
-- function of the figures vista computes (ten lines).
indicator "hosted_per_100_learners" {
  name = "Incoming learners hosted per 100 learners enrolled",
  unit = "per 100 learners", period = "school", direction = "higher",
  definition = "incoming learner mobilities starting in the school year per 100 learners enrolled",
  compute = function(f)
    local enrolled = f.fact("learners_enrolled")
    if not enrolled then return "denominator missing (learners enrolled for " .. f.period .. ")" end
    return f.incoming_learners / enrolled * 100, f.incoming_learners, enrolled
  end,
  targets = { ["2025-26"] = 1.5, ["2026-27"] = 2 },
}
-- ... and one measured by hand each year.
indicator "employer_satisfaction" {
  name = "Employers satisfied with graduates' international skills",
  unit = "%", definition = "share of surveyed placement employers answering 4 or 5 of 5",
  measured = { [2024] = 61, [2025] = 66 },
  targets = { [2026] = 70, [2028] = 80 },
}

-- The action plan.
action { goal = "workforce", what = "Ask ten port employers which international skills they miss",
         owner = "Liesbeth (work placement office)", start = "2024-10", due = "2025-01",
         budget = 0, person_days = 6, status = "done", indicator = "employer_satisfaction" }
action { goal = "internationalise", what = "Renew the Erasmus accreditation plan for 2026-2028",
         owner = "Koen (international coordinator)", start = "2025-09", due = "2026-02",
         budget = 0, person_days = 15, status = "started", indicator = "gi_student_exchange_rate" }
action { goal = "internationalise", what = "Sign a partnership with a port school in Greece",
         owner = "Koen (international coordinator)", start = "2024-09", due = "2025-03",
         budget = 2400, person_days = 5, status = "done", indicator = "partner_activity_rate" }
action { goal = "inclusion", what = "Pay travel documents and luggage up front for learners with fewer opportunities",
         owner = "Nadia (pupil support)", start = "2024-09", due = "2028-08",
         budget = 6000, person_days = 4, status = "started", indicator = "fewer_opps_share" }
action { goal = "inclusion", what = "Short first mobilities (two weeks, in a group) for first-year learners",
         start = "2025-02", due = "2025-06", budget = 18000, person_days = 20,
         status = "planned", indicator = "fewer_opps_share" }
action { goal = "staff", what = "English for workshop teachers: a course of 30 hours",
         owner = "Marc (HR)", start = "2025-01", due = "2025-06", budget = 4500,
         person_days = 12, status = "started", indicator = "staff_exchanges_5d" }
action { goal = "staff", what = "Job shadowing at partner schools for six teachers a year",
         owner = "Koen (international coordinator)", start = "2024-09", due = "2028-06",
         budget = 21000, person_days = 36, status = "started", indicator = "staff_exchange_rate_fte" }
action { goal = "recognition", what = "Europass Mobility for every learner, signed before departure",
         owner = "Sara (examinations)", start = "2024-09", due = "2025-08",
         budget = 0, person_days = 8, status = "done", indicator = "recognition_rate" }
action { goal = "at_home", what = "An international week with incoming learners in every department",
         owner = "Sara (examinations)", start = "2025-03", due = "2027-05",
         budget = 3000, person_days = 10, status = "planned", indicator = "iah_programmes" }
action { goal = "at_home", what = "Host learners from partner schools in the hospitality workshop",
         owner = "Liesbeth (work placement office)", start = "2024-09", due = "2028-06",
         budget = 1500, person_days = 10, status = "started", indicator = "hosted_per_100_learners" }

-- Milestones of the strategy period (older ones are in timeline.csv).
milestone { kind = "accreditation", title = "Erasmus accreditation in VET",
            from = "2021-03", to = "2027-12", reference = "2021-1-BE02-KA120-VET-000045678",
            role = "holder" }
milestone { kind = "strategy", title = "Going international 2024-2028 adopted by the board",
            from = "2024-06" }
milestone { kind = "network", title = "Port schools network of the North Sea",
            from = "2025-10", role = "founding member",
            partners = "ROC Rotterdam; Berufsbildungszentrum Bremen-Nord" }
