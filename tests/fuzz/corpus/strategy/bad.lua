strategy { institution = { code = "E99", name = "Bad School", country = "BE" },
           period = { from = "2024-09", to = "2026-08" }, mission = "m", vision = "v" }
goal "a" { text = "A", why = goal "b", indicators = { "female_share" } }
goal "b" { text = "B", why = goal "a", indicators = { "female_share" } }
goal "c" { text = "C", why = goal "gone", indicators = { "female_share" } }
target "no_such_indicator" { [2025] = 5 }
action { goal = "a", what = "late", due = "2027-01" }
