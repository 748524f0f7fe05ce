-- vista.report's period axis: the periods between two shown are kept, so
-- that an axis reads as equal steps of time.
local t = require "vista.test"
local report = require "vista.report"

t.run {
  { "calendar years: the missing ones are filled in", function()
    t.eq(report.fill_periods { "2023", "2024", "2025", "2026", "2028" }, { "2023", "2024", "2025", "2026", "2027", "2028" })
    t.eq(report.fill_periods { "2024" }, { "2024" })
    t.eq(report.fill_periods {}, {})
  end },
  { "school years: the missing ones are filled in, across a century", function()
    t.eq(report.fill_periods { "2023-24", "2026-27" }, { "2023-24", "2024-25", "2025-26", "2026-27" })
    t.eq(report.fill_periods { "2098-99", "2100-01" }, { "2098-99", "2099-00", "2100-01" })
  end },
  { "periods of another form are kept as they are", function()
    t.eq(report.fill_periods { "2024", "2024-Q1" }, { "2024", "2024-Q1" })
  end },
}
