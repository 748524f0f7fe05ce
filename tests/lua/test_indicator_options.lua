-- The options of vista.indicator's figures (core/indicator.c): the period
-- kind, the institution by id or by code, and the errors for the rest.
local t = require "vista.test"
local ind = vista.indicator

t.run {
  { "no options: calendar years of every institution", function()
    t.eq(#ind.base(), 0)
    t.eq(#ind.base({}), 0)
    t.eq(#ind.incoming({ period = "calendar" }), 0)
    t.eq(#ind.destinations({ period = "school" }), 0)
    t.eq(#ind.active_partners({ period = "school", institution = 7 }), 0)
    t.eq(#ind.active_partners({ institution = 7 }), 0)
    t.eq(#ind.learner_destinations({ institution = 7 }), 0)
    t.eq(#ind.records({ institution = 7, as_of = 202412 }), 0)
    t.eq(#ind.member_activity({ members = {}, from = 202309, to = 202408 }), 0)
  end },
  { "a period kind other than calendar or school is refused", function()
    t.raises(function() ind.base({ period = "month" }) end,
             "period must be 'calendar' or 'school'")
    t.raises(function() ind.base({ period = {} }) end,
             "period must be 'calendar' or 'school'")
    t.raises(function() ind.base("2024") end, "table expected")
  end },
  { "an institution is an id or a known Erasmus code", function()
    t.raises(function() ind.base({ institution = "B  NOWHERE9" }) end,
             "no institution with Erasmus code 'B  NOWHERE9'")
    t.raises(function() ind.base({ institution = true }) end,
             "institution must be an id or an Erasmus code")
    t.eq(#ind.base({ institution = 12 }), 0)
  end },
  { "the built-ins' own figures need the institution; members are ids", function()
    t.raises(function() ind.records({ as_of = 202412 }) end, "give the institution")
    t.raises(function() ind.records({ institution = 7 }) end, "as_of must be a month")
    t.raises(function() ind.active_partners({}) end, "give the institution")
    t.raises(function() ind.learner_destinations() end, "give the institution")
    t.raises(function() ind.member_activity({ members = { "x" }, from = 1, to = 2 }) end,
             "members are institution ids")
    t.raises(function() ind.member_activity({ from = 1, to = 2 }) end, "table expected")
  end },
  { "compute: an institution that does not exist is refused", function()
    t.raises(function() vista.indicator.compute { institution = "B  NOWHERE9" } end,
             "no institution with Erasmus code 'B  NOWHERE9'")
    t.raises(function() vista.indicator.compute { institution = {} } end, "no institution")
  end },
  { "facts: of everyone, of an id, of a code", function()
    t.eq(#ind.facts(), 0)
    t.eq(#ind.facts(3), 0)
    t.eq(#ind.facts("B  NOWHERE9"), 0)
  end },
}
