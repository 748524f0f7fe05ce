-- vista.benchmark's C side (core/benchmark.c): its options, the errors for
-- wrong ones, and vista.benchmark.suppress, the small-cell rules offered
-- to scripts, on rows whose answers are known.
local t = require "vista.test"
local b = vista.benchmark

local cols = {
  { name = "learners", kind = "count" },
  { name = "female", kind = "share", base = "learners" },
  { name = "age_n", kind = "count" },
  { name = "age_sum", kind = "mean", base = "age_n" },
  { name = "countries", kind = "none" },
}

local function hidden(row)
  local h = {}
  for _, c in ipairs(row.suppressed or {}) do h[#h + 1] = c end
  table.sort(h)
  return table.concat(h, ",")
end

t.run {
  { "figures: the options it takes", function()
    t.eq(#b.figures {}, 0)
    t.eq(#b.figures { period = "school", periods = { "2023-24" }, k = 3 }, 0)
    t.eq(#b.figures { period = "school", periods = { "2023-24" }, k = 5, publish = true }, 0)
    t.eq(#b.figures { period = "calendar", periods = { 2023, "2024" }, groups = { "country" } }, 0)
  end },
  { "figures: wrong options are refused", function()
    t.raises(function() b.figures { period = "week" } end, "period must be 'calendar' or 'school'")
    t.raises(function() b.figures { k = 1 } end, "k must be between 2 and 100")
    t.raises(function() b.figures { k = 10, publish = true } end, "k is fixed at 5 in published")
    t.raises(function() b.figures { publish = true, groups = {} } end, "peer groups only")
    t.raises(function() b.figures { k = 101 } end, "k must be between 2 and 100")
    t.raises(function() b.figures { periods = { "1899" } } end, "'1899' is not a period")
    t.raises(function() b.figures { periods = { "2201" } } end, "'2201' is not a period")
    t.raises(function() b.figures { periods = { {} } } end, "is not a period")
    t.raises(function() b.figures() end, "table expected")
  end },
  { "suppress: counts under k, shares and means over small bases", function()
    local rows = b.suppress(cols, {
      { learners = 4, female = 2, age_n = 4, age_sum = 70, countries = 2 },
      { learners = 22, female = 11, age_n = 7, age_sum = 126, countries = 3 },
      { learners = 40, female = 37, age_n = 8, age_sum = 144, countries = 5 },
      { learners = 40, female = 20, age_n = 40, age_sum = 720, countries = 5 },
    })
    t.eq(hidden(rows[1]), "age_n,age_sum,female,learners")
    t.eq(rows[1].countries, 2)
    t.eq(rows[1].learners, nil)
    t.eq(hidden(rows[2]), "age_sum,female")
    t.eq(hidden(rows[3]), "female")
    t.eq(hidden(rows[4]), "")
    t.eq(rows[4].female, 20)
  end },
  { "suppress: k, protect, and a total beside the rows", function()
    local rows = b.suppress(cols, { { learners = 4, female = 0, age_n = 0, age_sum = 0 } }, { k = 3 })
    t.eq(hidden(rows[1]), "age_sum,female") -- 4 shown at k = 3
    rows = b.suppress(cols, { { learners = 4, female = 0, age_n = 0, age_sum = 0 } }, { protect = false })
    t.eq(hidden(rows[1]), "")
    rows = b.suppress(cols, {
      { learners = 3, female = 0, age_n = 0, age_sum = 0 },
      { learners = 40, female = 20, age_n = 0, age_sum = 0 },
      { learners = 43, female = 20, age_n = 0, age_sum = 0 },
    }, { total = true })
    t.ok(hidden(rows[3]):find("learners"), "the total gives the 3 away")
  end },
  { "suppress: wrong columns are refused", function()
    t.raises(function() b.suppress({ { name = "x", kind = "median" } }, {}) end,
             "kind must be count, share, mean or none, not 'median'")
    t.raises(function() b.suppress({}, {}) end, "1 to 32 columns")
    t.raises(function() b.suppress(cols, {}, { k = 1 }) end, "k must be between 2 and 100")
  end },
}
