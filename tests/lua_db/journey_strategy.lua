-- A strategy with no milestone of its own: stored, it is the strategy milestone.
strategy { institution = { code = "B  TEST01", name = "Test School", country = "BE" }, title = "Test School goes abroad",
           period = { from = "2024-09", to = "2027-08" }, mission = "m", vision = "v" }
goal "abroad" { text = "Learners go abroad", why = mission, indicators = { "gi_student_exchange_rate" } }
