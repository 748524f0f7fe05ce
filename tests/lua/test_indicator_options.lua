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
    t.eq(#ind.partner_activity({ period = "school", institution = 7 }), 0)
    t.eq(#ind.partner_activity({ institution = 7 }), 0)
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
