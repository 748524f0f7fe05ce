strategy { institution = "B  ANTWERP77", title = "t", period = { from = "2024-09", to = "2027-08" },
           mission = "m", vision = "v", values = { "a" }, core_skills = { "b" } }
factor "f1" { level = "european", category = "economic", text = "x", trend = "rising", impact = 3, likelihood = 2 }
goal "g1" { text = "grow", why = factor "f1", indicators = { "learners" } }
goal "g2" { text = "more", why = goal "g1" }
indicator "own" { name = "own", unit = "%", direction = "higher", period_type = "school", targets = { ["2025-26"] = 6 } }
target "learners" { [2025] = 10 }
action { goal = "g1", what = "do", owner = "me", start = "2024-10", due = "2025-06", status = "planned", budget = 100 }
facts "2024-25" { learners_enrolled = 1180, staff_fte = 96.5 }
milestone { kind = "project", title = "p", from = "2021-03", to = "2022-03", role = "coordinator" }
