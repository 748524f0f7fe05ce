strategy { institution = "B  ANTWERP77", title = "t", period = { from = "2024-09", to = "202=8-08" },
           mission = "m", vision = "v" }
goal "g1" { text = "grow", why = mission }
target "partner_activity_rate" { [2025] = 70 }
action { goal = "g1", what = "do", start = "2030-01" }
